// Delivery of delay-level messages (Java broker/.../schedule/ScheduleMessageService; store.md §9).
// One loop per level reads SCHEDULE_TOPIC_XXXX queue level−1 from `offsetTable[level]`; a message
// whose deliver time (store time + delay(level)) has come is re-put to REAL_TOPIC/REAL_QID as a new
// message (Java messageTimeUp), then the level offset advances. When the head is not yet due the loop
// sleeps exactly until it is (never more than 100 ms at a time, Java DELAY_FOR_A_WHILE), so delivery
// happens within a few ms of the due time. Progress is persisted to config/delayOffset.json in the
// Java shape every `flushDelayOffsetInterval` ms and at shutdown.
import * as path from 'node:path';
import { getLogger, type Logger } from '../../common/logger';
import { tagsString2tagsCode } from '../../common/java-hash';
import { decodeProperties, decodeRecord, encodeProperties } from '../../store/message-codec';
import { GetMessageStatus, PutMessageStatus, type MessageStore, type PutMessageInput, type PutMessageResult } from '../../store/message-store';
import { JKeyMap, parseFastJson, toFastJson, toFastJsonPretty, type JValue } from '../../protocol/body/admin-json';
import { loadConfigFile, writeConfigFileAtomic } from './config-file';
import {
  computeDeliverTimestamp, DEFAULT_MESSAGE_DELAY_LEVEL, delayLevel2QueueId, MessageConst, parseDelayLevel, SCHEDULE_TOPIC,
  type DelayLevelTable,
} from './delay-level';

const FIRST_DELAY_TIME = 1000;
const DELAY_FOR_A_WHILE = 100;
const DELAY_FOR_A_PERIOD = 10_000;
const BATCH = 32;
const TRANS_HALF_TOPIC = 'RMQ_SYS_TRANS_HALF_TOPIC';
/** The consume-group name used for the store's read path (never persisted). */
const SCHEDULE_READER_GROUP = 'SCHEDULE_MESSAGE_SERVICE';

export interface DataVersion {
  counter: number;
  stateVersion: number;
  timestamp: number;
}

export function dataVersionJson(v: DataVersion): JValue {
  return { counter: v.counter, stateVersion: v.stateVersion, timestamp: v.timestamp };
}

export interface ScheduleMessageServiceOptions {
  readonly store: MessageStore;
  /** `storePathRootDir`: the file is `<root>/config/delayOffset.json`. */
  readonly storePathRootDir: string;
  readonly messageDelayLevel?: string;
  /** Java `flushDelayOffsetInterval`, default 10 000 ms. */
  readonly flushDelayOffsetInterval?: number;
  /** Java `delayOffsetUpdateVersionStep`, default 200. */
  readonly delayOffsetUpdateVersionStep?: number;
  /** Delay before the first pass of each level (Java 1 s); tests shorten it. */
  readonly firstDelayMs?: number;
  /** How a due message is stored; defaults to `store.putMessage`. */
  readonly put?: (msg: PutMessageInput) => Promise<PutMessageResult>;
  readonly logger?: Logger;
  readonly now?: () => number;
}

export class ScheduleMessageService {
  readonly table: DelayLevelTable;
  private readonly offsetTable = new Map<number, number>();
  private readonly dataVersion: DataVersion;
  private versionChangeCounter = 0;
  private started = false;
  private stopped = false;
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly running = new Map<number, Promise<void>>();
  private persistTimer: NodeJS.Timeout | undefined;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly put: (msg: PutMessageInput) => Promise<PutMessageResult>;

