// Admin, lock and query requests over TCP against an in-process NameServer + Broker.
import { RequestCode } from '../../src/protocol/request-code';
import { ResponseCode } from '../../src/protocol/response-code';
import { decodeRecord, parseMessageId } from '../../src/store/message-codec';
import { heartbeatRequest, req, sendRequest, startCluster, type Cluster } from './core-helpers';

describe('broker features over TCP: admin, lock, query', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await startCluster();
  });
  afterAll(async () => {
    await c.stop();
  });

  test('createTopic: the route exists at the NameServer when the admin call returns; stats; delete', async () => {
    const create = await c.client.invoke(c.brokerAddr, req(RequestCode.UPDATE_AND_CREATE_TOPIC, {
      topic: 'AdminTopic', defaultTopic: 'TBW102', readQueueNums: '3', writeQueueNums: '3', perm: '6', topicFilterType: 'SINGLE_TAG', topicSysFlag: '0', order: 'false',
    }), 5000);
    expect(create.code).toBe(ResponseCode.SUCCESS);
    const route = await c.client.invoke(c.namesrvAddr, req(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'AdminTopic' }), 3000);
    expect(route.code).toBe(ResponseCode.SUCCESS);
    expect(route.body?.toString()).toContain('"writeQueueNums":3');

    const send = await c.client.invoke(c.brokerAddr, sendRequest({ topic: 'AdminTopic', queueId: 2 }), 3000);
    expect(send.code).toBe(ResponseCode.SUCCESS);
    const stats = await c.client.invoke(c.brokerAddr, req(RequestCode.GET_TOPIC_STATS_INFO, { topic: 'AdminTopic' }), 3000);
    expect(stats.code).toBe(ResponseCode.SUCCESS);
    const text = stats.body?.toString() ?? '';
    expect(text).toMatch(/^\{"offsetTable":\{\{"brokerName":"broker-a","queueId":0,"topic":"AdminTopic"\}:\{"lastUpdateTimestamp":0,"maxOffset":0,"minOffset":0\},/);
    expect(text).toMatch(/\{"brokerName":"broker-a","queueId":2,"topic":"AdminTopic"\}:\{"lastUpdateTimestamp":\d{13},"maxOffset":1,"minOffset":0\}\},"topicPutTps":\d+\.\d+(E\d+)?\}$/);

    const runtime = await c.client.invoke(c.brokerAddr, req(RequestCode.GET_BROKER_RUNTIME_INFO), 3000);
    const table = (JSON.parse(runtime.body?.toString() ?? '{}') as { table: Record<string, string> }).table;
    expect(Number(table.msgPutTotalTodayNow)).toBeGreaterThanOrEqual(1);
    expect(table.brokerVersionDesc).toBe('V5_3_3');

    const del = await c.client.invoke(c.brokerAddr, req(RequestCode.DELETE_TOPIC_IN_BROKER, { topic: 'AdminTopic' }), 3000);
    expect(del.code).toBe(ResponseCode.SUCCESS);
    const gone = await c.client.invoke(c.brokerAddr, req(RequestCode.GET_TOPIC_STATS_INFO, { topic: 'AdminTopic' }), 3000);
    expect(gone.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
  });

  test('consumer progress: GET_CONSUME_STATS and GET_CONSUMER_CONNECTION_LIST after a heartbeat and a commit', async () => {
    await c.client.invoke(c.brokerAddr, sendRequest({ topic: 'ProgTopic', queueId: 0 }), 3000);
    await c.client.invoke(c.brokerAddr, sendRequest({ topic: 'ProgTopic', queueId: 0 }), 3000);
    const hb = await c.client.invoke(c.brokerAddr, heartbeatRequest({ clientID: '127.0.0.1@prog', group: 'GP', topics: [{ topic: 'ProgTopic' }] }), 3000);
    expect(hb.code).toBe(ResponseCode.SUCCESS);
    const upd = await c.client.invoke(c.brokerAddr, req(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'GP', topic: 'ProgTopic', queueId: '0', commitOffset: '1' }), 3000);
    expect(upd.code).toBe(ResponseCode.SUCCESS);
    const cs = await c.client.invoke(c.brokerAddr, req(RequestCode.GET_CONSUME_STATS, { consumerGroup: 'GP', topic: 'ProgTopic' }), 3000);
    expect(cs.body?.toString()).toMatch(/\{"brokerName":"broker-a","queueId":0,"topic":"ProgTopic"\}:\{"brokerOffset":2,"consumerOffset":1,"lastTimestamp":\d{13},"pullOffset":1\}/);
    const conns = await c.client.invoke(c.brokerAddr, req(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: 'GP' }), 3000);
    expect(conns.code).toBe(ResponseCode.SUCCESS);
    const cc = JSON.parse(conns.body?.toString() ?? '{}') as { connectionSet: Array<{ clientId: string; clientAddr: string; language: string }>; messageModel: string };
    expect(cc.connectionSet[0]?.clientId).toBe('127.0.0.1@prog');
    expect(cc.connectionSet[0]?.clientAddr).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(cc.messageModel).toBe('CLUSTERING');
    const who = await c.client.invoke(c.brokerAddr, req(RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, { topic: 'ProgTopic' }), 3000);
    expect(who.body?.toString()).toBe('{"groupList":["GP"]}');
    const none = await c.client.invoke(c.brokerAddr, req(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: 'NOBODY' }), 3000);
    expect(none.code).toBe(ResponseCode.CONSUMER_NOT_ONLINE);
  });

  test('subscription group create/list over TCP', async () => {
    const body = Buffer.from(JSON.stringify({ groupName: 'AdminGroup', retryMaxTimes: 5, consumeEnable: true }));
    const r = await c.client.invoke(c.brokerAddr, req(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, body), 3000);
    expect(r.code).toBe(ResponseCode.SUCCESS);
    const all = await c.client.invoke(c.brokerAddr, req(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG), 3000);
    const parsed = JSON.parse(all.body?.toString() ?? '{}') as { subscriptionGroupTable: Record<string, { retryMaxTimes: number }> };
    expect(parsed.subscriptionGroupTable.AdminGroup?.retryMaxTimes).toBe(5);
  });

  test('LOCK_BATCH_MQ is exclusive between two clients; UNLOCK releases', async () => {
    const lockBody = (clientId: string) => Buffer.from(JSON.stringify({
      clientId, consumerGroup: 'GL', mqSet: [{ brokerName: 'broker-a', queueId: 0, topic: 'LockTopic' }], onlyThisBroker: false,
    }));
    const a = await c.client.invoke(c.brokerAddr, req(RequestCode.LOCK_BATCH_MQ, {}, lockBody('A')), 3000);
    expect(a.body?.toString()).toBe('{"lockOKMQSet":[{"brokerName":"broker-a","queueId":0,"topic":"LockTopic"}]}');
    const b = await c.client.invoke(c.brokerAddr, req(RequestCode.LOCK_BATCH_MQ, {}, lockBody('B')), 3000);
    expect(b.body?.toString()).toBe('{"lockOKMQSet":[]}');
    const u = await c.client.invoke(c.brokerAddr, req(RequestCode.UNLOCK_BATCH_MQ, {}, lockBody('A')), 3000);
    expect(u.code).toBe(ResponseCode.SUCCESS);
    const b2 = await c.client.invoke(c.brokerAddr, req(RequestCode.LOCK_BATCH_MQ, {}, lockBody('B')), 3000);
    expect(b2.body?.toString()).toContain('"queueId":0');
  });

  test('QUERY_MESSAGE by key and VIEW_MESSAGE_BY_ID with the offset msgId of the send response', async () => {
    const send = await c.client.invoke(c.brokerAddr, sendRequest({ topic: 'QueryTopic', queueId: 1, keys: 'order-42', body: 'find me' }), 3000);
    const q = await c.client.invoke(c.brokerAddr, req(RequestCode.QUERY_MESSAGE, {
      topic: 'QueryTopic', key: 'order-42', maxNum: '32', beginTimestamp: '0', endTimestamp: String(Date.now() + 1000),
    }), 3000);
    expect(q.code).toBe(ResponseCode.SUCCESS);
    const d = decodeRecord(q.body as Buffer);
    expect(d.kind === 'MESSAGE' && d.record.body.toString()).toBe('find me');
    const id = parseMessageId(send.extFields?.msgId ?? '');
    if (!id.ok) throw new Error('bad msgId');
    expect(`${id.value.address}:${id.value.port}`).toBe(c.brokerAddr);
    const v = await c.client.invoke(`${id.value.address}:${id.value.port}`, req(RequestCode.VIEW_MESSAGE_BY_ID, { offset: String(id.value.offset) }), 3000);
    expect(v.code).toBe(ResponseCode.SUCCESS);
    const dv = decodeRecord(v.body as Buffer);
    expect(dv.kind === 'MESSAGE' && dv.record.body.toString()).toBe('find me');
    const miss = await c.client.invoke(c.brokerAddr, req(RequestCode.QUERY_MESSAGE, {
      topic: 'QueryTopic', key: 'nothing', maxNum: '32', beginTimestamp: '0', endTimestamp: String(Date.now() + 1000),
    }), 3000);
    expect(miss.code).toBe(ResponseCode.QUERY_NOT_FOUND);
  });
});
