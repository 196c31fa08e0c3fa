// What one bench run records (results/*.json) and the figures the table and chart derive from it.
import type { FlushDiskType, Kind } from './servers';

export const SIZES = [128, 1024] as const;
export const THREADS = [8, 64] as const;
export const FLUSHES: FlushDiskType[] = ['ASYNC_FLUSH', 'SYNC_FLUSH'];

export interface SendCell {
  broker: Kind;
  rep: number;
  flush: FlushDiskType;
  size: number;
  threads: number;
  /** official benchmark.Producer: Send TPS over its trailing ≈9 s window at the end of the run */
  tps: number;
  avgRtMs: number;
  sendFailed: number;
  /** broker process CPU, % of one core, over the same window */
  brokerCpuPct: number | undefined;
  /** machine busy share (all cores, 0..1) during the producer run: includes other users of the machine */
  machineBusy: number;
  /** Java driver, sync sends: latency in µs */
  latency: { p50: number; p99: number; p999: number; max: number; tps: number; sent: number; failed: number } | undefined;
}

export interface RepFigures {
  broker: Kind;
  rep: number;
  /** broker spawn → first accepted SEND_MESSAGE on an empty store, NameServer already up */
  coldStartMs: number;
  coldRegisteredMs: number;
  idleRssKb: number;
  peakRssKb: number;
  peakRssAnonKb: number;
  consume: { tps: number; received: number; backlog: number; elapsedMs: number; ok: boolean } | undefined;
  /** clean stop (SIGTERM) → exit */
  stopMs: number;
  /** broker spawn → first accepted send on the store the rep filled */
  restartMs: number;
  storeMessages: number;
  commitLogBytes: number;
}

export interface BenchRun {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  reps: number;
  producerSeconds: number;
  /** git HEAD of the checkout our broker was built from */
  revision?: string;
  host: { cpus: number; memGiB: number; node: string; java: string; loadAvgStart: number; loadAvgEnd: number };
  loadAvg: number[];
  cells: SendCell[];
  reps_: RepFigures[];
}