  constructor(private readonly opts: ScheduleMessageServiceOptions) {
    this.logger = opts.logger ?? getLogger('schedule');
    this.now = opts.now ?? Date.now;
    this.dataVersion = { counter: 0, stateVersion: 0, timestamp: this.now() };
    const parsed = parseDelayLevel(opts.messageDelayLevel ?? DEFAULT_MESSAGE_DELAY_LEVEL);
    if (!parsed.ok) {
      this.logger.error({ error: parsed.error }, 'parse message delay level failed, using the default table');
      const def = parseDelayLevel(DEFAULT_MESSAGE_DELAY_LEVEL);
      if (!def.ok) throw new Error(def.error);
      this.table = def.table;
    } else {
      this.table = parsed.table;
    }
    this.put = opts.put ?? ((m) => opts.store.putMessage(m));
  }

  get maxDelayLevel(): number {
    return this.table.maxDelayLevel;
  }

  get configFilePath(): string {
    return path.join(this.opts.storePathRootDir, 'config', 'delayOffset.json');
  }

  /** Next queue offset to deliver for a level (0 when unknown). */
  getOffset(level: number): number {
    return this.offsetTable.get(level) ?? 0;
  }

  computeDeliverTimestamp(level: number, storeTimestamp: number): number {
    return computeDeliverTimestamp(this.table, level, storeTimestamp);
  }

  /** Loads delayOffset.json (or .bak), corrects offsets against the queues, starts the loops. */
  async start(): Promise<void> {
    if (this.started || this.stopped) return;
    const r = await loadConfigFile(this.configFilePath, (text) => this.decode(text));
    if (r === 'failed') this.logger.error({ file: this.configFilePath }, 'delayOffset.json and its .bak unreadable; starting from 0');
    if (this.stopped) return;
    this.correctDelayOffset();
    this.started = true;
    const first = this.opts.firstDelayMs ?? FIRST_DELAY_TIME;
    for (let level = 1; level <= this.table.maxDelayLevel; level++) this.schedule(level, first);
    const interval = this.opts.flushDelayOffsetInterval ?? 10_000;
    this.persistTimer = setInterval(() => {
      this.persist().catch((err: unknown) => this.logger.error({ err: String(err) }, 'persist delayOffset.json failed'));
    }, interval);
    this.persistTimer.unref();
  }

  /** Stops the loops, waits for in-flight deliveries, persists. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    if (!this.started) return;
    this.started = false;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    if (this.persistTimer) clearInterval(this.persistTimer);
    await Promise.allSettled([...this.running.values()]);
    await this.persist();
  }

  async persist(): Promise<void> {
    await writeConfigFileAtomic(this.configFilePath, this.encode(true));
  }

  /** DelayOffsetSerializeWrapper JSON (fastjson shape; unquoted integer keys). */
  encode(pretty = false): string {
    const levels = [...this.offsetTable.keys()].sort((a, b) => a - b);
    const v: JValue = {
      dataVersion: dataVersionJson(this.dataVersion),
      offsetTable: new JKeyMap(levels.map((l) => [l, this.offsetTable.get(l) ?? 0] as const)),
    };
    return pretty ? toFastJsonPretty(v) : toFastJson(v);
  }

  /** Accepts the 4.9 (no dataVersion) and 5.x shapes. Returns false for unusable text. */
  decode(text: string): boolean {
    const obj = parseFastJson(text);
    if (typeof obj !== 'object' || obj === null) return false;
    const o = obj as { offsetTable?: unknown; dataVersion?: unknown };
    if (typeof o.offsetTable !== 'object' || o.offsetTable === null) return false;
    for (const [k, v] of Object.entries(o.offsetTable as Record<string, unknown>)) {
      const level = Number(k);
      if (Number.isInteger(level) && typeof v === 'number' && Number.isSafeInteger(v)) this.offsetTable.set(level, v);
    }
    const dv = o.dataVersion as Partial<DataVersion> | undefined;
    if (dv && typeof dv === 'object') {
      if (typeof dv.counter === 'number') this.dataVersion.counter = dv.counter;
      if (typeof dv.stateVersion === 'number') this.dataVersion.stateVersion = dv.stateVersion;
      if (typeof dv.timestamp === 'number') this.dataVersion.timestamp = dv.timestamp;
    }
    return true;
  }

