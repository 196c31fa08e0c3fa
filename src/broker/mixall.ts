// Constants and small rules shared by the broker: Java `PermName`, `MixAll` (retry/DLQ names,
// system groups), `TopicValidator` (topic-name rules, system and forbidden topics).

/** Java PermName bits. */
export const PermName = { PERM_PRIORITY: 8, PERM_READ: 4, PERM_WRITE: 2, PERM_INHERIT: 1 } as const;

export function isReadable(perm: number): boolean {
  return (perm & PermName.PERM_READ) === PermName.PERM_READ;
}
export function isWriteable(perm: number): boolean {
  return (perm & PermName.PERM_WRITE) === PermName.PERM_WRITE;
}
export function isInherited(perm: number): boolean {
  return (perm & PermName.PERM_INHERIT) === PermName.PERM_INHERIT;
}

export const RETRY_GROUP_TOPIC_PREFIX = '%RETRY%';
export const DLQ_GROUP_TOPIC_PREFIX = '%DLQ%';
export const getRetryTopic = (group: string): string => RETRY_GROUP_TOPIC_PREFIX + group;
export const getDLQTopic = (group: string): string => DLQ_GROUP_TOPIC_PREFIX + group;
export const isRetryTopic = (topic: string): boolean => topic.startsWith(RETRY_GROUP_TOPIC_PREFIX);
export const isDLQTopic = (topic: string): boolean => topic.startsWith(DLQ_GROUP_TOPIC_PREFIX);
export const isLmq = (topic: string): boolean => topic.startsWith('%LMQ%');

/** Java TopicValidator system topics. */
export const SystemTopic = {
  AUTO_CREATE_TOPIC_KEY_TOPIC: 'TBW102',
  RMQ_SYS_SCHEDULE_TOPIC: 'SCHEDULE_TOPIC_XXXX',
  RMQ_SYS_BENCHMARK_TOPIC: 'BenchmarkTest',
  RMQ_SYS_TRANS_HALF_TOPIC: 'RMQ_SYS_TRANS_HALF_TOPIC',
  RMQ_SYS_TRACE_TOPIC: 'RMQ_SYS_TRACE_TOPIC',
  RMQ_SYS_TRANS_OP_HALF_TOPIC: 'RMQ_SYS_TRANS_OP_HALF_TOPIC',
  RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC: 'TRANS_CHECK_MAX_TIME_TOPIC',
  RMQ_SYS_SELF_TEST_TOPIC: 'SELF_TEST_TOPIC',
  RMQ_SYS_OFFSET_MOVED_EVENT: 'OFFSET_MOVED_EVENT',
} as const;

const NOT_ALLOWED_SEND_TOPICS: ReadonlySet<string> = new Set([
  SystemTopic.RMQ_SYS_SCHEDULE_TOPIC,
  SystemTopic.RMQ_SYS_TRANS_HALF_TOPIC,
  SystemTopic.RMQ_SYS_TRANS_OP_HALF_TOPIC,
  SystemTopic.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC,
  SystemTopic.RMQ_SYS_SELF_TEST_TOPIC,
  SystemTopic.RMQ_SYS_OFFSET_MOVED_EVENT,
]);

/** TopicValidator.isNotAllowedSendTopic. */
export function isNotAllowedSendTopic(topic: string): boolean {
  return NOT_ALLOWED_SEND_TOPICS.has(topic);
}

export const TOPIC_MAX_LENGTH = 127;
export const RETRY_OR_DLQ_TOPIC_MAX_LENGTH = 255;
const VALID_TOPIC = /^[%|a-zA-Z0-9_-]+$/;

/** TopicValidator.validateTopic (5.x): null when valid, else the Java remark. */
export function validateTopic(topic: string | undefined): string | null {
  if (topic === undefined || topic.trim() === '') return 'The specified topic is blank.';
  if (!VALID_TOPIC.test(topic)) return 'The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$';
  const max = isRetryTopic(topic) || isDLQTopic(topic) ? RETRY_OR_DLQ_TOPIC_MAX_LENGTH : TOPIC_MAX_LENGTH;
  if (Buffer.byteLength(topic, 'utf8') > max) return `The specified topic is longer than topic max length ${max}.`;
  return null;
}

/** Java MixAll / subscription group constants. */
export const SystemGroup = {
  TOOLS_CONSUMER_GROUP: 'TOOLS_CONSUMER',
  FILTERSRV_CONSUMER_GROUP: 'FILTERSRV_CONSUMER',
  SELF_TEST_CONSUMER_GROUP: 'SELF_TEST_C_GROUP',
  ONS_HTTP_PROXY_GROUP: 'CID_ONS-HTTP-PROXY',
  CID_ONSAPI_PULL_GROUP: 'CID_ONSAPI_PULL',
  CID_ONSAPI_PERMISSION_GROUP: 'CID_ONSAPI_PERMISSION',
  CID_ONSAPI_OWNER_GROUP: 'CID_ONSAPI_OWNER',
  CID_SYS_RMQ_TRANS: 'CID_RMQ_SYS_TRANS',
} as const;

export const MASTER_ID = 0;

/** Message property names the broker core reads or writes (MessageConst). */
export const MessageConst = {
  KEYS: 'KEYS',
  TAGS: 'TAGS',
  WAIT: 'WAIT',
  DELAY: 'DELAY',
  RETRY_TOPIC: 'RETRY_TOPIC',
  REAL_TOPIC: 'REAL_TOPIC',
  REAL_QID: 'REAL_QID',
  TRAN_MSG: 'TRAN_MSG',
  PGROUP: 'PGROUP',
  UNIQ_KEY: 'UNIQ_KEY',
  MSG_REGION: 'MSG_REGION',
  TRACE_ON: 'TRACE_ON',
  CLUSTER: 'CLUSTER',
  POP_CK: 'POP_CK',
  ORIGIN_MESSAGE_ID: 'ORIGIN_MESSAGE_ID',
  RECONSUME_TIME: 'RECONSUME_TIME',
  MAX_RECONSUME_TIMES: 'MAX_RECONSUME_TIMES',
  INNER_NUM: 'INNER_NUM',
} as const;
