// Black-box: broker liveness. Routes go when the broker's connection closes (at once) or when it
// has not registered/heartbeated within its timeout (scanned every scanNotActiveBrokerInterval).
import { decodeClusterInfo } from '../../src/protocol/body/cluster-info';
import { RequestCode } from '../../src/protocol/request-code';
import { RemotingClient } from '../../src/remoting/client';
import { call, registerBroker, routeOf, startNamesrv, topic, waitFor, type TestNamesrv } from './helpers';

let ns: TestNamesrv;
let client: RemotingClient;

beforeEach(async () => {
  ns = await startNamesrv({ scanNotActiveBrokerInterval: 100 });
  client = new RemotingClient();
});

afterEach(async () => {
  client.shutdown();
  await ns.stop();
});

test('connection close → the broker and its routes are gone at once', async () => {
  const broker = new RemotingClient();
  await registerBroker(broker, ns.addr, { brokerName: 'broker-a', brokerAddr: '10.0.0.1:10911', topics: [topic('T')] });
  expect((await routeOf(client, ns.addr, 'T')).code).toBe(0);
  const t0 = Date.now();
  broker.shutdown();
  await waitFor(async () => (await routeOf(client, ns.addr, 'T')).code === 17, 2000, 5);
  expect(Date.now() - t0).toBeLessThan(1000);
  const ci = decodeClusterInfo((await call(client, ns.addr, RequestCode.GET_BROKER_CLUSTER_INFO)).body ?? Buffer.alloc(0));
  expect(ci.ok && ci.value.brokerAddrTable.size).toBe(0);
  expect(ci.ok && ci.value.clusterAddrTable.size).toBe(0);
});

test('a client connection closing does not touch routes', async () => {
  const broker = new RemotingClient();
  const other = new RemotingClient();
  try {
    await registerBroker(broker, ns.addr, { brokerName: 'broker-a', brokerAddr: '10.0.0.1:10911', topics: [topic('T')] });
    await routeOf(other, ns.addr, 'T');
    other.shutdown();
    await new Promise((r) => setTimeout(r, 100));
    expect((await routeOf(client, ns.addr, 'T')).code).toBe(0);
  } finally {
    broker.shutdown();
    other.shutdown();
  }
});

test('expiry: heartbeatTimeoutMillis from the header; BROKER_HEARTBEAT and QUERY_DATA_VERSION keep it alive', async () => {
  const broker = new RemotingClient();
  try {
    const spec = { brokerName: 'broker-a', brokerAddr: '10.0.0.1:10911', heartbeatTimeoutMillis: 400, topics: [topic('T')] };
    await registerBroker(broker, ns.addr, spec);
    const hb = { clusterName: 'DefaultCluster', brokerAddr: spec.brokerAddr, brokerName: 'broker-a', brokerId: '0' };
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 150));
      const code = i % 2 === 0 ? RequestCode.BROKER_HEARTBEAT : RequestCode.QUERY_DATA_VERSION;
      const r = await call(broker, ns.addr, code, { extFields: hb, body: code === RequestCode.QUERY_DATA_VERSION ? Buffer.from('{"counter":1}') : undefined });
      expect(r.code).toBe(0);
    }
    expect((await routeOf(client, ns.addr, 'T')).code).toBe(0); // 900 ms > 400 ms, kept alive
    const conn = await broker.connection(ns.addr);
    const from = ns.logs.length;
    const t0 = Date.now();
    await waitFor(async () => (await routeOf(client, ns.addr, 'T')).code === 17, 2000, 10);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(1000); // timeout 400 + scan 100 + slack
    expect(ns.logs.slice(from).filter((l) => l.msg === 'the broker channel expired')).toHaveLength(1);
    // The expired broker's connection was closed by the NameServer.
    await waitFor(() => conn.isClosed, 1000, 10);
  } finally {
    broker.shutdown();
  }
});

test('default expiry is 120 s: a broker that stays silent for a few scans stays registered', async () => {
  const broker = new RemotingClient();
  try {
    await registerBroker(broker, ns.addr, { brokerName: 'broker-a', brokerAddr: '10.0.0.1:10911', topics: [topic('T')] });
    await new Promise((r) => setTimeout(r, 400));
    expect((await routeOf(client, ns.addr, 'T')).code).toBe(0);
    const live = [...ns.controller.routeInfoManager.brokerLiveTable.values()];
    expect(live.map((l) => l.heartbeatTimeoutMillis)).toEqual([120_000]);
  } finally {
    broker.shutdown();
  }
});

test('a master and its slave on separate connections: closing the slave keeps the master route', async () => {
  const master = new RemotingClient();
  const slave = new RemotingClient();
  try {
    await registerBroker(master, ns.addr, { brokerName: 'broker-a', brokerAddr: '10.0.0.1:10911', topics: [topic('T')] });
    await registerBroker(slave, ns.addr, { brokerName: 'broker-a', brokerId: 1, brokerAddr: '10.0.0.2:10911', topics: [topic('T')] });
    slave.shutdown();
    await waitFor(async () => !((await routeOf(client, ns.addr, 'T')).body?.toString() ?? '').includes('10.0.0.2'), 2000, 10);
    const body = (await routeOf(client, ns.addr, 'T')).body?.toString();
    expect(body).toContain('{"0":"10.0.0.1:10911"}');
  } finally {
    master.shutdown();
    slave.shutdown();
  }
});
