// Admin requests (requests.md §7; Java AdminBrokerProcessor): topic and group configuration,
// statistics (TopicStatsTable, ConsumeStats, runtime KVTable), client connections, broker config,
// who-consumes-what, and the relays to a consumer (GET_CONSUMER_RUNNING_INFO,
// CONSUME_MESSAGE_DIRECTLY). Bodies are written as fastjson writes them (admin-bodies.ts).
import { JKeyMap, JStringMap, toFastJson, type JBean, type JValue } from '../../protocol/body/admin-json';
import {
  decodeJsonObjectBody, encodeConsumeStats, encodeConsumeStatsList, encodeResetOffsetBody, type GroupConsumeStats, encodeConsumerConnection, encodeGroupList, encodeKVTable, encodeProducerConnection,
  encodeTopicList, encodeTopicStatsTable, type ConnectionData, type MessageQueueData, type OffsetWrapper, type TopicOffset,
} from '../../protocol/body/admin-bodies';
import { encodeHeader } from '../../protocol/header';
import {
  ConsumeMessageDirectlyResultRequestHeader, CreateTopicRequestHeader, DeleteSubscriptionGroupRequestHeader, DeleteTopicRequestHeader,
  GetAllTopicConfigResponseHeader, GetBrokerConfigResponseHeader, GetConsumerConnectionListRequestHeader,
  GetConsumerRunningInfoRequestHeader, GetConsumeStatsRequestHeader, GetProducerConnectionListRequestHeader,
  GetSubscriptionGroupConfigRequestHeader, GetTopicConfigRequestHeader, GetTopicStatsInfoRequestHeader,
  QueryTopicConsumeByWhoRequestHeader, requireHeader, ResetOffsetRequestHeader, CloneGroupOffsetRequestHeader,
  GetConsumeStatsInBrokerHeader,
} from '../../protocol/headers/broker-admin';
import { RequestCode } from '../../protocol/request-code';
import { ResponseCode } from '../../protocol/response-code';
import { parseProperties, propertiesToString } from '../../common/properties';
import { createRequest, createResponse, type RemotingCommand } from '../../remoting/command';
import type { Connection } from '../../remoting/connection';
import { decodeRecord, parseMessageId, recordStoreTimestamp } from '../../store/message-codec';
import { applyProperties, brokerConfigEntries, type BrokerConfig } from '../broker-config';
import { persistConfigFile } from '../config-file';
import type { BrokerContext } from '../broker-context';
import type { ClientChannelInfo } from '../client/client-channel-info';
import { DataVersion } from '../data-version';
import { SystemTopic, validateTopic } from '../mixall';
import { getScheduleService } from '../schedule';
import { subscriptionGroupConfigFromJson, type SubscriptionGroupConfig } from '../subscription-group-manager';
import { TopicFilterType, newTopicConfig, topicConfigFromJson, type TopicConfig } from '../topic-config-manager';
import { BrokerRuntimeStats, prepareRuntimeInfo } from './admin-runtime';

/** TopicValidator.SYSTEM_TOPIC_SET (+ the `rmq_sys_` prefix). */
const SYSTEM_TOPICS: ReadonlySet<string> = new Set([
  SystemTopic.AUTO_CREATE_TOPIC_KEY_TOPIC, SystemTopic.RMQ_SYS_SCHEDULE_TOPIC, SystemTopic.RMQ_SYS_BENCHMARK_TOPIC,
  SystemTopic.RMQ_SYS_TRANS_HALF_TOPIC, SystemTopic.RMQ_SYS_TRACE_TOPIC, SystemTopic.RMQ_SYS_TRANS_OP_HALF_TOPIC,
  SystemTopic.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, SystemTopic.RMQ_SYS_SELF_TEST_TOPIC, SystemTopic.RMQ_SYS_OFFSET_MOVED_EVENT,
  'CHECKPOINT_TOPIC_XXXX',
]);

export function isSystemTopic(topic: string): boolean {
  return SYSTEM_TOPICS.has(topic) || topic.startsWith('rmq_sys_');
}

const VALID_NAME = /^[%|a-zA-Z0-9_-]+$/;
const GROUP_MAX_LENGTH = 120;

/** TopicValidator.validateGroup: null when valid, else the Java remark. */
export function validateGroup(group: string | undefined): string | null {
  if (group === undefined || group.trim() === '') return 'The specified group is blank.';
  if (!VALID_NAME.test(group)) return `The specified group: ${group}, contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`;
  if (group.length > GROUP_MAX_LENGTH) return `The specified group: ${group}, is longer than group max length: ${GROUP_MAX_LENGTH}`;
  return null;
}

