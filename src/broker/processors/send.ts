// SEND_MESSAGE (10), SEND_MESSAGE_V2 (310), SEND_BATCH_MESSAGE (320): Java SendMessageProcessor +
// AbstractSendMessageProcessor.msgCheck (requests.md §2.4–2.5). Batch vs single is decided by the
// header's batch flag, not the request code (quirk 4). Every response carries MSG_REGION and
// TRACE_ON extFields (quirk 3).
import { tagsString2tagsCode } from '../../common/java-hash';
import { decodeHeader } from '../../protocol/header';
import { SendMessageRequestHeader, SendMessageRequestHeaderV2, SEND_V2_TO_V1 } from '../../protocol/headers/broker-core';
import { MQVersion } from '../../protocol/version';
import { RequestCode } from '../../protocol/request-code';
import { ResponseCode } from '../../protocol/response-code';
import { createResponse, isOneway, type ExtFields, type RemotingCommand } from '../../remoting/command';
import type { Connection } from '../../remoting/connection';
import { decodeProperties, encodeProperties, getProperty } from '../../store/message-codec';
import { PutMessageStatus, type PutMessageResult } from '../../store/message-store';
import type { BrokerContext } from '../broker-context';
import { isSlave } from '../broker-config';
import {
  getDLQTopic, isNotAllowedSendTopic, isRetryTopic, isWriteable, MessageConst, PermName, RETRY_GROUP_TOPIC_PREFIX,
  validateTopic,
} from '../mixall';
import { TopicFilterType, type TopicConfig } from '../topic-config-manager';
import type { UniqIdGenerator } from '../uniq-id';
import { getRebalanceLockManager } from './lock';
import { FAQUrl, invalidParameterCode, randomQueueId, registerCreatedTopics, remoteHost, suggestTodo, type HeaderType } from './common';

type SendHeader = HeaderType<typeof SendMessageRequestHeader>;

const MULTI_TAGS_FLAG = 0x2;
const DLQ_NUMS_PER_GROUP = 1;
/** Longest wait for the NameServer registration of a topic created by a send. */

/** Java parseRequestHeader: V2 one-letter keys → V1 fields; undefined + reason when a required field is bad. */
export function parseSendHeader(request: RemotingCommand): { ok: true; header: SendHeader } | { ok: false; reason: string } {
  if (request.code === RequestCode.SEND_MESSAGE_V2 || request.code === RequestCode.SEND_BATCH_MESSAGE) {
    const r = decodeHeader(SendMessageRequestHeaderV2, request.extFields);
    if (!r.ok) return { ok: false, reason: r.reason };
    const v1: Record<string, string | number | boolean> = {};
    for (const [k, name] of Object.entries(SEND_V2_TO_V1)) {
      const v = (r.header as Record<string, string | number | boolean | undefined>)[k];
      if (v !== undefined) v1[name] = v;
    }
    return { ok: true, header: v1 as SendHeader };
  }
  const r = decodeHeader(SendMessageRequestHeader, request.extFields);
  return r.ok ? { ok: true, header: r.header } : { ok: false, reason: r.reason };
}

/** PutMessageStatus → response code and remark (handlePutMessageResult). */
export function putStatusToResponse(status: PutMessageStatus, maxMessageSize: number): { code: number; remark?: string; sendOK: boolean } {
  switch (status) {
    case PutMessageStatus.PUT_OK: return { code: ResponseCode.SUCCESS, sendOK: true };
    case PutMessageStatus.FLUSH_DISK_TIMEOUT: return { code: ResponseCode.FLUSH_DISK_TIMEOUT, sendOK: true };
    case PutMessageStatus.FLUSH_SLAVE_TIMEOUT: return { code: ResponseCode.FLUSH_SLAVE_TIMEOUT, sendOK: true };
    case PutMessageStatus.SLAVE_NOT_AVAILABLE: return { code: ResponseCode.SLAVE_NOT_AVAILABLE, sendOK: true };
    case PutMessageStatus.CREATE_MAPPED_FILE_FAILED:
      return { code: ResponseCode.SYSTEM_ERROR, remark: 'create mapped file failed, server is busy or broken.', sendOK: false };
    case PutMessageStatus.MESSAGE_ILLEGAL:
    case PutMessageStatus.PROPERTIES_SIZE_EXCEEDED:
      return {
        code: ResponseCode.MESSAGE_ILLEGAL,
        remark: `the message is illegal, maybe msg body or properties length not matched. msg body length limit ${maxMessageSize}B, msg properties length limit 32KB.`,
        sendOK: false,
      };
    case PutMessageStatus.SERVICE_NOT_AVAILABLE:
      return {
        code: ResponseCode.SERVICE_NOT_AVAILABLE,
        remark: 'service not available now. It may be caused by one of the following reasons: the broker\'s disk is full, messages are put to the slave, message store has been shut down, etc.',
        sendOK: false,
      };
    case PutMessageStatus.OS_PAGE_CACHE_BUSY:
      return { code: ResponseCode.SYSTEM_BUSY, remark: '[PC_SYNCHRONIZED]broker busy, start flow control for a while', sendOK: false };
    case PutMessageStatus.UNKNOWN_ERROR:
      return { code: ResponseCode.SYSTEM_ERROR, remark: 'UNKNOWN_ERROR', sendOK: false };
    default: {
      const never: never = status;
      return { code: ResponseCode.SYSTEM_ERROR, remark: `UNKNOWN_ERROR DEFAULT ${String(never)}`, sendOK: false };
    }
  }
}

