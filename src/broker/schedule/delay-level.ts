// Delay levels (store.md §9): the `messageDelayLevel` table and the rewrite of a DELAY message
// into SCHEDULE_TOPIC_XXXX (Java ScheduleMessageService.parseDelayLevel,
// HookUtils.handleScheduleMessage / transformDelayLevelMessage; 4.9: CommitLog.asyncPutMessage).
import { decodeProperties, encodeProperties, MessageSysFlag, transactionType } from '../../store/message-codec';
import type { PutMessageInput } from '../../store/message-store';

export const SCHEDULE_TOPIC = 'SCHEDULE_TOPIC_XXXX';
export const DEFAULT_MESSAGE_DELAY_LEVEL = '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h';

export const MessageConst = {
  DELAY: 'DELAY',
  REAL_TOPIC: 'REAL_TOPIC',
  REAL_QID: 'REAL_QID',
  WAIT: 'WAIT',
  TAGS: 'TAGS',
  KEYS: 'KEYS',
  UNIQ_KEY: 'UNIQ_KEY',
  RETRY_TOPIC: 'RETRY_TOPIC',
  ORIGIN_MESSAGE_ID: 'ORIGIN_MESSAGE_ID',
  TRAN_MSG: 'TRAN_MSG',
  PGROUP: 'PGROUP',
  TIMER_DELIVER_MS: 'TIMER_DELIVER_MS',
  TIMER_DELAY_SEC: 'TIMER_DELAY_SEC',
  TIMER_DELAY_MS: 'TIMER_DELAY_MS',
  TRANSACTION_ID: '__transactionId__',
  TRANSACTION_CHECK_TIMES: 'TRANSACTION_CHECK_TIMES',
  CHECK_IMMUNITY_TIME_IN_SECONDS: 'CHECK_IMMUNITY_TIME_IN_SECONDS',
  TRAN_PREPARED_QUEUE_OFFSET: 'TRAN_PREPARED_QUEUE_OFFSET',
  CLUSTER: 'CLUSTER',
} as const;

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parsed delay table: `delays[level - 1]` = delay in ms; levels are 1-based. */
export interface DelayLevelTable {
  readonly delays: readonly number[];
  readonly maxDelayLevel: number;
}

export type DelayTableResult = { ok: true; table: DelayLevelTable } | { ok: false; error: string };

/** Java parseDelayLevel: space-separated `<n><unit>` with unit s/m/h/d. Never throws. */
export function parseDelayLevel(levelString: string = DEFAULT_MESSAGE_DELAY_LEVEL): DelayTableResult {
  const delays: number[] = [];
  for (const item of levelString.split(' ')) {
    const unit = UNIT_MS[item.slice(-1)];
    const num = item.slice(0, -1);
    if (unit === undefined || !/^[+-]?\d+$/.test(num)) return { ok: false, error: `bad delay level "${item}" in "${levelString}"` };
    delays.push(Number(num) * unit);
  }
  return { ok: true, table: { delays, maxDelayLevel: delays.length } };
}

export function delayLevel2QueueId(level: number): number {
  return level - 1;
}

export function queueId2DelayLevel(queueId: number): number {
  return queueId + 1;
}

/** Java computeDeliverTimestamp: storeTimestamp + delay(level), or + 1 s for an unknown level. */
export function computeDeliverTimestamp(table: DelayLevelTable, level: number, storeTimestamp: number): number {
  const d = table.delays[level - 1];
  return storeTimestamp + (d ?? 1000);
}

/** Java Message.getDelayTimeLevel: Integer.parseInt(DELAY) or 0 (a bad value counts as 0 here). */
export function delayTimeLevelOf(props: ReadonlyMap<string, string>): number {
  const raw = props.get(MessageConst.DELAY);
  if (raw === undefined || !/^[+-]?\d+$/.test(raw)) return 0;
  const n = Number(raw);
  return n >= -0x80000000 && n <= 0x7fffffff ? n : 0;
}

/**
 * The put hook (HookUtils.handleScheduleMessage, level part): a NOT_TYPE/COMMIT message with
 * DELAY > 0 is parked in SCHEDULE_TOPIC_XXXX queue level−1 with REAL_TOPIC/REAL_QID; the level is
 * clamped to the max; timer properties are dropped when a level is set (levels win); the tags
 * code becomes the deliver timestamp. Anything else is returned unchanged.
 */
export function transformDelayLevelMessage(msg: PutMessageInput, table: DelayLevelTable, now: number = Date.now()): PutMessageInput {
  const tranType = transactionType(msg.sysFlag);
  if (tranType !== MessageSysFlag.TRANSACTION_NOT_TYPE && tranType !== MessageSysFlag.TRANSACTION_COMMIT_TYPE) return msg;
  if (msg.topic === SCHEDULE_TOPIC) return msg;
  if (!msg.properties.includes(MessageConst.DELAY + '\u0001')) return msg;
  const props = decodeProperties(msg.properties);
  let level = delayTimeLevelOf(props);
  if (level <= 0) return msg;
  props.delete(MessageConst.TIMER_DELIVER_MS);
  props.delete(MessageConst.TIMER_DELAY_SEC);
  props.delete(MessageConst.TIMER_DELAY_MS);
  if (level > table.maxDelayLevel) {
    level = table.maxDelayLevel;
    props.set(MessageConst.DELAY, String(level));
  }
  props.set(MessageConst.REAL_TOPIC, msg.topic);
  props.set(MessageConst.REAL_QID, String(msg.queueId));
  return {
    ...msg,
    topic: SCHEDULE_TOPIC,
    queueId: delayLevel2QueueId(level),
    properties: encodeProperties(props),
    tagsCode: computeDeliverTimestamp(table, level, now),
  };
}
