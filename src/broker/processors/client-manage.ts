// HEART_BEAT (34), UNREGISTER_CLIENT (35), CHECK_CLIENT_CONFIG (46): Java ClientManageProcessor
// (requests.md §4). The HEART_BEAT response carries our version (quirk 10) and the 5.x extFields
// IS_SUPPORT_HEART_BEAT_V2 / IS_SUB_CHANGE.
import { decodeCheckClientRequestBody, decodeHeartbeatData, ExpressionType } from '../../protocol/body/heartbeat';
import { UnregisterClientRequestHeader } from '../../protocol/headers/broker-core';
import { RequestCode } from '../../protocol/request-code';
import { ResponseCode } from '../../protocol/response-code';
import { createResponse, type RemotingCommand } from '../../remoting/command';
import type { Connection } from '../../remoting/connection';
import type { BrokerContext } from '../broker-context';
import { notifyConsumerIdsChangedEnabled } from '../client/notify';
import { newClientChannelInfo } from '../client/client-channel-info';
import { getRetryTopic } from '../mixall';
import { compileSql92Cached } from '../sql92-filter';
import { registerCreatedTopics, requireHeader } from './common';

export class ClientManageProcessor {
  /** group → last heartbeat fingerprint (heartbeat v2). */
  private readonly fingerprints = new Map<string, number>();

  constructor(private readonly ctx: BrokerContext) {}

  register(): void {
    this.ctx.registerProcessor(RequestCode.HEART_BEAT, (conn, req) => this.heartBeat(conn, req));
    this.ctx.registerProcessor(RequestCode.UNREGISTER_CLIENT, (conn, req) => this.unregisterClient(conn, req));
    this.ctx.registerProcessor(RequestCode.CHECK_CLIENT_CONFIG, (_conn, req) => this.checkClientConfig(req));
  }

  private notifyEnabled(group: string): boolean {
    return notifyConsumerIdsChangedEnabled(this.ctx, group);
  }

  async heartBeat(conn: Connection, request: RemotingCommand): Promise<RemotingCommand> {
    const d = decodeHeartbeatData(request.body);
    if (!d.ok) return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: d.error });
    const hb = d.value;
    const info = newClientChannelInfo(conn, hb.clientID, request.language, request.version);
    let subChange = true;
    let createdTopic = false;
    for (const cd of hb.consumerDataSet) {
      const sgc = this.ctx.subscriptionGroupManager.findSubscriptionGroupConfig(cd.groupName);
      if (!sgc) continue;
      let updateSubscription = true;
      if (hb.heartbeatFingerprint !== 0) {
        const known = this.fingerprints.get(cd.groupName);
        if (hb.withoutSub) {
          updateSubscription = false;
          if (known !== hb.heartbeatFingerprint) subChange = true;
          else subChange = false;
        }
        if (!hb.withoutSub) this.fingerprints.set(cd.groupName, hb.heartbeatFingerprint);
      }
      const topicSysFlag = cd.unitMode ? 2 : 0;
      const retryTopic = getRetryTopic(cd.groupName);
      if (this.ctx.topicConfigManager.selectTopicConfig(retryTopic) === undefined) createdTopic = true;
      this.ctx.topicConfigManager.createTopicIfAbsent(retryTopic, sgc.retryQueueNums, 6, topicSysFlag);
      const notify = this.notifyEnabled(cd.groupName);
      const changed = this.ctx.consumerManager.registerConsumer(
        cd.groupName, info, cd.consumeType, cd.messageModel, cd.consumeFromWhere, cd.subscriptionDataSet, notify, updateSubscription,
      );
      if (changed) this.ctx.logger.info({ group: cd.groupName, client: hb.clientID, remote: conn.remoteAddress }, 'consumer registration changed');
    }
    for (const pd of hb.producerDataSet) this.ctx.producerManager.registerProducer(pd.groupName, info);
    // A consumer looks up its %RETRY% route right after this answer (Java registers first too).
    if (createdTopic) await registerCreatedTopics(this.ctx);
    return createResponse(request, ResponseCode.SUCCESS, {
      extFields: { IS_SUPPORT_HEART_BEAT_V2: 'true', IS_SUB_CHANGE: String(subChange) },
    });
  }

  unregisterClient(conn: Connection, request: RemotingCommand): RemotingCommand {
    const h = requireHeader(UnregisterClientRequestHeader, request);
    if (h.producerGroup !== undefined) this.ctx.producerManager.unregisterProducer(h.producerGroup, conn);
    if (h.consumerGroup !== undefined) {
      this.ctx.consumerManager.unregisterConsumer(h.consumerGroup, conn, this.notifyEnabled(h.consumerGroup));
    }
    return createResponse(request, ResponseCode.SUCCESS);
  }

  checkClientConfig(request: RemotingCommand): RemotingCommand {
    const b = decodeCheckClientRequestBody(request.body);
    const sd = b.ok ? b.value.subscriptionData : undefined;
    if (sd && sd.expressionType !== ExpressionType.TAG) {
      if (!this.ctx.config.enablePropertyFilter) {
        return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: `The broker does not support consumer to filter message by ${sd.expressionType}` });
      }
      const compiled = sd.expressionType === ExpressionType.SQL92
        ? compileSql92Cached(sd.subString)
        : { ok: false as const, error: `unknown expression type ${sd.expressionType}` };
      if (!compiled.ok) return createResponse(request, ResponseCode.SUBSCRIPTION_PARSE_FAILED, { remark: compiled.error });
    }
    return createResponse(request, ResponseCode.SUCCESS);
  }
}
