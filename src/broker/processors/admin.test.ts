import * as fs from 'node:fs';
import { parseProperties } from '../../common/properties';
import { loadBrokerConfig } from '../broker-config';
import { createTestBroker, fakeConnection, testMessage, type TestBroker } from '../../../test/broker/features-context';
import { RequestCode } from '../../protocol/request-code';
import { ResponseCode } from '../../protocol/response-code';
import { buildSubscriptionData } from '../../protocol/body/heartbeat';
import { newClientChannelInfo } from '../client/client-channel-info';
import { registerSchedule } from '../schedule';
import { registerAdmin } from './admin';

const createTopicHeader = (topic: string, extra: Record<string, string> = {}) => ({
  topic, defaultTopic: 'TBW102', readQueueNums: '2', writeQueueNums: '2', perm: '6', topicFilterType: 'SINGLE_TAG', topicSysFlag: '0', order: 'false', ...extra,
});

describe('AdminBrokerProcessor', () => {
  let tb: TestBroker;
  beforeEach(async () => {
    tb = await createTestBroker();
    registerSchedule(tb.ctx);
    registerAdmin(tb.ctx);
  });
  afterEach(() => tb.close());

  test('UPDATE_AND_CREATE_TOPIC creates, registers once, is idempotent; bad and system names rejected', async () => {
    let r = await tb.call(RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicHeader('NewTopic', { attributes: '+message.type=NORMAL' }));
    expect(r?.code).toBe(ResponseCode.SUCCESS);
    expect(tb.ctx.topicConfigManager.selectTopicConfig('NewTopic')).toMatchObject({ readQueueNums: 2, writeQueueNums: 2, perm: 6, order: false, attributes: { 'message.type': 'NORMAL' } });
    expect(tb.registerCalls).toBe(1);
    r = await tb.call(RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicHeader('NewTopic', { attributes: '+message.type=NORMAL' }));
    expect(r?.code).toBe(ResponseCode.SUCCESS);
    expect(tb.registerCalls).toBe(1);
    r = await tb.call(RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicHeader('bad topic'));
    expect(r?.code).toBe(ResponseCode.INVALID_PARAMETER);
    expect(r?.remark).toBe('The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$');
    r = await tb.call(RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicHeader('SCHEDULE_TOPIC_XXXX'));
    expect(r?.code).toBe(ResponseCode.INVALID_PARAMETER);
    expect(r?.remark).toBe('The topic[SCHEDULE_TOPIC_XXXX] is conflict with system topic.');
    r = await tb.call(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: 'X' });
    expect(r?.code).toBe(ResponseCode.SYSTEM_ERROR);
  });

  test('list variants: UPDATE_AND_CREATE_TOPIC_LIST and UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST', async () => {
    const topics = { topicConfigList: [
      { topicName: 'L1', readQueueNums: 2, writeQueueNums: 2, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false, attributes: { '+message.type': 'FIFO' } },
      { topicName: 'L2', readQueueNums: 1, writeQueueNums: 1, perm: 4, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: true },
    ] };
    let r = await tb.call(RequestCode.UPDATE_AND_CREATE_TOPIC_LIST, {}, Buffer.from(JSON.stringify(topics)));
    expect(r?.code).toBe(ResponseCode.SUCCESS);
    expect(tb.ctx.topicConfigManager.selectTopicConfig('L1')?.attributes).toEqual({ 'message.type': 'FIFO' });
    expect(tb.ctx.topicConfigManager.selectTopicConfig('L2')).toMatchObject({ perm: 4, order: true });
    r = await tb.call(RequestCode.UPDATE_AND_CREATE_TOPIC_LIST, {}, Buffer.from(JSON.stringify({ topicConfigList: [{ topicName: 'bad name' }] })));
    expect(r?.code).toBe(ResponseCode.INVALID_PARAMETER);
    r = await tb.call(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST, {}, Buffer.from(JSON.stringify({ groupConfigList: [{ groupName: 'LG1' }, { groupName: 'LG2', retryMaxTimes: 2 }] })));
    expect(r?.code).toBe(ResponseCode.SUCCESS);
    expect(tb.ctx.subscriptionGroupManager.getSubscriptionGroupConfig('LG2')?.retryMaxTimes).toBe(2);
    r = await tb.call(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST, {}, Buffer.from(JSON.stringify({ groupConfigList: [{ groupName: '' }] })));
    expect(r?.code).toBe(ResponseCode.INVALID_PARAMETER);
  });

  test('GET_TOPIC_STATS_INFO writes MessageQueue keys like fastjson; unknown topic is TOPIC_NOT_EXIST', async () => {
    await tb.call(RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicHeader('StatsTopic'));
    const put = await tb.ctx.putMessage(testMessage('StatsTopic', 1, {}));
    const ts = put.appendResult?.storeTimestamp;
    const r = await tb.call(RequestCode.GET_TOPIC_STATS_INFO, { topic: 'StatsTopic' });
    expect(r?.code).toBe(ResponseCode.SUCCESS);
    expect(r?.body?.toString()).toBe(
      '{"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"StatsTopic"}:{"lastUpdateTimestamp":0,"maxOffset":0,"minOffset":0},'
      + `{"brokerName":"broker-a","queueId":1,"topic":"StatsTopic"}:{"lastUpdateTimestamp":${ts},"maxOffset":1,"minOffset":0}},"topicPutTps":0.0}`);
    const none = await tb.call(RequestCode.GET_TOPIC_STATS_INFO, { topic: 'Nope' });
    expect(none?.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(none?.remark).toBe('topic[Nope] not exist');
  });

  test('GET_CONSUME_STATS from committed offsets; subscription filter', async () => {
    await tb.call(RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicHeader('CT', { readQueueNums: '1', writeQueueNums: '1' }));
    for (let i = 0; i < 3; i++) await tb.ctx.putMessage(testMessage('CT', 0, {}));
    tb.ctx.consumerOffsetManager.commitOffset('CG', 'CT', 0, 2);
    tb.ctx.consumerOffsetManager.commitOffset('CG', 'Other', 0, 1);
    const t1 = await tb.store.getMessageStoreTimeStamp('CT', 0, 1);
    let r = await tb.call(RequestCode.GET_CONSUME_STATS, { consumerGroup: 'CG', topic: 'CT' });
    expect(r?.body?.toString()).toBe(`{"consumeTps":0.0,"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"CT"}:{"brokerOffset":3,"consumerOffset":2,"lastTimestamp":${t1},"pullOffset":2}}}`);
    // Without a topic: every topic with offsets (Other has no topic config: skipped).
    r = await tb.call(RequestCode.GET_CONSUME_STATS, { consumerGroup: 'CG' });
    expect(r?.body?.toString()).toContain('"topic":"CT"');
    // A live group that does not subscribe CT: filtered out.
    const conn = fakeConnection('10.0.0.5:1234');
    tb.ctx.consumerManager.registerConsumer('CG', newClientChannelInfo(conn, 'cid-1', 'JAVA', 479), 'CONSUME_PASSIVELY', 'CLUSTERING', 'CONSUME_FROM_LAST_OFFSET',
      [buildSubscriptionData('Elsewhere', '*')], false);
    r = await tb.call(RequestCode.GET_CONSUME_STATS, { consumerGroup: 'CG', topic: 'CT' });
    expect(r?.body?.toString()).toBe('{"consumeTps":0.0,"offsetTable":{}}');
    r = await tb.call(RequestCode.GET_CONSUME_STATS, { consumerGroup: 'CG', topicList: 'CT' });
    expect(r?.body?.toString()).toContain('"brokerOffset":3');
  });

  test('GET_CONSUME_STATS: pullOffset from the last pull, consumeTps from pulled-message samples', async () => {
    await tb.call(RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicHeader('PT', { readQueueNums: '1', writeQueueNums: '1' }));
    for (let i = 0; i < 3; i++) await tb.ctx.putMessage(testMessage('PT', 0, {}));
    tb.ctx.consumerOffsetManager.commitOffset('PG', 'PT', 0, 1);
    tb.ctx.consumerOffsetManager.commitPullOffset('PG', 'PT', 0, 3);
    const stats = tb.ctx.brokerStatsManager;
    stats.incGroupGetNums('PG', 'PT', 1);
    stats.sample();
    stats.incGroupGetNums('PG', 'PT', 30);
    await new Promise((res) => setTimeout(res, 20));
    stats.sample();
    const r = await tb.call(RequestCode.GET_CONSUME_STATS, { consumerGroup: 'PG', topic: 'PT' });
    const text = r?.body?.toString() ?? '';
    expect(text).toContain('"brokerOffset":3,"consumerOffset":1');
    expect(text).toContain('"pullOffset":3}');
    const tps = Number(/"consumeTps":([0-9.E]+)/.exec(text)?.[1]);
    expect(tps).toBeGreaterThan(0);
    // a pull offset behind the committed one reports the committed one (Java max(consumer, pull))
    tb.ctx.consumerOffsetManager.commitPullOffset('PG', 'PT', 0, 0);
    const r2 = await tb.call(RequestCode.GET_CONSUME_STATS, { consumerGroup: 'PG', topic: 'PT' });
    expect(r2?.body?.toString()).toContain('"pullOffset":1}');
  });

  test('consumer and producer connection lists', async () => {
    let r = await tb.call(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: 'CG' });
    expect(r?.code).toBe(ResponseCode.CONSUMER_NOT_ONLINE);
    expect(r?.remark).toBe('the consumer group[CG] not online');
    const conn = fakeConnection('::ffff:10.0.0.5:1234');
    const sd = { ...buildSubscriptionData('TopicTest', '*'), subVersion: 1700000000000 };
    tb.ctx.consumerManager.registerConsumer('CG', newClientChannelInfo(conn, '10.0.0.5@1', 'JAVA', 479), 'CONSUME_PASSIVELY', 'CLUSTERING', 'CONSUME_FROM_LAST_OFFSET', [sd], false);
    r = await tb.call(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: 'CG' });
    expect(r?.body?.toString()).toBe('{"connectionSet":[{"clientAddr":"10.0.0.5:1234","clientId":"10.0.0.5@1","language":"JAVA","version":479}],'
      + '"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET","consumeType":"CONSUME_PASSIVELY","messageModel":"CLUSTERING",'
      + '"subscriptionTable":{"TopicTest":{"classFilterMode":false,"codeSet":[],"expressionType":"TAG","subString":"*","subVersion":1700000000000,"tagsSet":[],"topic":"TopicTest"}}}');
    r = await tb.call(RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: 'PG' });
    expect(r?.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(r?.remark).toBe('the producer group[PG] not exist');
    tb.ctx.producerManager.registerProducer('PG', newClientChannelInfo(fakeConnection('10.0.0.6:99'), 'p1', 'GO', 317));
    r = await tb.call(RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: 'PG' });
    expect(r?.body?.toString()).toBe('{"connectionSet":[{"clientAddr":"10.0.0.6:99","clientId":"p1","language":"GO","version":317}]}');
    r = await tb.call(RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, { topic: 'TopicTest' });
    expect(r?.body?.toString()).toBe('{"groupList":["CG"]}');
  });

  test('subscription groups: create (validated), list, get, delete', async () => {
    const cfg = { groupName: 'G1', retryMaxTimes: 3, consumeBroadcastEnable: false, unknownField: 1 };
    let r = await tb.call(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, Buffer.from(JSON.stringify(cfg)));
    expect(r?.code).toBe(ResponseCode.SUCCESS);
    expect(tb.ctx.subscriptionGroupManager.getSubscriptionGroupConfig('G1')).toMatchObject({ retryMaxTimes: 3, consumeBroadcastEnable: false, retryQueueNums: 1 });
    r = await tb.call(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, Buffer.from('{"groupName":"bad group"}'));
    expect(r?.code).toBe(ResponseCode.INVALID_PARAMETER);
    r = await tb.call(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, {});
    const text = r?.body?.toString() ?? '';
    expect(text).toContain('"G1":{"attributes":{},"brokerId":0,"consumeBroadcastEnable":false,"consumeEnable":true,"consumeFromMinEnable":true,'
      + '"consumeMessageOrderly":false,"consumeTimeoutMinute":15,"groupName":"G1","groupRetryPolicy":{"type":"CUSTOMIZED"},"groupSysFlag":0,'
      + '"notifyConsumerIdsChangedEnable":true,"retryMaxTimes":3,"retryQueueNums":1,"whichBrokerWhenConsumeSlowly":1}');
    expect(JSON.parse(text)).toHaveProperty('dataVersion.counter');
    r = await tb.call(RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, { group: 'G1' });
    expect(JSON.parse(r?.body?.toString() ?? '')).toMatchObject({ groupName: 'G1', retryMaxTimes: 3 });
    tb.ctx.consumerOffsetManager.commitOffset('G1', 'T', 0, 5);
    r = await tb.call(RequestCode.DELETE_SUBSCRIPTIONGROUP, { groupName: 'G1', cleanOffset: 'true' });
    expect(r?.code).toBe(ResponseCode.SUCCESS);
    expect(tb.ctx.subscriptionGroupManager.getSubscriptionGroupConfig('G1')).toBeUndefined();
    expect(tb.ctx.consumerOffsetManager.queryOffset('G1', 'T', 0)).toBe(-1);
    r = await tb.call(RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, { group: 'G1' });
    expect(r?.code).toBe(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST);
  });

  test('GET_ALL_TOPIC_CONFIG and DELETE_TOPIC_IN_BROKER', async () => {
    await tb.call(RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicHeader('Gone'));
    await tb.ctx.putMessage(testMessage('Gone', 0, {}));
    tb.ctx.consumerOffsetManager.commitOffset('G', 'Gone', 0, 1);
    let r = await tb.call(RequestCode.GET_ALL_TOPIC_CONFIG, {});
    const all = JSON.parse(r?.body?.toString() ?? '') as { topicConfigTable: Record<string, unknown> };
    expect(all.topicConfigTable.Gone).toEqual({ attributes: {}, order: false, perm: 6, readQueueNums: 2, topicFilterType: 'SINGLE_TAG', topicName: 'Gone', topicSysFlag: 0, writeQueueNums: 2 });
    expect(Number(r?.extFields?.totalTopicNum)).toBe(Object.keys(all.topicConfigTable).length);
    r = await tb.call(RequestCode.DELETE_TOPIC_IN_BROKER, { topic: 'Gone' });
    expect(r?.code).toBe(ResponseCode.SUCCESS);
    expect(tb.ctx.topicConfigManager.selectTopicConfig('Gone')).toBeUndefined();
    expect(tb.ctx.consumerOffsetManager.queryOffset('G', 'Gone', 0)).toBe(-1);
    expect(tb.store.getMaxOffsetInQueue('Gone', 0)).toBe(0);
    r = await tb.call(RequestCode.DELETE_TOPIC_IN_BROKER, { topic: 'RMQ_SYS_TRANS_HALF_TOPIC' });
    expect(r?.code).toBe(ResponseCode.INVALID_PARAMETER);
  });

  test('runtime info has the clusterList keys; broker config get/update', async () => {
    let r = await tb.call(RequestCode.GET_BROKER_RUNTIME_INFO, {});
    const table = (JSON.parse(r?.body?.toString() ?? '') as { table: Record<string, string> }).table;
    for (const k of ['brokerVersionDesc', 'msgPutTotalTodayNow', 'msgGetTotalTodayNow', 'msgPutTotalYesterdayMorning', 'msgPutTotalTodayMorning',
      'msgGetTotalYesterdayMorning', 'msgGetTotalTodayMorning', 'putTps', 'getTransferredTps', 'commitLogDiskRatio', 'earliestMessageTimeStamp',
      'pageCacheLockTimeMills', 'sendThreadPoolQueueSize', 'pullThreadPoolQueueSize', 'sendThreadPoolQueueHeadWaitTimeMills',
      'pullThreadPoolQueueHeadWaitTimeMills', 'brokerActive', 'timerReadBehind', 'timerOffsetBehind', 'timerCongestNum', 'timerEnqueueTps', 'timerDequeueTps']) {
      expect(table[k]).toBeDefined();
    }
    expect(table.brokerVersionDesc).toBe('V5_3_3');
    r = await tb.call(RequestCode.GET_BROKER_CONFIG, {});
    expect(r?.body?.toString()).toContain('brokerName=broker-a\n');
    expect(JSON.parse(r?.extFields?.version ?? '')).toHaveProperty('counter', 0);
    r = await tb.call(RequestCode.UPDATE_BROKER_CONFIG, {}, Buffer.from('brokerPermission=4\nmaxMessageSize=1024\n'));
    expect(r?.code).toBe(ResponseCode.SUCCESS);
    expect(tb.config.brokerPermission).toBe(4);
    expect(tb.config.maxMessageSize).toBe(1024);
    expect(tb.registerCalls).toBe(1);
    // persisted like Java Configuration.persist: every key, sorted, replacing the config file
    const file = tb.ctx.brokerConfigPersistPath;
    const saved = fs.readFileSync(file, 'utf8');
    expect(saved).toContain('brokerPermission=4\n');
    expect(saved).toContain('maxMessageSize=1024\n');
    expect(saved).not.toContain('brokerConfigPath=');
    const keys = saved.trim().split('\n').map((l) => l.slice(0, l.indexOf('=')));
    expect(keys).toEqual([...keys].sort());
    const reloaded = loadBrokerConfig(parseProperties(saved));
    expect(reloaded.warnings).toEqual([]);
    expect(reloaded.config).toEqual(tb.config);
    r = await tb.call(RequestCode.UPDATE_BROKER_CONFIG, {}, Buffer.from('brokerConfigPath=/etc/x\n'));
    expect(r?.code).toBe(ResponseCode.NO_PERMISSION);
    expect(fs.readFileSync(file, 'utf8')).toBe(saved);
    r = await tb.call(RequestCode.GET_ALL_DELAY_OFFSET, {});
    expect(r?.body?.toString()).toMatch(/^\{"dataVersion":\{"counter":0,"stateVersion":0,"timestamp":\d+\},"offsetTable":\{\}\}$/);
    tb.ctx.consumerOffsetManager.commitOffset('G', 'T', 1, 7);
    r = await tb.call(RequestCode.GET_ALL_CONSUMER_OFFSET, {});
    expect(r?.body?.toString()).toBe('{"offsetTable":{"T@G":{1:7}}}');
  });

  test('CLONE_GROUP_OFFSET copies committed offsets of a topic', async () => {
    await tb.call(RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicHeader('CloneT'));
    tb.ctx.consumerOffsetManager.commitOffset('SRC', 'CloneT', 0, 4);
    tb.ctx.consumerOffsetManager.commitOffset('SRC', 'CloneT', 1, 9);
    const r = await tb.call(RequestCode.CLONE_GROUP_OFFSET, { srcGroup: 'SRC', destGroup: 'DST', topic: 'CloneT', offline: 'false' });
    expect(r?.code).toBe(ResponseCode.SUCCESS);
    expect(tb.ctx.consumerOffsetManager.queryOffset('DST', 'CloneT', 0)).toBe(4);
    expect(tb.ctx.consumerOffsetManager.queryOffset('DST', 'CloneT', 1)).toBe(9);
  });

  test('GET_BROKER_CONSUME_STATS lists every group with offsets (ConsumeStatsList)', async () => {
    await tb.call(RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicHeader('BT', { readQueueNums: '1', writeQueueNums: '1' }));
    await tb.ctx.putMessage(testMessage('BT', 0, {}));
    await tb.ctx.putMessage(testMessage('BT', 0, {}));
    tb.ctx.subscriptionGroupManager.findSubscriptionGroupConfig('BG');
    tb.ctx.consumerOffsetManager.commitOffset('BG', 'BT', 0, 1);
    const t0 = await tb.store.getMessageStoreTimeStamp('BT', 0, 0);
    const r = await tb.call(RequestCode.GET_BROKER_CONSUME_STATS, { isOrder: 'false' });
    const text = r?.body?.toString() ?? '';
    expect(text).toContain('{"BG":[{"consumeTps":0.0,"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"BT"}:'
      + `{"brokerOffset":2,"consumerOffset":1,"lastTimestamp":${t0},"pullOffset":0}}}]}`);
    expect(text).toMatch(/^\{"brokerAddr":"127\.0\.0\.1:10911","consumeStatsList":\[/);
    expect(text).toMatch(/"totalDiff":1,"totalInflightDiff":-1\}$/);
  });

  test('GET_CONSUMER_RUNNING_INFO relays to the consumer and returns its answer', async () => {
    const sent: import('../../remoting/command').RemotingCommand[] = [];
    const conn = fakeConnection('10.0.0.5:1234', sent);
    (conn as unknown as { invoke: (c: unknown) => Promise<unknown> }).invoke = async (c) => {
      sent.push(c as never);
      return { code: 0, body: Buffer.from('{"x":1}'), remark: undefined, extFields: undefined };
    };
    tb.ctx.consumerManager.registerConsumer('CG', newClientChannelInfo(conn, 'cid-1', 'JAVA', 479), 'CONSUME_PASSIVELY', 'CLUSTERING', 'CONSUME_FROM_LAST_OFFSET', [], false);
    let r = await tb.call(RequestCode.GET_CONSUMER_RUNNING_INFO, { consumerGroup: 'CG', clientId: 'cid-1', jstackEnable: 'false' });
    expect(r?.code).toBe(ResponseCode.SUCCESS);
    expect(r?.body?.toString()).toBe('{"x":1}');
    expect(sent[0]?.code).toBe(RequestCode.GET_CONSUMER_RUNNING_INFO);
    expect(sent[0]?.extFields?.clientId).toBe('cid-1');
    r = await tb.call(RequestCode.GET_CONSUMER_RUNNING_INFO, { consumerGroup: 'CG', clientId: 'other' });
    expect(r?.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(r?.remark).toBe('The Consumer <CG> <other> not online');
  });
});

