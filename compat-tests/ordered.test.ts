// Ordered send (queue = orderKey % queues, orderKey = i % 8) consumed by an orderly listener:
// per order key, messages arrive in send order and from one queue.
import { check, expectIndices, Received } from './lib/checks';
import { compatSuite } from './lib/suite';

compatSuite(__filename, [
  {
    id: 'ordered-orderly',
    run: async (ctx) => {
      const topic = ctx.name('ord');
      const p = await ctx.ok(['produce'], { topic, count: 64, mode: 'ordered' });
      const cr = ctx.report('consume');
      await ctx.ok(['consume'], { topic, group: ctx.name('g'), count: 64, from: 'first', orderly: true, 'timeout-ms': 30000, report: cr });
      const got = ctx.read<Received>(cr).filter((m) => m.runId === p.runId);
      expectIndices(got, String(p.runId), 64);
      for (let key = 0; key < 8; key++) {
        const seq = got.filter((m) => m.i % 8 === key);
        const order = seq.map((m) => m.i);
        check(order.every((v, k) => k === 0 || v > order[k - 1]), `order key ${key} arrived out of order: ${order.join(',')}`);
        check(new Set(seq.map((m) => m.queueId)).size === 1, `order key ${key} spread over queues ${[...new Set(seq.map((m) => m.queueId))].join(',')}`);
      }
    },
  },
]);
