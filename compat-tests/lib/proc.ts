// Child processes of the harness: spawned in their own process group so a stop reaches the JVM
// and its children, stdout split into lines, stderr kept (tail in memory, all of it in a log file).
import { spawn, ChildProcess, SpawnOptions } from 'child_process';
import * as fs from 'fs';

export interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  readonly lines: string[];
  stderrTail(): string;
  /** Resolves with the first stdout line matching; rejects when the process exits first or after timeoutMs. */
  waitForLine(pred: (line: string) => boolean, timeoutMs: number): Promise<string>;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  exitCode(): number | null | undefined;
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<Proc>();

process.once('exit', () => {
  for (const p of live) killGroup(p.child, 'SIGKILL');
});

function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    try {
      child.kill(sig);
    } catch {
      // already gone
    }
  }
}

export function startProc(name: string, cmd: string, args: string[], opts: SpawnOptions & { logFile?: string } = {}): Proc {
  const child = spawn(cmd, args, { ...opts, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: Array<{ pred: (l: string) => boolean; resolve: (l: string) => void }> = [];
  let errTail = '';
  let code: number | null | undefined;
  const log = opts.logFile ? fs.createWriteStream(opts.logFile, { flags: 'a' }) : undefined;
  let buf = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    log?.write(chunk);
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).replace(/\r$/, '');
      buf = buf.slice(nl + 1);
      lines.push(line);
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (waiters[i].pred(line)) {
          waiters[i].resolve(line);
          waiters.splice(i, 1);
        }
      }
    }
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    log?.write(chunk);
    errTail = (errTail + chunk).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (err) => {
      errTail += `\nspawn error: ${err.message}`;
      code = -1;
      resolve(-1);
    });
    child.once('close', (c) => {
      if (buf.length > 0) lines.push(buf);
      code = c;
      log?.end();
      resolve(c);
    });
  });
  const proc: Proc = {
    name,
    child,
    lines,
    stderrTail: () => errTail,
    exited,
    exitCode: () => code,
    waitForLine(pred, timeoutMs) {
      const seen = lines.find(pred);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name}: no matching output after ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          pred,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
        void exited.then((c) => {
          clearTimeout(timer);
          reject(new Error(`${name} exited (code ${c}) before expected output; stderr tail:\n${errTail.slice(-1500)}`));
        });
      });
    },
    async stop(graceMs = 3000) {
      if (code === undefined) {
        killGroup(child, 'SIGTERM');
        const t = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
        await exited;
        clearTimeout(t);
      }
      live.delete(proc);
    },
  };
  live.add(proc);
  void exited.then(() => live.delete(proc));
  return proc;
}

/** Stops every process this module started and that is still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((p) => p.stop()));
}
