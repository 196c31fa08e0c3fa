// The load generators: the official benchmark Producer of RocketMQ 5.3.3 (built by java/pom.xml from the
// 5.3.3 source release) for throughput, and the compat harness's Java driver (5.3.3 client) for latency
// histograms and for draining a backlog.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CACHE_DIR, M2_REPO, REPO_ROOT } from '../../compat-tests/lib/paths';
import { startProc } from '../../compat-tests/lib/proc';
import { buildJavaDriver, ensureJavaTools, withLock } from '../../compat-tests/lib/setup';

const EXAMPLE_OUT = path.join(CACHE_DIR, 'java', 'bench-example-5.3.3');
const POM_DIR = path.join(REPO_ROOT, 'tools', 'bench', 'java');

/** Classpath of org.apache.rocketmq.example.benchmark.* (mvn package on first use). */
export async function benchmarkClasspath(): Promise<string> {
  ensureJavaTools();
  const cpFile = path.join(EXAMPLE_OUT, 'classpath.txt');
  const classes = path.join(EXAMPLE_OUT, 'target', 'classes');
  await withLock('build-bench-example', () => {
    if (fs.existsSync(cpFile) && fs.existsSync(path.join(classes, 'org', 'apache', 'rocketmq', 'example', 'benchmark', 'Producer.class'))) return;
    const r = spawnSync('mvn', ['-q', '-B', `-Dmaven.repo.local=${M2_REPO}`, 'package', 'dependency:build-classpath'], { cwd: POM_DIR, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mvn package in ${POM_DIR} failed:\n${(r.stdout + r.stderr).slice(-3000)}`);
  });
  return `${classes}${path.delimiter}${fs.readFileSync(cpFile, 'utf8').trim()}`;
}

export interface ProducerResult {
  /** "Send TPS" of the last report line: the official tool's rate over its trailing 10-snapshot (≈9 s) window */
  tps: number;
  avgRtMs: number;
  maxRtMs: number;
  failed: number;
  lines: number;
  /** host time of the last report line */
  lastLineAt: number;
}

const LOG_ROOT = path.join(CACHE_DIR, 'logs', 'bench-clients');

/**
 * Runs benchmark.Producer for `seconds` (it runs until killed) with report interval 1 s; its first report
 * comes once it holds 10 one-second snapshots, so `seconds` must be ≥ 12.
 */
export async function officialProducer(
  classpath: string,
  o: { namesrv: string; topic: string; size: number; threads: number; seconds: number },
): Promise<ProducerResult> {
  fs.mkdirSync(LOG_ROOT, { recursive: true });
  const p = startProc(
    'benchmark.Producer',
    'java',
    [
      '-Xms512m',
      '-Xmx512m',
      `-Drocketmq.client.logRoot=${LOG_ROOT}`,
      '-Drocketmq.client.logLevel=WARN',
      `-Duser.home=${LOG_ROOT}`,
      '-cp',
      classpath,
      'org.apache.rocketmq.example.benchmark.Producer',
      '-n',
      o.namesrv,
      '-t',
      o.topic,
      '-s',
      String(o.size),
      '-w',
      String(o.threads),
      '-ri',
      '1000',
    ],
    { env: { ...process.env, NAMESRV_ADDR: '' } },
  );
  let last: ProducerResult | undefined;
  let lines = 0;
  const re = /Send TPS: (\d+) \| Max RT\(ms\): (\d+) \| Average RT\(ms\):\s*([\d.NaN]+) \| Send Failed: (\d+)/;
  const scan = (): void => {
    for (; lines < p.lines.length; lines++) {
      const m = re.exec(p.lines[lines]);
      if (m) last = { tps: Number(m[1]), maxRtMs: Number(m[2]), avgRtMs: Number(m[3]), failed: Number(m[4]), lines: 0, lastLineAt: Date.now() };
    }
  };
  // run `seconds`; if the first report has not come by then (slow JVM start on a loaded machine), wait up to 10 s more for it
  const end = Date.now() + o.seconds * 1000;
  const hardEnd = end + 10_000;
  while (Date.now() < end || (last === undefined && Date.now() < hardEnd)) {
    if (p.exitCode() !== undefined) throw new Error(`benchmark.Producer exited early (${p.exitCode()}): ${p.stderrTail().slice(-1500)}`);
    await new Promise((r) => setTimeout(r, 100));
    scan();
  }
  scan();
  await p.stop(2000);
  if (!last) throw new Error(`benchmark.Producer printed no report in ${o.seconds} s; stdout tail: ${p.lines.slice(-5).join(' / ')}`);
  return { ...last, lines: p.lines.filter((l) => re.test(l)).length };
}

export interface DriverProduce {
  ok: boolean;
  sent: number;
  failed: number;
  tps: number;
  latencyUs: { p50: number; p99: number; p999: number; max: number };
}

let driverClasspath: string | undefined;

/**
 * Builds the compat Java driver (5.3.3 client) and copies its classes under the bench's own directory, so
 * that another process rebuilding compat-tests/java during a bench run cannot pull them away mid-run.
 */
export async function prepareDriver(): Promise<void> {
  const { classpath } = await buildJavaDriver('5.3.3');
  const [classes, ...deps] = classpath.split(path.delimiter);
  const copy = path.join(CACHE_DIR, 'bench', 'driver-classes');
  await withLock('build-java-driver-5.3.3', () => {
    fs.rmSync(copy, { recursive: true, force: true });
    fs.cpSync(classes, copy, { recursive: true });
  });
  driverClasspath = [copy, ...deps].join(path.delimiter);
}

async function runDriver(args: string[], timeoutMs: number): Promise<Record<string, unknown>> {
  if (!driverClasspath) await prepareDriver();
  const base = [
    '-Xmx256m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    `-Drocketmq.client.logRoot=${LOG_ROOT}`,
    '-Drocketmq.client.logLevel=WARN',
    `-Duser.home=${LOG_ROOT}`,
    '-cp',
    driverClasspath ?? '',
    'org.rocketmqts.compat.Driver',
  ];
  const p = startProc('driver', 'java', [...base, ...args], { env: { ...process.env, NAMESRV_ADDR: '' } });
  const timer = setTimeout(() => void p.stop(1000), timeoutMs);
  await p.exited;
  clearTimeout(timer);
  for (let i = p.lines.length - 1; i >= 0; i--) {
    const l = p.lines[i].trim();
    if (l.startsWith('{') && l.includes('"ok"')) return JSON.parse(l) as Record<string, unknown>;
  }
  throw new Error(`driver ${args[0]} printed no result; stderr tail: ${p.stderrTail().slice(-1500)}`);
}

/** Sync sends from `threads` threads with an HdrHistogram of send latency (µs). */
export async function driverLatency(o: { namesrv: string; topic: string; size: number; threads: number; count: number }): Promise<DriverProduce> {
  const r = await runDriver(
    ['produce', '--namesrv', o.namesrv, '--topic', o.topic, '--mode', 'sync', '--size', String(o.size), '--threads', String(o.threads), '--count', String(o.count), '--group', 'bench_latency'],
    180_000,
  );
  return r as unknown as DriverProduce;
}

export interface DriverConsume {
  ok: boolean;
  received: number;
  elapsedMs: number;
}

/** A push consumer (new group, from the first offset) until `count` messages arrived. */
export async function driverDrain(o: { namesrv: string; topic: string; group: string; count: number; timeoutMs: number }): Promise<DriverConsume> {
  const r = await runDriver(
    ['consume', '--namesrv', o.namesrv, '--topic', o.topic, '--group', o.group, '--count', String(o.count), '--timeout-ms', String(o.timeoutMs), '--from', 'first'],
    o.timeoutMs + 30_000,
  );
  return r as unknown as DriverConsume;
}
