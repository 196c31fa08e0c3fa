// Ordered send (queue = orderKey % queues, orderKey = i % 8) consumed by an orderly listener:
// per order key, messages arrive in send order and from one queue.
// ordered-rebalance: two orderly consumers of one group across a join and a clean departure.
import * as fs from 'fs';
import { check, expectIndices, num, Received, sleep } from './lib/checks';
import type { Client } from './lib/driver';
import { Ctx, compatSuite } from './lib/suite';

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
  {
    id: 'ordered-rebalance',
    timeoutMs: 150_000,
    run: orderedRebalance,
  },
]);

/** One listener call of an `orderly-watch` consumer (batch size 1: one message). */
interface Watched extends Received {
  who: string;
  i: number;
  queueId: number;
  queueOffset: number;
  startUs: number;
  endUs: number;
}

interface Handover {
  queueId: number;
  from: string;
  to: string;
  /** last offset `from` consumed, first offset `to` consumed */
  lastOffset: number;
  firstOffset: number;
  /** messages `to` consumed again because `from`'s committed offset lagged its last consumed one */
  redelivered: number;
}

interface RebalanceAnalysis {
  errors: string[];
  handovers: Handover[];
  redelivered: number;
}

const byStart = (x: Watched, y: Watched): number => x.startUs - y.startUs || x.queueOffset - y.queueOffset;

/**
 * Checks the records of all consumers of one group on one topic:
 * - no two consumers in a queue's listener at once (intervals of different consumers never overlap);
 * - per queue, each consumer's run (a maximal sequence of records by one consumer, ordered by start
 *   time) consumes consecutive offsets, the first run starts at offset 0, and a run taking over from
 *   another starts no later than the offset after the previous run's last (nothing skipped). Starting
 *   earlier re-delivers messages the previous owner consumed but had not committed (at-least-once:
 *   Java commits after the listener and skips the commit of a batch whose queue was dropped
 *   meanwhile); such re-deliveries are counted and must themselves be in order;
 * - per order key (i % 8), first deliveries in send order.
 */
function analyseRebalance(recs: Watched[]): RebalanceAnalysis {
  const errors: string[] = [];
  const handovers: Handover[] = [];
  const queues = new Map<number, Watched[]>();
  for (const r of recs) queues.set(r.queueId, [...(queues.get(r.queueId) ?? []), r]);
  for (const [q, list] of [...queues].sort((x, y) => x[0] - y[0])) {
    list.sort(byStart);
    const busyUntil = new Map<string, Watched>();
    for (const r of list) {
      for (const [who, prev] of busyUntil) {
        if (who !== r.who && r.startUs < prev.endUs) {
          errors.push(`queue ${q}: ${r.who} started offset ${r.queueOffset} ${((prev.endUs - r.startUs) / 1000).toFixed(1)} ms before ${who} finished offset ${prev.queueOffset}`);
        }
      }
      const mine = busyUntil.get(r.who);
      if (!mine || mine.endUs < r.endUs) busyUntil.set(r.who, r);
    }
    if (list[0].queueOffset !== 0) errors.push(`queue ${q}: first consumed offset is ${list[0].queueOffset}, not 0`);
    for (let k = 1; k < list.length; k++) {
      const prev = list[k - 1];
      const r = list[k];
      if (r.who === prev.who) {
        if (r.queueOffset !== prev.queueOffset + 1) errors.push(`queue ${q}: ${r.who} consumed offset ${r.queueOffset} right after ${prev.queueOffset}`);
        continue;
      }
      const h: Handover = { queueId: q, from: prev.who, to: r.who, lastOffset: prev.queueOffset, firstOffset: r.queueOffset, redelivered: Math.max(0, prev.queueOffset + 1 - r.queueOffset) };
      handovers.push(h);
      if (r.queueOffset > prev.queueOffset + 1) errors.push(`queue ${q}: ${r.who} took over at offset ${r.queueOffset}, ${prev.who} stopped at ${prev.queueOffset}: offsets skipped`);
    }
  }
  const firstSeen = new Map<string, Watched>();
  for (const r of [...recs].sort(byStart)) if (!firstSeen.has(`${r.runId}:${r.i}`)) firstSeen.set(`${r.runId}:${r.i}`, r);
  for (let key = 0; key < 8; key++) {
    const order = [...firstSeen.values()].filter((r) => r.runId !== 'warm' && r.i % 8 === key).map((r) => r.i);
    const bad = order.findIndex((v, k) => k > 0 && v < order[k - 1]);
    if (bad > 0) errors.push(`order key ${key}: ${order[bad]} first consumed after ${order[bad - 1]}`);
  }
  return { errors, handovers, redelivered: handovers.reduce((s, h) => s + h.redelivered, 0) };
}

