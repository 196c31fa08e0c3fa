// Store benchmark (issue 5): append throughput of 1 KiB messages — ASYNC_FLUSH, and SYNC_FLUSH with
// 1/16/64/256 concurrent writers — beside the raw sequential fdatasync'd write rate of the same disk
// measured in the same run; then restart time of a large store, clean and after a SIGKILL.
// Uses the Java file geometry (1 GiB commit-log segments, 6 MB consume-queue files, 420 MB index).
//   npm run build && node dist/tools/bench-store.js
// Env: BENCH_DIR (default $TMPDIR/rmq-bench), BENCH_SECONDS (per throughput run, default 6),
//      BENCH_RESTART_GIB (store size for the restart runs, default 10; 0 skips), BENCH_RAW_MIB (512),
//      BENCH_PAIRS (default 3: alternating ASYNC/SYNC-64 pairs, BENCH_PAIR_SECONDS each, so the
//      ratio compares runs made under the same machine load — the box is shared),
//      BENCH_ONLY_RESTART=1 (only the restart measurements).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildStoreForChild } from '../src/store/child-build';
import { DefaultMessageStore } from '../src/store/default-message-store';
import { PutMessageStatus } from '../src/store/message-store';
import type { CommitLogStats } from '../src/store/commit-log';
import type { PutMessageInput } from '../src/store/message-store';
import { defaultStoreConfig, FlushDiskType } from '../src/store/store-config';

const DIR = process.env.BENCH_DIR ?? path.join(os.tmpdir(), 'rmq-bench');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const RESTART_GIB = Number(process.env.BENCH_RESTART_GIB ?? 10);
const RAW_MIB = Number(process.env.BENCH_RAW_MIB ?? 512);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 3);
const PAIR_SECONDS = Number(process.env.BENCH_PAIR_SECONDS ?? 3);
const ONLY_RESTART = process.env.BENCH_ONLY_RESTART === '1';
const MiB = 1024 * 1024;
const BODY = Buffer.alloc(1024, 0x62);

let uniqSeq = 0;

