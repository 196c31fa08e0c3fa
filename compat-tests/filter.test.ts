// Tag filter (`TagA || TagB`) and SQL92 property filter.
import { check } from './lib/checks';
import type { Received } from './lib/checks';
import { compatSuite } from './lib/suite';

compatSuite(__filename, [
  {
    id: 'tag-filter',
    run: async (ctx) => {
      const topic = ctx.name('tags');
      for (const tag of ['TagA', 'TagB', 'TagC']) {
        await ctx.ok(['produce'], { topic, count: 5, tag, 'run-id': `r${tag}` });
      }
      const cr = ctx.report('consume');
      const r = await ctx.ok(['consume'], { topic, group: ctx.name('g'), count: 10, from: 'first', 'tag-expr': 'TagA || TagB', 'linger-ms': 2000, 'timeout-ms': 30000, report: cr });
      const got = ctx.read<Received>(cr);
      check(r.received === 10 && got.length === 10, `received ${String(r.received)} (report ${got.length}), expected exactly 10`);
      check(got.every((m) => m.tags === 'TagA' || m.tags === 'TagB'), `a message outside the filter arrived: ${got.map((m) => m.tags).join(',')}`);
    },
  },
  {
    id: 'sql92-filter',
    run: async (ctx) => {
      const topic = ctx.name('sql');
      await ctx.ok(['produce'], { topic, count: 5, props: 'a=1,kind=sql', 'run-id': 'low' });
      await ctx.ok(['produce'], { topic, count: 5, props: 'a=9,kind=sql', 'run-id': 'high' });
      const cr = ctx.report('consume');
      const r = await ctx.ok(['consume'], { topic, group: ctx.name('g'), count: 5, from: 'first', sql: 'a >= 5 AND kind = \'sql\'', 'linger-ms': 2000, 'timeout-ms': 30000, report: cr });
      const got = ctx.read<Received>(cr);
      check(r.received === 5, `received ${String(r.received)}, expected exactly 5`);
      check(got.every((m) => m.props?.a === '9' && m.runId === 'high'), `a message outside 'a >= 5' arrived: ${got.map((m) => m.props?.a).join(',')}`);
    },
  },
]);
