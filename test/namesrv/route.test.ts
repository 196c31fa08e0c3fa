// Black-box: broker registration and the route views clients read, over real TCP.
import { decodeClusterInfo } from '../../src/protocol/body/cluster-info';
import { decodeDataVersion } from '../../src/protocol/body/data-version';
import { decodeTopicRouteData } from '../../src/protocol/body/route';
import { decodeTopicList } from '../../src/protocol/body/topic-list';
import { RequestCode } from '../../src/protocol/request-code';
import { RemotingClient } from '../../src/remoting/client';
import { call, registerBroker, routeOf, startNamesrv, topic, type TestNamesrv } from './helpers';

let ns: TestNamesrv;
let client: RemotingClient;

beforeEach(async () => {
  ns = await startNamesrv();
  client = new RemotingClient();
});

afterEach(async () => {
  client.shutdown();
  await ns.stop();
});

const A = '10.0.0.1:10911';
const A1 = '10.0.0.2:10911';
const B = '10.0.0.3:10911';

test('route data: standard JSON for version >= V4_9_4, fastjson integer keys below, compact both', async () => {
  const reg = await registerBroker(client, ns.addr, { brokerName: 'broker-a', brokerAddr: A, topics: [topic('TopicTest')] });
  expect(reg.code).toBe(0);
  expect(reg.body).toBeUndefined(); // no ORDER_TOPIC_CONFIG namespace yet
  await registerBroker(client, ns.addr, { brokerName: 'broker-a', brokerId: 1, brokerAddr: A1, topics: [topic('TopicTest')] });

  const expectedStd = `{"brokerDatas":[{"brokerAddrs":{"0":"${A}","1":"${A1}"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}`;
  const std = await routeOf(client, ns.addr, 'TopicTest', 479);
  expect(std.code).toBe(0);
  expect(std.body?.toString()).toBe(expectedStd);

  const go = await routeOf(client, ns.addr, 'TopicTest', 317);
  expect(go.body?.toString()).toBe(expectedStd.replace(`{"0":"${A}","1":"${A1}"}`, `{0:"${A}",1:"${A1}"}`));

  const forced = await routeOf(client, ns.addr, 'TopicTest', 317, { acceptStandardJsonOnly: 'true' });
  expect(forced.body?.toString()).toBe(expectedStd);
  // The cached body of one form is never served for the other.
  expect((await routeOf(client, ns.addr, 'TopicTest', 317)).body?.toString()).toContain('{0:');
});

test('unknown topic → TOPIC_NOT_EXIST with the Java remark', async () => {
  const r = await routeOf(client, ns.addr, 'NoSuchTopic');
  expect(r.code).toBe(17);
  expect(r.remark).toBe('No topic route info in name server for the topic: NoSuchTopic\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.');
  expect(r.body).toBeUndefined();
});

test('slaves: response carries master and HA address; only the master contributes queue data', async () => {
  await registerBroker(client, ns.addr, { brokerName: 'broker-a', brokerAddr: A, haServerAddr: '10.0.0.1:10912', topics: [topic('T1', { perm: 6 })] });
  const slave = await registerBroker(client, ns.addr, { brokerName: 'broker-a', brokerId: 1, brokerAddr: A1, topics: [topic('T1', { writeQueueNums: 99 }), topic('SlaveOnly')] });
  expect(slave.extFields).toMatchObject({ masterAddr: A, haServerAddr: '10.0.0.1:10912' });
  const r = decodeTopicRouteData((await routeOf(client, ns.addr, 'T1')).body ?? Buffer.alloc(0));
  expect(r.ok && r.value.queueDatas[0].writeQueueNums).toBe(4);
  expect((await routeOf(client, ns.addr, 'SlaveOnly')).code).toBe(17);
});

test('compressed register body (5.x layout) registers the same routes', async () => {
  const r = await registerBroker(client, ns.addr, { brokerName: 'broker-z', brokerAddr: B, compressed: true, topics: [topic('Zipped', { readQueueNums: 2, writeQueueNums: 3, perm: 4 })] });
  expect(r.code).toBe(0);
  const route = decodeTopicRouteData((await routeOf(client, ns.addr, 'Zipped')).body ?? Buffer.alloc(0));
  expect(route.ok && route.value.queueDatas[0]).toEqual({ brokerName: 'broker-z', readQueueNums: 2, writeQueueNums: 3, perm: 4, topicSysFlag: 0 });
  // 4.9 layout (no mapping section) with a 4.9 request version.
  const old = await registerBroker(client, ns.addr, { brokerName: 'broker-old', brokerAddr: '10.0.0.9:10911', compressed: true, version: 409, topics: [topic('Old49')] });
  expect(old.code).toBe(0);
  expect((await routeOf(client, ns.addr, 'Old49')).code).toBe(0);
});

