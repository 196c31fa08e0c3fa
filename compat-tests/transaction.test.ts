// Transactional messages: commit, rollback, and the broker's check-back deciding commit or rollback.
// broker.conf: transactionCheckInterval=3000, transactionTimeOut=3000.
import { check, expectIndices, Received } from './lib/checks';
import { compatSuite, Ctx } from './lib/suite';

/** After a rolled-back transaction, a plain marker message must be the only thing a new group sees. */
async function expectOnlyMarker(ctx: Ctx, topic: string): Promise<void> {
  await ctx.ok(['produce'], { topic, count: 1, 'run-id': 'marker' });
  const cr = ctx.report('consume');
  const r = await ctx.ok(['consume'], { topic, group: ctx.name('g'), count: 1, from: 'first', 'linger-ms': 2000, 'timeout-ms': 30000, report: cr });
  const got = ctx.read<Received>(cr);
  check(r.received === 1 && got.every((m) => m.runId === 'marker'), `rolled-back messages were delivered: ${got.map((m) => m.runId).join(',')}`);
}

compatSuite(__filename, [
  {
    id: 'tx-commit',
    run: async (ctx) => {
      const topic = ctx.name('txc');
      const p = await ctx.ok(['tx-produce'], { topic, count: 5, outcome: 'commit' });
      const cr = ctx.report('consume');
      await ctx.ok(['consume'], { topic, group: ctx.name('g'), count: 5, from: 'first', 'timeout-ms': 30000, report: cr });
      expectIndices(ctx.read<Received>(cr), String(p.runId), 5);
    },
  },
  {
    id: 'tx-rollback',
    run: async (ctx) => {
      const topic = ctx.name('txr');
      await ctx.ok(['tx-produce'], { topic, count: 5, outcome: 'rollback' });
      await expectOnlyMarker(ctx, topic);
    },
  },
  {
    id: 'tx-check-commit',
    run: async (ctx) => {
      const topic = ctx.name('txcc');
      const p = await ctx.ok(['tx-produce'], { topic, count: 3, outcome: 'check-commit' });
      const cr = ctx.report('consume');
      await ctx.ok(['consume'], { topic, group: ctx.name('g'), count: 3, from: 'first', 'timeout-ms': 30000, report: cr });
      expectIndices(ctx.read<Received>(cr), String(p.runId), 3);
    },
  },
  {
    id: 'tx-check-rollback',
    run: async (ctx) => {
      const topic = ctx.name('txcr');
      await ctx.ok(['tx-produce'], { topic, count: 3, outcome: 'check-rollback' });
      await expectOnlyMarker(ctx, topic);
    },
  },
]);
