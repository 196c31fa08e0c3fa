// PULL_MESSAGE (11) / LITE_PULL_MESSAGE (361): Java PullMessageProcessor +
// DefaultPullMessageResultHandler (requests.md §5.1). PULL_NOT_FOUND with FLAG_SUSPEND is held by
// the PullRequestHoldService (quirk 9); the body of a SUCCESS is the stored records concatenated.
import { buildSubscriptionData, ConsumeType, ExpressionType, MessageModel, type SubscriptionData } from '../../protocol/body/heartbeat';
import { PullMessageRequestHeader, PullSysFlag } from '../../protocol/headers/broker-core';
import { RequestCode } from '../../protocol/request-code';
import { ResponseCode } from '../../protocol/response-code';
import { createResponse, type ExtFields, type RemotingCommand } from '../../remoting/command';
import type { Connection } from '../../remoting/connection';
import { GetMessageStatus, type GetMessageResult } from '../../store/message-store';
import type { BrokerContext } from '../broker-context';
import { isSlave } from '../broker-config';
import { ExpressionMessageFilter } from '../filter';
import { compileSql92Cached, type Sql92Expression } from '../sql92-filter';
import { PullRequestHoldService, type PullRequest } from '../long-polling/pull-request-hold-service';
import { isReadable, MASTER_ID } from '../mixall';
import type { SubscriptionGroupConfig } from '../subscription-group-manager';
import { FAQUrl, invalidParameterCode, requireHeader, suggestTodo, type HeaderType } from './common';

type PullHeader = HeaderType<typeof PullMessageRequestHeader>;

/** ForbiddenType values of the 5.x response header. */
const ForbiddenType = { BROKER: 1, GROUP: 2, TOPIC: 3, BROADCASTING_DISABLE: 4, SUBSCRIPTION: 5 } as const;

export class PullMessageProcessor {
  readonly holdService: PullRequestHoldService;

  constructor(private readonly ctx: BrokerContext) {
    this.holdService = new PullRequestHoldService(
      (pr) => this.executeRequestWhenWakeup(pr),
      (topic, queueId) => this.ctx.store.getMaxOffsetInQueue(topic, queueId),
    );
  }

  register(): void {
    const h = (conn: Connection, req: RemotingCommand) => this.processRequest(conn, req, true);
    this.ctx.registerProcessor(RequestCode.PULL_MESSAGE, h);
    this.ctx.registerProcessor(RequestCode.LITE_PULL_MESSAGE, h);
    // Long polling: every dispatched message may complete held pulls of its queue.
    this.ctx.store.addMessageArrivingListener((d) => {
      this.holdService.notifyMessageArriving(d.topic, d.queueId, d.consumeQueueOffset + 1, d.tagsCode, d.properties);
    });
  }

  /** Wake-ups being processed (shutdown waits for them). */
  pendingWakeups = 0;

  private executeRequestWhenWakeup(pr: PullRequest): void {
    this.pendingWakeups++;
    this.processRequest(pr.conn, pr.request, false).finally(() => { this.pendingWakeups--; }).then(
      (resp) => pr.conn.respond(pr.request, resp),
      (err: unknown) => {
        this.ctx.logger.error({ err: (err as Error).message }, 'pull wakeup failed');
        pr.conn.respond(pr.request, createResponse(pr.request, ResponseCode.SYSTEM_ERROR, { remark: String((err as Error).message) }));
      },
    );
  }

  private fail(request: RemotingCommand, code: number, remark: string, forbiddenType?: number): RemotingCommand {
    const ext: ExtFields | undefined = forbiddenType !== undefined ? { forbiddenType: String(forbiddenType) } : undefined;
    return createResponse(request, code, { remark, extFields: ext });
  }

