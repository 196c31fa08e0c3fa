// RECONSUME_LATER retries, then the DLQ after max reconsume times; delay levels.
// broker.conf sets messageDelayLevel so that level 2 = 3 s and retries (levels 3+) wait 1 s.
import { check, expectIndices, Received } from './lib/checks';
import { compatSuite } from './lib/suite';

compatSuite(__filename, [
  {
    id: 'retry-reconsume-later',
    run: async (ctx) => {
      const topic = ctx.name('retry');
      const p = await ctx.ok(['produce'], { topic, count: 5 });
      const cr = ctx.report('consume');
      const r = await ctx.ok(['consume'], { topic, group: ctx.name('g'), count: 5, from: 'first', 'reconsume-later': 2, 'timeout-ms': 60000, report: cr });
      const got = ctx.read<Received>(cr);
      expectIndices(got, String(p.runId), 5);
      // drivers report acknowledged deliveries (Java) or every delivery (Go): either way each message's
      // last delivery is its third (reconsumeTimes 2) and none went further
      for (let i = 0; i < 5; i++) {
        const times = got.filter((m) => m.runId === p.runId && m.i === i).map((m) => m.reconsumeTimes ?? -1);
        check(Math.max(...times) === 2, `i=${i}: reconsumeTimes seen ${times.join(',')}, expected the last to be 2`);
      }
      if (typeof r.deliveries === 'number') check(r.deliveries >= 15, `deliveries ${r.deliveries} < 15`);
    },
  },
  {
    id: 'retry-then-dlq',
    run: async (ctx) => {
      const topic = ctx.name('dlq');
      const group = ctx.name('g');
      const p = await ctx.ok(['produce'], { topic, count: 3 });
      // never acknowledges; after 1 retry (max-reconsume-times 1) the broker moves each message to %DLQ%<group>
      const failing = await ctx.start(['consume'], { topic, group, count: 3, from: 'first', 'reconsume-later': 1000, 'max-reconsume-times': 1, 'timeout-ms': 90000 });
      await failing.ready(60000);
      // read the DLQ with the set-up (Java) client: its consumer waits for the DLQ topic's route to appear
      const cr = ctx.report('dlq');
      await ctx.ok(['consume'], { topic: `%DLQ%${group}`, group: ctx.name('dlqg'), count: 3, from: 'first', 'timeout-ms': 75000, report: cr }, ctx.setupClient);
      await failing.stop();
      expectIndices(ctx.read<Received>(cr), String(p.runId), 3, 'DLQ');
    },
  },
  {
    id: 'delay-level',
    run: async (ctx) => {
      const topic = ctx.name('delay');
      const p = await ctx.ok(['produce'], { topic, count: 3, 'delay-level': 2 });
      const cr = ctx.report('consume');
      await ctx.ok(['consume'], { topic, group: ctx.name('g'), count: 3, from: 'first', 'timeout-ms': 30000, report: cr });
      const got = ctx.read<Received>(cr);
      expectIndices(got, String(p.runId), 3);
      for (const m of got) {
        // the broker stores the message again when its delay is up: store time - born time >= the delay
        const waited = (m.storeTimestamp ?? 0) - (m.bornTimestamp ?? 0);
        check(waited >= 2500, `i=${m.i} stored ${waited} ms after it was born; delay level 2 is 3 s`);
      }
    },
  },
]);
