// Black-box: bad input gets the Java response code, exactly one warn-or-worse log line, and leaves
// the route table as it was.
import * as zlib from 'node:zlib';
import { encodeCommand } from '../../src/remoting/codec';
import { createRequest, FLAG_ONEWAY } from '../../src/remoting/command';
import { RemotingClient } from '../../src/remoting/client';
import { RequestCode } from '../../src/protocol/request-code';
import { MAX_INFLATED_REGISTER_BODY } from '../../src/protocol/body/register-broker-body';
import { connectRaw } from '../remoting/helpers';
import { call, registerBroker, registerExtFields, routeOf, startNamesrv, topic, warnings, type TestNamesrv } from './helpers';

let ns: TestNamesrv;
let client: RemotingClient;
let broker: RemotingClient;

const SPEC = { brokerName: 'broker-a', brokerAddr: '10.0.0.1:10911', topics: [topic('T')] };
const DECODE_FAILED = 'org.apache.rocketmq.remoting.exception.RemotingCommandException: Failed to decode RegisterBrokerBody';

beforeEach(async () => {
  ns = await startNamesrv();
  client = new RemotingClient();
  broker = new RemotingClient();
  expect((await registerBroker(broker, ns.addr, SPEC)).code).toBe(0);
});

afterEach(async () => {
  client.shutdown();
  broker.shutdown();
  await ns.stop();
});

/** Everything a client can see of the route table, plus the live-table view. */
async function snapshot(): Promise<string> {
  const ci = await call(client, ns.addr, RequestCode.GET_BROKER_CLUSTER_INFO);
  const tl = await call(client, ns.addr, RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER);
  const route = await routeOf(client, ns.addr, 'T');
  const live = [...ns.controller.routeInfoManager.brokerLiveTable.values()].map((l) => `${l.brokerAddr}:${l.dataVersion.counter}`);
  return JSON.stringify([ci.body?.toString(), tl.body?.toString(), route.code, route.body?.toString(), live]);
}

/** Sends a REGISTER_BROKER with the given ext fields and body on a fresh connection (the broker's stays up). */
async function badRegister(ext: Record<string, string> | undefined, body: Buffer | undefined) {
  const other = new RemotingClient();
  try {
    return await call(other, ns.addr, RequestCode.REGISTER_BROKER, { extFields: ext, body, version: 479 });
  } finally {
    other.shutdown();
  }
}

const otherBroker = { brokerName: 'broker-evil', brokerAddr: '10.6.6.6:10911' };

describe('malformed register bodies → SYSTEM_ERROR "Failed to decode RegisterBrokerBody", one log line, table unchanged', () => {
  const cases: Array<[string, Record<string, string>, Buffer]> = [
    ['truncated JSON', registerExtFields(otherBroker), Buffer.from('{"topicConfigSerializeWrapper":{"topicConfigTable":{"X"')],
    ['JSON null', registerExtFields(otherBroker), Buffer.from('null')],
    ['wrong types', registerExtFields(otherBroker), Buffer.from('{"topicConfigSerializeWrapper":{"topicConfigTable":{"X":{"readQueueNums":"four"}}}}')],
    ['binary garbage', registerExtFields(otherBroker), Buffer.from([0x00, 0xff, 0x13, 0x37])],
    ['compressed flag, not zlib', registerExtFields({ ...otherBroker, compressed: true }), Buffer.from('{"filterServerList":[]}')],
    ['compressed, truncated', registerExtFields({ ...otherBroker, compressed: true }), zlib.deflateSync(Buffer.from([0, 0, 0, 99, 0x7b]))],
    ['compressed, negative length', registerExtFields({ ...otherBroker, compressed: true }), zlib.deflateSync(Buffer.from([0x80, 0, 0, 0]))],
    ['compressed, bad topic entry', registerExtFields({ ...otherBroker, compressed: true }), zlib.deflateSync(Buffer.concat([
      Buffer.from([0, 0, 0, 2]), Buffer.from('{}'), Buffer.from([0, 0, 0, 1]), Buffer.from([0, 0, 0, 11]), Buffer.from('X 4 four 6 '),
    ]))],
  ];
  test.each(cases)('%s', async (_name, ext, body) => {
    const before = await snapshot();
    const from = ns.logs.length;
    const r = await badRegister(ext, body);
    expect(r).toMatchObject({ code: 1, remark: DECODE_FAILED });
    expect(warnings(ns.logs, from)).toHaveLength(1);
    expect(await snapshot()).toBe(before);
  });
});

test('a compressed body that inflates past the limit is refused', async () => {
  const bomb = zlib.deflateSync(Buffer.alloc(MAX_INFLATED_REGISTER_BODY + 1024));
  expect(bomb.length).toBeLessThan(1024 * 1024);
  const before = await snapshot();
  const from = ns.logs.length;
  const r = await badRegister(registerExtFields({ ...otherBroker, compressed: true }), bomb);
  expect(r).toMatchObject({ code: 1, remark: DECODE_FAILED });
  expect(warnings(ns.logs, from)).toHaveLength(1);
  expect(await snapshot()).toBe(before);
}, 20000);

