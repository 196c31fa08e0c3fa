// Store benchmark (issue 5): append throughput of 1 KiB messages — ASYNC_FLUSH, and SYNC_FLUSH with
// 1/16/64/256 concurrent writers — beside the raw sequential fdatasync'd write rate of the same disk
// measured in the same run; then restart time of a large store, clean and after a SIGKILL.
// Uses the Java file geometry (1 GiB commit-log segments, 6 MB consume-queue files, 420 MB index).
//   npm run build && node dist/tools/bench-store.js
// Env: BENCH_DIR (default $TMPDIR/rmq-bench), BENCH_SECONDS (per throughput run, default 6),
//      BENCH_RESTART_GIB (store size for the restart runs, default 10; 0 skips), BENCH_RAW_MIB (512),
//      BENCH_PAIRS (default 3: alternating ASYNC/SYNC-64 pairs, BENCH_PAIR_SECONDS each, so the
//      ratio compares runs made under the same machine load — the box is shared),
//      BENCH_REPS (default 1: repetitions of the whole set of throughput runs; the table shows medians),
//      BENCH_ONLY_RESTART=1 (only the restart measurements),
//      BENCH_JAVA=0 (skip the Java side: the official RocketMQ 5.3.3 DefaultMessageStore under the same
//      workload, run back to back with ours for every figure and reported as ours/Java ratios; see
//      tools/bench/java-store/), BENCH_JAVA_WARMUP (seconds of writes before each Java measured window, default 1).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tagsString2tagsCode } from '../src/common/java-hash';
import { buildStoreForChild } from '../src/store/child-build';
import { DefaultMessageStore } from '../src/store/default-message-store';
import { PutMessageStatus } from '../src/store/message-store';
import type { CommitLogStats } from '../src/store/commit-log';
import type { PutMessageInput } from '../src/store/message-store';
import { defaultStoreConfig, FlushDiskType } from '../src/store/store-config';
import { prepareJavaStore } from './bench/java-store/java-store';
import { spread } from './bench/stats';
import type { JavaAppend, JavaStart, JavaStore } from './bench/java-store/java-store';

const DIR = process.env.BENCH_DIR ?? path.join(os.tmpdir(), 'rmq-bench');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const RESTART_GIB = Number(process.env.BENCH_RESTART_GIB ?? 10);
const RAW_MIB = Number(process.env.BENCH_RAW_MIB ?? 512);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 3);
const PAIR_SECONDS = Number(process.env.BENCH_PAIR_SECONDS ?? 3);
const REPS = Number(process.env.BENCH_REPS ?? 1);
const ONLY_RESTART = process.env.BENCH_ONLY_RESTART === '1';
const WITH_JAVA = process.env.BENCH_JAVA !== '0';
const MiB = 1024 * 1024;
const BODY = Buffer.alloc(1024, 0x62);

/** String.hashCode("bench"), as the Java broker computes it (93622832). */
const BENCH_TAGS_CODE = tagsString2tagsCode('bench');

let uniqSeq = 0;

/** `uniqKey`: the property every official client adds (then each message is also indexed). */
function message(queueId: number, uniqKey = false): PutMessageInput {
  const properties = uniqKey
    ? `TAGS\u0001bench\u0002UNIQ_KEY\u00017F000001C3A418B4AAC2${(uniqSeq++).toString(16).toUpperCase().padStart(12, '0')}\u0002`
    : 'TAGS\u0001bench\u0002';
  return {
    topic: 'BenchTopic', queueId, flag: 0, body: BODY, properties, bornTimestamp: Date.now(),
    bornHost: { address: '127.0.0.1', port: 50000 }, storeHost: { address: '127.0.0.1', port: 10911 }, sysFlag: 0,
    reconsumeTimes: 0, preparedTransactionOffset: 0, tagsCode: BENCH_TAGS_CODE,
  };
}

function fresh(name: string): string {
  const d = path.join(DIR, name);
  fs.rmSync(d, { recursive: true, force: true });
  fs.mkdirSync(d, { recursive: true });
  return d;
}

