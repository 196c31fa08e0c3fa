// Building blocks of store-interop.test.ts: one NameServer (ours) for the whole file, and brokers
// (the official Java 5.3.3 one or ours) started on a store directory the caller chooses, so that the
// same directory can be written by one implementation and opened by the other.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from './lib/paths';
import { freePort, freePortBlock, isListening } from './lib/ports';
import { waitForBrokerRegistered } from './lib/probe';
import { Proc, startProc } from './lib/proc';
import { buildServerClasspath } from './lib/setup';
import { brokerConf, JDK17_FLAGS, namesrvConf, rocketmqHome } from './lib/targets';

export const BIN = path.join(REPO_ROOT, 'bin', 'rocketmq-ts.js');

/** 1 MiB commit-log segments: 500 messages of a few KiB fill more than one. Both brokers get the same value. */
export const SEGMENT_SIZE = 1024 * 1024;

export type BrokerKind = 'java-5.3.3' | 'ours';

export interface Namesrv {
  port: number;
  addr: string;
  proc: Proc;
}

export interface Broker {
  kind: BrokerKind;
  addr: string;
  proc: Proc;
  /** Where its stdout/stderr go (ours: JSON log lines). */
  logFile: string;
  confFile: string;
}

function failure(p: Proc): string | undefined {
  const c = p.exitCode();
  return c === undefined ? undefined : `${p.name} exited with code ${c}; stderr tail:\n${p.stderrTail().slice(-1500)}\nlast stdout: ${p.lines.slice(-5).join('\n')}`;
}

async function untilListening(p: Proc, port: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const why = failure(p);
    if (why) throw new Error(why);
    if (await isListening(port)) return;
    if (Date.now() > end) throw new Error(`${p.name}: port ${port} not listening after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export async function startOurNamesrv(dir: string, procs: Proc[]): Promise<Namesrv> {
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  const port = await freePort();
  const file = path.join(dir, 'namesrv.properties');
  fs.writeFileSync(file, namesrvConf(dir, { namesrv: port, broker: 0 }));
  const proc = startProc('ours-namesrv', process.execPath, [BIN, 'namesrv', '-c', file], { cwd: dir, logFile: path.join(dir, 'logs', 'namesrv.out') });
  procs.push(proc);
  await untilListening(proc, port, 15_000);
  return { port, addr: `127.0.0.1:${port}`, proc };
}

/**
 * broker.conf of lib/targets.ts (same cluster / brokerName / keys) whose store root is `storeParent`/store,
 * with 1 MiB commit-log segments, on a fresh listen port.
 */
export async function writeBrokerConf(storeParent: string, confDir: string, label: string, namesrvPort: number): Promise<{ file: string; port: number }> {
  const port = await freePortBlock(-2, 1);
  const text = brokerConf(storeParent, { namesrv: namesrvPort, broker: port }).replace(/^mappedFileSizeCommitLog=.*$/m, `mappedFileSizeCommitLog=${SEGMENT_SIZE}`);
  if (!text.includes(`mappedFileSizeCommitLog=${SEGMENT_SIZE}`)) throw new Error('brokerConf() no longer has a mappedFileSizeCommitLog line');
  const file = path.join(confDir, `broker-${label}.conf`);
  fs.writeFileSync(file, text);
  return { file, port };
}

export async function startBroker(
  kind: BrokerKind,
  opts: { storeParent: string; dir: string; label: string; ns: Namesrv; procs: Proc[] },
): Promise<Broker> {
  const { file, port } = await writeBrokerConf(opts.storeParent, opts.dir, opts.label, opts.ns.port);
  const logs = path.join(opts.dir, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  const logFile = path.join(logs, `broker-${opts.label}.out`);
  const addr = `127.0.0.1:${port}`;
  let proc: Proc;
  if (kind === 'ours') {
    proc = startProc(`ours-broker-${opts.label}`, process.execPath, [BIN, 'broker', '-c', file, '-n', opts.ns.addr], { cwd: opts.dir, logFile });
    opts.procs.push(proc);
    await untilListening(proc, port, 20_000);
  } else {
    const { classpath } = await buildServerClasspath('5.3.3');
    const homeDir = path.join(opts.dir, `java-${opts.label}`);
    const home = rocketmqHome(homeDir);
    fs.mkdirSync(path.join(homeDir, 'logs'), { recursive: true });
    proc = startProc(
      `java-broker-${opts.label}`,
      'java',
      [
        '-Xmx1g',
        '-Xms256m',
        ...JDK17_FLAGS,
        `-Duser.home=${home}`,
        `-Drocketmq.home.dir=${home}`,
        '-Drocketmq.namesrv.addr=',
        '-cp',
        classpath,
        'org.apache.rocketmq.broker.BrokerStartup',
        '-c',
        file,
        '-n',
        opts.ns.addr,
      ],
      { cwd: opts.dir, env: { ...process.env, ROCKETMQ_HOME: home, NAMESRV_ADDR: '' }, logFile },
    );
    opts.procs.push(proc);
    await proc.waitForLine((l) => l.includes('boot success'), 120_000);
  }
  await waitForBrokerRegistered(opts.ns.port, addr, 60_000, () => failure(proc));
  return { kind, addr, proc, logFile, confFile: file };
}

/** SIGTERM and wait (the JVM runs its shutdown hook: flush, checkpoint, abort file removed); SIGKILL only after graceMs. */
export async function stopBroker(b: Broker, graceMs: number): Promise<{ ms: number; code: number | null }> {
  const t0 = Date.now();
  await b.proc.stop(graceMs);
  return { ms: Date.now() - t0, code: (await b.proc.exited) ?? null };
}

/** Commit-log segment files (20-digit names) of a store root. */
export function commitLogSegments(storeParent: string): Array<{ name: string; size: number }> {
  const dir = path.join(storeParent, 'store', 'commitlog');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((n) => /^\d{20}$/.test(n))
    .sort()
    .map((name) => ({ name, size: fs.statSync(path.join(dir, name)).size }));
}

/** Lines of a log file that look like warnings/errors (ours: pino level ≥ 40; Java: WARN/ERROR/Exception). */
export function notableLogLines(file: string, max = 30): string[] {
  if (!fs.existsSync(file)) return [];
  const out: string[] = [];
  for (const l of fs.readFileSync(file, 'utf8').split('\n')) {
    let hit = false;
    if (l.startsWith('{')) {
      try {
        const o = JSON.parse(l) as { level?: number };
        hit = typeof o.level === 'number' && o.level >= 40;
      } catch {
        hit = false;
      }
    } else hit = /WARN|ERROR|Exception/.test(l);
    if (hit) out.push(l.slice(0, 600));
    if (out.length >= max) break;
  }
  return out;
}

/** sha1 of every consume-queue file of a store root, keyed by its path under consumequeue/. */
export function consumeQueueDigests(storeParent: string): Map<string, string> {
  const root = path.join(storeParent, 'store', 'consumequeue');
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(root, p), crypto.createHash('sha1').update(fs.readFileSync(p)).digest('hex'));
    }
  };
  walk(root);
  return out;
}
