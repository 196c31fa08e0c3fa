// Header tables of the requests the broker-features processors handle (requests.md §3, §5.6,
// §6, §7). Names are the Java classes (5.x remoting/.../protocol/header/; 4.9 common/.../header/).
import type { RemotingCommand } from '../../remoting/command';
import { RemotingError } from '../../remoting/errors';
import { decodeHeader, defineHeader, type HeaderDef, type HeaderOf, type HeaderSpec } from '../header';
import { ResponseCode } from '../response-code';

export const ConsumerSendMsgBackRequestHeader = defineHeader('ConsumerSendMsgBackRequestHeader', {
  offset: { type: 'long', required: true },
  group: { type: 'string', required: true },
  delayLevel: { type: 'int', required: true },
  originMsgId: { type: 'string' },
  originTopic: { type: 'string' },
  unitMode: { type: 'boolean' },
  maxReconsumeTimes: { type: 'int' },
});

export const QueryMessageRequestHeader = defineHeader('QueryMessageRequestHeader', {
  topic: { type: 'string', required: true },
  key: { type: 'string', required: true },
  maxNum: { type: 'int', required: true },
  beginTimestamp: { type: 'long', required: true },
  endTimestamp: { type: 'long', required: true },
});

export const QueryMessageResponseHeader = defineHeader('QueryMessageResponseHeader', {
  indexLastUpdateTimestamp: { type: 'long', required: true },
  indexLastUpdatePhyoffset: { type: 'long', required: true },
});

export const ViewMessageRequestHeader = defineHeader('ViewMessageRequestHeader', {
  offset: { type: 'long', required: true },
  topic: { type: 'string' },
});

export const CreateTopicRequestHeader = defineHeader('CreateTopicRequestHeader', {
  topic: { type: 'string', required: true },
  defaultTopic: { type: 'string', required: true },
  readQueueNums: { type: 'int', required: true },
  writeQueueNums: { type: 'int', required: true },
  perm: { type: 'int', required: true },
  topicFilterType: { type: 'string', required: true },
  topicSysFlag: { type: 'int' },
  order: { type: 'boolean', required: true },
  attributes: { type: 'string' },
  force: { type: 'boolean' },
});

export const DeleteTopicRequestHeader = defineHeader('DeleteTopicRequestHeader', {
  topic: { type: 'string', required: true },
});

export const GetTopicConfigRequestHeader = defineHeader('GetTopicConfigRequestHeader', {
  topic: { type: 'string', required: true },
});

export const DeleteSubscriptionGroupRequestHeader = defineHeader('DeleteSubscriptionGroupRequestHeader', {
  groupName: { type: 'string', required: true },
  cleanOffset: { type: 'boolean' },
});

export const GetSubscriptionGroupConfigRequestHeader = defineHeader('GetSubscriptionGroupConfigRequestHeader', {
  group: { type: 'string', required: true },
});

export const GetTopicStatsInfoRequestHeader = defineHeader('GetTopicStatsInfoRequestHeader', {
  topic: { type: 'string', required: true },
});

export const GetConsumeStatsRequestHeader = defineHeader('GetConsumeStatsRequestHeader', {
  consumerGroup: { type: 'string', required: true },
  topic: { type: 'string' },
  topicList: { type: 'string' },
});

export const GetConsumerConnectionListRequestHeader = defineHeader('GetConsumerConnectionListRequestHeader', {
  consumerGroup: { type: 'string', required: true },
});

export const GetProducerConnectionListRequestHeader = defineHeader('GetProducerConnectionListRequestHeader', {
  producerGroup: { type: 'string', required: true },
});

export const QueryTopicConsumeByWhoRequestHeader = defineHeader('QueryTopicConsumeByWhoRequestHeader', {
  topic: { type: 'string', required: true },
});

export const QueryTopicsByConsumerRequestHeader = defineHeader('QueryTopicsByConsumerRequestHeader', {
  group: { type: 'string', required: true },
});

export const GetBrokerConfigResponseHeader = defineHeader('GetBrokerConfigResponseHeader', {
  version: { type: 'string', required: true },
});

export const GetAllTopicConfigResponseHeader = defineHeader('GetAllTopicConfigResponseHeader', {
  totalTopicNum: { type: 'int' },
});

export const GetConsumerRunningInfoRequestHeader = defineHeader('GetConsumerRunningInfoRequestHeader', {
  consumerGroup: { type: 'string', required: true },
  clientId: { type: 'string', required: true },
  jstackEnable: { type: 'boolean' },
});

export const ConsumeMessageDirectlyResultRequestHeader = defineHeader('ConsumeMessageDirectlyResultRequestHeader', {
  consumerGroup: { type: 'string', required: true },
  clientId: { type: 'string' },
  msgId: { type: 'string' },
  brokerName: { type: 'string' },
  topic: { type: 'string' },
  topicSysFlag: { type: 'int' },
  groupSysFlag: { type: 'int' },
});

export const EndTransactionRequestHeader = defineHeader('EndTransactionRequestHeader', {
  topic: { type: 'string' },
  producerGroup: { type: 'string', required: true },
  tranStateTableOffset: { type: 'long', required: true },
  commitLogOffset: { type: 'long', required: true },
  commitOrRollback: { type: 'int', required: true },
  fromTransactionCheck: { type: 'boolean' },
  msgId: { type: 'string', required: true },
  transactionId: { type: 'string' },
});

export const CheckTransactionStateRequestHeader = defineHeader('CheckTransactionStateRequestHeader', {
  topic: { type: 'string' },
  tranStateTableOffset: { type: 'long', required: true },
  commitLogOffset: { type: 'long', required: true },
  msgId: { type: 'string' },
  transactionId: { type: 'string' },
  offsetMsgId: { type: 'string' },
  bname: { type: 'string' },
});


/**
 * Decodes a request header or throws the error Java's decodeCommandCustomHeader raises (a
 * RemotingCommandException, answered SYSTEM_ERROR by the dispatcher).
 */
export function requireHeader<S extends HeaderSpec>(def: HeaderDef<S>, request: RemotingCommand): HeaderOf<S> {
  const r = decodeHeader(def, request.extFields);
  if (!r.ok) throw new RemotingError(ResponseCode.SYSTEM_ERROR, `RemotingCommandException: ${r.reason}`);
  return r.header;
}

export const ResetOffsetRequestHeader = defineHeader('ResetOffsetRequestHeader', {
  topic: { type: 'string', required: true },
  group: { type: 'string', required: true },
  timestamp: { type: 'long', required: true },
  isForce: { type: 'boolean', required: true },
  queueId: { type: 'int' },
  offset: { type: 'long' },
});

export const CloneGroupOffsetRequestHeader = defineHeader('CloneGroupOffsetRequestHeader', {
  srcGroup: { type: 'string', required: true },
  destGroup: { type: 'string', required: true },
  topic: { type: 'string' },
  offline: { type: 'boolean' },
});

export const GetConsumeStatsInBrokerHeader = defineHeader('GetConsumeStatsInBrokerHeader', {
  isOrder: { type: 'boolean', required: true },
});