function rawRate(): number {
  const f = path.join(fresh('raw'), 'raw.bin');
  const fd = fs.openSync(f, 'w');
  const chunk = Buffer.alloc(MiB, 0x63);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < RAW_MIB; i++) {
    fs.writeSync(fd, chunk, 0, MiB, i * MiB);
    if ((i + 1) % 16 === 0) fs.fdatasyncSync(fd);
  }
  fs.fdatasyncSync(fd);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  fs.closeSync(fd);
  fs.rmSync(f);
  return RAW_MIB / s;
}

function syncLatencyMs(): number {
  const f = path.join(fresh('lat'), 'lat.bin');
  const fd = fs.openSync(f, 'w');
  const b = Buffer.alloc(4096, 1);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 100; i++) { fs.writeSync(fd, b, 0, 4096, i * 4096); fs.fdatasyncSync(fd); }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / 100;
  fs.closeSync(fd);
  return ms;
}

interface RunResult { msgs: number; mibps: number; recordMibps: number; io: string }

/** fdatasync rounds of the run: count, latency percentiles, appends acknowledged per round, zero fill. */
function ioSummary(st: CommitLogStats, seconds: number): string {
  const lat = [...st.syncLatencies].sort((a, b) => a - b);
  const pct = (q: number): string => (lat.length === 0 ? '-' : (lat[Math.min(lat.length - 1, Math.floor(lat.length * q))]! / 1000).toFixed(2));
  const mean = st.syncs > 0 ? (st.syncMicros / st.syncs / 1000).toFixed(2) : '-';
  const group = st.syncs > 0 ? (st.syncAcks / st.syncs).toFixed(1) : '-';
  const zero = st.zeroedBytes > 0 ? `, zero fill ${(st.zeroedBytes / MiB).toFixed(0)} MiB` : '';
  return `fdatasync ${(st.syncs / seconds).toFixed(0)}/s, ms mean ${mean} p50 ${pct(0.5)} p90 ${pct(0.9)} p99 ${pct(0.99)}, acks per fdatasync ${group}, write ops ${(st.writeOps / seconds).toFixed(0)}/s${zero}`;
}

function load1(): string {
  return `load ${os.loadavg()[0]!.toFixed(2)}`;
}

async function appendRun(mode: FlushDiskType, writers: number, seconds = SECONDS, uniqKey = false): Promise<RunResult> {
  const root = fresh(`${mode}-${writers}`);
  const store = new DefaultMessageStore(defaultStoreConfig(root, { flushDiskType: mode }));
  await store.start();
  store.commitLogStats(true);
  let msgs = 0;
  let stop = false;
  const t0 = Date.now();
  const loops = Array.from({ length: writers }, async (_, w) => {
    while (!stop) {
      const r = await store.putMessage(message(w % 8, uniqKey));
      if (r.status !== PutMessageStatus.PUT_OK) throw new Error(r.status);
      msgs++;
    }
  });
  await new Promise((r) => setTimeout(r, seconds * 1000));
  stop = true;
  await Promise.all(loops);
  const s = (Date.now() - t0) / 1000;
  const bytes = store.getMaxPhyOffset();
  const io = ioSummary(store.commitLogStats(), s);
  await store.shutdown();
  fs.rmSync(root, { recursive: true, force: true });
  return { msgs: msgs / s, mibps: (msgs * 1024) / MiB / s, recordMibps: bytes / MiB / s, io };
}

/** Seconds of the 64 writers, and until the end of shutdown() (which flushes the dirty rest). */
async function fillStore(root: string, gib: number): Promise<{ writeS: number; s: number }> {
  const store = new DefaultMessageStore(defaultStoreConfig(root, { flushDiskType: FlushDiskType.ASYNC_FLUSH }));
  await store.start();
  const target = gib * 1024 * MiB;
  const t0 = Date.now();
  const loops = Array.from({ length: 64 }, async (_, w) => {
    while (store.getMaxPhyOffset() < target) await store.putMessage(message(w % 8));
  });
  await Promise.all(loops);
  const writeS = (Date.now() - t0) / 1000;
  await store.shutdown();
  return { writeS, s: (Date.now() - t0) / 1000 };
}