test('cluster info, topic lists, system and unit topic lists', async () => {
  await registerBroker(client, ns.addr, { brokerName: 'broker-a', brokerAddr: A, topics: [topic('T1'), topic('Unit', { topicSysFlag: 1 }), topic('UnitSub', { topicSysFlag: 2 }), topic('Both', { topicSysFlag: 3 })] });
  await registerBroker(client, ns.addr, { cluster: 'Other', brokerName: 'broker-b', brokerAddr: B, topics: [topic('T2')] });

  const ci = await call(client, ns.addr, RequestCode.GET_BROKER_CLUSTER_INFO);
  expect(ci.body?.toString()).toBe(`{"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"${A}"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false},"broker-b":{"brokerAddrs":{0:"${B}"},"brokerName":"broker-b","cluster":"Other","enableActingMaster":false}},"clusterAddrTable":{"DefaultCluster":["broker-a"],"Other":["broker-b"]}}`);
  expect(decodeClusterInfo(ci.body ?? Buffer.alloc(0)).ok).toBe(true);

  const list = (code: number, extFields?: Record<string, string>) => call(client, ns.addr, code, { extFields }).then((r) => {
    const d = decodeTopicList(r.body ?? Buffer.alloc(0));
    return d.ok ? { ...d.value, topicList: d.value.topicList.sort() } : undefined;
  });
  expect((await list(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER))?.topicList).toEqual(['Both', 'T1', 'T2', 'TBW102', 'Unit', 'UnitSub']);
  expect((await list(RequestCode.GET_TOPICS_BY_CLUSTER, { cluster: 'Other' }))?.topicList).toEqual(['T2', 'TBW102']);
  expect((await list(RequestCode.GET_TOPICS_BY_CLUSTER, { cluster: 'NoSuch' }))?.topicList).toEqual([]);
  const sys = await list(RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS);
  expect(sys?.topicList).toEqual(['DefaultCluster', 'Other', 'broker-a', 'broker-b']);
  expect([A, B]).toContain(sys?.brokerAddr);
  expect((await list(RequestCode.GET_UNIT_TOPIC_LIST))?.topicList).toEqual(['Both', 'Unit']);
  expect((await list(RequestCode.GET_HAS_UNIT_SUB_TOPIC_LIST))?.topicList).toEqual(['Both', 'UnitSub']);
  expect((await list(RequestCode.GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST))?.topicList).toEqual(['UnitSub']);
});

test('wipe and add write permission', async () => {
  await registerBroker(client, ns.addr, { brokerName: 'broker-a', brokerAddr: A, topics: [topic('T1'), topic('T2', { perm: 7 })] });
  const wipe = await call(client, ns.addr, RequestCode.WIPE_WRITE_PERM_OF_BROKER, { extFields: { brokerName: 'broker-a' } });
  expect(wipe.extFields).toEqual({ wipeTopicCount: '3' });
  const perms = async () => {
    const out: number[] = [];
    for (const t of ['T1', 'T2']) {
      const r = decodeTopicRouteData((await routeOf(client, ns.addr, t)).body ?? Buffer.alloc(0));
      out.push(r.ok ? r.value.queueDatas[0].perm : -1);
    }
    return out;
  };
  expect(await perms()).toEqual([4, 5]);
  const add = await call(client, ns.addr, RequestCode.ADD_WRITE_PERM_OF_BROKER, { extFields: { brokerName: 'broker-a' } });
  expect(add.extFields).toEqual({ addTopicCount: '3' });
  expect(await perms()).toEqual([6, 6]);
  expect((await call(client, ns.addr, RequestCode.WIPE_WRITE_PERM_OF_BROKER, { extFields: { brokerName: 'nobody' } })).extFields).toEqual({ wipeTopicCount: '0' });
});

test('delete topic: everywhere, or only for one cluster', async () => {
  await registerBroker(client, ns.addr, { brokerName: 'broker-a', brokerAddr: A, topics: [topic('Shared'), topic('Gone')] });
  await registerBroker(client, ns.addr, { cluster: 'Other', brokerName: 'broker-b', brokerAddr: B, topics: [topic('Shared')] });
  expect((await call(client, ns.addr, RequestCode.DELETE_TOPIC_IN_NAMESRV, { extFields: { topic: 'Gone' } })).code).toBe(0);
  expect((await routeOf(client, ns.addr, 'Gone')).code).toBe(17);
  await call(client, ns.addr, RequestCode.DELETE_TOPIC_IN_NAMESRV, { extFields: { topic: 'Shared', clusterName: 'Other' } });
  const r = decodeTopicRouteData((await routeOf(client, ns.addr, 'Shared')).body ?? Buffer.alloc(0));
  expect(r.ok && r.value.queueDatas.map((q) => q.brokerName)).toEqual(['broker-a']);
});

