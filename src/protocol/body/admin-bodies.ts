// Admin request/response bodies written as fastjson writes them (requests.md §5.7, §7; quirk #2):
// TopicStatsTable and ConsumeStats use MessageQueue objects as map keys, so their JSON is not
// valid JSON; KVTable, GroupList, ConsumerConnection, ProducerConnection, LockBatch bodies and
// the config wrappers are plain fastjson (sorted keys, nulls omitted).
import type { SubscriptionData } from './heartbeat';
import { jdouble, JKeyMap, JStringMap, toFastJson, type JBean, type JValue } from './admin-json';

/** Java MessageQueue as fastjson writes it (fields sorted: brokerName, queueId, topic). */
export interface MessageQueueData {
  readonly topic: string;
  readonly brokerName: string;
  readonly queueId: number;
}

const mqJson = (mq: MessageQueueData): JBean => ({ brokerName: mq.brokerName, queueId: mq.queueId, topic: mq.topic });

const body = (v: JValue): Buffer => Buffer.from(toFastJson(v), 'utf8');

export interface TopicOffset {
  readonly minOffset: number;
  readonly maxOffset: number;
  readonly lastUpdateTimestamp: number;
}

/** TopicStatsTable: {"offsetTable":{{mq}:{lastUpdateTimestamp,maxOffset,minOffset}},"topicPutTps":0.0}. */
export function encodeTopicStatsTable(entries: ReadonlyArray<readonly [MessageQueueData, TopicOffset]>, topicPutTps: number): Buffer {
  return body({
    offsetTable: new JKeyMap(entries.map(([mq, o]) => [mqJson(mq), { lastUpdateTimestamp: o.lastUpdateTimestamp, maxOffset: o.maxOffset, minOffset: o.minOffset }] as const)),
    topicPutTps: jdouble(topicPutTps),
  });
}

export interface OffsetWrapper {
  readonly brokerOffset: number;
  readonly consumerOffset: number;
  readonly pullOffset: number;
  readonly lastTimestamp: number;
}

/** ConsumeStats: {"consumeTps":1.5,"offsetTable":{{mq}:{brokerOffset,consumerOffset,lastTimestamp,pullOffset}}}. */
export function consumeStatsJson(entries: ReadonlyArray<readonly [MessageQueueData, OffsetWrapper]>, consumeTps: number): JBean {
  return {
    consumeTps: jdouble(consumeTps),
    offsetTable: new JKeyMap(entries.map(([mq, o]) => [mqJson(mq), {
      brokerOffset: o.brokerOffset, consumerOffset: o.consumerOffset, lastTimestamp: o.lastTimestamp, pullOffset: o.pullOffset,
    }] as const)),
  };
}

export function encodeConsumeStats(entries: ReadonlyArray<readonly [MessageQueueData, OffsetWrapper]>, consumeTps: number): Buffer {
  return body(consumeStatsJson(entries, consumeTps));
}

export interface GroupConsumeStats {
  readonly group: string;
  readonly stats: ReadonlyArray<{ readonly entries: ReadonlyArray<readonly [MessageQueueData, OffsetWrapper]>; readonly consumeTps: number }>;
}

/**
 * ConsumeStatsList (GET_BROKER_CONSUME_STATS): {"brokerAddr":..,"consumeStatsList":[{"group":[ConsumeStats...]}],
 * "totalDiff":N,"totalInflightDiff":M}.
 */
export function encodeConsumeStatsList(brokerAddr: string, groups: readonly GroupConsumeStats[], totalDiff: number, totalInflightDiff: number): Buffer {
  return body({
    brokerAddr,
    consumeStatsList: groups.map((g) => new JStringMap([[g.group, g.stats.map((s) => consumeStatsJson(s.entries, s.consumeTps))]])),
    totalDiff,
    totalInflightDiff,
  });
}

/** ResetOffsetBody: {"offsetTable":{{mq}:5}} (object keys, like ConsumeStats). */
export function encodeResetOffsetBody(entries: ReadonlyArray<readonly [MessageQueueData, number]>): Buffer {
  return body({ offsetTable: new JKeyMap(entries.map(([mq, off]) => [mqJson(mq), off] as const)) });
}