async function timedStart(root: string): Promise<{ ms: number; mode: string; scannedMiB: number }> {
  const t0 = process.hrtime.bigint();
  const store = new DefaultMessageStore(defaultStoreConfig(root));
  await store.start();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const rep = store.lastRecovery!;
  await store.shutdown();
  return { ms, mode: rep.mode, scannedMiB: (rep.maxPhyOffset - rep.scannedFromPhy) / MiB };
}

async function crashIt(root: string): Promise<void> {
  const child = path.join(buildStoreForChild(repoRoot()), 'src', 'store', 'crash-child.js');
  await new Promise<void>((resolve) => {
    const p = spawn(process.execPath, [child, root, 'ASYNC_FLUSH', '64', '1'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, CRASH_CHILD_GEOMETRY: 'default', CRASH_CHILD_BODY_BYTES: '1024', ROCKETMQ_TS_LOG_LEVEL: 'error' },
    });
    let ready = false;
    p.stdout.on('data', (c: Buffer) => {
      if (!ready && c.toString().includes('READY')) {
        ready = true;
        setTimeout(() => p.kill('SIGKILL'), 3000);
      }
    });
    p.on('close', () => resolve());
  });
}

/** The checkout root (the nearest directory up from here with the rocketmq-ts package.json). */
function repoRoot(): string {
  for (let d = __dirname; d !== path.dirname(d); d = path.dirname(d)) {
    const p = path.join(d, 'package.json');
    if (fs.existsSync(p) && (JSON.parse(fs.readFileSync(p, 'utf8')) as { name?: string }).name === 'rocketmq-ts') return d;
  }
  throw new Error('rocketmq-ts checkout not found');
}

interface Config { label: string; mode: FlushDiskType; writers: number; uniqKey: boolean }

const CONFIGS: Config[] = [
  { label: 'ASYNC_FLUSH  64 writers', mode: FlushDiskType.ASYNC_FLUSH, writers: 64, uniqKey: false },
  { label: 'ASYNC_FLUSH  64 writers, messages with UNIQ_KEY (indexed, as from the official clients)', mode: FlushDiskType.ASYNC_FLUSH, writers: 64, uniqKey: true },
  { label: 'ASYNC_FLUSH 256 writers', mode: FlushDiskType.ASYNC_FLUSH, writers: 256, uniqKey: false },
  ...[1, 16, 64, 256].map((w) => ({ label: `SYNC_FLUSH  ${String(w).padStart(3)} writers`, mode: FlushDiskType.SYNC_FLUSH, writers: w, uniqKey: false })),
];

function pct(x: number, of: number): string {
  return `${((x / of) * 100).toFixed(0)}%`;
}

function notOk(j: { notOk: Record<string, number> }): string {
  const e = Object.entries(j.notOk);
  return e.length === 0 ? '' : `, NOT PUT_OK: ${e.map(([k, v]) => `${k} ${v}`).join(', ')}`;
}