/**
 * Clients whose orderly push consumer keeps the broker lock of a queue it gives up while running:
 * client-go's pushConsumer.removeUnnecessaryMessageQueue has no unlock for orderly consumption (a
 * "TODO orderly"), so a queue moved to a joining consumer stays locked by the old owner until the
 * broker lock expires (60 s after its last renewal) — on the Java reference too. Java unlocks it
 * once its listener is idle (RebalancePushImpl; 4.9 delays that 20 s while the dropped process queue
 * still holds unconsumed messages, which this scenario's low rate avoids).
 */
const KEEPS_DROPPED_LOCKS: readonly Client[] = ['go'];

/**
 * Clients that retry a failed queue lock only at their next periodic rebalance, 20 s later: the 4.9
 * RebalanceService always waits rocketmq.client.rebalance.waitInterval (20 s); 5.x retries after
 * minInterval (1 s) while unbalanced. A joining 4.9.8 consumer whose LOCK_BATCH_MQ reaches the broker
 * before the old owner's UNLOCK_BATCH_MQ ("add a new mq failed ... because lock failed" in its log; a
 * race of two clients) consumes those queues only then — on the Java brokers. Ours tells a refused
 * client to rebalance when the queue is unlocked (processors/lock.ts), so on ours the 5 s bound holds.
 */
const RETRIES_LOCK_AT_PERIODIC_REBALANCE: readonly Client[] = ['java-4.9.8'];

/**
 * Issue 6: two orderly consumers in one group never hold one queue at once, order holds across a
 * rebalance, and adding or removing a consumer rebalances within 5 s. A topic of 4 queues gets
 * 25 ordered messages a second (order key i % 8, queue = key % 4); orderly consumer A starts
 * first, B joins ~5 s into the feed, A shuts down cleanly 8 s after B's ready, the feed goes on
 * 6 s more, B stays 3 s longer. Phases follow the drivers' ready events (not fixed delays), so a
 * slow JVM start under load does not leave B without messages after A left.
 * Each listener call sleeps 5 ms and records its start and end (microseconds).
 * - Java clients: B consumes within 5 s of its ready (the queues A gave up), and after A's
 *   shutdown began B consumes from every queue within 5 s; every message is consumed.
 * - Go (KEEPS_DROPPED_LOCKS): the 2 queues allocated to B at the join stop being consumed by A
 *   within 5 s of B's ready and nobody consumes them again before the run ends (A's lock lives on);
 *   after A's shutdown began (it unlocks what it holds) B consumes A's other queues within 5 s;
 *   those queues lose nothing, the locked ones were consumed up to the point A gave them up.
 */
