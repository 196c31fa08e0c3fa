// Client registration: HEART_BEAT, UNREGISTER_CLIENT, GET_CONSUMER_LIST_BY_GROUP,
// NOTIFY_CONSUMER_IDS_CHANGED, expiry, CHECK_CLIENT_CONFIG.
import { RequestCode } from '../../src/protocol/request-code';
import { ResponseCode } from '../../src/protocol/response-code';
import { MQVersion } from '../../src/protocol/version';
import { RemotingClient } from '../../src/remoting/client';
import { heartbeatRequest, req, sleep, startCluster, type Cluster } from './core-helpers';

function notifyCollector(client: RemotingClient): string[] {
  const groups: string[] = [];
  client.processors.register(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (_conn, request) => {
    groups.push(request.extFields?.consumerGroup ?? '?');
    return null;
  });
  return groups;
}

async function waitFor(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('broker core: clients', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await startCluster();
  });
  afterAll(async () => {
    await c.stop();
  });

  const consumerList = async (group: string) => {
    const r = await c.client.invoke(c.brokerAddr, req(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: group }), 3000);
    return r.code === ResponseCode.SUCCESS ? (JSON.parse(r.body!.toString()) as { consumerIdList: string[] }).consumerIdList.sort() : r;
  };

  test('HEART_BEAT: SUCCESS, our version, 5.x extFields; creates the group and its retry topic', async () => {
    const r = await c.client.invoke(c.brokerAddr, heartbeatRequest({ clientID: 'ip@1', group: 'CGH', topics: [{ topic: 'TH' }], producerGroups: ['PGH'] }), 3000);
    expect(r.code).toBe(ResponseCode.SUCCESS);
    expect(r.version).toBe(MQVersion.V5_3_3);
    expect(r.version).toBeGreaterThanOrEqual(MQVersion.V4_1_0_SNAPSHOT);
    expect(r.extFields).toEqual({ IS_SUPPORT_HEART_BEAT_V2: 'true', IS_SUB_CHANGE: 'true' });
    expect(c.broker.subscriptionGroupManager.getSubscriptionGroupConfig('CGH')).toMatchObject({ retryMaxTimes: 16, retryQueueNums: 1 });
    expect(c.broker.topicConfigManager.selectTopicConfig('%RETRY%CGH')).toMatchObject({ readQueueNums: 1, writeQueueNums: 1, perm: 6 });
    expect(c.broker.producerManager.getConnections('PGH').map((i) => i.clientId)).toEqual(['ip@1']);
    expect(await consumerList('CGH')).toEqual(['ip@1']);
  });

  test('GET_CONSUMER_LIST_BY_GROUP for an unknown group: SYSTEM_ERROR with the Java remark', async () => {
    const r = await consumerList('NOBODY');
    expect(r).toMatchObject({ code: ResponseCode.SYSTEM_ERROR, remark: 'no consumer for this group, NOBODY' });
  });

  test('membership changes notify every member; close, unregister and expiry remove members', async () => {
    const a = new RemotingClient();
    const b = new RemotingClient();
    const d = new RemotingClient();
    const na = notifyCollector(a);
    const nb = notifyCollector(b);
    try {
      await a.invoke(c.brokerAddr, heartbeatRequest({ clientID: 'A', group: 'CGN', topics: [{ topic: 'TN' }] }), 3000);
      await waitFor(() => na.length === 1); // a's own join
      // A repeated identical heartbeat is not a change.
      await a.invoke(c.brokerAddr, heartbeatRequest({ clientID: 'A', group: 'CGN', topics: [{ topic: 'TN' }] }), 3000);
      await b.invoke(c.brokerAddr, heartbeatRequest({ clientID: 'B', group: 'CGN', topics: [{ topic: 'TN' }] }), 3000);
      await waitFor(() => na.length === 2 && nb.length === 1);
      expect(na).toEqual(['CGN', 'CGN']);
      expect(await consumerList('CGN')).toEqual(['A', 'B']);

      // Connection closed -> removed, the rest notified.
      b.shutdown();
      await waitFor(() => na.length === 3);
      expect(await consumerList('CGN')).toEqual(['A']);

      // UNREGISTER_CLIENT.
      await d.invoke(c.brokerAddr, heartbeatRequest({ clientID: 'D', group: 'CGN', topics: [{ topic: 'TN' }] }), 3000);
      await waitFor(() => na.length === 4);
      const u = await d.invoke(c.brokerAddr, req(RequestCode.UNREGISTER_CLIENT, { clientID: 'D', consumerGroup: 'CGN' }), 3000);
      expect(u.code).toBe(ResponseCode.SUCCESS);
      await waitFor(() => na.length === 5);
      expect(await consumerList('CGN')).toEqual(['A']);

      // A subscription change is a change too.
      await a.invoke(c.brokerAddr, heartbeatRequest({ clientID: 'A', group: 'CGN', topics: [{ topic: 'TN' }, { topic: 'TN2' }], subVersion: 1800000000000 }), 3000);
      await waitFor(() => na.length === 6);

      // 120 s without a heartbeat: expired and closed.
      // (This also expires the fixture client's own connection; let it see the close.)
      c.broker.scanNotActiveChannels(Date.now() + 121_000);
      await sleep(100);
      const r = await consumerList('CGN');
      expect(r).toMatchObject({ code: ResponseCode.SYSTEM_ERROR });
    } finally {
      a.shutdown();
      b.shutdown();
      d.shutdown();
    }
  });

  test('a heartbeat within 120 s keeps the client', async () => {
    await c.client.invoke(c.brokerAddr, heartbeatRequest({ clientID: 'K', group: 'CGK', topics: [{ topic: 'TK' }] }), 3000);
    c.broker.scanNotActiveChannels(Date.now() + 60_000);
    expect(await consumerList('CGK')).toEqual(['K']);
  });

  test('CHECK_CLIENT_CONFIG: TAG ok, SQL92 refused like a broker without enablePropertyFilter', async () => {
    const body = (expressionType: string, subString: string) => Buffer.from(JSON.stringify({
      clientId: 'x', group: 'CGC', subscriptionData: { topic: 'T', subString, expressionType, tagsSet: [], codeSet: [], subVersion: 1, classFilterMode: false },
    }));
    const ok = await c.client.invoke(c.brokerAddr, req(RequestCode.CHECK_CLIENT_CONFIG, {}, body('TAG', '*')), 3000);
    expect(ok.code).toBe(ResponseCode.SUCCESS);
    const sql = await c.client.invoke(c.brokerAddr, req(RequestCode.CHECK_CLIENT_CONFIG, {}, body('SQL92', 'a > 1')), 3000);
    expect([sql.code, sql.remark]).toEqual([ResponseCode.SYSTEM_ERROR, 'The broker does not support consumer to filter message by SQL92']);
  });

  test('HEART_BEAT with a malformed body: SYSTEM_ERROR, nothing registered', async () => {
    const r = await c.client.invoke(c.brokerAddr, req(RequestCode.HEART_BEAT, {}, Buffer.from('{not json')), 3000);
    expect(r.code).toBe(ResponseCode.SYSTEM_ERROR);
  });
});
