// A store directory moves between the official Java 5.3.3 broker and ours, both ways, read by the
// official 5.3.3 client: one broker writes 500 messages (several sizes, keys, tags) into a store with
// 1 MiB commit-log segments and is stopped cleanly; the other broker opens the same directory (same
// broker.conf keys, cluster and brokerName) and a new consumer group reads everything from the first
// offset. Every message must arrive once with the produced body CRC32, length, keys, tags, msgId,
// queueId and queueOffset, and the writer's consume-queue files must be byte for byte unchanged after
// the reader stopped. One NameServer (ours) serves both brokers of a direction.
// Runs with the `ours` target only; logs and stores stay under compat-tests/.cache/store-interop/.
import * as fs from 'fs';
import * as path from 'path';
import { check, Received, Sent } from './lib/checks';
import { Client, readReport, reportFile, runDriver, selectedClients } from './lib/driver';
import { record, writeMatrix } from './lib/matrix';
import { CACHE_DIR } from './lib/paths';
import { Proc } from './lib/proc';
import { selectedTargetKind } from './lib/targets';
import {
  Broker,
  BrokerKind,
  commitLogSegments,
  consumeQueueDigests,
  Namesrv,
  notableLogLines,
  SEGMENT_SIZE,
  startBroker,
  startOurNamesrv,
  stopBroker,
} from './lib-store-interop';

const CLIENT: Client = 'java-5.3.3';
const FILE_ID = 'store-interop';

/**
 * Three produce runs into one topic: 300 × 3500 B (TagA, keys), 120 × 1500 B (TagB, keys), 80 × 64 B (no tag,
 * no keys) — about 1.3 MiB of commit log. Bodies stay under 4096 B: the client compresses bigger ones
 * (compressMsgBodyOverHowmuch), which would shrink the log below two segments.
 */
const BATCHES = [
  { count: 300, size: 3500, tag: 'TagA', keys: 'ka-' },
  { count: 120, size: 1500, tag: 'TagB', keys: 'kb-' },
  { count: 80, size: 64, tag: undefined, keys: undefined },
] as const;
const TOTAL = BATCHES.reduce((n, b) => n + b.count, 0);

type SentRun = Sent & { runId: string };

function args(o: Record<string, string | number | undefined>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out.push(`--${k}`, String(v));
  return out;
}

function skipReason(): string | undefined {
  if (selectedTargetKind() !== 'ours') return `store-interop runs with COMPAT_TARGET=ours only (target is ${selectedTargetKind()})`;
  if (!selectedClients().includes(CLIENT)) return `store-interop needs the ${CLIENT} client (COMPAT_CLIENTS excludes it)`;
  return undefined;
}