async function orderedRebalance(ctx: Ctx): Promise<void> {
  const topic = ctx.name('ordrb');
  const group = ctx.name('g');
  await ctx.ok(['admin', 'create-topic'], { cluster: ctx.target.clusterName, broker: ctx.target.brokerAddr, topic, queues: 4 }, ctx.setupClient);
  // one message per order key; the route of a fresh topic reaches the NameServer asynchronously
  for (let attempt = 1; ; attempt++) {
    const w = await ctx.run(['ordered-feed'], { topic, count: 8, 'interval-ms': 0, 'run-id': 'warm' });
    if (w.ok) break;
    check(attempt < 5 && /route/i.test(String(w.error)), `warm-up ordered-feed: ${String(w.error)}`);
    await sleep(2000);
  }
  const [ra, rb, rf] = [ctx.report('a'), ctx.report('b'), ctx.report('feed')];
  const watch = (id: string, report: string) =>
    ctx.start(['orderly-watch'], { topic, group, id, report, 'stop-file': `${report}.stop`, 'run-ms': 120_000, 'sleep-ms': 5 });
  const a = await watch('A', ra);
  await a.ready(60_000);
  // 25 ordered messages a second until stopped (at most 2 minutes' worth)
  const feed = await ctx.start(['ordered-feed'], { topic, count: 3000, 'interval-ms': 40, 'stop-file': `${rf}.stop`, report: rf });
  await feed.ready(60_000);
  await sleep(5000);
  const b = await watch('B', rb);
  const bReady = num((await b.ready(60_000)).at, 'B ready.at');
  await sleep(5000);
  // B lost the lock race (see RETRIES_LOCK_AT_PERIODIC_REBALANCE): A stays until B's retry got its
  // queues, so the broker's grant of the released lock is still checked
  const lateJoin = ctx.target.label !== 'ours' && RETRIES_LOCK_AT_PERIODIC_REBALANCE.includes(ctx.client) && ctx.read<Watched>(rb).length === 0;
  if (lateJoin) {
    const t0 = Date.now();
    while (ctx.read<Watched>(rb).length === 0 && Date.now() - t0 < 25_000) await sleep(200);
  }
  await sleep(3000);
  fs.writeFileSync(`${ra}.stop`, '');
  const ar = await a.result;
  check(ar.ok, `consumer A: ${ar.error ?? JSON.stringify(ar)}`);
  const aLeft = num(ar.stoppingAt, 'A stoppingAt');
  // messages keep coming to every queue while B takes over
  await sleep(6000);
  fs.writeFileSync(`${rf}.stop`, '');
  const fr = await feed.result;
  check(fr.ok, `ordered-feed: ${fr.error ?? JSON.stringify(fr)}`);
  const count = num(fr.sent, 'sent');
  await sleep(3000);
  fs.writeFileSync(`${rb}.stop`, '');
  const br = await b.result;
  check(br.ok, `consumer B: ${br.error ?? JSON.stringify(br)}`);

  const sent = ctx.read<Received>(rf);
  const recs = [...ctx.read<Watched>(ra), ...ctx.read<Watched>(rb)];
  const queueIds = [...new Set(sent.map((s) => s.queueId ?? -1))].sort((x, y) => x - y);
  check(queueIds.length === 4, `the feed used queues ${queueIds.join(',')}, expected 4`);
  const res = analyseRebalance(recs);
  const of = (who: string, q: number): Watched[] => recs.filter((r) => r.who === who && r.queueId === q).sort(byStart);
  const keepsLocks = KEEPS_DROPPED_LOCKS.includes(ctx.client);
  // queues B never consumed: with a Go client, those A gave up at the join (still locked by A)
  const locked = queueIds.filter((q) => of('B', q).length === 0);
  const bRecs = recs.filter((r) => r.who === 'B').sort(byStart);
  const joinMs = keepsLocks
    ? Math.max(...locked.map((q) => (of('A', q).at(-1)?.endUs ?? 0) / 1000 - bReady))
    : (bRecs[0]?.startUs ?? Infinity) / 1000 - bReady;
  const handed = keepsLocks ? queueIds.filter((q) => !locked.includes(q)) : queueIds;
  const leaveMs = handed.map((q) => {
    const first = of('B', q).find((r) => r.startUs >= aLeft * 1000);
    return first ? first.startUs / 1000 - aLeft : Infinity;
  });
  const summary =
    `join: ${keepsLocks ? `A's last message on the queues moved to B (${locked.join(',')})` : 'B consumed'} ${joinMs.toFixed(0)} ms after B's ready; ` +
    `leave: B consumed from queues ${handed.join('/')} ${leaveMs.map((m) => m.toFixed(0)).join('/')} ms after A's shutdown began ` +
    `(A: ${String(ar.consumed)} msgs, shutdown ${num(ar.stoppedAt, 'stoppedAt') - aLeft} ms; B: ${String(br.consumed)}); handovers ` +
    `${res.handovers.map((h) => `q${h.queueId} ${h.from}->${h.to} @${h.firstOffset}${h.redelivered ? ` (${h.redelivered} again)` : ''}`).join(', ') || 'none'}`;
  process.stderr.write(`compat: ordered-rebalance [${ctx.client}] on ${ctx.target.label}: ${summary}\n`);
  check(res.errors.length === 0, `${res.errors.slice(0, 8).join('; ')} (${res.errors.length} problems; ${summary})`);
  // Re-deliveries at a handover are the old owner's consumed-but-uncommitted messages: at most the
  // in-flight one when it commits on drop/shutdown as Java does, at worst what one periodic commit
  // interval holds (Java driver 1 s, Go client 5 s; ~6 messages a second per queue here). More means
  // the new owner started from an older offset than the one committed (e.g. from 0).
  const maxAgain = ctx.client === 'go' ? 32 : 8;
  const stale = res.handovers.filter((h) => h.redelivered > maxAgain);
  check(stale.length === 0, `handover re-delivered more than ${maxAgain} messages: ${stale.map((h) => `q${h.queueId} ${h.redelivered}`).join(', ')} (${summary})`);
  if (keepsLocks) {
    check(locked.length === 2, `expected B's 2 queues of the join to stay locked by A, B never consumed ${locked.length} (${summary})`);
    check(joinMs <= 5000, `A kept consuming the queues allocated to B for more than 5 s (${summary})`);
    const lastA = new Map(locked.map((q) => [q, of('A', q).at(-1)?.queueOffset ?? -1]));
    const expected = sent.filter((s) => !lastA.has(s.queueId ?? -1) || (s.queueOffset ?? 0) <= (lastA.get(s.queueId ?? -1) ?? -1));
    const got = new Set(recs.filter((r) => r.runId === fr.runId).map((r) => r.i));
    const missing = expected.filter((s) => !got.has(s.i)).map((s) => s.i);
    check(missing.length === 0, `${missing.length} messages of the consumed stretches missing (e.g. ${missing.slice(0, 5).join(',')}) (${summary})`);
  } else if (lateJoin) {
    expectIndices(recs, String(fr.runId), count, `A and B together (${summary})`);
    // the rebalance itself: A gave up the queues B later took within 5 s of B's ready
    const bQueues = [...new Set(bRecs.filter((r) => r.startUs < aLeft * 1000).map((r) => r.queueId))];
    check(bQueues.length > 0, `B's lock retry at its periodic rebalance got no queue before A left (${summary})`);
    const released = Math.max(...bQueues.map((q) => (of('A', q).filter((r) => r.startUs < (of('B', q)[0]?.startUs ?? Infinity)).at(-1)?.endUs ?? 0) / 1000 - bReady));
    process.stderr.write(`compat: ordered-rebalance [${ctx.client}]: B's first lock attempt lost the race to A's unlock; A released B's queues ${released.toFixed(0)} ms after B's ready, B took them at its periodic rebalance, ${joinMs.toFixed(0)} ms after\n`);
    check(released <= 5000, `A kept consuming the queues allocated to B for more than 5 s (${summary})`);
    check(joinMs <= 25_000, `B consumed nothing within 25 s of joining, past its 20 s periodic rebalance (${summary})`);
  } else {
    expectIndices(recs, String(fr.runId), count, `A and B together (${summary})`);
    check(joinMs <= 5000, `B joined but consumed nothing within 5 s (${summary})`);
  }
  check(leaveMs.every((m) => m <= 5000), `after A left, B did not consume from every queue within 5 s (${summary})`);
}