/** `uniqKey`: the property every official client adds (then each message is also indexed). */
function message(queueId: number, uniqKey = false): PutMessageInput {
  const properties = uniqKey
    ? `TAGS\u0001bench\u0002UNIQ_KEY\u00017F000001C3A418B4AAC2${(uniqSeq++).toString(16).toUpperCase().padStart(12, '0')}\u0002`
    : 'TAGS\u0001bench\u0002';
  return {
    topic: 'BenchTopic', queueId, flag: 0, body: BODY, properties, bornTimestamp: Date.now(),
    bornHost: { address: '127.0.0.1', port: 50000 }, storeHost: { address: '127.0.0.1', port: 10911 }, sysFlag: 0,
    reconsumeTimes: 0, preparedTransactionOffset: 0, tagsCode: 93740183,
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

async function fillStore(root: string, gib: number): Promise<number> {
  const store = new DefaultMessageStore(defaultStoreConfig(root, { flushDiskType: FlushDiskType.ASYNC_FLUSH }));
  await store.start();
  const target = gib * 1024 * MiB;
  const t0 = Date.now();
  const loops = Array.from({ length: 64 }, async (_, w) => {
    while (store.getMaxPhyOffset() < target) await store.putMessage(message(w % 8));
  });
  await Promise.all(loops);
  await store.shutdown();
  return (Date.now() - t0) / 1000;
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

/** Append throughput beside the raw rate: the single runs, then alternating ASYNC/SYNC-64 pairs. */
async function throughput(log: (s: string) => void): Promise<void> {
  const raw = rawRate();
  log(`raw sequential write, 1 MiB writes, fdatasync every 16 MiB: ${raw.toFixed(1)} MiB/s (${load1()})`);
  log(`raw 4 KiB write + fdatasync latency: ${syncLatencyMs().toFixed(2)} ms (${load1()})`);
  const a = await appendRun(FlushDiskType.ASYNC_FLUSH, 64);
  log(`ASYNC_FLUSH  64 writers: ${a.msgs.toFixed(0)} msg/s, ${a.mibps.toFixed(1)} MiB/s payload, ${a.recordMibps.toFixed(1)} MiB/s records (${((a.recordMibps / raw) * 100).toFixed(0)}% of raw) (${load1()})`);
  log(`    ${a.io}`);
  const au = await appendRun(FlushDiskType.ASYNC_FLUSH, 64, SECONDS, true);
  log(`ASYNC_FLUSH  64 writers, messages with UNIQ_KEY (indexed, as from the official clients): ${au.msgs.toFixed(0)} msg/s, ${au.recordMibps.toFixed(1)} MiB/s records (${((au.recordMibps / raw) * 100).toFixed(0)}% of raw) (${load1()})`);
  const a256 = await appendRun(FlushDiskType.ASYNC_FLUSH, 256);
  log(`ASYNC_FLUSH 256 writers: ${a256.msgs.toFixed(0)} msg/s, ${a256.mibps.toFixed(1)} MiB/s payload, ${a256.recordMibps.toFixed(1)} MiB/s records (${((a256.recordMibps / raw) * 100).toFixed(0)}% of raw) (${load1()})`);
  for (const w of [1, 16, 64, 256]) {
    const r = await appendRun(FlushDiskType.SYNC_FLUSH, w);
    log(`SYNC_FLUSH  ${String(w).padStart(3)} writers: ${r.msgs.toFixed(0)} msg/s, ${r.mibps.toFixed(1)} MiB/s payload (${((r.msgs / a.msgs) * 100).toFixed(0)}% of ASYNC with 64 writers) (${load1()})`);
    log(`    ${r.io}`);
  }
  if (PAIRS > 0) {
    const ratios: number[] = [];
    for (let i = 0; i < PAIRS; i++) {
      const raw2 = rawRate();
      const rl = load1();
      const x = await appendRun(FlushDiskType.ASYNC_FLUSH, 64, PAIR_SECONDS);
      const xl = load1();
      const y = await appendRun(FlushDiskType.SYNC_FLUSH, 64, PAIR_SECONDS);
      ratios.push(y.msgs / x.msgs);
      log(`pair ${i + 1}: raw ${raw2.toFixed(0)} MiB/s (${rl}); ASYNC 64 ${x.msgs.toFixed(0)} msg/s = ${((x.recordMibps / raw2) * 100).toFixed(0)}% of raw (${xl}); SYNC 64 ${y.msgs.toFixed(0)} msg/s = ${((y.msgs / x.msgs) * 100).toFixed(0)}% of ASYNC (${load1()})`);
      log(`    SYNC 64: ${y.io}`);
    }
    ratios.sort((p, q) => p - q);
    log(`SYNC 64 / ASYNC 64 over ${PAIRS} pairs: median ${(ratios[ratios.length >> 1]! * 100).toFixed(0)}%, min ${(ratios[0]! * 100).toFixed(0)}%, max ${(ratios[ratios.length - 1]! * 100).toFixed(0)}%`);
  }
}

async function main(): Promise<void> {
  fs.mkdirSync(DIR, { recursive: true });
  const out: string[] = [];
  const log = (s: string): void => { out.push(s); process.stdout.write(s + '\n'); };
  log(`bench-store: node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}, dir ${DIR}, ${SECONDS}s per run`);
  if (!ONLY_RESTART) await throughput(log);
  if (RESTART_GIB > 0) {
    const root = fresh('restart');
    const fillS = await fillStore(root, RESTART_GIB);
    log(`filled a ${RESTART_GIB} GiB store (1 KiB messages, 8 queues) in ${fillS.toFixed(1)} s (${load1()})`);
    for (let i = 0; i < 2; i++) {
      const clean = await timedStart(root);
      log(`restart after clean shutdown: ${clean.ms.toFixed(0)} ms (${clean.mode}, scanned ${clean.scannedMiB.toFixed(0)} MiB) (${load1()})`);
    }
    await crashIt(root);
    const crash = await timedStart(root);
    log(`restart after SIGKILL: ${crash.ms.toFixed(0)} ms (${crash.mode}, scanned and re-dispatched ${crash.scannedMiB.toFixed(0)} MiB) (${load1()})`);
    fs.rmSync(root, { recursive: true, force: true });
  }
  fs.writeFileSync(path.join(DIR, 'bench-store.txt'), out.join('\n') + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`bench-store failed: ${String(e)}\n`);
  process.exit(1);
});
