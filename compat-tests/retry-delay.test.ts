// RECONSUME_LATER retries, then the DLQ after max reconsume times; delay levels.
// broker.conf sets messageDelayLevel `1s 3s 1s 3s 1s …`: delay level 2 = 3 s; a retry after the
// n-th failed delivery uses level 2 + n, so the first retry waits 1 s (level 3), the second 3 s (level 4).
import { check, expectIndices, Received } from './lib/checks';
import { compatSuite } from './lib/suite';

compatSuite(__filename, [
  {
    id: 'retry-reconsume-later',
    run: async (ctx) => {
      const topic = ctx.name('retry');
      const group = ctx.name('g');
      // An existing group: a first consumer registers it (the broker creates %RETRY%<group> and
      // registers the route) and exits. A brand-new group's first consumer only learns the %RETRY%
      // route at its next periodic rebalance (20 s; Java and Go clients alike, on the reference too),
      // which would hide the retry delays measured below.
      await ctx.ok(['produce'], { topic, count: 1, 'run-id': 'warm' });
      await ctx.ok(['consume'], { topic, group, count: 1, from: 'first', 'timeout-ms': 60000 });
      const p = await ctx.ok(['produce'], { topic, count: 5 });
      const cr = ctx.report('consume');
      const r = await ctx.ok(['consume'], { topic, group, count: 5, from: 'first', 'reconsume-later': 2, 'report-deliveries': true, 'timeout-ms': 60000, report: cr });
      const got = ctx.read<Received>(cr);
      expectIndices(got, String(p.runId), 5);
      // every delivery is reported: reconsumeTimes 0, 1, 2, the retries arriving no earlier than their
      // delay (1 s, then 3 s: growing) after the delivery that was sent back
      for (let i = 0; i < 5; i++) {
        const mine = got.filter((m) => m.runId === p.runId && m.i === i);
        const times = mine.map((m) => m.reconsumeTimes ?? -1);
        check(Math.max(...times) === 2, `i=${i}: reconsumeTimes seen ${times.join(',')}, expected the last to be 2`);
        const at = [0, 1, 2].map((n) => mine.find((m) => m.reconsumeTimes === n)?.receivedAt);
        check(at.every((t) => typeof t === 'number'), `i=${i}: deliveries with reconsumeTimes 0/1/2 not all reported (${times.join(',')})`);
        const [t0, t1, t2] = at as number[];
        const gap1 = t1 - t0;
        const gap2 = t2 - t1;
        check(gap1 >= 1000, `i=${i}: first retry arrived ${gap1} ms after the first delivery; its delay level (3) is 1 s`);
        check(gap2 >= 3000, `i=${i}: second retry arrived ${gap2} ms after the first retry; its delay level (4) is 3 s`);
        check(gap2 > gap1, `i=${i}: retry delays did not grow (${gap1} ms, then ${gap2} ms)`);
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
      await ctx.ok(['produce'], { topic, count: 1, 'run-id': 'warm' }); // creates the topic
      // the consumer is subscribed before the delayed messages are sent, so their arrival time counts
      const cr = ctx.report('consume');
      const consumer = await ctx.start(['consume'], { topic, group: ctx.name('g'), count: 4, from: 'first', 'timeout-ms': 60000, report: cr });
      await consumer.ready(60000);
      const p = await ctx.ok(['produce'], { topic, count: 3, 'delay-level': 2 });
      const r = await consumer.result;
      check(r.ok === true, `consumer: ${r.error ?? JSON.stringify(r)}`);
      const got = ctx.read<Received>(cr).filter((m) => m.runId === p.runId);
      expectIndices(got, String(p.runId), 3);
      for (const m of got) {
        // the broker stores the message in its topic when the delay is up: no earlier than born + 3 s,
        // and the subscribed consumer has it within 1 s after that
        const born = m.bornTimestamp ?? 0;
        const stored = (m.storeTimestamp ?? 0) - born;
        check(stored >= 3000, `i=${m.i} stored in its topic ${stored} ms after it was born; delay level 2 is 3 s`);
        const arrived = (m.receivedAt ?? m.storeTimestamp ?? 0) - born;
        check(arrived >= 3000 && arrived <= 4000, `i=${m.i} arrived ${arrived} ms after it was born; delay level 2 is 3 s (expected 3000..4000)`);
      }
    },
  },
]);