test('unregister removes the broker and topics only it served', async () => {
  await registerBroker(client, ns.addr, { brokerName: 'broker-a', brokerAddr: A, topics: [topic('OnlyA'), topic('Both')] });
  await registerBroker(client, ns.addr, { brokerName: 'broker-b', brokerAddr: B, topics: [topic('Both')] });
  const u = await call(client, ns.addr, RequestCode.UNREGISTER_BROKER, { extFields: { brokerName: 'broker-a', brokerAddr: A, clusterName: 'DefaultCluster', brokerId: '0' } });
  expect(u.code).toBe(0);
  expect((await routeOf(client, ns.addr, 'OnlyA')).code).toBe(17);
  const r = decodeTopicRouteData((await routeOf(client, ns.addr, 'Both')).body ?? Buffer.alloc(0));
  expect(r.ok && r.value.brokerDatas.map((b) => b.brokerName)).toEqual(['broker-b']);
});

test('QUERY_DATA_VERSION: changed flag, stored version in the body', async () => {
  await registerBroker(client, ns.addr, { brokerName: 'broker-a', brokerAddr: A, counter: 5, timestamp: 42, topics: [topic('T')] });
  const ext = { brokerName: 'broker-a', brokerAddr: A, clusterName: 'DefaultCluster', brokerId: '0' };
  const same = await call(client, ns.addr, RequestCode.QUERY_DATA_VERSION, { extFields: ext, body: Buffer.from('{"counter":5,"stateVersion":0,"timestamp":42}') });
  expect(same.extFields).toEqual({ changed: 'false' });
  const dv = decodeDataVersion(same.body);
  expect(dv.ok && dv.value).toEqual({ counter: 5, stateVersion: 0, timestamp: 42 });
  const diff = await call(client, ns.addr, RequestCode.QUERY_DATA_VERSION, { extFields: ext, body: Buffer.from('{"counter":6,"stateVersion":0,"timestamp":43}') });
  expect(diff.extFields).toEqual({ changed: 'true' });
  const unknown = await call(client, ns.addr, RequestCode.QUERY_DATA_VERSION, { extFields: { ...ext, brokerAddr: '1.1.1.1:1' }, body: Buffer.from('{"counter":6}') });
  expect(unknown.extFields).toEqual({ changed: 'true' });
  expect(unknown.body).toBeUndefined();
});

test('a new data version updates queue data; the same version with a new topic adds it', async () => {
  await registerBroker(client, ns.addr, { brokerName: 'broker-a', brokerAddr: A, counter: 1, topics: [topic('T', { writeQueueNums: 4 })] });
  await registerBroker(client, ns.addr, { brokerName: 'broker-a', brokerAddr: A, counter: 2, topics: [topic('T', { writeQueueNums: 8 })] });
  const r = decodeTopicRouteData((await routeOf(client, ns.addr, 'T')).body ?? Buffer.alloc(0));
  expect(r.ok && r.value.queueDatas[0].writeQueueNums).toBe(8);
  // Same data version: existing queue data untouched (Java), but a topic it lacks is added.
  await registerBroker(client, ns.addr, { brokerName: 'broker-a', brokerAddr: A, counter: 2, topics: [topic('T', { writeQueueNums: 1 }), topic('New')] });
  const again = decodeTopicRouteData((await routeOf(client, ns.addr, 'T')).body ?? Buffer.alloc(0));
  expect(again.ok && again.value.queueDatas[0].writeQueueNums).toBe(8);
  expect((await routeOf(client, ns.addr, 'New')).code).toBe(0);
});

test('GET_BROKER_MEMBER_GROUP and REGISTER_TOPIC_IN_NAMESRV', async () => {
  await registerBroker(client, ns.addr, { brokerName: 'broker-a', brokerAddr: A, topics: [topic('T1'), topic('T0')] });
  await registerBroker(client, ns.addr, { brokerName: 'broker-a', brokerId: 2, brokerAddr: A1, topics: [topic('T1'), topic('T0')] });
  const g = await call(client, ns.addr, RequestCode.GET_BROKER_MEMBER_GROUP, { extFields: { clusterName: 'DefaultCluster', brokerName: 'broker-a' } });
  expect(g.body?.toString()).toBe(`{"brokerMemberGroup":{"brokerAddrs":{0:"${A}",2:"${A1}"},"brokerName":"broker-a","cluster":"DefaultCluster"}}`);

  const qd = '{"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":1,"topicSysFlag":0,"writeQueueNums":1}]}';
  expect((await call(client, ns.addr, RequestCode.REGISTER_TOPIC_IN_NAMESRV, { extFields: { topic: 'Single' }, body: Buffer.from(qd) })).code).toBe(0);
  expect((await routeOf(client, ns.addr, 'Single')).code).toBe(0);
  const bad = qd.replace('broker-a', 'broker-unknown');
  await call(client, ns.addr, RequestCode.REGISTER_TOPIC_IN_NAMESRV, { extFields: { topic: 'Illegal' }, body: Buffer.from(bad) });
  expect((await routeOf(client, ns.addr, 'Illegal')).code).toBe(17);
});