/** A Java run, or undefined (logged) when it failed; the bench goes on with ours. */
async function javaAppend(java: JavaStore | undefined, log: (s: string) => void, name: string, mode: FlushDiskType, writers: number, seconds: number, uniqKey: boolean): Promise<JavaAppend | undefined> {
  if (!java) return undefined;
  const root = fresh(`java-${name}`);
  try {
    return await java.append(root, mode, writers, seconds, uniqKey);
  } catch (e) {
    log(`    Java run failed: ${String(e).split('\n').slice(0, 4).join(' | ')}`);
    return undefined;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** The median of non-empty xs (tools/bench/stats.ts spread). */
function median(xs: number[]): number {
  return spread(xs)?.median ?? NaN;
}

/**
 * Append throughput beside the raw rate, ours and the Java store back to back for every configuration
 * (the order alternates), then alternating ASYNC/SYNC-64 pairs of both.
 */
async function throughput(log: (s: string) => void, java: JavaStore | undefined): Promise<void> {
  const raw = rawRate();
  log(`raw sequential write, 1 MiB writes, fdatasync every 16 MiB: ${raw.toFixed(1)} MiB/s (${load1()})`);
  log(`raw 4 KiB write + fdatasync latency: ${syncLatencyMs().toFixed(2)} ms (${load1()})`);
  interface Sample { o: RunResult; j: JavaAppend | undefined; ol: number; jl: number }
  const samples: Sample[][] = CONFIGS.map(() => []);
  for (let rep = 0; rep < REPS; rep++) {
    if (REPS > 1) log(`repetition ${rep + 1} of ${REPS}`);
    for (const [i, c] of CONFIGS.entries()) {
      const name = `${c.mode}-${c.writers}${c.uniqKey ? '-uniq' : ''}`;
      let o: RunResult | undefined;
      let j: JavaAppend | undefined;
      let ol = 0;
      let jl = 0;
      // alternate who goes first, so neither side always runs right after the other's page-cache churn
      if ((i + rep) % 2 === 0) {
        o = await appendRun(c.mode, c.writers, SECONDS, c.uniqKey);
        ol = os.loadavg()[0]!;
        j = await javaAppend(java, log, name, c.mode, c.writers, SECONDS, c.uniqKey);
        jl = os.loadavg()[0]!;
      } else {
        j = await javaAppend(java, log, name, c.mode, c.writers, SECONDS, c.uniqKey);
        jl = os.loadavg()[0]!;
        o = await appendRun(c.mode, c.writers, SECONDS, c.uniqKey);
        ol = os.loadavg()[0]!;
      }
      samples[i]!.push({ o, j, ol, jl });
      const base = samples[0]![rep]!;
      const vsAsync = c.mode === FlushDiskType.SYNC_FLUSH ? `, ${pct(o.msgs, base.o.msgs)} of ASYNC with 64 writers` : '';
      log(`${c.label}: ${o.msgs.toFixed(0)} msg/s, ${o.mibps.toFixed(1)} MiB/s payload, ${o.recordMibps.toFixed(1)} MiB/s records (${pct(o.recordMibps, raw)} of raw${vsAsync}) (load ${ol.toFixed(2)})`);
      if (!c.uniqKey) log(`    ${o.io}`);
      if (j) {
        const jVsAsync = c.mode === FlushDiskType.SYNC_FLUSH && base.j ? `, ${pct(j.msgsPerSec, base.j.msgsPerSec)} of its ASYNC with 64 writers` : '';
        log(`    Java 5.3.3: ${j.msgsPerSec.toFixed(0)} msg/s, ${j.payloadMiBps.toFixed(1)} MiB/s payload, ${j.recordMiBps.toFixed(1)} MiB/s records (${pct(j.recordMiBps, raw)} of raw${jVsAsync})${notOk(j)} (load ${jl.toFixed(2)}); ours/Java ${(o.msgs / j.msgsPerSec).toFixed(2)}`);
      }
    }
  }
  log('');
  log(`${REPS > 1 ? `Medians over ${REPS} repetitions (ratio: median of the per-repetition ratios, min–max). ` : ''}Raw rate ${raw.toFixed(0)} MiB/s (measured once, before the runs).`);
  log(`| writes (1 KiB) | ours msg/s | ours records % of raw | Java msg/s | Java records % of raw | ours/Java | 1-min load after ours / Java |`);
  log(`|---|---:|---:|---:|---:|---:|---|`);
  for (const [i, c] of CONFIGS.entries()) {
    const xs = samples[i]!;
    const om = median(xs.map((x) => x.o.msgs));
    const orec = median(xs.map((x) => x.o.recordMibps));
    const js = xs.filter((x) => x.j !== undefined);
    const jm = js.length > 0 ? median(js.map((x) => x.j!.msgsPerSec)) : undefined;
    const jrec = js.length > 0 ? median(js.map((x) => x.j!.recordMiBps)) : undefined;
    const ratios = js.map((x) => x.o.msgs / x.j!.msgsPerSec);
    const ratio = ratios.length === 0 ? '-' : ratios.length === 1 ? ratios[0]!.toFixed(2) : `${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
    const load = `${median(xs.map((x) => x.ol)).toFixed(1)} / ${js.length > 0 ? median(js.map((x) => x.jl)).toFixed(1) : '-'}`;
    log(`| ${c.mode} ${c.writers}${c.uniqKey ? ' UNIQ_KEY' : ''} | ${om.toFixed(0)} | ${pct(orec, raw)} | ${jm === undefined ? '-' : jm.toFixed(0)} | ${jrec === undefined ? '-' : pct(jrec, raw)} | ${ratio} | ${load} |`);
  }
  log('');
  if (PAIRS > 0) {
    const sync: number[] = [];
    const oa: number[] = [];
    const os64: number[] = [];
    const jsync: number[] = [];
    for (let i = 0; i < PAIRS; i++) {
      const raw2 = rawRate();
      const rl = load1();
      const runJava = async (): Promise<[JavaAppend | undefined, JavaAppend | undefined, string]> => {
        const ja = await javaAppend(java, log, 'pair-async', FlushDiskType.ASYNC_FLUSH, 64, PAIR_SECONDS, false);
        const js = await javaAppend(java, log, 'pair-sync', FlushDiskType.SYNC_FLUSH, 64, PAIR_SECONDS, false);
        return [ja, js, load1()];
      };
      let ja: JavaAppend | undefined;
      let js: JavaAppend | undefined;
      let jl = '';
      if (i % 2 === 1) [ja, js, jl] = await runJava();
      const x = await appendRun(FlushDiskType.ASYNC_FLUSH, 64, PAIR_SECONDS);
      const xl = load1();
      const y = await appendRun(FlushDiskType.SYNC_FLUSH, 64, PAIR_SECONDS);
      const yl = load1();
      if (i % 2 === 0) [ja, js, jl] = await runJava();
      sync.push(y.msgs / x.msgs);
      log(`pair ${i + 1}: raw ${raw2.toFixed(0)} MiB/s (${rl}); ASYNC 64 ${x.msgs.toFixed(0)} msg/s = ${pct(x.recordMibps, raw2)} of raw (${xl}); SYNC 64 ${y.msgs.toFixed(0)} msg/s = ${pct(y.msgs, x.msgs)} of ASYNC (${yl})`);
      log(`    SYNC 64: ${y.io}`);
      if (ja && js) {
        oa.push(x.msgs / ja.msgsPerSec);
        os64.push(y.msgs / js.msgsPerSec);
        jsync.push(js.msgsPerSec / ja.msgsPerSec);
        log(`    Java 5.3.3: ASYNC 64 ${ja.msgsPerSec.toFixed(0)} msg/s = ${pct(ja.recordMiBps, raw2)} of raw${notOk(ja)}; SYNC 64 ${js.msgsPerSec.toFixed(0)} msg/s = ${pct(js.msgsPerSec, ja.msgsPerSec)} of its ASYNC${notOk(js)} (${jl}); ours/Java ASYNC ${(x.msgs / ja.msgsPerSec).toFixed(2)}, SYNC ${(y.msgs / js.msgsPerSec).toFixed(2)}`);
      }
    }
    const range = (xs: number[], f: (v: number) => string): string => `median ${f(median(xs))}, min ${f(Math.min(...xs))}, max ${f(Math.max(...xs))}`;
    const asPct = (v: number): string => `${(v * 100).toFixed(0)}%`;
    const asRatio = (v: number): string => v.toFixed(2);
    log(`SYNC 64 / ASYNC 64 over ${PAIRS} pairs: ours ${range(sync, asPct)}${jsync.length > 0 ? `; Java ${range(jsync, asPct)}` : ''}`);
    if (oa.length > 0) log(`ours/Java over ${oa.length} pairs: ASYNC 64 ${range(oa, asRatio)}; SYNC 64 ${range(os64, asRatio)}`);
  }
}

/** Restart of a large store written by the Java store itself: clean (twice), then after a SIGKILL. */
async function javaRestart(log: (s: string) => void, java: JavaStore, ours: { fillS: number; clean: number[]; crash: number }): Promise<void> {
  const root = fresh('restart-java');
  try {
    const f = await java.fill(root, RESTART_GIB);
    // the fill is a sustained ASYNC_FLUSH run far past the dirty page cache: the disk's own write rate shows
    log(`Java 5.3.3: filled a ${RESTART_GIB} GiB store (1 KiB messages, 8 queues) in ${f.seconds.toFixed(1)} s: writes ${f.writeSeconds.toFixed(1)} s, then flush()${f.cleanShutdown ? '' : ' (NOT a clean shutdown)'}${notOk(f)} (${load1()}); fill rate ours/Java ${(f.seconds / ours.fillS).toFixed(2)}`);
    const ratio = (x: number): string => (x < 0.1 ? x.toFixed(3) : x.toFixed(2));
    const line = (what: string, r: JavaStart, oursMs: number | undefined): string =>
      `Java 5.3.3 restart ${what}: load() ${r.loadMs.toFixed(0)} ms, + start() ${r.startMs.toFixed(0)} ms, + dispatch caught up ${r.dispatchedMs.toFixed(0)} ms (${r.abortFile ? 'abort file: abnormal recovery' : 'normal recovery'}, ${(r.behindAtStart / MiB).toFixed(0)} MiB to dispatch after start(); classes already loaded by an empty store's open, ${r.warmMs.toFixed(0)} ms); JVM start → ready ${r.jvmReadyMs} ms (${load1()})` +
      (oursMs === undefined ? '' : `; ours/Java ${ratio(oursMs / r.startMs)} (vs start() returned), ${ratio(oursMs / r.dispatchedMs)} (vs dispatch caught up)`);
    for (let i = 0; i < 2; i++) log(line('after clean shutdown', await java.start(root), ours.clean[i]));
    await java.crash(root, 3000);
    log(line('after SIGKILL', await java.start(root), ours.crash));
  } catch (e) {
    log(`Java restart failed: ${String(e).split('\n').slice(0, 4).join(' | ')}`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  fs.mkdirSync(DIR, { recursive: true });
  const out: string[] = [];
  const log = (s: string): void => { out.push(s); process.stdout.write(s + '\n'); };
  log(`bench-store: node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}, dir ${DIR}, ${SECONDS}s per run`);
  let java: JavaStore | undefined;
  if (WITH_JAVA) {
    const j = await prepareJavaStore(repoRoot(), DIR);
    if (typeof j === 'string') log(`Java store: unavailable (${j}); ours only`);
    else {
      java = j;
      log(j.describe);
    }
  }
  if (!ONLY_RESTART) await throughput(log, java);
  if (RESTART_GIB > 0) {
    const root = fresh('restart');
    const fill = await fillStore(root, RESTART_GIB);
    log(`filled a ${RESTART_GIB} GiB store (1 KiB messages, 8 queues) in ${fill.s.toFixed(1)} s: writes ${fill.writeS.toFixed(1)} s, then the flush of the dirty rest in shutdown() (${load1()})`);
    const clean: number[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await timedStart(root);
      clean.push(r.ms);
      log(`restart after clean shutdown: ${r.ms.toFixed(0)} ms (${r.mode}, scanned ${r.scannedMiB.toFixed(0)} MiB) (${load1()})`);
    }
    await crashIt(root);
    const crash = await timedStart(root);
    log(`restart after SIGKILL: ${crash.ms.toFixed(0)} ms (${crash.mode}, scanned and re-dispatched ${crash.scannedMiB.toFixed(0)} MiB) (${load1()})`);
    fs.rmSync(root, { recursive: true, force: true });
    if (java) await javaRestart(log, java, { fillS: fill.s, clean, crash: crash.ms });
  }
  fs.writeFileSync(path.join(DIR, 'bench-store.txt'), out.join('\n') + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`bench-store failed: ${String(e)}\n`);
  process.exit(1);
});
