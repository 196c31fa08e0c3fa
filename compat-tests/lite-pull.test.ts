// DefaultLitePullConsumer (and the Go equivalent): subscribe (rebalanced) and assign (all queues).
import { expectIndices, Received } from './lib/checks';
import { compatSuite, Ctx, Opts, referenceLimit, Unsupported } from './lib/suite';

/** A lite-pull run; on a known client × reference pairing that cannot work, a short try reported n/a. */
async function litePull(ctx: Ctx, opts: Opts): Promise<void> {
  const limit = referenceLimit(ctx, 'lite-pull');
  await ctx.ok(['lite-pull'], { ...opts, 'timeout-ms': limit ? 10000 : 30000 }).catch((e: Error) => {
    throw limit ? new Unsupported(`${limit}: ${e.message.slice(0, 200)}`) : e;
  });
}

compatSuite(__filename, [
  {
    id: 'lite-pull-subscribe',
    run: async (ctx) => {
      const topic = ctx.name('lps');
      const p = await ctx.ok(['produce'], { topic, count: 20 });
      const cr = ctx.report('pull');
      await litePull(ctx, { topic, group: ctx.name('g'), count: 20, from: 'first', report: cr });
      expectIndices(ctx.read<Received>(cr), String(p.runId), 20);
    },
  },
  {
    id: 'lite-pull-assign',
    run: async (ctx) => {
      const topic = ctx.name('lpa');
      const p = await ctx.ok(['produce'], { topic, count: 20 });
      const cr = ctx.report('pull');
      await litePull(ctx, { topic, group: ctx.name('g'), count: 20, assign: true, from: 'first', report: cr });
      expectIndices(ctx.read<Received>(cr), String(p.runId), 20);
    },
  },
]);
