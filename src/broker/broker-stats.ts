// Per-key counters with a one-minute TPS (Java BrokerStatsManager / StatsItemSet / StatsItem):
// every 10 s each counter is sampled; the last 7 samples (one minute) are kept and the TPS is
// (newest − oldest) × 1000 / (time between them), 0 with fewer than two samples. Keys follow Java:
// `topic@group` for GROUP_GET_NUMS. A new counter's first sample follows a zero snapshot dated one
// period earlier, as in Java.

interface Sample {
  readonly t: number;
  readonly n: number;
}

const SAMPLES_PER_MINUTE = 7;
export const SAMPLE_PERIOD_MS = 10_000;

export class StatsItemSet {
  private readonly counters = new Map<string, number>();
  private readonly samples = new Map<string, Sample[]>();

  constructor(private readonly now: () => number = Date.now) {}

  add(key: string, n: number): void {
    this.counters.set(key, (this.counters.get(key) ?? 0) + n);
  }

  /** Takes one sample of every counter (Java samplingInSeconds, every 10 s). */
  sample(): void {
    const t = this.now();
    for (const [key, n] of this.counters) {
      let l = this.samples.get(key);
      if (!l) {
        // Java starts a new item's minute list with a zero snapshot taken 10 s earlier
        l = [{ t: t - SAMPLE_PERIOD_MS, n: 0 }];
        this.samples.set(key, l);
      }
      l.push({ t, n });
      if (l.length > SAMPLES_PER_MINUTE) l.shift();
    }
  }

  /** TPS over the last minute of samples (Java getStatsDataInMinute().getTps()). */
  tpsInMinute(key: string): number {
    const l = this.samples.get(key);
    if (!l || l.length < 2) return 0;
    const first = l[0] as Sample;
    const last = l[l.length - 1] as Sample;
    const dt = last.t - first.t;
    return dt > 0 ? ((last.n - first.n) * 1000) / dt : 0;
  }

  /** Forgets keys for which `drop` is true (a deleted topic or group). */
  remove(drop: (key: string) => boolean): void {
    for (const k of [...this.counters.keys()]) {
      if (drop(k)) {
        this.counters.delete(k);
        this.samples.delete(k);
      }
    }
  }
}

/** The broker statistics the admin requests read (Java BrokerStatsManager, the parts we keep). */
export class BrokerStatsManager {
  /** GROUP_GET_NUMS: messages handed out by PULL_MESSAGE, keyed `topic@group`. */
  readonly groupGetNums: StatsItemSet;

  constructor(now: () => number = Date.now) {
    this.groupGetNums = new StatsItemSet(now);
  }

  incGroupGetNums(group: string, topic: string, n: number): void {
    this.groupGetNums.add(`${topic}@${group}`, n);
  }

  /** Java tpsGroupGetNums(group, topic). */
  tpsGroupGetNums(group: string, topic: string): number {
    return this.groupGetNums.tpsInMinute(`${topic}@${group}`);
  }

  sample(): void {
    this.groupGetNums.sample();
  }
}
