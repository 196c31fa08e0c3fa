// CONSUMER_SEND_MSG_BACK (36): a consumer returns a message it failed to consume (requests.md §5.6,
// store.md §12; Java AbstractSendMessageProcessor.consumerSendMsgBack). The message is looked up by
// commit-log offset and re-stored as a new message in `%RETRY%<group>` with delay level
// `3 + reconsumeTimes` (or the header's level), or in `%DLQ%<group>` once `reconsumeTimes` reaches
// `maxReconsumeTimes` (group `retryMaxTimes`, overridden by the header from clients >= V3_4_9) or
// when the header's level is negative. The delay itself is applied by the schedule put hook.
import { tagsString2tagsCode } from '../../common/java-hash';
import { ConsumerSendMsgBackRequestHeader, requireHeader } from '../../protocol/headers/broker-admin';
import { RequestCode } from '../../protocol/request-code';
import { ResponseCode } from '../../protocol/response-code';
import { MQVersion } from '../../protocol/version';
import { createResponse, type RemotingCommand } from '../../remoting/command';
import { decodeProperties, decodeRecord, encodeProperties, recordMessageId } from '../../store/message-codec';
import { PutMessageStatus, type PutMessageInput } from '../../store/message-store';
import type { BrokerContext } from '../broker-context';
import { getDLQTopic, getRetryTopic, isWriteable, MessageConst, PermName } from '../mixall';

export const DLQ_NUMS_PER_GROUP = 1;
const FAQ_SUFFIX = '\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.';

function randomQueueId(n: number): number {
  return Math.floor(Math.random() * n);
}

export async function consumerSendMsgBack(ctx: BrokerContext, request: RemotingCommand): Promise<RemotingCommand> {
  const h = requireHeader(ConsumerSendMsgBackRequestHeader, request);
  const reply = (code: number, remark?: string): RemotingCommand => createResponse(request, code, { remark });

  const group = ctx.subscriptionGroupManager.findSubscriptionGroupConfig(h.group);
  if (!group) return reply(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group not exist, ${h.group} ${FAQ_SUFFIX}`);
  if (!isWriteable(ctx.config.brokerPermission)) {
    return reply(ResponseCode.NO_PERMISSION, `the broker[${ctx.config.brokerIP1}] sending message is forbidden`);
  }
  if (group.retryQueueNums <= 0) return reply(ResponseCode.SUCCESS);

  let newTopic = getRetryTopic(h.group);
  let queueId = randomQueueId(group.retryQueueNums);
  const topicSysFlag = h.unitMode === true ? 0x2 : 0; // TopicSysFlag.buildSysFlag(false, true)
  let created = ctx.topicConfigManager.selectTopicConfig(newTopic) === undefined;
  const retryConfig = ctx.topicConfigManager.createTopicIfAbsent(newTopic, group.retryQueueNums, PermName.PERM_WRITE | PermName.PERM_READ, topicSysFlag);
  if (!isWriteable(retryConfig.perm)) return reply(ResponseCode.NO_PERMISSION, `the topic[${newTopic}] sending message is forbidden`);

  const raw = await ctx.store.lookMessageByOffset(h.offset);
  const decoded = raw ? decodeRecord(raw, 0, { checkCRC: false }) : undefined;
  if (!decoded || decoded.kind !== 'MESSAGE') return reply(ResponseCode.SYSTEM_ERROR, `look message by offset failed, ${h.offset}`);
  const rec = decoded.record;

  const props = decodeProperties(rec.properties);
  if (!props.has(MessageConst.RETRY_TOPIC)) props.set(MessageConst.RETRY_TOPIC, rec.topic);
  props.set(MessageConst.WAIT, 'false');

  let delayLevel = h.delayLevel;
  let maxReconsumeTimes = group.retryMaxTimes;
  if (request.version >= MQVersion.V3_4_9 && h.maxReconsumeTimes !== undefined) maxReconsumeTimes = h.maxReconsumeTimes;

  if (rec.reconsumeTimes >= maxReconsumeTimes || delayLevel < 0) {
    newTopic = getDLQTopic(h.group);
    queueId = randomQueueId(DLQ_NUMS_PER_GROUP);
    if (ctx.topicConfigManager.selectTopicConfig(newTopic) === undefined) created = true;
    ctx.topicConfigManager.createTopicIfAbsent(newTopic, DLQ_NUMS_PER_GROUP, PermName.PERM_WRITE | PermName.PERM_READ, 0);
    props.set(MessageConst.DELAY, '0');
    ctx.logger.info({ group: h.group, originTopic: h.originTopic, uniqKey: props.get(MessageConst.UNIQ_KEY) }, 'send msg to DLQ');
  } else {
    if (delayLevel === 0) delayLevel = 3 + rec.reconsumeTimes;
    props.set(MessageConst.DELAY, String(delayLevel));
  }

  const origin = props.get(MessageConst.ORIGIN_MESSAGE_ID);
  if (origin === undefined || origin.trim() === '') props.set(MessageConst.ORIGIN_MESSAGE_ID, recordMessageId(rec));

  const inner: PutMessageInput = {
    topic: newTopic,
    queueId,
    flag: rec.flag,
    body: rec.body,
    properties: encodeProperties(props),
    bornTimestamp: rec.bornTimestamp,
    bornHost: rec.bornHost,
    storeHost: ctx.storeHost,
    sysFlag: rec.sysFlag,
    reconsumeTimes: rec.reconsumeTimes + 1,
    preparedTransactionOffset: 0,
    tagsCode: tagsString2tagsCode(props.get(MessageConst.TAGS)),
    waitStoreMsgOK: false,
  };
  // Java createTopicInSendMessageBackMethod registers a new topic with the NameServers before
  // going on, so consumers that look the route up next find it.
  if (created) await ctx.registerBrokerAll();
  const res = await ctx.putMessage(inner);
  if (res.status === PutMessageStatus.PUT_OK) return reply(ResponseCode.SUCCESS);
  return reply(ResponseCode.SYSTEM_ERROR, res.status);
}

export function registerSendBack(ctx: BrokerContext): void {
  ctx.registerProcessor(RequestCode.CONSUMER_SEND_MSG_BACK, (_conn, request) => consumerSendMsgBack(ctx, request));
}