  /** Java correctDelayOffset: clamp each stored offset into [min, max] of its queue. */
  correctDelayOffset(): void {
    const store = this.opts.store;
    for (let level = 1; level <= this.table.maxDelayLevel; level++) {
      const cur = this.offsetTable.get(level);
      if (cur === undefined) continue;
      const qid = delayLevel2QueueId(level);
      if (!store.getQueueIds(SCHEDULE_TOPIC).includes(qid)) continue;
      const min = store.getMinOffsetInQueue(SCHEDULE_TOPIC, qid);
      const max = store.getMaxOffsetInQueue(SCHEDULE_TOPIC, qid);
      const fixed = Math.min(Math.max(cur, min), max);
      if (fixed !== cur) {
        this.logger.error({ level, from: cur, to: fixed, min, max }, 'correct delay offset');
        this.offsetTable.set(level, fixed);
      }
    }
  }

  /** `scheduleMessageOffset_<level>` = "delayOffset,maxOffset" (Java buildRunningStats). */
  buildRunningStats(stats: Map<string, string>): void {
    for (const [level, off] of this.offsetTable) {
      const max = this.opts.store.getMaxOffsetInQueue(SCHEDULE_TOPIC, delayLevel2QueueId(level));
      stats.set(`scheduleMessageOffset_${level}`, `${off},${max}`);
    }
  }

  private updateOffset(level: number, offset: number): void {
    this.offsetTable.set(level, offset);
    this.versionChangeCounter++;
    if (this.versionChangeCounter % (this.opts.delayOffsetUpdateVersionStep ?? 200) === 0) {
      this.dataVersion.counter++;
      this.dataVersion.timestamp = this.now();
    }
  }

  private schedule(level: number, delayMs: number): void {
    if (!this.started) return;
    const t = setTimeout(() => {
      this.timers.delete(level);
      const run = this.deliverLevel(level)
        .then((next) => this.schedule(level, next))
        .catch((err: unknown) => {
          this.logger.error({ level, err: String(err) }, 'ScheduleMessageService, executeOnTimeUp exception');
          this.schedule(level, DELAY_FOR_A_PERIOD);
        })
        .finally(() => this.running.delete(level));
      this.running.set(level, run);
    }, Math.max(0, delayMs));
    t.unref();
    this.timers.set(level, t);
  }

