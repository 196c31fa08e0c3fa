// Offsets and group membership queries: QUERY_CONSUMER_OFFSET (14), UPDATE_CONSUMER_OFFSET (15),
// GET_CONSUMER_LIST_BY_GROUP (38) — Java ConsumerManageProcessor — and the queue offset queries
// GET_MAX_OFFSET (30), GET_MIN_OFFSET (31), GET_EARLIEST_MSG_STORETIME (32),
// SEARCH_OFFSET_BY_TIMESTAMP (29) that Java serves from AdminBrokerProcessor (requests.md §5.2–5.5).
import * as os from 'node:os';
import {
  GetConsumerListByGroupRequestHeader, QueryConsumerOffsetRequestHeader, SearchOffsetRequestHeader, TopicQueueRequestHeader,
  UpdateConsumerOffsetRequestHeader,
} from '../../protocol/headers/broker-core';
import { RequestCode } from '../../protocol/request-code';
import { ResponseCode } from '../../protocol/response-code';
import { createResponse, type RemotingCommand } from '../../remoting/command';
import type { Connection } from '../../remoting/connection';
import type { BrokerContext } from '../broker-context';
import { requireHeader } from './common';

export class ConsumerManageProcessor {
  constructor(private readonly ctx: BrokerContext) {}

  register(): void {
    const r = (code: number, fn: (conn: Connection, req: RemotingCommand) => RemotingCommand | Promise<RemotingCommand>) =>
      this.ctx.registerProcessor(code, fn);
    r(RequestCode.QUERY_CONSUMER_OFFSET, (_c, req) => this.queryConsumerOffset(req));
    r(RequestCode.UPDATE_CONSUMER_OFFSET, (_c, req) => this.updateConsumerOffset(req));
    r(RequestCode.GET_CONSUMER_LIST_BY_GROUP, (_c, req) => this.getConsumerListByGroup(req));
    r(RequestCode.GET_MAX_OFFSET, (_c, req) => this.getMaxOffset(req));
    r(RequestCode.GET_MIN_OFFSET, (_c, req) => this.getMinOffset(req));
    r(RequestCode.GET_EARLIEST_MSG_STORETIME, (_c, req) => this.getEarliestMsgStoretime(req));
    r(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, (_c, req) => this.searchOffsetByTimestamp(req));
  }

  /**
   * DefaultMessageStore.checkInMemByConsumeOffset(topic, q, 0, 1): the first message of the queue
   * still exists and lies within the in-memory window (accessMessageInMemoryMaxRatio of RAM from
   * the commit-log tail) — quirk 8.
   */
  private async firstMessageInMemory(topic: string, queueId: number): Promise<boolean> {
    const store = this.ctx.store;
    if (store.getMinOffsetInQueue(topic, queueId) > 0 || store.getMaxOffsetInQueue(topic, queueId) <= 0) return false;
    const phy = await store.getCommitLogOffsetInQueue(topic, queueId, 0);
    if (phy < store.getMinPhyOffset()) return false;
    const memory = os.totalmem() * (this.ctx.config.accessMessageInMemoryMaxRatio / 100);
    return store.getMaxPhyOffset() - phy <= memory;
  }

  async queryConsumerOffset(request: RemotingCommand): Promise<RemotingCommand> {
    const h = requireHeader(QueryConsumerOffsetRequestHeader, request);
    const offset = this.ctx.consumerOffsetManager.queryOffset(h.consumerGroup, h.topic, h.queueId);
    if (offset >= 0) return createResponse(request, ResponseCode.SUCCESS, { extFields: { offset: String(offset) } });
    if (h.setZeroIfNotFound === false) {
      return createResponse(request, ResponseCode.QUERY_NOT_FOUND, { remark: 'Not found, do not set to zero, maybe this group boot first' });
    }
    const minOffset = this.ctx.store.getMinOffsetInQueue(h.topic, h.queueId);
    if (minOffset <= 0 && await this.firstMessageInMemory(h.topic, h.queueId)) {
      return createResponse(request, ResponseCode.SUCCESS, { extFields: { offset: '0' } });
    }
    return createResponse(request, ResponseCode.QUERY_NOT_FOUND, { remark: 'Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first' });
  }

  updateConsumerOffset(request: RemotingCommand): RemotingCommand {
    const h = requireHeader(UpdateConsumerOffsetRequestHeader, request);
    if (!this.ctx.subscriptionGroupManager.containsSubscriptionGroup(h.consumerGroup)) {
      return createResponse(request, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, { remark: `Group ${h.consumerGroup} not exist!` });
    }
    if (!this.ctx.topicConfigManager.selectTopicConfig(h.topic)) {
      return createResponse(request, ResponseCode.TOPIC_NOT_EXIST, { remark: `Topic ${h.topic} not exist!` });
    }
    this.ctx.consumerOffsetManager.commitOffset(h.consumerGroup, h.topic, h.queueId, h.commitOffset);
    return createResponse(request, ResponseCode.SUCCESS);
  }

  getConsumerListByGroup(request: RemotingCommand): RemotingCommand {
    const h = requireHeader(GetConsumerListByGroupRequestHeader, request);
    const g = this.ctx.consumerManager.getConsumerGroupInfo(h.consumerGroup);
    const ids = g?.allClientIds() ?? [];
    if (ids.length > 0) {
      return createResponse(request, ResponseCode.SUCCESS, { body: Buffer.from(JSON.stringify({ consumerIdList: ids }), 'utf8') });
    }
    return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: `no consumer for this group, ${h.consumerGroup}` });
  }

  getMaxOffset(request: RemotingCommand): RemotingCommand {
    const h = requireHeader(TopicQueueRequestHeader, request);
    const offset = this.ctx.store.getMaxOffsetInQueue(h.topic, h.queueId);
    return createResponse(request, ResponseCode.SUCCESS, { extFields: { offset: String(offset) } });
  }

  getMinOffset(request: RemotingCommand): RemotingCommand {
    const h = requireHeader(TopicQueueRequestHeader, request);
    const offset = this.ctx.store.getMinOffsetInQueue(h.topic, h.queueId);
    return createResponse(request, ResponseCode.SUCCESS, { extFields: { offset: String(offset) } });
  }

  async getEarliestMsgStoretime(request: RemotingCommand): Promise<RemotingCommand> {
    const h = requireHeader(TopicQueueRequestHeader, request);
    const ts = await this.ctx.store.getEarliestMessageTime(h.topic, h.queueId);
    return createResponse(request, ResponseCode.SUCCESS, { extFields: { timestamp: String(ts) } });
  }

  async searchOffsetByTimestamp(request: RemotingCommand): Promise<RemotingCommand> {
    const h = requireHeader(SearchOffsetRequestHeader, request);
    const store = this.ctx.store;
    let offset: number;
    if ((h.boundaryType ?? 'LOWER').toUpperCase() === 'UPPER') {
      // Last offset whose store time <= timestamp = (first offset with time > timestamp) - 1.
      const firstAfter = await store.getOffsetInQueueByTime(h.topic, h.queueId, h.timestamp + 1);
      offset = Math.max(store.getMinOffsetInQueue(h.topic, h.queueId), firstAfter - 1);
    } else {
      offset = await store.getOffsetInQueueByTime(h.topic, h.queueId, h.timestamp);
    }
    return createResponse(request, ResponseCode.SUCCESS, { extFields: { offset: String(offset) } });
  }
}
