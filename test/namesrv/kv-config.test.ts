// Black-box: KV config requests, kvConfig.json in the Java shape written atomically and reloaded,
// and the namesrv configuration requests.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeKVTable } from '../../src/protocol/body/kv-table';
import { RequestCode } from '../../src/protocol/request-code';
import { RemotingClient } from '../../src/remoting/client';
import { NamesrvConfig, NamesrvController } from '../../src/namesrv';
import { call, startNamesrv, type TestNamesrv } from './helpers';

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

test('put / get / list / delete, persisted as {"configTable":{ns:{k:v}}}', async () => {
  const put = (namespace: string, key: string, value: string) => call(client, ns.addr, RequestCode.PUT_KV_CONFIG, { extFields: { namespace, key, value } });
  expect((await put('ORDER_TOPIC_CONFIG', 'T1', 'broker-a:4;broker-b:4')).code).toBe(0);
  expect((await put('ORDER_TOPIC_CONFIG', 'T2', 'broker-a:8')).code).toBe(0);
  expect((await put('other', 'k', 'v')).code).toBe(0);

  const get = await call(client, ns.addr, RequestCode.GET_KV_CONFIG, { extFields: { namespace: 'ORDER_TOPIC_CONFIG', key: 'T1' } });
  expect(get).toMatchObject({ code: 0, extFields: { value: 'broker-a:4;broker-b:4' } });
  const miss = await call(client, ns.addr, RequestCode.GET_KV_CONFIG, { extFields: { namespace: 'ORDER_TOPIC_CONFIG', key: 'nope' } });
  expect(miss).toMatchObject({ code: 22, remark: 'No config item, Namespace: ORDER_TOPIC_CONFIG Key: nope' });

  const list = await call(client, ns.addr, RequestCode.GET_KVLIST_BY_NAMESPACE, { extFields: { namespace: 'ORDER_TOPIC_CONFIG' } });
  const table = decodeKVTable(list.body ?? Buffer.alloc(0));
  expect(table.ok && Object.fromEntries(table.value)).toEqual({ T1: 'broker-a:4;broker-b:4', T2: 'broker-a:8' });
  expect(await call(client, ns.addr, RequestCode.GET_KVLIST_BY_NAMESPACE, { extFields: { namespace: 'none' } }))
    .toMatchObject({ code: 22, remark: 'No config item, Namespace: none' });

  const file = path.join(ns.dir, 'kvConfig.json');
  expect(fs.readFileSync(file, 'utf8')).toBe('{"configTable":{"ORDER_TOPIC_CONFIG":{"T1":"broker-a:4;broker-b:4","T2":"broker-a:8"},"other":{"k":"v"}}}');
  expect(fs.readdirSync(ns.dir).filter((f) => f.includes('.tmp'))).toEqual([]);

  expect((await call(client, ns.addr, RequestCode.DELETE_KV_CONFIG, { extFields: { namespace: 'other', key: 'k' } })).code).toBe(0);
  expect(fs.readFileSync(file, 'utf8')).toBe('{"configTable":{"ORDER_TOPIC_CONFIG":{"T1":"broker-a:4;broker-b:4","T2":"broker-a:8"},"other":{}}}');
  // Java keeps the empty namespace: listing it gives an empty table, not QUERY_NOT_FOUND.
  expect((await call(client, ns.addr, RequestCode.GET_KVLIST_BY_NAMESPACE, { extFields: { namespace: 'other' } })).body?.toString()).toBe('{"table":{}}');
});

test('a restarted NameServer loads kvConfig.json (also one written by the Java NameServer)', async () => {
  const file = path.join(ns.dir, 'kvConfig.json');
  // The Java file is pretty-printed by older versions and compact by newer ones; both load.
  fs.writeFileSync(file, '{\n\t"configTable":{\n\t\t"ORDER_TOPIC_CONFIG":{\n\t\t\t"T":"broker-a:4"\n\t\t}\n\t}\n}');
  const ctl = new NamesrvController(new NamesrvConfig({ listenPort: 0, kvConfigPath: file }, ns.dir), { host: '127.0.0.1' });
  const port = await ctl.start();
  try {
    const get = await call(client, `127.0.0.1:${port}`, RequestCode.GET_KV_CONFIG, { extFields: { namespace: 'ORDER_TOPIC_CONFIG', key: 'T' } });
    expect(get.extFields).toEqual({ value: 'broker-a:4' });
  } finally {
    await ctl.shutdown();
  }
});

test('a corrupt kvConfig.json stops the start (as in Java) and is left untouched', async () => {
  const file = path.join(ns.dir, 'bad.json');
  fs.writeFileSync(file, '{"configTable":{');
  const ctl = new NamesrvController(new NamesrvConfig({ listenPort: 0, kvConfigPath: file }, ns.dir), { host: '127.0.0.1' });
  await expect(ctl.start()).rejects.toThrow(/cannot parse/);
  await ctl.shutdown();
  expect(fs.readFileSync(file, 'utf8')).toBe('{"configTable":{');
});

test('GET_NAMESRV_CONFIG lists Java keys sorted; UPDATE_NAMESRV_CONFIG refuses black-listed keys and persists', async () => {
  const get = async () => (await call(client, ns.addr, RequestCode.GET_NAMESRV_CONFIG)).body?.toString() ?? '';
  const text = await get();
  expect(text).toContain('enableAllTopicList=true\n');
  expect(text).toContain('scanNotActiveBrokerInterval=5000\n');
  expect(text).toContain('serverChannelMaxIdleTimeSeconds=120\n');
  const keys = text.trim().split('\n').map((l) => l.split('=')[0]);
  expect(keys).toEqual([...keys].sort());

  const refused = await call(client, ns.addr, RequestCode.UPDATE_NAMESRV_CONFIG, { body: Buffer.from('kvConfigPath=/tmp/evil\n') });
  expect(refused).toMatchObject({ code: 16, remark: 'Can not update config in black list.' });

  const ok = await call(client, ns.addr, RequestCode.UPDATE_NAMESRV_CONFIG, { body: Buffer.from('enableAllTopicList=false\nnoSuchKey=1\n') });
  expect(ok.code).toBe(0);
  expect(await get()).toContain('enableAllTopicList=false\n');
  expect(await get()).not.toContain('noSuchKey');
  const all = await call(client, ns.addr, RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER);
  expect(all).toMatchObject({ code: 1, remark: 'disable' });
  expect(fs.readFileSync(path.join(ns.dir, 'namesrv.properties'), 'utf8')).toContain('enableAllTopicList=false\n');
});
