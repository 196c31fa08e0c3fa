// Broadcasting vs clustering, load balancing over 3 consumers, consume-from first/last/timestamp,
// offsets surviving a consumer restart.
import { check, expectIndices, queuesOf, Received, sleep, until } from './lib/checks';
import { compatSuite } from './lib/suite';

compatSuite(__filename, [
  {
    id: 'broadcasting',
    run: async (ctx) => {
      const topic = ctx.name('bc');
      const p = await ctx.ok(['produce'], { topic, count: 10 });
      const group = ctx.name('g');
      const reports = [ctx.report('c1'), ctx.report('c2')];
      const results = await Promise.all(
        reports.map((report) => ctx.ok(['consume'], { topic, group, count: 10, model: 'broadcasting', from: 'first', 'timeout-ms': 30000, report })),
      );
      results.forEach((r, k) => check(r.received === 10, `broadcasting consumer ${k} received ${String(r.received)}`));
      for (const f of reports) expectIndices(ctx.read<Received>(f), String(p.runId), 10, 'each broadcasting consumer');
    },
  },
  {
    id: 'clustering-load-balance',
    timeoutMs: 180_000,
    run: async (ctx) => {
      const topic = ctx.name('lb');
      await ctx.ok(['produce'], { topic, count: 1, 'run-id': 'warm' }); // creates the topic (4 queues)
      const group = ctx.name('g');
      const reports = [ctx.report('c1'), ctx.report('c2'), ctx.report('c3')];
      // consumers that never reach their count: each runs until its timeout (40 s), past the production rounds below
      const tStart = Date.now();
      const marks: string[] = [];
      const mark = (what: string): void => {
        marks.push(`${what}@${((Date.now() - tStart) / 1000).toFixed(1)}s`);
      };
      const consumers = await Promise.all(
        reports.map((report) => ctx.start(['consume'], { topic, group, count: 100000, from: 'first', 'timeout-ms': 40000, report })),
      );
      mark('started');
      await Promise.all(consumers.map((c) => c.ready(60000)));
      mark('ready');
      // drivers that print queue counts: wait until the 4 queues are spread over the 3 consumers
      if (consumers.every((c) => queuesOf(c) !== undefined)) {
        const spread = (): boolean => consumers.every((c) => (queuesOf(c) ?? 0) > 0) && consumers.reduce((s, c) => s + (queuesOf(c) ?? 0), 0) === 4;
        await until(spread, 40000, 'the 4 queues to spread over 3 consumers').catch((e: Error) => {
          throw new Error(`${e.message} (${marks.join(' ')}; consumer events ${consumers.map((c) => c.proc.lines.filter((l) => l.includes('"event"')).join(' ')).join(' | ')})`);
        });
      } else {
        await sleep(3000);
      }
      mark('spread');
      // production rounds for ~10 s, so a consumer whose rebalance lags still gets its share
      const runs: string[] = [];
      const t0 = Date.now();
      do {
        const p = await ctx.ok(['produce'], { topic, count: 12, 'run-id': `lb${runs.length}` });
        runs.push(String(p.runId));
        mark(String(p.runId));
        await sleep(1000);
      } while (Date.now() - t0 < 10000);
      const results = await Promise.all(consumers.map((c) => c.result));
      const got = reports.map((f) => ctx.read<Received>(f).filter((m) => runs.includes(String(m.runId))));
      const all = got.flat();
      const timeline = `timeline ${marks.join(' ')}; consumer events ${consumers.map((c) => c.proc.lines.filter((l) => l.includes('"event"')).join(' ')).join(' | ')}`;
      for (const run of runs) expectIndices(all, run, 12, `round ${run} over the group (${timeline})`);
      got.forEach((g, k) => check(g.length > 0, `consumer ${k} got none of the messages (shares ${got.map((x) => x.length).join('/')}; results ${JSON.stringify(results.map((r) => r.received))})`));
      const dup = all.length - new Set(all.map((m) => `${m.runId}:${m.i}`)).size;
      check(dup <= 12, `${dup} duplicates across the group`);
    },
  },
  {
    id: 'consume-from-first-last-timestamp',
    run: async (ctx) => {
      // On a young queue (min offset 0, first message still in memory) the broker answers
      // QUERY_CONSUMER_OFFSET with 0 for a new group, so first, last and timestamp all start at 0.
      const topic = ctx.name('from');
      const p = await ctx.ok(['produce'], { topic, count: 10 });
      const froms = ['first', 'last', `timestamp:${Date.now() - 60000}`];
      const reports = froms.map((f) => ctx.report(f.split(':')[0]));
      await Promise.all(froms.map((from, k) => ctx.ok(['consume'], { topic, group: ctx.name('g'), count: 10, from, 'timeout-ms': 30000, report: reports[k] })));
      reports.forEach((f, k) => expectIndices(ctx.read<Received>(f), String(p.runId), 10, `from ${froms[k]}`));
    },
  },
  {
    id: 'offsets-survive-restart',
    run: async (ctx) => {
      const topic = ctx.name('restart');
      const group = ctx.name('g');
      const a = await ctx.ok(['produce'], { topic, count: 10, 'run-id': 'before' });
      await ctx.ok(['consume'], { topic, group, count: 10, from: 'first', 'timeout-ms': 30000 });
      const b = await ctx.ok(['produce'], { topic, count: 10, 'run-id': 'after' });
      const cr = ctx.report('second');
      const r = await ctx.ok(['consume'], { topic, group, count: 10, from: 'first', 'linger-ms': 2000, 'timeout-ms': 30000, report: cr });
      const got = ctx.read<Received>(cr);
      check(!got.some((m) => m.runId === a.runId), `the restarted consumer got ${got.filter((m) => m.runId === a.runId).length} already-consumed messages again`);
      check(r.received === 10, `restarted consumer received ${String(r.received)}, expected 10`);
      expectIndices(got, String(b.runId), 10, 'after restart');
    },
  },
]);