// The checks themselves, on synthetic records (no broker): each kind of violation is caught.
describe('ordered-rebalance analysis', () => {
  const rec = (who: string, queueId: number, queueOffset: number, startUs: number, i = queueOffset * 4 + queueId): Watched => ({
    who,
    queueId,
    queueOffset,
    i,
    runId: 'r',
    startUs,
    endUs: startUs + 5000,
  });
  const clean = [rec('A', 0, 0, 0), rec('A', 0, 1, 10_000), rec('B', 0, 1, 30_000), rec('B', 0, 2, 40_000)];
  test('a handover re-delivering the uncommitted last message passes and is counted', () => {
    const r = analyseRebalance(clean);
    expect(r.errors).toEqual([]);
    expect(r.redelivered).toBe(1);
    expect(r.handovers).toHaveLength(1);
  });
  test('overlapping listeners, skipped offsets and out-of-order keys are reported', () => {
    expect(analyseRebalance([rec('A', 0, 0, 0), rec('B', 0, 1, 2000)]).errors.join()).toMatch(/before A finished/);
    expect(analyseRebalance([rec('A', 0, 0, 0), rec('B', 0, 2, 30_000)]).errors.join()).toMatch(/offsets skipped/);
    expect(analyseRebalance([rec('A', 0, 0, 0), rec('A', 0, 2, 10_000)]).errors.join()).toMatch(/right after/);
    expect(analyseRebalance([rec('A', 0, 0, 0, 8), rec('A', 0, 1, 10_000, 0)]).errors.join()).toMatch(/order key 0/);
  });
});