  async processRequest(conn: Connection, request: RemotingCommand, brokerAllowSuspend: boolean): Promise<RemotingCommand | null> {
    const c = this.ctx.config;
    const h = requireHeader(PullMessageRequestHeader, request);
    if (!isReadable(c.brokerPermission)) {
      return this.fail(request, ResponseCode.NO_PERMISSION, `the broker[${c.brokerIP1}] pulling message is forbidden`, ForbiddenType.BROKER);
    }
    const sgc = this.ctx.subscriptionGroupManager.findSubscriptionGroupConfig(h.consumerGroup);
    if (!sgc) {
      return this.fail(request, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
        `subscription group [${h.consumerGroup}] does not exist, ${suggestTodo(FAQUrl.SUBSCRIPTION_GROUP_NOT_EXIST)}`);
    }
    if (!sgc.consumeEnable) {
      return this.fail(request, ResponseCode.NO_PERMISSION, `subscription group no permission, ${h.consumerGroup}`, ForbiddenType.GROUP);
    }
    const tc = this.ctx.topicConfigManager.selectTopicConfig(h.topic);
    if (!tc) {
      return this.fail(request, ResponseCode.TOPIC_NOT_EXIST, `topic[${h.topic}] not exist, apply first please! ${suggestTodo(FAQUrl.APPLY_TOPIC_URL)}`);
    }
    if (!isReadable(tc.perm)) {
      return this.fail(request, ResponseCode.NO_PERMISSION, `the topic[${h.topic}] pulling message is forbidden`, ForbiddenType.TOPIC);
    }
    if (h.queueId < 0 || h.queueId >= tc.readQueueNums) {
      return this.fail(request, invalidParameterCode(request),
        `queueId[${h.queueId}] is illegal, topic:[${h.topic}] topicConfig.readQueueNums:[${tc.readQueueNums}] consumer:[${conn.remoteAddress}]`);
    }

    const cm = this.ctx.consumerManager;
    // 5.x compensateBasicConsumerInfo: a pull registers the group even without a heartbeat.
    {
      const model = h.requestSource === 2 ? MessageModel.BROADCASTING : MessageModel.CLUSTERING;
      const type = h.requestSource === 3 ? ConsumeType.CONSUME_ACTIVELY : ConsumeType.CONSUME_PASSIVELY;
      cm.compensateBasicConsumerInfo(h.consumerGroup, type, model);
    }

    let sub: SubscriptionData | undefined;
    let sql: Sql92Expression | undefined;
    if ((h.sysFlag & PullSysFlag.FLAG_SUBSCRIPTION) !== 0) {
      sub = buildSubscriptionData(h.topic, h.subscription, h.expressionType);
      sub.subVersion = h.subVersion;
      if (sub.expressionType !== ExpressionType.TAG) {
        const compiled = sub.expressionType === ExpressionType.SQL92 ? compileSql92Cached(sub.subString) : undefined;
        if (!compiled?.ok) return this.fail(request, ResponseCode.SUBSCRIPTION_PARSE_FAILED, 'parse the consumer\'s subscription failed');
        sql = compiled.expression;
      }
      cm.compensateSubscribeData(h.consumerGroup, h.topic, sub);
    } else {
      const gi = cm.getConsumerGroupInfo(h.consumerGroup);
      if (!gi) {
        return this.fail(request, ResponseCode.SUBSCRIPTION_NOT_EXIST, `the consumer's group info not exist${suggestTodo(FAQUrl.SAME_GROUP_DIFFERENT_TOPIC)}`);
      }
      if (!sgc.consumeBroadcastEnable && gi.messageModel === MessageModel.BROADCASTING) {
        return this.fail(request, ResponseCode.NO_PERMISSION, `the consumer group[${h.consumerGroup}] can not consume by broadcast way`, ForbiddenType.BROADCASTING_DISABLE);
      }
      sub = gi.findSubscriptionData(h.topic);
      if (!sub) {
        return this.fail(request, ResponseCode.SUBSCRIPTION_NOT_EXIST, `the consumer's subscription not exist${suggestTodo(FAQUrl.SAME_GROUP_DIFFERENT_TOPIC)}`);
      }
      if (sub.subVersion < h.subVersion) {
        return this.fail(request, ResponseCode.SUBSCRIPTION_NOT_LATEST, 'the consumer\'s subscription not latest');
      }
      if (sub.expressionType !== ExpressionType.TAG) {
        // Java ConsumerFilterManager: the filter data compiled from the heartbeat's expression.
        const compiled = sub.expressionType === ExpressionType.SQL92 ? compileSql92Cached(sub.subString) : undefined;
        if (!compiled?.ok) {
          return this.fail(request, ResponseCode.FILTER_DATA_NOT_EXIST, 'The broker\'s consumer filter data is not exist!Your expression may be wrong!');
        }
        sql = compiled.expression;
      }
    }
    if (sub.expressionType !== ExpressionType.TAG && !c.enablePropertyFilter) {
      return this.fail(request, ResponseCode.SYSTEM_ERROR, `The broker does not support consumer to filter message by ${sub.expressionType}`);
    }
    const filter = new ExpressionMessageFilter(sub, sql);
    const result = await this.ctx.store.getMessage({
      group: h.consumerGroup, topic: h.topic, queueId: h.queueId, offset: h.queueOffset, maxMsgNums: h.maxMsgNums, filter,
    });
    return this.handle(conn, request, h, result, sgc, tc.topicSysFlag, brokerAllowSuspend, filter);
  }