describe('INVOKE_BROKER_TO_RESET_OFFSET', () => {
  let tb: TestBroker;
  beforeEach(async () => {
    tb = await createTestBroker();
    registerAdmin(tb.ctx);
  });
  afterEach(() => tb.close());

  test('pushes RESET_CONSUMER_CLIENT_OFFSET to online consumers and commits; offline group is CONSUMER_NOT_ONLINE', async () => {
    await tb.call(RequestCode.UPDATE_AND_CREATE_TOPIC, createTopicHeader('RT', { readQueueNums: '1', writeQueueNums: '1' }));
    for (let i = 0; i < 4; i++) await tb.ctx.putMessage(testMessage('RT', 0, {}));
    tb.ctx.consumerOffsetManager.commitOffset('RG', 'RT', 0, 1);
    let r = await tb.call(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'RT', group: 'RG', timestamp: '-1', isForce: 'true' });
    expect(r?.code).toBe(ResponseCode.CONSUMER_NOT_ONLINE);
    expect(r?.remark).toBe('Consumer not online, so can not reset offset, Group: RG Topic: RT Timestamp: -1');
    const sent: import('../../remoting/command').RemotingCommand[] = [];
    tb.ctx.consumerManager.registerConsumer('RG', newClientChannelInfo(fakeConnection('10.0.0.5:1', sent), 'c1', 'JAVA', 479), 'CONSUME_PASSIVELY', 'CLUSTERING', 'CONSUME_FROM_LAST_OFFSET', [], false);
    r = await tb.call(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'RT', group: 'RG', timestamp: '-1', isForce: 'true' });
    expect(r?.code).toBe(ResponseCode.SUCCESS);
    expect(r?.body?.toString()).toBe('{"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"RT"}:4}}');
    expect(sent[0]?.code).toBe(RequestCode.RESET_CONSUMER_CLIENT_OFFSET);
    expect(sent[0]?.extFields).toMatchObject({ topic: 'RT', group: 'RG', timestamp: '-1' });
    expect(tb.ctx.consumerOffsetManager.queryOffset('RG', 'RT', 0)).toBe(4);
    // Not forced and the target is ahead of the committed offset: the committed one stays.
    tb.ctx.consumerOffsetManager.commitOffset('RG', 'RT', 0, 2);
    r = await tb.call(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'RT', group: 'RG', timestamp: '-1', isForce: 'false' });
    expect(r?.body?.toString()).toContain('}:2}}');
    r = await tb.call(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'NOPE', group: 'RG', timestamp: '-1', isForce: 'true' });
    expect(r?.remark).toBe('[reset-offset] reset offset failed, no topic in this broker. topic=NOPE');
    r = await tb.call(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'RT', group: 'NOGROUP', timestamp: '-1', isForce: 'true' });
    expect(r?.remark).toBe('THe consumer group <NOGROUP> not exist');
    r = await tb.call(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'RT', group: 'RG', timestamp: '0', isForce: 'true', queueId: '0', offset: '1' });
    expect(r?.code).toBe(ResponseCode.SUCCESS);
    expect(tb.ctx.consumerOffsetManager.queryOffset('RG', 'RT', 0)).toBe(1);
  });
});