/** Message.isWaitStoreMsgOK: WAIT absent = true, else Boolean.parseBoolean. */
function waitStoreMsgOK(props: ReadonlyMap<string, string>): boolean {
  const w = props.get(MessageConst.WAIT);
  return w === undefined || w.toLowerCase() === 'true';
}

/** Java TopicConfig.toString, used in the illegal-queueId remark. */
function topicConfigString(tc: TopicConfig): string {
  return `TopicConfig [topicName=${tc.topicName}, readQueueNums=${tc.readQueueNums}, writeQueueNums=${tc.writeQueueNums}, perm=${permToString(tc.perm)}, topicFilterType=${tc.topicFilterType}, topicSysFlag=${tc.topicSysFlag}, order=${tc.order}, attributes=${JSON.stringify(tc.attributes)}]`;
}

function permToString(perm: number): string {
  return `${perm & PermName.PERM_READ ? 'R' : '-'}${perm & PermName.PERM_WRITE ? 'W' : '-'}${perm & PermName.PERM_INHERIT ? 'X' : '-'}`;
}

export class SendMessageProcessor {
  constructor(private readonly ctx: BrokerContext, private readonly uniqIds: UniqIdGenerator) {}

  register(): void {
    const h = (conn: Connection, req: RemotingCommand) => this.processRequest(conn, req);
    this.ctx.registerProcessor(RequestCode.SEND_MESSAGE, h);
    this.ctx.registerProcessor(RequestCode.SEND_MESSAGE_V2, h);
    this.ctx.registerProcessor(RequestCode.SEND_BATCH_MESSAGE, h);
  }

  private baseExt(): ExtFields {
    return { MSG_REGION: this.ctx.config.regionId, TRACE_ON: String(this.ctx.config.traceOn) };
  }

  private fail(request: RemotingCommand, code: number, remark: string): RemotingCommand {
    return createResponse(request, code, { remark, extFields: this.baseExt() });
  }

  async processRequest(conn: Connection, request: RemotingCommand): Promise<RemotingCommand> {
    const resp = await this.process(conn, request);
    // A oneway sender never sees the answer: log failures (Java logs failed puts too).
    if (isOneway(request) && resp.code !== ResponseCode.SUCCESS) {
      this.ctx.logger.warn({ producer: conn.remoteAddress, code: resp.code, remark: resp.remark }, 'oneway send failed');
    }
    return resp;
  }

  private async process(conn: Connection, request: RemotingCommand): Promise<RemotingCommand> {
    const parsed = parseSendHeader(request);
    if (!parsed.ok) return this.fail(request, ResponseCode.SYSTEM_ERROR, `SendMessageRequestHeader: ${parsed.reason}`);
    const header = parsed.header;
    // 5.x buildMsgContext: the properties always carry the region and trace switch.
    const props = decodeProperties(header.properties ?? '');
    props.set(MessageConst.MSG_REGION, this.ctx.config.regionId);
    props.set(MessageConst.TRACE_ON, String(this.ctx.config.traceOn));

    const existed = this.ctx.topicConfigManager.selectTopicConfig(header.topic) !== undefined;
    const pre = this.msgCheck(conn, request, header);
    if (pre) return pre;
    if (!existed) {
      await registerCreatedTopics(this.ctx);
    }
    const topicConfig = this.ctx.topicConfigManager.selectTopicConfig(header.topic);
    if (!topicConfig) return this.fail(request, ResponseCode.TOPIC_NOT_EXIST, `topic[${header.topic}] not exist, apply first please!${suggestTodo(FAQUrl.APPLY_TOPIC_URL)}`);
    return header.batch === true
      ? this.sendBatchMessage(conn, request, header, topicConfig, props)
      : this.sendMessage(conn, request, header, topicConfig, props);
  }