  /** One pass over a level (Java executeOnTimeUp); resolves with the delay before the next pass. */
  async deliverLevel(level: number): Promise<number> {
    const store = this.opts.store;
    const qid = delayLevel2QueueId(level);
    const delay = this.table.delays[level - 1] ?? 1000;
    for (;;) {
      if (!this.started) return DELAY_FOR_A_WHILE;
      let offset = this.getOffset(level);
      const max = store.getMaxOffsetInQueue(SCHEDULE_TOPIC, qid);
      // Past the end: wait (an offset beyond the queue is only corrected at start, against a
      // recovered store, so that a store still loading never rewinds delivery progress).
      if (offset >= max) return DELAY_FOR_A_WHILE;
      const min = store.getMinOffsetInQueue(SCHEDULE_TOPIC, qid);
      if (offset < min) {
        this.logger.error({ level, offset, min }, 'schedule CQ offset invalid');
        offset = min;
        this.updateOffset(level, offset);
      }
      const got = await store.getMessage({ group: SCHEDULE_READER_GROUP, topic: SCHEDULE_TOPIC, queueId: qid, offset, maxMsgNums: BATCH });
      if (got.status !== GetMessageStatus.FOUND || got.messages.length === 0) {
        // Nothing readable here: follow the store's suggestion when it moves forward.
        if (got.nextBeginOffset > offset) this.updateOffset(level, got.nextBeginOffset);
        return DELAY_FOR_A_WHILE;
      }
      for (let i = 0; i < got.messages.length; i++) {
        if (!this.started) return DELAY_FOR_A_WHILE;
        const buf = got.messages[i] as Buffer;
        const queueOffset = got.queueOffsets[i] ?? offset;
        const d = decodeRecord(buf, 0, { checkCRC: false });
        if (d.kind !== 'MESSAGE') {
          this.logger.error({ level, queueOffset }, 'unreadable schedule record skipped');
          this.updateOffset(level, queueOffset + 1);
          continue;
        }
        const now = this.now();
        let deliverTs = computeDeliverTimestamp(this.table, level, d.record.storeTimestamp);
        if (deliverTs > now + delay) deliverTs = now; // Java correctDeliverTimestamp
        const countdown = deliverTs - now;
        if (countdown > 0) {
          this.updateOffset(level, queueOffset);
          return Math.min(countdown, DELAY_FOR_A_WHILE);
        }
        const inner = messageTimeUp(d.record);
        if (inner === null) {
          this.logger.error({ level, queueOffset }, 'schedule message without a usable REAL_TOPIC/REAL_QID discarded');
          this.updateOffset(level, queueOffset + 1);
          continue;
        }
        if (inner.topic === TRANS_HALF_TOPIC) {
          this.logger.error({ level, queueOffset }, '[BUG] the real topic of schedule msg is the half topic, discarded');
          this.updateOffset(level, queueOffset + 1);
          continue;
        }
        const res = await this.put(inner);
        // The append happened for these statuses (only durability is in doubt): re-putting would
        // duplicate the message, so the offset moves on. Java retries only when not PUT_OK.
        const appended = res.status === PutMessageStatus.PUT_OK || (res.appendResult !== undefined
          && (res.status === PutMessageStatus.FLUSH_DISK_TIMEOUT || res.status === PutMessageStatus.FLUSH_SLAVE_TIMEOUT
            || res.status === PutMessageStatus.SLAVE_NOT_AVAILABLE));
        if (!appended) {
          this.logger.warn({ level, queueOffset, status: res.status }, 'schedule delivery failed, retrying');
          this.updateOffset(level, queueOffset);
          return DELAY_FOR_A_WHILE;
        }
        this.updateOffset(level, queueOffset + 1);
      }
    }
  }
}

/**
 * Java messageTimeUp: the message to store in its real topic. Properties keep everything except
 * DELAY and the timer properties (REAL_TOPIC/REAL_QID stay, as in Java), WAIT=false; body, flag,
 * sysFlag, born time/host, store host and reconsume times are copied. Null when REAL_TOPIC or
 * REAL_QID is missing or unparseable.
 */
export function messageTimeUp(r: {
  readonly body: Buffer; readonly flag: number; readonly properties: string; readonly sysFlag: number;
  readonly bornTimestamp: number; readonly bornHost: { address: string; port: number };
  readonly storeHost: { address: string; port: number }; readonly reconsumeTimes: number;
}): PutMessageInput | null {
  const props = decodeProperties(r.properties);
  const topic = props.get(MessageConst.REAL_TOPIC);
  const qidRaw = props.get(MessageConst.REAL_QID);
  if (topic === undefined || qidRaw === undefined || !/^[+-]?\d+$/.test(qidRaw)) return null;
  const queueId = Number(qidRaw);
  if (queueId < 0 || queueId > 0x7fffffff) return null;
  props.set(MessageConst.WAIT, 'false');
  props.delete(MessageConst.DELAY);
  props.delete(MessageConst.TIMER_DELIVER_MS);
  props.delete(MessageConst.TIMER_DELAY_SEC);
  return {
    topic,
    queueId,
    flag: r.flag,
    body: r.body,
    properties: encodeProperties(props),
    bornTimestamp: r.bornTimestamp,
    bornHost: r.bornHost,
    storeHost: r.storeHost,
    sysFlag: r.sysFlag,
    reconsumeTimes: r.reconsumeTimes,
    preparedTransactionOffset: 0,
    tagsCode: tagsString2tagsCode(props.get(MessageConst.TAGS)),
    waitStoreMsgOK: false,
  };
}
