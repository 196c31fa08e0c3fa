// Volume: 100,000 messages per client through one 4-queue topic. Producers of every mode run at once
// (sync, async, oneway, batch, selector-ordered; 20,000 each, one run id per mode, tags TagA/TagB
// alternating by index) while consumers of every kind consume (all started before the first send):
//   - a clustering push group of 2 concurrent consumers: together every message exactly once;
//   - a broadcasting push group of 2 concurrent consumers: each one every message exactly once;
//   - a lite-pull consumer (clustering, alone in its group): every message exactly once, in queue order;
//   - an orderly push consumer with tag filter `TagA` (alone in its group): exactly the TagA half,
//     exactly once, in queue order.
// Oneway sends are paced (600/s, about as long as the ordered sends take): the Java broker sheds
// what overflows its send queue with SYSTEM_BUSY, which a oneway sender never learns of (seen
// against the 5.3.3 reference on a busy machine: 591 oneway messages lost at 1,500/s, send queue
// at its 10,000 limit; 5 sync sends failed with TIMEOUT_CLEAN_QUEUE at 1,000/s).
// Per-queue order is checked where the client hands messages over in queue order (lite pull and the
// orderly listener; concurrent listeners run messages of one queue on several threads): per queue
// the received offsets strictly increase, and per order key (ordered mode, key = i % 8) the indices.
// Every consumer also gets each message from the queue and offset its producer was told.
// COMPAT_VOLUME_MESSAGES scales the total (default 100000) for quick runs.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  check,
  expectExactlyOnce,
  expectKeyOrder,
  expectQueueOrder,
  expectStoredAt,
  latestEvent,
  messageKey,
  queuesOf,
  Received,
  Sent,
  sleep,
  until,
} from './lib/checks';
import { DriverResult, RunningDriver } from './lib/driver';
import { compatSuite, Ctx, Opts, referenceLimit } from './lib/suite';

const TOTAL = Number(process.env.COMPAT_VOLUME_MESSAGES ?? 100_000);
const MODES = ['sync', 'async', 'oneway', 'batch', 'ordered'] as const;
type Mode = (typeof MODES)[number];
const PER_MODE = Math.floor(TOTAL / MODES.length);
/** Messages of the run (TOTAL rounded down to a multiple of the mode count). */
const N = PER_MODE * MODES.length;
const TAGS = ['TagA', 'TagB'];
/** Consumers are killed by the harness 180 s after their start: the scenario stops them before that. */
const CONSUMER_BUDGET_MS = 160_000;

// Threads of 1, 2, 4 or 8 keep each order key (i % 8) on one producer thread, so per key the sends
// stay in index order.
const modeOpts: Record<Mode, Opts> = {
  sync: { threads: 8 },
  async: {},
  oneway: { rate: 600 },
  batch: { 'batch-size': 32 },
  ordered: { threads: 8 },
};

/** The three clients' scenarios take turns: each one alone loads the 2-core machine enough. */
let turn: Promise<void> = Promise.resolve();
async function alone<T>(fn: () => Promise<T>): Promise<T> {
  const prev = turn;
  let release = (): void => undefined;
  turn = new Promise<void>((r) => (release = r));
  await prev;
  try {
    return await fn();
  } finally {
    release();
  }
}

interface Consumer {
  label: string;
  report: string;
  /** Messages it must end with (undefined: a member of the clustering group). */
  expect?: number;
  /** Hands messages over in queue order. */
  ordered: boolean;
  /** Only TagA messages. */
  tagA: boolean;
  driver?: RunningDriver;
  result?: DriverResult;
}

function progressOf(c: Consumer): number {
  const e = c.driver ? latestEvent(c.driver, 'progress') : undefined;
  return typeof e?.received === 'number' ? e.received : 0;
}

