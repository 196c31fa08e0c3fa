// Samples a process's memory and CPU from /proc (Linux): VmRSS, RssAnon and utime+stime ticks.
import * as fs from 'fs';

const CLK_TCK = 100; // sysconf(_SC_CLK_TCK) on Linux x86_64/arm64

export interface ProcSample {
  t: number;
  rssKb: number;
  rssAnonKb: number;
  /** utime + stime in seconds */
  cpuS: number;
}

export function readProc(pid: number): ProcSample | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string): number => {
      const m = new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status);
      return m ? Number(m[1]) : 0;
    };
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the parenthesised comm: state is field 3; utime 14, stime 15 (1-based)
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    return { t: Date.now(), rssKb: kb('VmRSS'), rssAnonKb: kb('RssAnon'), cpuS: (utime + stime) / CLK_TCK };
  } catch {
    return undefined;
  }
}

/** Samples one pid every `everyMs` until stopped. */
export class ProcSampler {
  readonly samples: ProcSample[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly pid: number, everyMs = 500) {
    const take = (): void => {
      const s = readProc(pid);
      if (s) this.samples.push(s);
    };
    take();
    this.timer = setInterval(take, everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const s = readProc(this.pid);
    if (s) this.samples.push(s);
  }

  /** Samples within [from, to] (ms epoch). */
  window(from: number, to: number): ProcSample[] {
    return this.samples.filter((s) => s.t >= from && s.t <= to);
  }

  /** Average CPU use in percent of one core over [from, to]. */
  cpuPercent(from: number, to: number): number | undefined {
    const w = this.window(from, to);
    if (w.length < 2) return undefined;
    const a = w[0];
    const b = w[w.length - 1];
    return b.t > a.t ? (100 * (b.cpuS - a.cpuS)) / ((b.t - a.t) / 1000) : undefined;
  }

  peak(from = 0, to = Number.MAX_SAFE_INTEGER): { rssKb: number; rssAnonKb: number } {
    let rssKb = 0;
    let rssAnonKb = 0;
    for (const s of this.window(from, to)) {
      rssKb = Math.max(rssKb, s.rssKb);
      rssAnonKb = Math.max(rssAnonKb, s.rssAnonKb);
    }
    return { rssKb, rssAnonKb };
  }
}

/** 1-minute load average and the machine's busy fraction since the previous call (from /proc/stat). */
export class MachineLoad {
  private prev: { busy: number; total: number } | undefined;

  private static cpu(): { busy: number; total: number } {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = v[3] + (v[4] ?? 0);
    const total = v.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  }

  constructor() {
    this.prev = MachineLoad.cpu();
  }

  loadAvg1(): number {
    return Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  }

  /** Busy share of all cores (0..1) since the last call. */
  busySinceLast(): number {
    const now = MachineLoad.cpu();
    const p = this.prev ?? now;
    this.prev = now;
    const dt = now.total - p.total;
    return dt > 0 ? (now.busy - p.busy) / dt : 0;
  }
}
