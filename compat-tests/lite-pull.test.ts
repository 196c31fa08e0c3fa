// DefaultLitePullConsumer (and the Go equivalent): subscribe (rebalanced) and assign (all queues).
import { expectIndices, Received } from './lib/checks';
import { compatSuite } from './lib/suite';

compatSuite(__filename, [
  {
    id: 'lite-pull-subscribe',
    run: async (ctx) => {
      const topic = ctx.name('lps');
      const p = await ctx.ok(['produce'], { topic, count: 20 });
      const cr = ctx.report('pull');
      await ctx.ok(['lite-pull'], { topic, group: ctx.name('g'), count: 20, from: 'first', 'timeout-ms': 30000, report: cr });
      expectIndices(ctx.read<Received>(cr), String(p.runId), 20);
    },
  },
  {
    id: 'lite-pull-assign',
    run: async (ctx) => {
      const topic = ctx.name('lpa');
      const p = await ctx.ok(['produce'], { topic, count: 20 });
      const cr = ctx.report('pull');
      await ctx.ok(['lite-pull'], { topic, group: ctx.name('g'), count: 20, assign: true, from: 'first', 'timeout-ms': 30000, report: cr });
      expectIndices(ctx.read<Received>(cr), String(p.runId), 20);
    },
  },
]);
