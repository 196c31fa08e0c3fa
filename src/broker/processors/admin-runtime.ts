// GET_BROKER_RUNTIME_INFO content (Java AdminBrokerProcessor.prepareRuntimeInfo,
// DefaultMessageStore.getRuntimeInfo, StoreStatsService, BrokerStats; requests.md §7.6). A sampler
// takes the store's put/get counters once a second (Java StoreStatsService keeps 601 one-second
// samples) for the "10 s / 60 s / 600 s" TPS triples, and the day-boundary totals (Java BrokerStats
// records them at midnight). Every key mqadmin `clusterList` / `brokerStatus` reads is present.
import * as fs from 'node:fs';
import { javaDoubleToString } from '../../protocol/body/admin-json';
import { CURRENT_VERSION } from '../../protocol/version';
import type { MessageStore } from '../../store/message-store';
import type { BrokerConfig } from '../broker-config';

interface Sample {
  readonly t: number;
  readonly put: number;
  readonly get: number;
}

const MAX_SAMPLES = 601;

function startOfDay(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** MQVersion.getVersionDesc for our CURRENT_VERSION (V5_3_3). */
export function brokerVersionDesc(): string {
  return CURRENT_VERSION === 479 ? 'V5_3_3' : `V${CURRENT_VERSION}`;
}

export class BrokerRuntimeStats {
  private readonly samples: Sample[] = [];
  readonly bootTimestamp: number;
  private day: number;
  putTotalYesterdayMorning = 0;
  putTotalTodayMorning = 0;
  getTotalYesterdayMorning = 0;
  getTotalTodayMorning = 0;

  /** Messages dispatched per topic since boot (Java BrokerStatsManager TOPIC_PUT_NUMS). */
  private readonly topicPuts = new Map<string, number>();
  /** Per-topic put counters at each sample, last 61 samples (one minute of history). */
  private readonly topicSamples = new Map<string, Array<{ t: number; n: number }>>();

  constructor(private readonly store: MessageStore, private readonly now: () => number = Date.now) {
    this.bootTimestamp = now();
    this.day = startOfDay(this.bootTimestamp);
    this.sample();
  }

  /** Counts one stored message of `topic` (fed by the store's arrival listener). */
  onMessageArrived(topic: string): void {
    this.topicPuts.set(topic, (this.topicPuts.get(topic) ?? 0) + 1);
  }

  /** Java tpsTopicPutNums: put TPS of a topic over the last minute of samples (0 when unknown). */
  topicPutTps(topic: string): number {
    const l = this.topicSamples.get(topic);
    if (!l || l.length < 2) return 0;
    const first = l[0] as { t: number; n: number };
    const last = l[l.length - 1] as { t: number; n: number };
    const dt = last.t - first.t;
    return dt > 0 ? ((last.n - first.n) * 1000) / dt : 0;
  }

  /** Takes one sample (call every second). */
  sample(): void {
    const t = this.now();
    const s = this.store.stats();
    this.samples.push({ t, put: s.putMessageTimes, get: s.getMessageTimes });
    if (this.samples.length > MAX_SAMPLES) this.samples.shift();
    for (const [topic, n] of this.topicPuts) {
      let l = this.topicSamples.get(topic);
      if (!l) {
        l = [];
        this.topicSamples.set(topic, l);
      }
      l.push({ t, n });
      if (l.length > 61) l.shift();
    }
    const day = startOfDay(t);
    if (day !== this.day) {
      this.day = day;
      this.putTotalYesterdayMorning = this.putTotalTodayMorning;
      this.getTotalYesterdayMorning = this.getTotalTodayMorning;
      this.putTotalTodayMorning = s.putMessageTimes;
      this.getTotalTodayMorning = s.getMessageTimes;
    }
  }

  /** Java CallSnapshot.getTPS over the last `seconds` samples; '' when there are not enough yet. */
  private tps(seconds: number, pick: (s: Sample) => number): string {
    if (this.samples.length <= seconds) return '';
    const last = this.samples[this.samples.length - 1] as Sample;
    const before = this.samples[this.samples.length - 1 - seconds] as Sample;
    const dt = last.t - before.t;
    const v = dt > 0 ? ((pick(last) - pick(before)) * 1000) / dt : 0;
    return javaDoubleToString(v);
  }

  tpsTriple(pick: 'put' | 'get'): string {
    const f = (s: Sample): number => s[pick];
    return `${this.tps(10, f)} ${this.tps(60, f)} ${this.tps(600, f)}`;
  }

  /** Put TPS over the last 10 s as a number (topic stats use it). */
  putTps10(): number {
    const s = this.tps(10, (x) => x.put);
    return s === '' ? 0 : Number(s);
  }

  formatRuntime(): string {
    let ms = this.now() - this.bootTimestamp;
    const day = Math.floor(ms / 86_400_000); ms -= day * 86_400_000;
    const hour = Math.floor(ms / 3_600_000); ms -= hour * 3_600_000;
    const min = Math.floor(ms / 60_000); ms -= min * 60_000;
    const sec = Math.floor(ms / 1000);
    return `[ ${day} days, ${hour} hours, ${min} minutes, ${sec} seconds ]`;
  }
}

function diskUsedRatio(dir: string): number {
  try {
    const s = fs.statfsSync(dir);
    const total = s.blocks * s.bsize;
    if (total <= 0) return -1;
    return (total - s.bfree * s.bsize) / total;
  } catch {
    return -1;
  }
}

export interface RuntimeInfoInput {
  readonly config: BrokerConfig;
  readonly store: MessageStore;
  readonly stats: BrokerRuntimeStats;
  /** Earliest store time of any message, or -1/0 when unknown. */
  readonly earliestMessageTimeStamp: number;
  /** ScheduleMessageService.buildRunningStats, when the service runs. */
  readonly scheduleStats?: (m: Map<string, string>) => void;
}

export function prepareRuntimeInfo(i: RuntimeInfoInput): Map<string, string> {
  const s = i.store.stats();
  const st = i.stats;
  const m = new Map<string, string>();
  const ratio = diskUsedRatio(i.config.storePathRootDir);
  m.set('bootTimestamp', String(st.bootTimestamp));
  m.set('runtime', st.formatRuntime());
  m.set('putMessageTimesTotal', String(s.putMessageTimes));
  m.set('putMessageFailedTimes', '0');
  m.set('putTps', st.tpsTriple('put'));
  m.set('getTransferredTps', st.tpsTriple('get'));
  m.set('getTotalTps', st.tpsTriple('get'));
  m.set('getFoundTps', st.tpsTriple('get'));
  m.set('getMissTps', '0.0 0.0 0.0');
  m.set('commitLogDiskRatio', javaDoubleToString(ratio));
  m.set(`commitLogDiskRatio_${i.config.storePathCommitLog || i.config.storePathRootDir}`, javaDoubleToString(ratio));
  m.set('consumeQueueDiskRatio', javaDoubleToString(ratio));
  m.set('commitLogMinOffset', String(s.commitLogMinOffset));
  m.set('commitLogMaxOffset', String(s.commitLogMaxOffset));
  i.scheduleStats?.(m);
  m.set('brokerActive', 'true');
  m.set('brokerVersionDesc', brokerVersionDesc());
  m.set('brokerVersion', String(CURRENT_VERSION));
  m.set('msgPutTotalYesterdayMorning', String(st.putTotalYesterdayMorning));
  m.set('msgPutTotalTodayMorning', String(st.putTotalTodayMorning));
  m.set('msgPutTotalTodayNow', String(s.putMessageTimes));
  m.set('msgGetTotalYesterdayMorning', String(st.getTotalYesterdayMorning));
  m.set('msgGetTotalTodayMorning', String(st.getTotalTodayMorning));
  m.set('msgGetTotalTodayNow', String(s.getMessageTimes));
  m.set('dispatchBehindBytes', String(s.dispatchBehindBytes));
  m.set('pageCacheLockTimeMills', '0');
  m.set('earliestMessageTimeStamp', String(i.earliestMessageTimeStamp));
  m.set('startAcceptSendRequestTimeStamp', String(i.config.startAcceptSendRequestTimeStamp));
  m.set('timerReadBehind', '0');
  m.set('timerOffsetBehind', '0');
  m.set('timerCongestNum', '0');
  m.set('timerEnqueueTps', '0.0');
  m.set('timerDequeueTps', '0.0');
  m.set('remainTransientStoreBufferNumbs', '2147483647');
  m.set('remainHowManyDataToFlush', '0 B');
  for (const q of ['send', 'pull', 'litePull', 'query', 'ack']) {
    m.set(`${q}ThreadPoolQueueSize`, '0');
    m.set(`${q}ThreadPoolQueueHeadWaitTimeMills`, '0');
  }
  m.set('sendThreadPoolQueueCapacity', String(i.config.sendThreadPoolQueueCapacity));
  m.set('pullThreadPoolQueueCapacity', String(i.config.pullThreadPoolQueueCapacity));
  m.set('EndTransactionQueueSize', '0');
  m.set('EndTransactionThreadPoolQueueCapacity', '100000');
  return m;
}