test('CRC mismatch → SYSTEM_ERROR "crc32 not match"', async () => {
  const before = await snapshot();
  const from = ns.logs.length;
  const r = await badRegister({ ...registerExtFields(otherBroker), bodyCrc32: '12345' }, Buffer.from('{}'));
  expect(r).toMatchObject({ code: 1, remark: 'crc32 not match' });
  expect(warnings(ns.logs, from)).toHaveLength(1);
  expect(await snapshot()).toBe(before);
});

describe('bad headers → SYSTEM_ERROR naming the field, one log line, table unchanged', () => {
  const full = registerExtFields(otherBroker);
  const without = (k: string) => Object.fromEntries(Object.entries(full).filter(([n]) => n !== k));
  const cases: Array<[string, Record<string, string> | undefined, string]> = [
    ['no brokerId', without('brokerId'), 'the custom field <brokerId> is null'],
    ['brokerId not a number', { ...full, brokerId: 'zero' }, 'the custom field <brokerId> is not a valid long: zero'],
    ['no brokerName', without('brokerName'), 'the custom field <brokerName> is null'],
    ['no ext fields at all', undefined, 'the custom field <brokerName> is null'],
  ];
  test.each(cases)('%s', async (_name, ext, remark) => {
    const before = await snapshot();
    const from = ns.logs.length;
    const r = await badRegister(ext, Buffer.from('{}'));
    expect(r).toMatchObject({ code: 1, remark });
    expect(warnings(ns.logs, from)).toHaveLength(1);
    expect(await snapshot()).toBe(before);
  });

  test('BROKER_HEARTBEAT without clusterName', async () => {
    const from = ns.logs.length;
    const r = await call(client, ns.addr, RequestCode.BROKER_HEARTBEAT, { extFields: { brokerAddr: 'x', brokerName: 'y' } });
    expect(r).toMatchObject({ code: 1, remark: 'the custom field <clusterName> is null' });
    expect(warnings(ns.logs, from)).toHaveLength(1);
  });

  test('GET_ROUTEINFO_BY_TOPIC without topic → TOPIC_NOT_EXIST for "null", as Java', async () => {
    const from = ns.logs.length;
    const r = await call(client, ns.addr, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: {} });
    expect(r.code).toBe(17);
    expect(r.remark).toMatch(/^No topic route info in name server for the topic: null\n/);
    expect(warnings(ns.logs, from)).toHaveLength(1);
  });

  test('PUT_KV_CONFIG without namespace → "namespace or key is null"', async () => {
    const r = await call(client, ns.addr, RequestCode.PUT_KV_CONFIG, { extFields: { key: 'k', value: 'v' } });
    expect(r).toMatchObject({ code: 1, remark: 'namespace or key is null' });
  });

  test('QUERY_DATA_VERSION with a body that is not JSON', async () => {
    const before = await snapshot();
    const from = ns.logs.length;
    const r = await call(broker, ns.addr, RequestCode.QUERY_DATA_VERSION, {
      extFields: { brokerName: 'broker-a', brokerAddr: SPEC.brokerAddr, clusterName: 'DefaultCluster', brokerId: '0' },
      body: Buffer.from('{counter'),
    });
    expect(r.code).toBe(1);
    expect(warnings(ns.logs, from)).toHaveLength(1);
    expect(await snapshot()).toBe(before);
  });
});

test('unknown request code → REQUEST_CODE_NOT_SUPPORTED with the Java remark, one log line', async () => {
  const before = await snapshot();
  const from = ns.logs.length;
  const r = await call(client, ns.addr, 77777);
  expect(r).toMatchObject({ code: 3, remark: ' request type 77777 not supported' });
  expect(warnings(ns.logs, from)).toHaveLength(1);
  // A broker-only code sent to the NameServer is unknown here too (Java: same default branch).
  expect((await call(client, ns.addr, RequestCode.SEND_MESSAGE)).code).toBe(3);
  expect(await snapshot()).toBe(before);
});

test('a frame over 16 MiB closes that connection only; one log line; table unchanged', async () => {
  const before = await snapshot();
  const from = ns.logs.length;
  const peer = await connectRaw(ns.controller.port);
  const head = Buffer.alloc(8);
  head.writeInt32BE(17 * 1024 * 1024, 0); // frame length > 16 MiB
  head.writeInt32BE(0, 4);
  peer.socket.write(head);
  await peer.closed(2000);
  const lines = ns.logs.slice(from).filter((l) => /frame|closing/.test(String(l.msg)));
  expect(lines).toHaveLength(1);
  expect(await snapshot()).toBe(before);
});

test('a large (8 MiB) garbage register body: SYSTEM_ERROR, table unchanged', async () => {
  const before = await snapshot();
  const r = await badRegister(registerExtFields(otherBroker), Buffer.alloc(8 * 1024 * 1024, 0x7b));
  expect(r).toMatchObject({ code: 1, remark: DECODE_FAILED });
  expect(await snapshot()).toBe(before);
});

test('a oneway bad register gets no response and changes nothing', async () => {
  const before = await snapshot();
  const peer = await connectRaw(ns.controller.port);
  const req = createRequest(RequestCode.REGISTER_BROKER, { extFields: registerExtFields(otherBroker), body: Buffer.from('{bad') });
  req.flag |= FLAG_ONEWAY;
  peer.socket.write(encodeCommand(req));
  expect(await peer.silentFor(200)).toBe(true);
  peer.socket.destroy();
  expect(await snapshot()).toBe(before);
});