  /** AbstractSendMessageProcessor.msgCheck (+ preSend); null when the send may go on. */
  private msgCheck(conn: Connection, request: RemotingCommand, header: SendHeader): RemotingCommand | null {
    const c = this.ctx.config;
    if (Date.now() < c.startAcceptSendRequestTimeStamp) {
      return this.fail(request, ResponseCode.SYSTEM_ERROR, `broker unable to service, until ${new Date(c.startAcceptSendRequestTimeStamp).toISOString()}`);
    }
    if (!isWriteable(c.brokerPermission) && this.ctx.topicConfigManager.isOrderTopic(header.topic)) {
      return this.fail(request, ResponseCode.NO_PERMISSION, `the broker[${c.brokerIP1}] sending message is forbidden`);
    }
    const invalid = validateTopic(header.topic);
    if (invalid) return this.fail(request, invalidParameterCode(request), invalid);
    if (isNotAllowedSendTopic(header.topic)) {
      return this.fail(request, ResponseCode.NO_PERMISSION, `Sending message to topic[${header.topic}] is forbidden.`);
    }
    let tc = this.ctx.topicConfigManager.selectTopicConfig(header.topic);
    if (!tc) {
      let topicSysFlag = 0;
      if (header.unitMode === true) topicSysFlag = isRetryTopic(header.topic) ? 2 : 1;
      this.ctx.logger.warn({ topic: header.topic, producer: conn.remoteAddress }, 'the topic does not exist');
      tc = this.ctx.topicConfigManager.createTopicInSendMessageMethod(header.topic, header.defaultTopic, header.defaultTopicQueueNums, topicSysFlag);
      if (!tc && isRetryTopic(header.topic)) {
        tc = this.ctx.topicConfigManager.createTopicIfAbsent(header.topic, 1, PermName.PERM_WRITE | PermName.PERM_READ, topicSysFlag);
      }
      if (!tc) {
        return this.fail(request, ResponseCode.TOPIC_NOT_EXIST, `topic[${header.topic}] not exist, apply first please!${suggestTodo(FAQUrl.APPLY_TOPIC_URL)}`);
      }
    }
    const idValid = Math.max(tc.writeQueueNums, tc.readQueueNums);
    if (header.queueId >= idValid) {
      return this.fail(request, invalidParameterCode(request), `request queueId[${header.queueId}] is illegal, ${topicConfigString(tc)} Producer: ${conn.remoteAddress}`);
    }
    if (isSlave(c)) {
      return this.fail(request, ResponseCode.SERVICE_NOT_AVAILABLE, 'message store is slave mode, so putMessage is forbidden ');
    }
    return null;
  }