test('a single-topic registration before the first full one is refused', async () => {
  const r = await registerBroker(client, ns.addr, { brokerName: 'broker-x', brokerAddr: A, bare: true, topics: [topic('Lonely')] });
  expect(r).toMatchObject({ code: 1, remark: 'register broker failed' });
  const ci = decodeClusterInfo((await call(client, ns.addr, RequestCode.GET_BROKER_CLUSTER_INFO)).body ?? Buffer.alloc(0));
  expect(ci.ok && ci.value.brokerAddrTable.size).toBe(0);
});

test('orderMessageEnable: orderTopicConf from KV in the route; ORDER_TOPIC_CONFIG returned to brokers', async () => {
  ns.controller.config.set('orderMessageEnable', true);
  await call(client, ns.addr, RequestCode.PUT_KV_CONFIG, { extFields: { namespace: 'ORDER_TOPIC_CONFIG', key: 'Ordered', value: 'broker-a:4' } });
  const reg = await registerBroker(client, ns.addr, { brokerName: 'broker-a', brokerAddr: A, topics: [topic('Ordered'), topic('Plain')] });
  expect(reg.body?.toString()).toBe('{"table":{"Ordered":"broker-a:4"}}');
  expect((await routeOf(client, ns.addr, 'Ordered')).body?.toString()).toContain('"filterServerTable":{},"orderTopicConf":"broker-a:4","queueDatas"');
  expect((await routeOf(client, ns.addr, 'Plain')).body?.toString()).not.toContain('orderTopicConf');
  // A KV change is visible at once (the route cache keys on the KV version).
  await call(client, ns.addr, RequestCode.PUT_KV_CONFIG, { extFields: { namespace: 'ORDER_TOPIC_CONFIG', key: 'Ordered', value: 'broker-a:8' } });
  expect((await routeOf(client, ns.addr, 'Ordered')).body?.toString()).toContain('"orderTopicConf":"broker-a:8"');
});

test('zone mode keeps the brokers of the client zone (and master-less ones)', async () => {
  await registerBroker(client, ns.addr, { brokerName: 'broker-a', brokerAddr: A, zoneName: 'z1', topics: [topic('Z')] });
  await registerBroker(client, ns.addr, { brokerName: 'broker-b', brokerAddr: B, zoneName: 'z2', topics: [topic('Z')] });
  const r = await routeOf(client, ns.addr, 'Z', 479, { __ZONE_MODE: 'true', __ZONE_NAME: 'Z1' });
  const d = decodeTopicRouteData(r.body ?? Buffer.alloc(0));
  expect(d.ok && d.value.brokerDatas.map((b) => b.brokerName)).toEqual(['broker-a']);
  expect(d.ok && d.value.queueDatas.map((q) => q.brokerName)).toEqual(['broker-a']);
  expect(r.body?.toString()).toContain('"zoneName":"z1"');
  const all = decodeTopicRouteData((await routeOf(client, ns.addr, 'Z')).body ?? Buffer.alloc(0));
  expect(all.ok && all.value.brokerDatas.length).toBe(2);
});

test('supportActingMaster: a master-less acting-master group shows its lowest slave as id 0', async () => {
  ns.controller.config.set('supportActingMaster', true);
  const m = new RemotingClient();
  const s = new RemotingClient();
  try {
    await registerBroker(m, ns.addr, { brokerName: 'broker-a', brokerAddr: A, enableActingMaster: true, topics: [topic('AM'), topic('AM2')] });
    await registerBroker(s, ns.addr, { brokerName: 'broker-a', brokerId: 1, brokerAddr: A1, enableActingMaster: true, topics: [topic('AM'), topic('AM2')] });
    m.shutdown(); // master connection closes → unregistered, write perm wiped for the acting group
    await new Promise((r) => setTimeout(r, 100));
    const r = await routeOf(client, ns.addr, 'AM');
    const d = decodeTopicRouteData(r.body ?? Buffer.alloc(0));
    expect(d.ok && [...d.value.brokerDatas[0].brokerAddrs.entries()]).toEqual([[0, A1]]);
    expect(d.ok && d.value.queueDatas[0].perm).toBe(4);
  } finally {
    m.shutdown();
    s.shutdown();
  }
});
