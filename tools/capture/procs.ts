// Child-process helpers for the capture driver: start a long-running process and wait for a line,
// run a command to completion with a time limit, stop what we started (by pid, never by name).
import { spawn, type ChildProcess } from 'child_process';
import * as net from 'net';

/** Every child still running, so that an interrupted capture can stop what it started. */
const live = new Set<ChildProcess>();

function track<T extends ChildProcess>(child: T): T {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Kills (SIGKILL) every child this process started that is still running. */
export function killAll(): void {
  for (const c of live) c.kill('SIGKILL');
}

export interface Started {
  child: ChildProcess;
  output: () => string;
}

/** Spawns `cmd args` and resolves once a stdout/stderr line matches `ready`. */
export function startUntil(
  cmd: string,
  args: string[],
  ready: RegExp,
  timeoutMs: number,
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = track(spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    let done = false;
    const output = (): string => out;
    const timer = setTimeout(() => finish(new Error(`timed out waiting for ${ready} from ${cmd}\n${out.slice(-4000)}`)), timeoutMs);
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        child.kill('SIGKILL');
        reject(err);
      } else resolve({ child, output });
    };
    const onData = (b: Buffer): void => {
      // Keep the tail only: the Java servers print a lot at start.
      out = (out + b.toString('utf8')).slice(-200_000);
      if (ready.test(out)) finish();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => finish(new Error(`${cmd} exited with ${code} before ready\n${out.slice(-4000)}`)));
    child.on('error', (e) => finish(e));
  });
}

/** Stops a child we started: SIGTERM, then SIGKILL after `graceMs`. */
export function stop(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The last stdout line that parses as a JSON object (the driver contract's result line). */
  result?: Record<string, unknown>;
  timedOut: boolean;
}

/** Runs a command to completion (killed after `timeoutMs`). */
export function run(cmd: string, args: string[], timeoutMs: number, opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = track(spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString('utf8')).slice(-20_000)));
    const t = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const done = (code: number | null): void => {
      clearTimeout(t);
      let result: Record<string, unknown> | undefined;
      for (const line of stdout.trim().split('\n').reverse()) {
        try {
          const v: unknown = JSON.parse(line);
          if (v && typeof v === 'object' && !Array.isArray(v)) {
            result = v as Record<string, unknown>;
            break;
          }
        } catch {
          // not a JSON line
        }
      }
      resolve({ code, stdout, stderr, result, timedOut });
    };
    child.on('exit', (code) => done(code));
    child.on('error', (e) => {
      stderr += String(e);
      done(null);
    });
  });
}

/**
 * A port below Linux's default ephemeral range (32768-60999), so that no outgoing connection's
 * local port takes it between our check and the Java server's bind.
 */
function randomPort(): number {
  return 12000 + Math.floor(Math.random() * 20000);
}

function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

/**
 * A port P for the broker arrangement (see capture.ts): P, P-2 (the broker's "fast" port) and P+1
 * (its HA port) free on 127.0.0.1 and on the wildcard address, and P free on `teeHost`.
 */
export async function freeBrokerPort(teeHost: string): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const p = randomPort();
    const ok =
      (await canBind('0.0.0.0', p + 1)) &&
      (await canBind('127.0.0.1', p)) &&
      (await canBind('127.0.0.1', p - 2)) &&
      (await canBind(teeHost, p));
    if (ok) return p;
  }
  throw new Error('no free port for the broker');
}

/** A free port on the wildcard address (the Java NameServer binds 0.0.0.0). */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const p = randomPort();
    if (await canBind('0.0.0.0', p)) return p;
  }
  throw new Error('no free port');
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