/** AttributeParser.parseToMap for create mode: `+k=v,+k2=v2` (a `-k` deletion has nothing to delete). */
export function parseAttributes(s: string | undefined): Record<string, string> | string {
  const out: Record<string, string> = {};
  if (s === undefined || s.trim() === '') return out;
  for (const kv of s.split(',')) {
    if (kv.startsWith('-')) continue;
    if (!kv.startsWith('+')) return `attribute format error: ${kv}`;
    const i = kv.indexOf('=');
    if (i < 2) return `attribute format error: ${kv}`;
    out[kv.slice(1, i)] = kv.slice(i + 1);
  }
  return out;
}

/** "ip:port" of a connection as Java RemotingHelper.parseChannelRemoteAddr prints it. */
export function clientAddr(conn: Connection): string {
  return conn.remoteAddress.replace(/^::ffff:/, '');
}

export function topicConfigJson(tc: TopicConfig): JBean {
  return {
    attributes: new JStringMap(Object.entries(tc.attributes)),
    order: tc.order,
    perm: tc.perm,
    readQueueNums: tc.readQueueNums,
    topicFilterType: tc.topicFilterType,
    topicName: tc.topicName,
    topicSysFlag: tc.topicSysFlag,
    writeQueueNums: tc.writeQueueNums,
  };
}

export function subscriptionGroupConfigJson(g: SubscriptionGroupConfig): JBean {
  return {
    attributes: new JStringMap(Object.entries(g.attributes)),
    brokerId: g.brokerId,
    consumeBroadcastEnable: g.consumeBroadcastEnable,
    consumeEnable: g.consumeEnable,
    consumeFromMinEnable: g.consumeFromMinEnable,
    consumeMessageOrderly: g.consumeMessageOrderly,
    consumeTimeoutMinute: g.consumeTimeoutMinute,
    groupName: g.groupName,
    groupRetryPolicy: JSON.parse(JSON.stringify(g.groupRetryPolicy)) as JBean,
    groupSysFlag: g.groupSysFlag,
    notifyConsumerIdsChangedEnable: g.notifyConsumerIdsChangedEnable,
    retryMaxTimes: g.retryMaxTimes,
    retryQueueNums: g.retryQueueNums,
    whichBrokerWhenConsumeSlowly: g.whichBrokerWhenConsumeSlowly,
  };
}