const skip = skipReason();
const runDir = path.join(CACHE_DIR, 'store-interop', `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
const procs: Proc[] = [];
let ns: Namesrv | undefined;

async function produceAll(namesrv: string, topic: string, label: string): Promise<SentRun[]> {
  const sent: SentRun[] = [];
  for (const [n, b] of BATCHES.entries()) {
    const runId = `${label}${n}`;
    const report = reportFile(`${FILE_ID}-${label}-produce-${n}`);
    const r = await runDriver(CLIENT, [
      'produce',
      '--namesrv',
      namesrv,
      ...args({ topic, count: b.count, size: b.size, tag: b.tag, 'keys-prefix': b.keys, mode: 'sync', threads: 4, 'run-id': runId, report }),
    ]);
    check(r.ok === true && r.sent === b.count, `produce batch ${n}: ${r.error ?? JSON.stringify(r)}`);
    const rows = readReport<Sent>(report);
    check(rows.length === b.count, `produce batch ${n}: report has ${rows.length} rows, expected ${b.count}`);
    for (const s of rows) sent.push({ ...s, runId });
  }
  return sent;
}

async function consumeAll(namesrv: string, topic: string, label: string): Promise<Received[]> {
  const report = reportFile(`${FILE_ID}-${label}-consume`);
  const group = `g_${label}_${Math.random().toString(36).slice(2, 8)}`;
  const r = await runDriver(CLIENT, ['consume', '--namesrv', namesrv, ...args({ topic, group, count: TOTAL, from: 'first', 'timeout-ms': 60_000, report })], {
    killAfterMs: 100_000,
  });
  const got = readReport<Received>(report);
  check(r.ok === true, `consume: ${r.error ?? JSON.stringify(r)} (report has ${got.length} rows)`);
  return got;
}

/** Every produced message arrived exactly once, identical in body, keys, tags, ids and queue position; nothing else arrived. */
function compare(sent: SentRun[], got: Received[]): void {
  const byKey = new Map<string, Received[]>();
  for (const g of got) {
    const k = `${g.runId}:${g.i}`;
    byKey.set(k, [...(byKey.get(k) ?? []), g]);
  }
  const problems: string[] = [];
  const sentKeys = new Set<string>();
  for (const s of sent) {
    const k = `${s.runId}:${s.i}`;
    sentKeys.add(k);
    const rs = byKey.get(k) ?? [];
    if (rs.length !== 1) {
      problems.push(`${k}: received ${rs.length} times`);
      continue;
    }
    const r = rs[0];
    const diff: string[] = [];
    if (r.bodyOk !== true) diff.push('body differs from the generated one');
    if (r.bodyLen !== s.bodyLen) diff.push(`bodyLen ${r.bodyLen} != ${s.bodyLen}`);
    if (r.bodyCrc32 !== s.bodyCrc32) diff.push(`bodyCrc32 ${r.bodyCrc32} != ${s.bodyCrc32}`);
    if ((r.keys ?? null) !== (s.keys ?? null)) diff.push(`keys ${JSON.stringify(r.keys)} != ${JSON.stringify(s.keys)}`);
    if ((r.tags ?? null) !== (s.tags ?? null)) diff.push(`tags ${JSON.stringify(r.tags)} != ${JSON.stringify(s.tags)}`);
    if (r.msgId !== s.msgId) diff.push(`msgId ${r.msgId} != ${s.msgId}`);
    if (r.offsetMsgId !== undefined && r.offsetMsgId !== s.offsetMsgId) diff.push(`offsetMsgId ${r.offsetMsgId} != ${s.offsetMsgId}`);
    if (r.queueId !== s.queueId) diff.push(`queueId ${r.queueId} != ${s.queueId}`);
    if (r.queueOffset !== s.queueOffset) diff.push(`queueOffset ${r.queueOffset} != ${s.queueOffset}`);
    if (diff.length) problems.push(`${k}: ${diff.join('; ')}`);
  }
  const strangers = got.filter((g) => !sentKeys.has(`${g.runId}:${g.i}`));
  if (strangers.length) problems.push(`${strangers.length} received messages were never produced (e.g. ${JSON.stringify(strangers[0]).slice(0, 200)})`);
  check(problems.length === 0, `${problems.length} problems over ${sent.length} produced / ${got.length} received:\n${problems.slice(0, 15).join('\n')}`);
}

function logExcerpt(b: Broker | undefined): string {
  if (!b) return '';
  const lines = notableLogLines(b.logFile, 12);
  return lines.length ? `\n${b.kind} broker log (${b.logFile}) warnings/errors:\n${lines.join('\n')}` : `\n${b.kind} broker log: ${b.logFile}`;
}

async function direction(order: number, scenario: string, writer: BrokerKind, reader: BrokerKind): Promise<void> {
  const t0 = Date.now();
  const label = writer === 'ours' ? 'o2j' : 'j2o';
  const dir = path.join(runDir, label);
  fs.mkdirSync(dir, { recursive: true });
  const topic = `store_interop_${label}_${Math.random().toString(36).slice(2, 8)}`;
  const timings: string[] = [];
  const lap = (what: string, since: number): number => {
    timings.push(`${what} ${((Date.now() - since) / 1000).toFixed(1)}s`);
    return Date.now();
  };
  let w: Broker | undefined;
  let r: Broker | undefined;
  try {
    if (!ns) throw new Error('NameServer did not start');
    let t = Date.now();
    w = await startBroker(writer, { storeParent: dir, dir, label: `${label}-writer-${writer}`, ns, procs });
    t = lap(`start ${writer}`, t);
    const sent = await produceAll(ns.addr, topic, label);
    t = lap(`produce ${TOTAL}`, t);
    const stopped = await stopBroker(w, 30_000);
    t = lap(`stop ${writer} (exit ${stopped.code})`, t);
    const segs = commitLogSegments(dir);
    const abort = fs.existsSync(path.join(dir, 'store', 'abort'));
    process.stderr.write(
      `store-interop ${label}: ${writer} wrote ${segs.length} segments [${segs.map((s) => `${s.name}:${s.size}`).join(', ')}], abort file after stop: ${abort}\n`,
    );
    check(segs.length >= 2, `${writer} wrote ${segs.length} commit-log segment(s); the scenario needs ≥ 2`);
    check(segs.every((s) => s.size === SEGMENT_SIZE), `segment sizes ${segs.map((s) => s.size).join(',')} != ${SEGMENT_SIZE}`);
    const cqBefore = consumeQueueDigests(dir);
    check(cqBefore.size >= 1, `${writer} left no consume-queue files`);
    r = await startBroker(reader, { storeParent: dir, dir, label: `${label}-reader-${reader}`, ns, procs });
    t = lap(`start ${reader} on the store`, t);
    const got = await consumeAll(ns.addr, topic, label);
    lap(`consume ${got.length}`, t);
    compare(sent, got);
    // the reader found the writer's consume queues complete: after it stopped they are byte for byte the same
    await r.proc.stop(30_000);
    const cqAfter = consumeQueueDigests(dir);
    const changed = [...cqBefore.keys()].filter((k) => cqAfter.get(k) !== cqBefore.get(k));
    const added = [...cqAfter.keys()].filter((k) => !cqBefore.has(k) && !k.includes('%RETRY%'));
    check(changed.length === 0 && added.length === 0, `${reader} changed the ${writer}-written consume queues: changed ${changed.join(', ') || '-'}; added ${added.join(', ') || '-'}`);
    const ms = Date.now() - t0;
    process.stderr.write(`store-interop ${label}: pass in ${(ms / 1000).toFixed(1)}s (${timings.join(', ')})\n`);
    record({ file: FILE_ID, order, scenario, client: CLIENT, target: 'ours', status: 'pass', ms });
  } catch (e) {
    const detail = `${(e as Error).message} [${timings.join(', ')}]${logExcerpt(w)}${logExcerpt(r)}`;
    record({ file: FILE_ID, order, scenario, client: CLIENT, target: 'ours', status: 'fail', ms: Date.now() - t0, detail });
    throw new Error(detail);
  } finally {
    if (w) await w.proc.stop(30_000);
    if (r) await r.proc.stop(30_000);
  }
}

if (skip) {
  process.stderr.write(`compat: ${skip}\n`);
  describe.skip('store-interop', () => {
    test('skipped', () => undefined);
  });
} else {
  describe('store-interop @ ours', () => {
    beforeAll(async () => {
      fs.mkdirSync(runDir, { recursive: true });
      ns = await startOurNamesrv(path.join(runDir, 'namesrv'), procs);
    }, 60_000);

    afterAll(async () => {
      await Promise.all(procs.map((p) => p.stop(30_000)));
      const md = writeMatrix('ours');
      process.stderr.write(`compat matrix rows (${FILE_ID} @ ours):\n${md.split('\n').filter((l) => l.includes(`| ${FILE_ID} |`)).join('\n')}\n`);
    }, 120_000);

    test('store-interop-java-to-ours [java-5.3.3]: Java 5.3.3 broker writes, ours reads', () => direction(0, 'store-interop-java-to-ours', 'java-5.3.3', 'ours'), 200_000);

    test('store-interop-ours-to-java [java-5.3.3]: ours writes, Java 5.3.3 broker reads', () => direction(1, 'store-interop-ours-to-java', 'ours', 'java-5.3.3'), 200_000);
  });
}