  private async sendMessage(conn: Connection, request: RemotingCommand, header: SendHeader, topicConfig: TopicConfig, props: Map<string, string>): Promise<RemotingCommand> {
    const c = this.ctx.config;
    let queueId = header.queueId;
    if (queueId < 0) queueId = randomQueueId(topicConfig.writeQueueNums);
    let topic = header.topic;
    let storeQueueId = queueId;
    let sysFlag = header.sysFlag;
    const reconsumeTimes = header.reconsumeTimes ?? 0;

    // handleRetryAndDLQ
    if (topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) {
      const group = topic.slice(RETRY_GROUP_TOPIC_PREFIX.length);
      const sgc = this.ctx.subscriptionGroupManager.findSubscriptionGroupConfig(group);
      if (!sgc) {
        return this.fail(request, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group not exist, ${group} ${suggestTodo(FAQUrl.SUBSCRIPTION_GROUP_NOT_EXIST)}`);
      }
      let maxReconsumeTimes = sgc.retryMaxTimes;
      if (request.version >= MQVersion.V3_4_9 && header.maxReconsumeTimes !== undefined) maxReconsumeTimes = header.maxReconsumeTimes;
      // 5.x: a group still holding queue locks consumes orderly; its retries go straight to the DLQ.
      const orderlyLocked = !getRebalanceLockManager(this.ctx).isLockAllExpired(group);
      if (reconsumeTimes > maxReconsumeTimes || orderlyLocked) {
        props.set(MessageConst.DELAY, '-1');
        topic = getDLQTopic(group);
        storeQueueId = randomQueueId(DLQ_NUMS_PER_GROUP);
        this.ctx.topicConfigManager.createTopicIfAbsent(topic, DLQ_NUMS_PER_GROUP, PermName.PERM_WRITE | PermName.PERM_READ, 0);
      }
    }
    if (topicConfig.topicFilterType === TopicFilterType.MULTI_TAG) sysFlag |= MULTI_TAGS_FLAG;

    props.delete(MessageConst.POP_CK);
    let uniqKey = props.get(MessageConst.UNIQ_KEY);
    if (!uniqKey) {
      uniqKey = this.uniqIds.create();
      props.set(MessageConst.UNIQ_KEY, uniqKey);
    }
    props.set(MessageConst.CLUSTER, c.brokerClusterName);

    const tranFlag = props.get(MessageConst.TRAN_MSG);
    const delayLevel = Number(props.get(MessageConst.DELAY) ?? '0');
    if (tranFlag?.toLowerCase() === 'true' && !(reconsumeTimes > 0 && delayLevel > 0) && c.rejectTransactionMessage) {
      return this.fail(request, ResponseCode.NO_PERMISSION, `the broker[${c.brokerIP1}] sending transaction message is forbidden`);
    }

    const properties = encodeProperties(props);
    const result = await this.ctx.putMessage({
      topic,
      queueId: storeQueueId,
      flag: header.flag,
      body: request.body ?? Buffer.alloc(0),
      properties,
      bornTimestamp: header.bornTimestamp,
      bornHost: remoteHost(conn),
      storeHost: this.ctx.storeHost,
      sysFlag,
      reconsumeTimes,
      preparedTransactionOffset: 0,
      tagsCode: tagsString2tagsCode(getProperty(properties, MessageConst.TAGS)),
      waitStoreMsgOK: waitStoreMsgOK(props),
    });
    return this.handlePutMessageResult(request, result, queueId, uniqKey);
  }

  private async sendBatchMessage(conn: Connection, request: RemotingCommand, header: SendHeader, topicConfig: TopicConfig, props: Map<string, string>): Promise<RemotingCommand> {
    let queueId = header.queueId;
    if (queueId < 0) queueId = randomQueueId(topicConfig.writeQueueNums);
    if (header.topic.length > 127) {
      return this.fail(request, ResponseCode.MESSAGE_ILLEGAL, `message topic length too long ${header.topic.length}`);
    }
    if (header.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) {
      return this.fail(request, ResponseCode.MESSAGE_ILLEGAL, `batch request does not support retry group ${header.topic}`);
    }
    // CommitLog.asyncPutMessages: no delay for batches.
    if (Number(props.get(MessageConst.DELAY) ?? '0') > 0) {
      return this.putFailure(request, PutMessageStatus.MESSAGE_ILLEGAL);
    }
    let sysFlag = header.sysFlag;
    if (topicConfig.topicFilterType === TopicFilterType.MULTI_TAG) sysFlag |= MULTI_TAGS_FLAG;
    const result = await this.ctx.store.putMessages({
      topic: header.topic,
      queueId,
      flag: header.flag,
      body: request.body ?? Buffer.alloc(0),
      // 5.x MessageExtEncoder stores each element's own properties unchanged.
      properties: '',
      bornTimestamp: header.bornTimestamp,
      bornHost: remoteHost(conn),
      storeHost: this.ctx.storeHost,
      sysFlag,
      reconsumeTimes: header.reconsumeTimes ?? 0,
      preparedTransactionOffset: 0,
      waitStoreMsgOK: waitStoreMsgOK(props),
    });
    return this.handlePutMessageResult(request, result, queueId, props.get(MessageConst.UNIQ_KEY));
  }

  private putFailure(request: RemotingCommand, status: PutMessageStatus): RemotingCommand {
    const r = putStatusToResponse(status, this.ctx.config.maxMessageSize);
    return this.fail(request, r.code, r.remark ?? status);
  }

  private handlePutMessageResult(request: RemotingCommand, result: PutMessageResult, queueId: number, transactionId: string | undefined): RemotingCommand {
    const r = putStatusToResponse(result.status, this.ctx.config.maxMessageSize);
    if (!r.sendOK || !result.appendResult) {
      return this.fail(request, r.sendOK ? ResponseCode.SYSTEM_ERROR : r.code, r.remark ?? 'store putMessage return null');
    }
    const ext: ExtFields = {
      msgId: result.appendResult.msgId,
      queueId: String(queueId),
      queueOffset: String(result.appendResult.logicsOffset),
      ...this.baseExt(),
    };
    if (transactionId !== undefined) ext.transactionId = transactionId;
    return createResponse(request, r.code, { extFields: ext });
  }
}
