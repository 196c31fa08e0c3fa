// Runs the compat drivers (Java on the 4.9.8 or 5.3.3 client, Go on rocketmq-client-go) with the
// shared CLI contract (notes/driver-contract.md): JSON lines on stdout, the last one the result.
import * as fs from 'fs';
import * as path from 'path';
import { CACHE_DIR, RUNS_DIR } from './paths';
import { startProc, Proc } from './proc';
import { buildGoDriver, buildJavaDriver, goDriverPresent, JavaClientVersion } from './setup';

export const CLIENTS = ['java-4.9.8', 'java-5.3.3', 'go'] as const;
export type Client = (typeof CLIENTS)[number];

export interface DriverResult {
  ok: boolean;
  error?: string;
  [key: string]: unknown;
}

export class ClientNotAvailable extends Error {}

/** Clients the run covers: COMPAT_CLIENTS=java-5.3.3,go narrows it. */
export function selectedClients(): Client[] {
  const env = process.env.COMPAT_CLIENTS;
  if (!env) return [...CLIENTS];
  const wanted = env.split(',').map((s) => s.trim());
  return CLIENTS.filter((c) => wanted.includes(c));
}

export function clientAvailable(client: Client): boolean {
  return client === 'go' ? goDriverPresent() : true;
}

interface Command {
  cmd: string;
  args: string[];
}

const commands = new Map<Client, Promise<Command>>();

async function resolveCommand(client: Client): Promise<Command> {
  if (client === 'go') {
    const bin = await buildGoDriver();
    if (!bin) throw new ClientNotAvailable('compat-tests/go does not exist yet');
    return { cmd: bin, args: [] };
  }
  const version = client.slice('java-'.length) as JavaClientVersion;
  const { classpath } = await buildJavaDriver(version);
  const logRoot = path.join(CACHE_DIR, 'logs', `client-${version}`);
  fs.mkdirSync(logRoot, { recursive: true });
  return {
    cmd: 'java',
    args: [
      '-Xmx256m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      `-Drocketmq.client.logRoot=${logRoot}`,
      `-Drocketmq.client.logLevel=${process.env.COMPAT_CLIENT_LOG_LEVEL ?? 'WARN'}`,
      '-cp',
      classpath,
      'org.rocketmqts.compat.Driver',
    ],
  };
}

/** The command line of a client's driver (built on first use). */
export function driverCommand(client: Client): Promise<Command> {
  let c = commands.get(client);
  if (!c) {
    c = resolveCommand(client);
    commands.set(client, c);
    c.catch(() => commands.delete(client));
  }
  return c;
}

let seq = 0;
/** A fresh file name under the run directory for --report files. */
export function reportFile(label: string): string {
  fs.mkdirSync(RUNS_DIR, { recursive: true });
  return path.join(RUNS_DIR, `${process.pid}-${Date.now()}-${++seq}-${label.replace(/[^A-Za-z0-9_.-]/g, '_')}.jsonl`);
}

export function readReport<T = Record<string, unknown>>(file: string): T[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as T);
}

export interface RunningDriver {
  proc: Proc;
  /** Resolves when the driver printed {"event":"ready"}. */
  ready(timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the result line (or a synthetic failure when the driver died without one). */
  result: Promise<DriverResult>;
  stop(): Promise<void>;
}

function parseResult(proc: Proc, code: number | null): DriverResult {
  for (let i = proc.lines.length - 1; i >= 0; i--) {
    try {
      const o = JSON.parse(proc.lines[i]) as Record<string, unknown>;
      if (typeof o.ok === 'boolean') return o as DriverResult;
    } catch {
      // not JSON
    }
  }
  return { ok: false, error: `driver exited with code ${code} and no result line; stderr tail:\n${proc.stderrTail().slice(-1500)}` };
}

/** Starts a driver process (e.g. a consumer) and returns at once. */
export async function startDriver(client: Client, args: string[], opts: { killAfterMs?: number } = {}): Promise<RunningDriver> {
  const { cmd, args: pre } = await driverCommand(client);
  fs.mkdirSync(path.join(CACHE_DIR, 'logs'), { recursive: true });
  const proc = startProc(`${client} ${args.slice(0, 2).join(' ')}`, cmd, [...pre, ...args], {
    logFile: path.join(CACHE_DIR, 'logs', `driver-${client}.log`),
    env: client === 'go' ? { ...process.env, ROCKETMQ_GO_LOG_LEVEL: 'warn' } : process.env,
  });
  const killer = setTimeout(() => void proc.stop(), opts.killAfterMs ?? 180_000);
  const result = proc.exited.then((code) => {
    clearTimeout(killer);
    return parseResult(proc, code);
  });
  return {
    proc,
    result,
    ready: async (timeoutMs = 30_000) => {
      const line = await proc.waitForLine((l) => l.includes('"event"') && l.includes('"ready"'), timeoutMs);
      return JSON.parse(line) as Record<string, unknown>;
    },
    stop: () => proc.stop(),
  };
}

/** Runs a driver command to completion and returns its result line. */
export async function runDriver(client: Client, args: string[], opts: { killAfterMs?: number } = {}): Promise<DriverResult> {
  const d = await startDriver(client, args, { killAfterMs: opts.killAfterMs ?? 120_000 });
  return d.result;
}