async function volume(ctx: Ctx): Promise<void> {
  const t0 = Date.now();
  const topic = ctx.name('vol');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'compat-volume-'));
  const stopFile = path.join(tmp, 'stop');
  const files: string[] = [];
  const report = (label: string): string => {
    const f = ctx.report(label);
    files.push(f);
    return f;
  };

  await ctx.ok(['admin', 'create-topic'], { cluster: ctx.target.clusterName, broker: ctx.target.brokerAddr, topic, queues: 4 }, ctx.setupClient);
  await until(
    async () => {
      const r = await ctx.run(['admin', 'topic-route'], { topic }, ctx.setupClient);
      return r.ok && JSON.stringify(r.result ?? '').includes('"writeQueueNums":4');
    },
    20_000,
    `the route of ${topic} at the NameServer`,
    500,
  );

  // message i carries TAGS[i % 2]: TagA on the even indices of each run
  const totalTagA = MODES.length * Math.ceil(PER_MODE / TAGS.length);
  // 5.3.3 lite pull needs LITE_PULL_MESSAGE, which the 4.9 broker does not have
  const noLitePull = referenceLimit(ctx, 'lite-pull');
  const clusterGroup = ctx.name('gcl');
  const broadcastGroup = ctx.name('gbc');
  const consumers: Consumer[] = [
    { label: 'clustering-1', report: report('clustering-1'), ordered: false, tagA: false },
    { label: 'clustering-2', report: report('clustering-2'), ordered: false, tagA: false },
    { label: 'broadcasting-1', report: report('broadcasting-1'), expect: N, ordered: false, tagA: false },
    { label: 'broadcasting-2', report: report('broadcasting-2'), expect: N, ordered: false, tagA: false },
    ...(noLitePull ? [] : [{ label: 'lite-pull', report: report('lite-pull'), expect: N, ordered: true, tagA: false }]),
    { label: 'orderly-tagA', report: report('orderly-tagA'), expect: totalTagA, ordered: true, tagA: true },
  ];
  if (noLitePull) process.stderr.write(`volume [${ctx.client}] @ ${ctx.target.label}: no lite-pull consumer (${noLitePull})\n`);
  const common: Opts = { topic, from: 'first', 'api-timeout-ms': 10000, 'timeout-ms': CONSUMER_BUDGET_MS + 5_000, 'report-format': 'slim', 'progress-ms': 1000, 'stop-file': stopFile };
  const tStart = Date.now();
  for (const c of consumers) {
    const opts: Opts = { ...common, report: c.report, count: c.expect ?? 1_000_000_000 };
    if (c.label.startsWith('clustering')) c.driver = await ctx.start(['consume'], { ...opts, group: clusterGroup });
    else if (c.label.startsWith('broadcasting')) c.driver = await ctx.start(['consume'], { ...opts, group: broadcastGroup, model: 'broadcasting' });
    else if (c.label === 'lite-pull') c.driver = await ctx.start(['lite-pull'], { ...opts, group: ctx.name('glp') });
    else c.driver = await ctx.start(['consume'], { ...opts, group: ctx.name('gtag'), 'tag-expr': 'TagA', orderly: true });
  }
  await Promise.all(consumers.map((c) => c.driver?.ready(60_000)));
  // no rebalance may move a queue once messages flow (a moved queue is consumed again from the last
  // committed offset): wait until the clustering group's 4 queues are spread over its 2 members
  const members = consumers.filter((c) => c.label.startsWith('clustering')).map((c) => c.driver as RunningDriver);
  await until(
    () => members.every((d) => (queuesOf(d) ?? 0) > 0) && members.reduce((s, d) => s + (queuesOf(d) ?? 0), 0) === 4,
    60_000,
    'the 4 queues to spread over the 2 clustering consumers',
  ).catch((e: Error) => {
    throw new Error(`${e.message} (queues per member at the end: ${members.map((d) => String(queuesOf(d))).join('/')})`);
  });
  const tReady = Date.now();

  const producerReports = new Map<Mode, string>(MODES.map((m) => [m, report(`produce-${m}`)]));
  const produced = await Promise.all(
    MODES.map((mode) =>
      ctx.run(['produce'], {
        topic,
        mode,
        count: PER_MODE,
        'run-id': mode,
        tags: TAGS.join(','),
        // generous: the 5.x Java client counts the time an async send waits in its sender pool
        'send-timeout-ms': 60000,
        // the 5.3.3 client fails a send whose route lookup outlasts this (seen with a busy NameServer)
        'api-timeout-ms': 10000,
        'timeout-ms': 120000,
        report: producerReports.get(mode),
        ...modeOpts[mode],
      }),
    ),
  );
  const tProduced = Date.now();
  // all consumers keep running while the checks below may fail: stop them on the way out
  const stopAll = (): void => fs.writeFileSync(stopFile, 'stop\n');
  try {
    produced.forEach((p, k) =>
      check(p.ok && p.sent === PER_MODE && p.failed === 0, `${MODES[k]} producer: sent ${String(p.sent)} of ${PER_MODE}, failed ${String(p.failed)}: ${p.error ?? ''}`),
    );
    // wait (within the budget) until the group together and every other consumer on its own has its
    // count: the others end by themselves then, the group's members when the stop file appears
    const groupDone = (): boolean => consumers.filter((c) => c.expect === undefined).reduce((s, c) => s + progressOf(c), 0) >= N;
    const othersDone = (): boolean => consumers.every((c) => c.expect === undefined || progressOf(c) >= c.expect || c.driver?.proc.exitCode() !== undefined);
    const deadline = tStart + CONSUMER_BUDGET_MS;
    while (!(groupDone() && othersDone()) && Date.now() < deadline) await sleep(250);
  } finally {
    stopAll();
  }
  for (const c of consumers) c.result = await (c.driver as RunningDriver).result;
  const tConsumed = Date.now();

  // ---- checks over the reports ----
  const sent = new Map<string, Sent>();
  for (const mode of MODES) {
    for (const s of ctx.read<Sent>(producerReports.get(mode) as string)) sent.set(messageKey({ ...s, runId: mode }), { ...s });
  }
  check(sent.size === N, `producer reports list ${sent.size} messages, expected ${N}`);
  // storage order of an order key: one queue, offsets rising with the index
  const orderedSent = ctx.read<Sent>(producerReports.get('ordered') as string).map((s) => ({ ...s, runId: 'ordered' }));
  expectKeyOrder(
    [...orderedSent].sort((a, b) => (a.queueOffset ?? 0) - (b.queueOffset ?? 0)),
    'ordered',
    8,
    'ordered producer (by stored offset)',
  );
  const wantAll = [...sent.keys()];
  const wantTagA = wantAll.filter((k) => sent.get(k)?.tags === 'TagA');
  check(wantTagA.length === totalTagA, `TagA messages sent: ${wantTagA.length}, expected ${totalTagA}`);

  const problems: string[] = [];
  const attempt = (fn: () => void): void => {
    try {
      fn();
    } catch (e) {
      problems.push((e as Error).message);
    }
  };
  const got = new Map<string, Received[]>();
  for (const c of consumers) {
    const r = c.result as DriverResult;
    attempt(() => check(r.ok === true, `${c.label}: ${r.error ?? JSON.stringify(r)}`));
    got.set(c.label, ctx.read<Received>(c.report));
  }
  const clusterUnion = consumers.filter((c) => c.expect === undefined).flatMap((c) => got.get(c.label) ?? []);
  attempt(() => expectExactlyOnce(clusterUnion, wantAll, 'clustering group (2 consumers together)'));
  attempt(() => expectStoredAt(clusterUnion, sent, 'clustering group'));
  for (const c of consumers.filter((x) => x.expect !== undefined)) {
    const mine = got.get(c.label) ?? [];
    attempt(() => expectExactlyOnce(mine, c.tagA ? wantTagA : wantAll, c.label));
    attempt(() => expectStoredAt(mine, sent, c.label));
    if (c.ordered) {
      attempt(() => expectQueueOrder(mine, c.label));
      attempt(() => expectKeyOrder(mine, 'ordered', 8, c.label));
    }
  }
  const deliveries = [...got.values()].reduce((s, g) => s + g.length, 0);
  const secs = (ms: number): string => (ms / 1000).toFixed(1);
  process.stderr.write(
    `volume [${ctx.client}] @ ${ctx.target.label}: ${sent.size} msgs produced in ${secs(tProduced - tReady)} s ` +
      `(${Math.round(sent.size / ((tProduced - tReady) / 1000))} msg/s; per mode ${produced.map((p, k) => `${MODES[k]} ${Math.round(Number(p.tps))}/s`).join(', ')}); ` +
      `${deliveries} deliveries to ${consumers.length} consumers, all in ${secs(tConsumed - tReady)} s after the first send ` +
      `(${Math.round(deliveries / ((tConsumed - tReady) / 1000))} deliveries/s); consumers up in ${secs(tReady - tStart)} s; scenario ${secs(Date.now() - t0)} s` +
      `${problems.length ? `; ${problems.length} problem(s)` : ''}\n`,
  );
  check(problems.length === 0, problems.join('\n'));
  // the reports are large: kept only when something failed
  for (const f of files) fs.rmSync(f, { force: true });
  fs.rmSync(tmp, { recursive: true, force: true });
}

compatSuite(__filename, [
  {
    id: 'volume',
    timeoutMs: 600_000,
    run: (ctx) => alone(() => volume(ctx)),
  },
]);