const dv = (d: DataVersion): JBean => ({ counter: d.counter, stateVersion: d.stateVersion, timestamp: d.timestamp });
const byName = <T>(m: ReadonlyMap<string, T>): Array<[string, T]> => [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

function connectionsOf(infos: Iterable<ClientChannelInfo>): ConnectionData[] {
  return [...infos].map((i) => ({ clientId: i.clientId, clientAddr: clientAddr(i.conn), language: i.language, version: i.version }));
}

/** Relay timeout of callConsumer (Java: 10 s for running info, 10 s for consume directly). */
const CALL_CONSUMER_TIMEOUT_MS = 10_000;
/** MQVersion.Version.V3_0_7_SNAPSHOT.ordinal(): oldest client that understands RESET_CONSUMER_CLIENT_OFFSET. */
const V3_0_7_SNAPSHOT = 28;

export class AdminBrokerProcessor {
  readonly runtimeStats: BrokerRuntimeStats;
  /** Java Configuration dataVersion (GET_BROKER_CONFIG response header). */
  readonly configDataVersion = new DataVersion();

  constructor(private readonly ctx: BrokerContext) {
    this.runtimeStats = new BrokerRuntimeStats(ctx.store);
    ctx.store.addMessageArrivingListener((d) => this.runtimeStats.onMessageArrived(d.topic));
  }

  private get brokerName(): string {
    return this.ctx.config.brokerName;
  }

  private ok(request: RemotingCommand, body?: Buffer, extFields?: Record<string, string>): RemotingCommand {
    return createResponse(request, ResponseCode.SUCCESS, { body, extFields });
  }

  private fail(request: RemotingCommand, code: number, remark: string): RemotingCommand {
    return createResponse(request, code, { remark });
  }

  // ---- topics -------------------------------------------------------------------------------

  async updateAndCreateTopic(request: RemotingCommand): Promise<RemotingCommand> {
    const h = requireHeader(CreateTopicRequestHeader, request);
    const invalid = validateTopic(h.topic);
    if (invalid) return this.fail(request, ResponseCode.INVALID_PARAMETER, invalid);
    if (this.validateSystemTopics() && isSystemTopic(h.topic)) {
      return this.fail(request, ResponseCode.INVALID_PARAMETER, `The topic[${h.topic}] is conflict with system topic.`);
    }
    const attributes = parseAttributes(h.attributes);
    if (typeof attributes === 'string') return this.fail(request, ResponseCode.INVALID_PARAMETER, attributes);
    if (attributes['message.type'] === 'MIXED') return this.fail(request, ResponseCode.INVALID_PARAMETER, 'MIXED message type is not supported.');
    const tc = newTopicConfig(h.topic, {
      readQueueNums: h.readQueueNums,
      writeQueueNums: h.writeQueueNums,
      perm: h.perm,
      topicFilterType: h.topicFilterType === TopicFilterType.MULTI_TAG ? TopicFilterType.MULTI_TAG : TopicFilterType.SINGLE_TAG,
      topicSysFlag: h.topicSysFlag ?? 0,
      order: h.order,
      attributes,
    });
    const old = this.ctx.topicConfigManager.selectTopicConfig(h.topic);
    if (old && toFastJson(topicConfigJson(old)) === toFastJson(topicConfigJson(tc))) return this.ok(request);
    this.ctx.topicConfigManager.updateTopicConfig(tc);
    // Java registers at once, so the route exists when the admin call returns.
    await this.ctx.registerBrokerAll();
    return this.ok(request);
  }

  /** UPDATE_AND_CREATE_TOPIC_LIST (5.x): body CreateTopicListRequestBody {"topicConfigList":[TopicConfig...]}. */
  async updateAndCreateTopicList(request: RemotingCommand): Promise<RemotingCommand> {
    const o = decodeJsonObjectBody(request.body);
    if (!o || !Array.isArray(o.topicConfigList)) return this.fail(request, ResponseCode.SYSTEM_ERROR, 'bad CreateTopicListRequestBody');
    const configs: TopicConfig[] = [];
    for (const raw of o.topicConfigList as unknown[]) {
      const name = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).topicName : undefined;
      const tc = topicConfigFromJson(typeof name === 'string' ? name : '', raw);
      if (!tc) return this.fail(request, ResponseCode.SYSTEM_ERROR, 'bad TopicConfig in topicConfigList');
      const attrs: Record<string, string> = {};
      for (const [k, v] of Object.entries(tc.attributes)) {
        if (k.startsWith('-')) continue;
        attrs[k.startsWith('+') ? k.slice(1) : k] = v;
      }
      tc.attributes = attrs;
      const invalid = validateTopic(tc.topicName);
      if (invalid) return this.fail(request, ResponseCode.INVALID_PARAMETER, invalid);
      if (this.validateSystemTopics() && isSystemTopic(tc.topicName)) {
        return this.fail(request, ResponseCode.INVALID_PARAMETER, `The topic[${tc.topicName}] is conflict with system topic.`);
      }
      if (attrs['message.type'] === 'MIXED') return this.fail(request, ResponseCode.INVALID_PARAMETER, 'MIXED message type is not supported.');
      const old = this.ctx.topicConfigManager.selectTopicConfig(tc.topicName);
      // Java answers SUCCESS as soon as one config is unchanged (and applies none): kept as is.
      if (old && toFastJson(topicConfigJson(old)) === toFastJson(topicConfigJson(tc))) return this.ok(request);
      configs.push(tc);
    }
    for (const tc of configs) this.ctx.topicConfigManager.updateTopicConfig(tc);
    await this.ctx.registerBrokerAll();
    return this.ok(request);
  }

  private validateSystemTopics(): boolean {
    return (this.ctx.config as unknown as Record<string, unknown>).validateSystemTopicWhenUpdateTopic !== false;
  }

  async deleteTopic(request: RemotingCommand): Promise<RemotingCommand> {
    const h = requireHeader(DeleteTopicRequestHeader, request);
    if (h.topic.trim() === '') return this.fail(request, ResponseCode.INVALID_PARAMETER, 'The specified topic is blank.');
    if (this.validateSystemTopics() && isSystemTopic(h.topic)) {
      return this.fail(request, ResponseCode.INVALID_PARAMETER, `The topic[${h.topic}] is conflict with system topic.`);
    }
    this.ctx.topicConfigManager.deleteTopicConfig(h.topic);
    this.ctx.consumerOffsetManager.cleanOffsetByTopic(h.topic);
    await this.ctx.store.deleteTopics([h.topic]);
    return this.ok(request);
  }

  getAllTopicConfig(request: RemotingCommand): RemotingCommand {
    const m = this.ctx.topicConfigManager;
    const body: JValue = {
      dataVersion: dv(m.dataVersion),
      mappingDataVersion: dv(this.mappingDataVersion),
      topicConfigTable: new JStringMap(byName(m.topicConfigTable).map(([k, tc]) => [k, topicConfigJson(tc)] as const)),
      topicQueueMappingDetailMap: new JStringMap([]),
      topicQueueMappingInfoMap: new JStringMap([]),
    };
    const extFields = encodeHeader(GetAllTopicConfigResponseHeader, { totalTopicNum: m.topicConfigTable.size });
    return this.ok(request, Buffer.from(toFastJson(body), 'utf8'), extFields);
  }

  private readonly mappingDataVersion = new DataVersion();

  getTopicConfig(request: RemotingCommand): RemotingCommand {
    const h = requireHeader(GetTopicConfigRequestHeader, request);
    const tc = this.ctx.topicConfigManager.selectTopicConfig(h.topic);
    if (!tc) return this.fail(request, ResponseCode.TOPIC_NOT_EXIST, `No topic in this broker. topic: ${h.topic}`);
    // TopicConfigAndQueueMapping: the TopicConfig fields (mappingDetail null, omitted).
    return this.ok(request, Buffer.from(toFastJson(topicConfigJson(tc)), 'utf8'));
  }

  getSystemTopicList(request: RemotingCommand): RemotingCommand {
    const topics = [...this.ctx.topicConfigManager.topicConfigTable.keys()].filter((t) => isSystemTopic(t) || this.ctx.topicConfigManager.isSystemTopic(t));
    return this.ok(request, encodeTopicList(topics));
  }

  // ---- subscription groups ------------------------------------------------------------------

  updateAndCreateSubscriptionGroup(request: RemotingCommand): RemotingCommand {
    const o = decodeJsonObjectBody(request.body);
    if (!o) return this.ok(request); // Java: a null config is ignored
    const invalid = validateGroup(typeof o.groupName === 'string' ? o.groupName : undefined);
    if (invalid) return this.fail(request, ResponseCode.INVALID_PARAMETER, invalid);
    const cfg = subscriptionGroupConfigFromJson(o.groupName as string, o);
    if (cfg) this.ctx.subscriptionGroupManager.updateSubscriptionGroupConfig(cfg);
    return this.ok(request);
  }

  /** UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST (5.x): body SubscriptionGroupList {"groupConfigList":[...]}. */
  updateAndCreateSubscriptionGroupList(request: RemotingCommand): RemotingCommand {
    const o = decodeJsonObjectBody(request.body);
    if (!o || !Array.isArray(o.groupConfigList)) return this.fail(request, ResponseCode.SYSTEM_ERROR, 'bad SubscriptionGroupList');
    const configs: SubscriptionGroupConfig[] = [];
    for (const raw of o.groupConfigList as unknown[]) {
      const name = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).groupName : undefined;
      const invalid = validateGroup(typeof name === 'string' ? name : undefined);
      if (invalid) return this.fail(request, ResponseCode.INVALID_PARAMETER, invalid);
      const cfg = subscriptionGroupConfigFromJson(name as string, raw);
      if (cfg) configs.push(cfg);
    }
    for (const cfg of configs) this.ctx.subscriptionGroupManager.updateSubscriptionGroupConfig(cfg);
    return this.ok(request);
  }

  getAllSubscriptionGroup(request: RemotingCommand): RemotingCommand {
    const m = this.ctx.subscriptionGroupManager;
    const body: JValue = {
      dataVersion: dv(m.dataVersion),
      forbiddenTable: new JStringMap(byName(m.forbiddenTable).map(([g, t]) => [g, new JStringMap(Object.entries(t))] as const)),
      subscriptionGroupTable: new JStringMap(byName(m.subscriptionGroupTable).map(([g, c]) => [g, subscriptionGroupConfigJson(c)] as const)),
    };
    return this.ok(request, Buffer.from(toFastJson(body), 'utf8'), { totalGroupNum: String(m.subscriptionGroupTable.size) });
  }

  getSubscriptionGroup(request: RemotingCommand): RemotingCommand {
    const h = requireHeader(GetSubscriptionGroupConfigRequestHeader, request);
    const g = this.ctx.subscriptionGroupManager.getSubscriptionGroupConfig(h.group);
    if (!g) return this.fail(request, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `No group in this broker. group: ${h.group}`);
    return this.ok(request, Buffer.from(toFastJson(subscriptionGroupConfigJson(g)), 'utf8'));
  }

  deleteSubscriptionGroup(request: RemotingCommand): RemotingCommand {
    const h = requireHeader(DeleteSubscriptionGroupRequestHeader, request);
    this.ctx.subscriptionGroupManager.deleteSubscriptionGroupConfig(h.groupName);
    if (h.cleanOffset === true) this.ctx.consumerOffsetManager.removeOffset(h.groupName);
    return this.ok(request);
  }

  // ---- statistics ---------------------------------------------------------------------------

  async getTopicStatsInfo(request: RemotingCommand): Promise<RemotingCommand> {
    const h = requireHeader(GetTopicStatsInfoRequestHeader, request);
    const tc = this.ctx.topicConfigManager.selectTopicConfig(h.topic);
    if (!tc) return this.fail(request, ResponseCode.TOPIC_NOT_EXIST, `topic[${h.topic}] not exist`);
    const store = this.ctx.store;
    const entries: Array<[MessageQueueData, TopicOffset]> = [];
    const n = Math.max(tc.writeQueueNums, tc.readQueueNums);
    for (let i = 0; i < n; i++) {
      const min = Math.max(0, store.getMinOffsetInQueue(h.topic, i));
      const max = Math.max(0, store.getMaxOffsetInQueue(h.topic, i));
      const ts = max > 0 ? await store.getMessageStoreTimeStamp(h.topic, i, max - 1) : 0;
      entries.push([{ topic: h.topic, brokerName: this.brokerName, queueId: i }, { minOffset: min, maxOffset: max, lastUpdateTimestamp: ts }]);
    }
    return this.ok(request, encodeTopicStatsTable(entries, this.runtimeStats.topicPutTps(h.topic)));
  }

  /** One queue's OffsetWrapper as both consume-stats requests build it (pullOffset 0, the caller sets it). */
  private async offsetWrapper(group: string, topic: string, queueId: number): Promise<OffsetWrapper> {
    const store = this.ctx.store;
    const brokerOffset = Math.max(0, store.getMaxOffsetInQueue(topic, queueId));
    const consumerOffset = Math.max(0, this.ctx.consumerOffsetManager.queryOffset(group, topic, queueId));
    let lastTimestamp = 0;
    if (consumerOffset > 0) {
      const t = await store.getMessageStoreTimeStamp(topic, queueId, consumerOffset - 1);
      if (t > 0) lastTimestamp = t;
    }
    return { brokerOffset, consumerOffset, pullOffset: 0, lastTimestamp };
  }

  async getConsumeStats(request: RemotingCommand): Promise<RemotingCommand> {
    const h = requireHeader(GetConsumeStatsRequestHeader, request);
    const group = h.consumerGroup;
    const provided = (h.topicList ?? '').split(';').filter((t) => t !== '');
    let topics: string[];
    if (provided.length > 0) {
      topics = [...new Set(provided)];
    } else {
      const base = h.topic === undefined || h.topic.trim() === '' ? [...this.ctx.consumerOffsetManager.whichTopicByConsumer(group)] : [h.topic];
      const info = this.ctx.consumerManager.getConsumerGroupInfo(group);
      const subCount = info?.subscriptionTable.size ?? 0;
      topics = base.filter((t) => subCount === 0 || info?.findSubscriptionData(t) !== undefined);
    }
    const entries: Array<[MessageQueueData, OffsetWrapper]> = [];
    let consumeTps = 0;
    for (const topic of topics.sort()) {
      const tc = this.ctx.topicConfigManager.selectTopicConfig(topic);
      if (!tc) continue;
      for (let i = 0; i < tc.readQueueNums; i++) {
        const w = await this.offsetWrapper(group, topic, i);
        const pullOffset = Math.max(w.consumerOffset, this.ctx.consumerOffsetManager.queryPullOffset(group, topic, i));
        entries.push([{ topic, brokerName: this.brokerName, queueId: i }, { ...w, pullOffset }]);
      }
      consumeTps += this.ctx.brokerStatsManager.tpsGroupGetNums(group, topic);
    }
    return this.ok(request, encodeConsumeStats(entries, consumeTps));
  }

  /** GET_BROKER_CONSUME_STATS (mqadmin brokerConsumeStats; Java fetchAllConsumeStatsInBroker). */
  async getBrokerConsumeStats(request: RemotingCommand): Promise<RemotingCommand> {
    const h = requireHeader(GetConsumeStatsInBrokerHeader, request);
    const groups: GroupConsumeStats[] = [];
    let totalDiff = 0;
    let totalInflightDiff = 0;
    for (const group of [...this.ctx.subscriptionGroupManager.subscriptionGroupTable.keys()].sort()) {
      const info = this.ctx.consumerManager.getConsumerGroupInfo(group);
      const stats: Array<GroupConsumeStats['stats'][number]> = [];
      for (const topic of [...this.ctx.consumerOffsetManager.whichTopicByConsumer(group)].sort()) {
        const tc = this.ctx.topicConfigManager.selectTopicConfig(topic);
        if (!tc || (h.isOrder && !tc.order)) continue;
        if (info && info.subscriptionTable.size > 0 && !info.findSubscriptionData(topic)) continue;
        const entries: Array<[MessageQueueData, OffsetWrapper]> = [];
        for (let i = 0; i < tc.writeQueueNums; i++) {
          const w = await this.offsetWrapper(group, topic, i); // Java leaves pullOffset unset (0) here
          entries.push([{ topic, brokerName: this.brokerName, queueId: i }, w]);
          totalDiff += w.brokerOffset - w.consumerOffset;
          totalInflightDiff += 0 - w.consumerOffset;
        }
        stats.push({ entries, consumeTps: this.ctx.brokerStatsManager.tpsGroupGetNums(group, topic) });
      }
      groups.push({ group, stats });
    }
    return this.ok(request, encodeConsumeStatsList(this.ctx.brokerAddr, groups, totalDiff, totalInflightDiff));
  }

  async getBrokerRuntimeInfo(request: RemotingCommand): Promise<RemotingCommand> {
    const store = this.ctx.store;
    let earliest = -1;
    const first = store.getMaxPhyOffset() > store.getMinPhyOffset() ? await store.lookMessageByOffset(store.getMinPhyOffset()) : null;
    if (first) earliest = recordStoreTimestamp(first);
    const schedule = getScheduleService(this.ctx);
    const info = prepareRuntimeInfo({
      config: this.ctx.config, store, stats: this.runtimeStats, earliestMessageTimeStamp: earliest,
      scheduleStats: schedule ? (m) => schedule.buildRunningStats(m) : undefined,
    });
    return this.ok(request, encodeKVTable(info));
  }

  // ---- clients ------------------------------------------------------------------------------

  getConsumerConnectionList(request: RemotingCommand): RemotingCommand {
    const h = requireHeader(GetConsumerConnectionListRequestHeader, request);
    const g = this.ctx.consumerManager.getConsumerGroupInfo(h.consumerGroup);
    if (!g) return this.fail(request, ResponseCode.CONSUMER_NOT_ONLINE, `the consumer group[${h.consumerGroup}] not online`);
    return this.ok(request, encodeConsumerConnection({
      connectionSet: connectionsOf(g.channelInfoTable.values()),
      subscriptionTable: g.subscriptionTable,
      consumeType: g.consumeType,
      messageModel: g.messageModel,
      consumeFromWhere: g.consumeFromWhere,
    }));
  }

  getProducerConnectionList(request: RemotingCommand): RemotingCommand {
    const h = requireHeader(GetProducerConnectionListRequestHeader, request);
    const m = this.ctx.producerManager.groupChannelTable.get(h.producerGroup);
    if (!m) return this.fail(request, ResponseCode.SYSTEM_ERROR, `the producer group[${h.producerGroup}] not exist`);
    return this.ok(request, encodeProducerConnection(connectionsOf(m.values())));
  }

  queryTopicConsumeByWho(request: RemotingCommand): RemotingCommand {
    const h = requireHeader(QueryTopicConsumeByWhoRequestHeader, request);
    const groups = this.ctx.consumerManager.queryTopicConsumeByWho(h.topic);
    for (const g of this.ctx.consumerOffsetManager.whichGroupByTopic(h.topic)) groups.add(g);
    return this.ok(request, encodeGroupList(groups));
  }

  /** Java callConsumer: forwards the admin's request to one consumer and returns its answer. */
  async callConsumer(request: RemotingCommand, group: string, clientId: string, body?: Buffer, extra: Record<string, string> = {}): Promise<RemotingCommand> {
    const info = this.ctx.consumerManager.findChannel(group, clientId);
    if (!info) return this.fail(request, ResponseCode.SYSTEM_ERROR, `The Consumer <${group}> <${clientId}> not online`);
    const forward = createRequest(request.code, { extFields: { ...(request.extFields ?? {}), ...extra }, body: body ?? request.body });
    try {
      const resp = await info.conn.invoke(forward, CALL_CONSUMER_TIMEOUT_MS);
      return createResponse(request, resp.code, { remark: resp.remark, extFields: resp.extFields, body: resp.body });
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (/timeout/i.test(msg)) return this.fail(request, ResponseCode.CONSUME_MSG_TIMEOUT, `consumer <${group}> <${clientId}> Timeout: ${msg}`);
      return this.fail(request, ResponseCode.SYSTEM_ERROR, `invoke consumer <${group}> <${clientId}> Exception: ${msg}`);
    }
  }

  getConsumerRunningInfo(request: RemotingCommand): Promise<RemotingCommand> {
    const h = requireHeader(GetConsumerRunningInfoRequestHeader, request);
    return this.callConsumer(request, h.consumerGroup, h.clientId);
  }

  async consumeMessageDirectly(request: RemotingCommand): Promise<RemotingCommand> {
    const h = requireHeader(ConsumeMessageDirectlyResultRequestHeader, request);
    const id = h.msgId !== undefined ? parseMessageId(h.msgId) : undefined;
    const rec = id?.ok ? await this.ctx.store.lookMessageByOffset(id.value.offset) : null;
    const extra: Record<string, string> = { brokerName: this.brokerName };
    if (rec) {
      const d = decodeRecord(rec, 0, { checkCRC: false });
      if (d.kind === 'MESSAGE') {
        const tc = this.ctx.topicConfigManager.selectTopicConfig(d.record.topic);
        const g = this.ctx.subscriptionGroupManager.getSubscriptionGroupConfig(h.consumerGroup);
        if (tc) extra.topicSysFlag = String(tc.topicSysFlag);
        if (g) extra.groupSysFlag = String(g.groupSysFlag);
      }
    }
    return this.callConsumer(request, h.consumerGroup, h.clientId ?? '', rec ?? undefined, extra);
  }

  /**
   * INVOKE_BROKER_TO_RESET_OFFSET (requests.md §7.10): the 4.9 client-push reset
   * (Broker2Client.resetOffset) — offsets per writable queue for the timestamp (−1 = max; kept
   * when larger than the committed one unless isForce), sent oneway as RESET_CONSUMER_CLIENT_OFFSET
   * to every online consumer of the group, and also committed here. With the 5.x `queueId` +
   * `offset` fields, that one queue is set to that offset. No consumer online: CONSUMER_NOT_ONLINE,
   * on which mqadmin falls back to its offline path (GET_CONSUME_STATS + UPDATE_CONSUMER_OFFSET).
   */
  async resetOffset(request: RemotingCommand): Promise<RemotingCommand> {
    const h = requireHeader(ResetOffsetRequestHeader, request);
    const tc = this.ctx.topicConfigManager.selectTopicConfig(h.topic);
    if (!tc) return this.fail(request, ResponseCode.SYSTEM_ERROR, `[reset-offset] reset offset failed, no topic in this broker. topic=${h.topic}`);
    const store = this.ctx.store;
    const offsets: Array<[MessageQueueData, number]> = [];
    const single = h.queueId !== undefined && h.queueId >= 0 && h.offset !== undefined;
    if (single) {
      const qid = h.queueId as number;
      const min = store.getMinOffsetInQueue(h.topic, qid);
      const max = store.getMaxOffsetInQueue(h.topic, qid);
      const off = h.offset as number;
      if (off < min || off > max + 1) {
        return this.fail(request, ResponseCode.SYSTEM_ERROR, `[reset-offset] reset offset failed, offset ${off} out of range [${min}, ${max}]`);
      }
      offsets.push([{ topic: h.topic, brokerName: this.brokerName, queueId: qid }, off]);
    } else {
      for (let i = 0; i < tc.writeQueueNums; i++) {
        const consumerOffset = this.ctx.consumerOffsetManager.queryOffset(h.group, h.topic, i);
        if (consumerOffset === -1) return this.fail(request, ResponseCode.SYSTEM_ERROR, `THe consumer group <${h.group}> not exist`);
        let target = h.timestamp === -1 ? store.getMaxOffsetInQueue(h.topic, i) : await store.getOffsetInQueueByTime(h.topic, i, h.timestamp);
        if (target < 0) target = 0;
        offsets.push([{ topic: h.topic, brokerName: this.brokerName, queueId: i }, h.isForce || target < consumerOffset ? target : consumerOffset]);
      }
    }
    const body = encodeResetOffsetBody(offsets);
    const group = this.ctx.consumerManager.getConsumerGroupInfo(h.group);
    const channels = group ? [...group.channelInfoTable.values()] : [];
    if (channels.length === 0 && !single) {
      return this.fail(request, ResponseCode.CONSUMER_NOT_ONLINE,
        `Consumer not online, so can not reset offset, Group: ${h.group} Topic: ${h.topic} Timestamp: ${h.timestamp}`);
    }
    for (const ch of channels) {
      if (ch.version < V3_0_7_SNAPSHOT) {
        return this.fail(request, ResponseCode.SYSTEM_ERROR, `the client does not support this feature. version=${ch.version}`);
      }
    }
    for (const [mq, off] of offsets) this.ctx.consumerOffsetManager.commitOffset(h.group, mq.topic, mq.queueId, off);
    const push = createRequest(RequestCode.RESET_CONSUMER_CLIENT_OFFSET, {
      extFields: { topic: h.topic, group: h.group, timestamp: String(h.timestamp), isForce: String(h.isForce) },
      body,
    });
    for (const ch of channels) ch.conn.invokeOneway({ ...push });
    return this.ok(request, body);
  }

  // ---- broker config and offsets ------------------------------------------------------------

  async updateBrokerConfig(request: RemotingCommand): Promise<RemotingCommand> {
    if (!request.body) return this.ok(request);
    const props = parseProperties(request.body.toString('utf8'));
    const blackList = this.ctx.config.configBlackList.split(';');
    for (const k of props.keys()) {
      if (blackList.includes(k.trim())) return this.fail(request, ResponseCode.NO_PERMISSION, 'Can not update config in black list.');
    }
    const config: BrokerConfig = this.ctx.config;
    const warnings = applyProperties(config, props);
    for (const w of warnings) this.ctx.logger.warn(w);
    this.configDataVersion.nextVersion();
    // Java Configuration.update → persist(): the whole configuration, sorted, replaces the file.
    const file = this.ctx.brokerConfigPersistPath;
    try {
      persistConfigFile(file, propertiesToString(brokerConfigEntries(config)));
    } catch (err) {
      this.ctx.logger.error({ file, err: (err as Error).message }, 'persisting the broker config failed');
    }
    if (props.has('brokerPermission')) {
      this.ctx.topicConfigManager.dataVersion.nextVersion();
      await this.ctx.registerBrokerAll();
    }
    return this.ok(request);
  }

  getBrokerConfig(request: RemotingCommand): RemotingCommand {
    const body = Buffer.from(propertiesToString(brokerConfigEntries(this.ctx.config)), 'utf8');
    const extFields = encodeHeader(GetBrokerConfigResponseHeader, { version: toFastJson(dv(this.configDataVersion)) });
    return this.ok(request, body, extFields);
  }

  /** CLONE_GROUP_OFFSET (mqadmin cloneGroupOffset): copy srcGroup's committed offsets to destGroup. */
  cloneGroupOffset(request: RemotingCommand): RemotingCommand {
    const h = requireHeader(CloneGroupOffsetRequestHeader, request);
    const com = this.ctx.consumerOffsetManager;
    const topics = h.topic === undefined || h.topic.trim() === '' ? [...com.whichTopicByConsumer(h.srcGroup)] : [h.topic];
    const info = this.ctx.consumerManager.getConsumerGroupInfo(h.srcGroup);
    for (const topic of topics) {
      if (!this.ctx.topicConfigManager.selectTopicConfig(topic)) continue;
      if (h.offline !== true && info && info.subscriptionTable.size > 0 && !info.findSubscriptionData(topic)) continue;
      for (const [qid, off] of com.queryOffsets(h.srcGroup, topic)) com.commitOffset(h.destGroup, topic, qid, off);
    }
    return this.ok(request);
  }

  getAllConsumerOffset(request: RemotingCommand): RemotingCommand {
    const m = this.ctx.consumerOffsetManager;
    const body: JValue = {
      offsetTable: new JStringMap(byName(m.offsetTable).map(([k, q]) => [k, new JKeyMap([...q.entries()].sort((a, b) => a[0] - b[0]))] as const)),
    };
    return this.ok(request, Buffer.from(toFastJson(body), 'utf8'));
  }

  getAllDelayOffset(request: RemotingCommand): RemotingCommand {
    const s = getScheduleService(this.ctx);
    if (!s) return this.fail(request, ResponseCode.SYSTEM_ERROR, 'No delay offset in this broker');
    return this.ok(request, Buffer.from(s.encode(false), 'utf8'));
  }
}

