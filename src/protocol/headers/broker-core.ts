// Header tables of the requests the broker core serves (requests.md §2, §4, §5). Field names are
// the extFields keys; `required` marks Java @CFNotNull fields.
import { defineHeader } from '../header';

export const SendMessageRequestHeader = defineHeader('SendMessageRequestHeader', {
  producerGroup: { type: 'string', required: true },
  topic: { type: 'string', required: true },
  defaultTopic: { type: 'string', required: true },
  defaultTopicQueueNums: { type: 'int', required: true },
  queueId: { type: 'int', required: true },
  sysFlag: { type: 'int', required: true },
  bornTimestamp: { type: 'long', required: true },
  flag: { type: 'int', required: true },
  properties: { type: 'string' },
  reconsumeTimes: { type: 'int' },
  unitMode: { type: 'boolean' },
  batch: { type: 'boolean' },
  maxReconsumeTimes: { type: 'int' },
});

/** SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE: one-letter keys (requests.md §2.2). */
export const SendMessageRequestHeaderV2 = defineHeader('SendMessageRequestHeaderV2', {
  a: { type: 'string', required: true },
  b: { type: 'string', required: true },
  c: { type: 'string', required: true },
  d: { type: 'int', required: true },
  e: { type: 'int', required: true },
  f: { type: 'int', required: true },
  g: { type: 'long', required: true },
  h: { type: 'int', required: true },
  i: { type: 'string' },
  j: { type: 'int' },
  k: { type: 'boolean' },
  l: { type: 'int' },
  m: { type: 'boolean' },
  n: { type: 'string' },
});

/** V2 key → V1 field (SendMessageRequestHeaderV2.createSendMessageRequestHeaderV1). */
export const SEND_V2_TO_V1 = {
  a: 'producerGroup', b: 'topic', c: 'defaultTopic', d: 'defaultTopicQueueNums', e: 'queueId', f: 'sysFlag',
  g: 'bornTimestamp', h: 'flag', i: 'properties', j: 'reconsumeTimes', k: 'unitMode', l: 'maxReconsumeTimes', m: 'batch',
} as const;

export const SendMessageResponseHeader = defineHeader('SendMessageResponseHeader', {
  msgId: { type: 'string', required: true },
  queueId: { type: 'int', required: true },
  queueOffset: { type: 'long', required: true },
  transactionId: { type: 'string' },
  batchUniqId: { type: 'string' },
});

export const PullMessageRequestHeader = defineHeader('PullMessageRequestHeader', {
  consumerGroup: { type: 'string', required: true },
  topic: { type: 'string', required: true },
  queueId: { type: 'int', required: true },
  queueOffset: { type: 'long', required: true },
  maxMsgNums: { type: 'int', required: true },
  sysFlag: { type: 'int', required: true },
  commitOffset: { type: 'long', required: true },
  suspendTimeoutMillis: { type: 'long', required: true },
  subscription: { type: 'string' },
  subVersion: { type: 'long', required: true },
  expressionType: { type: 'string' },
  maxMsgBytes: { type: 'int' },
  requestSource: { type: 'int' },
  proxyFrowardClientId: { type: 'string' },
});

export const PullMessageResponseHeader = defineHeader('PullMessageResponseHeader', {
  suggestWhichBrokerId: { type: 'long', required: true },
  nextBeginOffset: { type: 'long', required: true },
  minOffset: { type: 'long', required: true },
  maxOffset: { type: 'long', required: true },
  offsetDelta: { type: 'long' },
  topicSysFlag: { type: 'int' },
  groupSysFlag: { type: 'int' },
  forbiddenType: { type: 'int' },
});

/** PullSysFlag bits. */
export const PullSysFlag = {
  FLAG_COMMIT_OFFSET: 0x1,
  FLAG_SUSPEND: 0x2,
  FLAG_SUBSCRIPTION: 0x4,
  FLAG_CLASS_FILTER: 0x8,
  FLAG_LITE_PULL_MESSAGE: 0x10,
} as const;

export const QueryConsumerOffsetRequestHeader = defineHeader('QueryConsumerOffsetRequestHeader', {
  consumerGroup: { type: 'string', required: true },
  topic: { type: 'string', required: true },
  queueId: { type: 'int', required: true },
  setZeroIfNotFound: { type: 'boolean' },
});

export const UpdateConsumerOffsetRequestHeader = defineHeader('UpdateConsumerOffsetRequestHeader', {
  consumerGroup: { type: 'string', required: true },
  topic: { type: 'string', required: true },
  queueId: { type: 'int', required: true },
  commitOffset: { type: 'long', required: true },
});

/** GET_MAX_OFFSET (5.x adds `committed`), GET_MIN_OFFSET, GET_EARLIEST_MSG_STORETIME. */
export const TopicQueueRequestHeader = defineHeader('GetMaxOffsetRequestHeader', {
  topic: { type: 'string', required: true },
  queueId: { type: 'int', required: true },
  committed: { type: 'boolean' },
});

export const SearchOffsetRequestHeader = defineHeader('SearchOffsetRequestHeader', {
  topic: { type: 'string', required: true },
  queueId: { type: 'int', required: true },
  timestamp: { type: 'long', required: true },
  boundaryType: { type: 'string' },
});

export const UnregisterClientRequestHeader = defineHeader('UnregisterClientRequestHeader', {
  clientID: { type: 'string', required: true },
  producerGroup: { type: 'string' },
  consumerGroup: { type: 'string' },
});

export const GetConsumerListByGroupRequestHeader = defineHeader('GetConsumerListByGroupRequestHeader', {
  consumerGroup: { type: 'string', required: true },
});

export const NotifyConsumerIdsChangedRequestHeader = defineHeader('NotifyConsumerIdsChangedRequestHeader', {
  consumerGroup: { type: 'string', required: true },
});

// broker → NameServer headers are the NameServer's own: ./namesrv.ts