  private handle(
    conn: Connection, request: RemotingCommand, h: PullHeader, result: GetMessageResult, sgc: SubscriptionGroupConfig,
    topicSysFlag: number, brokerAllowSuspend: boolean, filter: ExpressionMessageFilter,
  ): RemotingCommand | null {
    const c = this.ctx.config;
    let code: number;
    switch (result.status) {
      case GetMessageStatus.FOUND: code = ResponseCode.SUCCESS; break;
      case GetMessageStatus.MESSAGE_WAS_REMOVING:
      case GetMessageStatus.NO_MATCHED_MESSAGE: code = ResponseCode.PULL_RETRY_IMMEDIATELY; break;
      case GetMessageStatus.NO_MATCHED_LOGIC_QUEUE:
      case GetMessageStatus.NO_MESSAGE_IN_QUEUE: code = h.queueOffset !== 0 ? ResponseCode.PULL_OFFSET_MOVED : ResponseCode.PULL_NOT_FOUND; break;
      case GetMessageStatus.OFFSET_FOUND_NULL:
      case GetMessageStatus.OFFSET_OVERFLOW_ONE: code = ResponseCode.PULL_NOT_FOUND; break;
      case GetMessageStatus.OFFSET_OVERFLOW_BADLY:
      case GetMessageStatus.OFFSET_TOO_SMALL: code = ResponseCode.PULL_OFFSET_MOVED; break;
      default: {
        const never: never = result.status;
        code = ResponseCode.SYSTEM_ERROR;
        this.ctx.logger.error({ status: String(never) }, 'unknown get-message status');
      }
    }
    let suggest = MASTER_ID;
    if (c.slaveReadEnable) suggest = result.suggestPullingFromSlave ? sgc.whichBrokerWhenConsumeSlowly : sgc.brokerId;

    // tryCommitOffset: the pull offset always; the commit offset only on first processing, never on a slave.
    this.ctx.consumerOffsetManager.commitPullOffset(h.consumerGroup, h.topic, h.queueId, result.nextBeginOffset);
    if (brokerAllowSuspend && (h.sysFlag & PullSysFlag.FLAG_COMMIT_OFFSET) !== 0 && !isSlave(c)) {
      this.ctx.consumerOffsetManager.commitOffset(h.consumerGroup, h.topic, h.queueId, h.commitOffset);
    }

    if (code === ResponseCode.PULL_NOT_FOUND && brokerAllowSuspend && (h.sysFlag & PullSysFlag.FLAG_SUSPEND) !== 0 && !this.ctx.shuttingDown) {
      const timeoutMillis = c.longPollingEnable ? h.suspendTimeoutMillis : c.shortPollingTimeMills;
      this.holdService.suspendPullRequest(h.topic, h.queueId, {
        request, conn, timeoutMillis, suspendTimestamp: Date.now(), pullFromThisOffset: h.queueOffset, filter,
      });
      return null;
    }
    if (code === ResponseCode.PULL_OFFSET_MOVED && isSlave(c) && !c.offsetCheckInSlave) {
      suggest = sgc.brokerId;
      code = ResponseCode.PULL_RETRY_IMMEDIATELY;
    }
    const ext: ExtFields = {
      suggestWhichBrokerId: String(suggest),
      nextBeginOffset: String(result.nextBeginOffset),
      minOffset: String(result.minOffset),
      maxOffset: String(result.maxOffset),
      topicSysFlag: String(topicSysFlag),
      groupSysFlag: String(sgc.groupSysFlag),
    };
    const resp = createResponse(request, code, { remark: result.status, extFields: ext });
    if (code === ResponseCode.SUCCESS) {
      this.ctx.brokerStatsManager.incGroupGetNums(h.consumerGroup, h.topic, result.messages.length);
      resp.body = result.messages.length === 1 ? result.messages[0] : Buffer.concat(result.messages, result.bufferTotalSize);
    }
    return resp;
  }
}