const processors = new WeakMap<BrokerContext, AdminBrokerProcessor>();

export function getAdminProcessor(ctx: BrokerContext): AdminBrokerProcessor | undefined {
  return processors.get(ctx);
}

export function registerAdmin(ctx: BrokerContext): AdminBrokerProcessor {
  const a = new AdminBrokerProcessor(ctx);
  processors.set(ctx, a);
  const r = (code: number, f: (req: RemotingCommand) => RemotingCommand | Promise<RemotingCommand>): void =>
    ctx.registerProcessor(code, (_c, req) => f(req));
  r(RequestCode.UPDATE_AND_CREATE_TOPIC, (q) => a.updateAndCreateTopic(q));
  r(RequestCode.UPDATE_AND_CREATE_TOPIC_LIST, (q) => a.updateAndCreateTopicList(q));
  r(RequestCode.DELETE_TOPIC_IN_BROKER, (q) => a.deleteTopic(q));
  r(RequestCode.GET_ALL_TOPIC_CONFIG, (q) => a.getAllTopicConfig(q));
  r(RequestCode.GET_TOPIC_CONFIG, (q) => a.getTopicConfig(q));
  r(RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_BROKER, (q) => a.getSystemTopicList(q));
  r(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, (q) => a.updateAndCreateSubscriptionGroup(q));
  r(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST, (q) => a.updateAndCreateSubscriptionGroupList(q));
  r(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, (q) => a.getAllSubscriptionGroup(q));
  r(RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, (q) => a.getSubscriptionGroup(q));
  r(RequestCode.DELETE_SUBSCRIPTIONGROUP, (q) => a.deleteSubscriptionGroup(q));
  r(RequestCode.GET_TOPIC_STATS_INFO, (q) => a.getTopicStatsInfo(q));
  r(RequestCode.GET_CONSUME_STATS, (q) => a.getConsumeStats(q));
  r(RequestCode.GET_BROKER_RUNTIME_INFO, (q) => a.getBrokerRuntimeInfo(q));
  r(RequestCode.GET_BROKER_CONSUME_STATS, (q) => a.getBrokerConsumeStats(q));
  r(RequestCode.GET_CONSUMER_CONNECTION_LIST, (q) => a.getConsumerConnectionList(q));
  r(RequestCode.GET_PRODUCER_CONNECTION_LIST, (q) => a.getProducerConnectionList(q));
  r(RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, (q) => a.queryTopicConsumeByWho(q));
  r(RequestCode.GET_CONSUMER_RUNNING_INFO, (q) => a.getConsumerRunningInfo(q));
  r(RequestCode.CONSUME_MESSAGE_DIRECTLY, (q) => a.consumeMessageDirectly(q));
  r(RequestCode.UPDATE_BROKER_CONFIG, (q) => a.updateBrokerConfig(q));
  r(RequestCode.GET_BROKER_CONFIG, (q) => a.getBrokerConfig(q));
  r(RequestCode.GET_ALL_CONSUMER_OFFSET, (q) => a.getAllConsumerOffset(q));
  r(RequestCode.CLONE_GROUP_OFFSET, (q) => a.cloneGroupOffset(q));
  r(RequestCode.GET_ALL_DELAY_OFFSET, (q) => a.getAllDelayOffset(q));
  r(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, (q) => a.resetOffset(q));
  ctx.scheduleAtFixedRate('brokerRuntimeStats.sample', 1000, 1000, () => a.runtimeStats.sample());
  return a;
}