/** KVTable: {"table":{"k":"v",...}} (all values strings). */
export function encodeKVTable(table: ReadonlyMap<string, string>): Buffer {
  return body({ table: new JStringMap([...table.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) });
}

/** GroupList: {"groupList":["g1","g2"]}. */
export function encodeGroupList(groups: Iterable<string>): Buffer {
  return body({ groupList: [...groups].sort() });
}

/** TopicList: {"topicList":[...],"brokerAddr":...} (brokerAddr omitted when absent). */
export function encodeTopicList(topics: Iterable<string>, brokerAddr?: string): Buffer {
  return body({ brokerAddr, topicList: [...topics].sort() });
}

/** Java remoting Connection. */
export interface ConnectionData {
  readonly clientId: string;
  readonly clientAddr: string;
  readonly language: string;
  readonly version: number;
}

const connectionJson = (c: ConnectionData): JBean => ({ clientAddr: c.clientAddr, clientId: c.clientId, language: c.language, version: c.version });

export function subscriptionDataJson(sd: SubscriptionData): JBean {
  return {
    classFilterMode: sd.classFilterMode,
    codeSet: [...sd.codeSet],
    expressionType: sd.expressionType,
    filterClassSource: sd.filterClassSource,
    subString: sd.subString,
    subVersion: sd.subVersion,
    tagsSet: [...sd.tagsSet],
    topic: sd.topic,
  };
}

export interface ConsumerConnectionData {
  readonly connectionSet: readonly ConnectionData[];
  readonly subscriptionTable: ReadonlyMap<string, SubscriptionData>;
  readonly consumeType?: string;
  readonly messageModel?: string;
  readonly consumeFromWhere?: string;
}

export function encodeConsumerConnection(c: ConsumerConnectionData): Buffer {
  return body({
    connectionSet: c.connectionSet.map(connectionJson),
    consumeFromWhere: c.consumeFromWhere,
    consumeType: c.consumeType,
    messageModel: c.messageModel,
    subscriptionTable: new JStringMap([...c.subscriptionTable.entries()].map(([t, sd]) => [t, subscriptionDataJson(sd)] as const)),
  });
}

export function encodeProducerConnection(connections: readonly ConnectionData[]): Buffer {
  return body({ connectionSet: connections.map(connectionJson) });
}

// ---------------------------------------------------------------------------------------------
// LOCK_BATCH_MQ / UNLOCK_BATCH_MQ (requests.md §5.7)

export interface LockBatchRequestBody {
  readonly consumerGroup: string;
  readonly clientId: string;
  readonly onlyThisBroker: boolean;
  readonly mqSet: MessageQueueData[];
}

export type BodyDecodeResult<T> = { ok: true; value: T } | { ok: false; error: string };

function parseJsonObject(buf: Buffer | undefined): Record<string, unknown> | undefined {
  if (!buf || buf.length === 0) return undefined;
  try {
    const v = JSON.parse(buf.toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function mqFromJson(v: unknown): MessageQueueData | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.topic !== 'string' || typeof o.brokerName !== 'string' || typeof o.queueId !== 'number' || !Number.isInteger(o.queueId)) return undefined;
  return { topic: o.topic, brokerName: o.brokerName, queueId: o.queueId };
}

/** LockBatchRequestBody / UnlockBatchRequestBody (same shape). Never throws. */
export function decodeLockBatchRequestBody(buf: Buffer | undefined): BodyDecodeResult<LockBatchRequestBody> {
  const o = parseJsonObject(buf);
  if (!o) return { ok: false, error: 'body is not a JSON object' };
  const mqSet: MessageQueueData[] = [];
  if (o.mqSet !== undefined && o.mqSet !== null) {
    if (!Array.isArray(o.mqSet)) return { ok: false, error: 'mqSet is not an array' };
    for (const m of o.mqSet) {
      const mq = mqFromJson(m);
      if (!mq) return { ok: false, error: 'bad MessageQueue in mqSet' };
      mqSet.push(mq);
    }
  }
  return {
    ok: true,
    value: {
      consumerGroup: typeof o.consumerGroup === 'string' ? o.consumerGroup : '',
      clientId: typeof o.clientId === 'string' ? o.clientId : '',
      onlyThisBroker: o.onlyThisBroker === true,
      mqSet,
    },
  };
}

/** LockBatchResponseBody: {"lockOKMQSet":[mq,...]}. */
export function encodeLockBatchResponseBody(locked: readonly MessageQueueData[]): Buffer {
  return body({ lockOKMQSet: locked.map(mqJson) });
}

/** Decodes a JSON body object (SubscriptionGroupConfig and friends); undefined when not an object. */
export function decodeJsonObjectBody(buf: Buffer | undefined): Record<string, unknown> | undefined {
  return parseJsonObject(buf);
}
