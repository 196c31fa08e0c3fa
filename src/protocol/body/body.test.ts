// Body codecs against the samples in shared/protocol/requests.md §1 (generated there by the real
// Java classes) and round trips of both register-body forms.
import * as zlib from 'node:zlib';
import { decodeClusterInfo, encodeClusterInfo } from './cluster-info';
import { decodeDataVersion, encodeDataVersion } from './data-version';
import { parseJson, quoteJson, toFastJson } from './json';
import { decodeKVTable, encodeKVTable } from './kv-table';
import { decodeRegisterBrokerBody, encodeRegisterBrokerBody, type RegisterBrokerBody } from './register-broker-body';
import { decodeTopicRouteData, encodeTopicRouteData, type TopicRouteData } from './route';
import { decodeTopicConfigText, encodeTopicConfigText, newTopicConfig } from './topic-config';
import { decodeTopicList, encodeTopicList } from './topic-list';

const ROUTE_DEFAULT = '{"brokerDatas":[{"brokerAddrs":{0:"192.168.0.10:10911",1:"192.168.0.11:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}';
const ROUTE_STANDARD = '{"brokerDatas":[{"brokerAddrs":{"0":"192.168.0.10:10911","1":"192.168.0.11:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}';
const CLUSTER_INFO = '{"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"192.168.0.10:10911",1:"192.168.0.11:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}},"clusterAddrTable":{"DefaultCluster":["broker-a"]}}';
const REGISTER_BODY = '{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":3,"stateVersion":0,"timestamp":1700000000000},"mappingDataVersion":{"counter":0,"stateVersion":0,"timestamp":1795555575055},"topicConfigTable":{"TopicTest":{"attributes":{},"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG","topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":4}},"topicQueueMappingDetailMap":{},"topicQueueMappingInfoMap":{}}}';

function sampleRoute(): TopicRouteData {
  return {
    brokerDatas: [{
      cluster: 'DefaultCluster', brokerName: 'broker-a', enableActingMaster: false,
      brokerAddrs: new Map([[1, '192.168.0.11:10911'], [0, '192.168.0.10:10911']]),
    }],
    queueDatas: [{ brokerName: 'broker-a', perm: 6, readQueueNums: 4, writeQueueNums: 4, topicSysFlag: 0 }],
    filterServerTable: new Map(),
  };
}

describe('TopicRouteData', () => {
  it('writes the fastjson default form with unquoted integer keys, byte for byte', () => {
    expect(encodeTopicRouteData(sampleRoute()).toString()).toBe(ROUTE_DEFAULT);
  });
  it('writes the standard form with quoted keys, byte for byte', () => {
    expect(encodeTopicRouteData(sampleRoute(), { standard: true }).toString()).toBe(ROUTE_STANDARD);
  });
  it('writes orderTopicConf between filterServerTable and queueDatas', () => {
    const r = { ...sampleRoute(), orderTopicConf: 'broker-a:4' };
    expect(encodeTopicRouteData(r).toString()).toContain('"filterServerTable":{},"orderTopicConf":"broker-a:4","queueDatas"');
  });
  it('reads both forms back', () => {
    for (const text of [ROUTE_DEFAULT, ROUTE_STANDARD]) {
      const r = decodeTopicRouteData(Buffer.from(text));
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect([...r.value.brokerDatas[0].brokerAddrs.entries()]).toEqual([[0, '192.168.0.10:10911'], [1, '192.168.0.11:10911']]);
      expect(r.value.queueDatas[0]).toEqual({ brokerName: 'broker-a', perm: 6, readQueueNums: 4, writeQueueNums: 4, topicSysFlag: 0 });
    }
  });
  it('rejects garbage without throwing', () => {
    expect(decodeTopicRouteData(Buffer.from('{"brokerDatas":5}')).ok).toBe(false);
    expect(decodeTopicRouteData(Buffer.from('{')).ok).toBe(false);
  });
});

describe('ClusterInfo', () => {
  it('matches the Java sample', () => {
    const body = encodeClusterInfo({
      brokerAddrTable: new Map([['broker-a', sampleRoute().brokerDatas[0]]]),
      clusterAddrTable: new Map([['DefaultCluster', new Set(['broker-a'])]]),
    });
    expect(body.toString()).toBe(CLUSTER_INFO);
    const back = decodeClusterInfo(body);
    expect(back.ok && [...back.value.clusterAddrTable.get('DefaultCluster') ?? []]).toEqual(['broker-a']);
  });
});

describe('RegisterBrokerBody', () => {
  it('decodes the 5.x JSON sample and writes it back identically', () => {
    const r = decodeRegisterBrokerBody(Buffer.from(REGISTER_BODY), false, 479);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const w = r.value.topicConfigSerializeWrapper;
    expect(w.dataVersion).toEqual({ counter: 3, stateVersion: 0, timestamp: 1700000000000 });
    expect(w.topicConfigTable.get('TopicTest')).toMatchObject({ readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 });
    expect(encodeRegisterBrokerBody(r.value).toString()).toBe(REGISTER_BODY);
  });

  it('decodes a 4.9-shaped body (no mapping fields, no attributes)', () => {
    const text = '{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":1,"timestamp":5},"topicConfigTable":{"T":{"order":true,"perm":6,"readQueueNums":2,"topicFilterType":"SINGLE_TAG","topicName":"T","topicSysFlag":1,"writeQueueNums":2}}}}';
    const r = decodeRegisterBrokerBody(Buffer.from(text), false, 409);
    expect(r.ok && r.value.topicConfigSerializeWrapper.topicConfigTable.get('T')).toMatchObject({ order: true, topicSysFlag: 1 });
    expect(r.ok && r.value.topicConfigSerializeWrapper.dataVersion).toEqual({ counter: 1, stateVersion: 0, timestamp: 5 });
  });

  it('round-trips the compressed form (5.x layout with the mapping section)', () => {
    const body: RegisterBrokerBody = {
      filterServerList: [],
      topicConfigSerializeWrapper: {
        dataVersion: { counter: 7, stateVersion: 2, timestamp: 123 },
        topicConfigTable: new Map([
          ['A', newTopicConfig('A', { readQueueNums: 4, writeQueueNums: 8, perm: 7 })],
          ['B', newTopicConfig('B', { attributes: new Map([['message.type', 'FIFO']]) })],
        ]),
        topicQueueMappingInfoMap: new Map(),
      },
    };
    const wire = encodeRegisterBrokerBody(body, true, 479);
    expect(wire[0]).toBe(0x78); // zlib header
    const r = decodeRegisterBrokerBody(wire, true, 479);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.topicConfigSerializeWrapper.dataVersion).toEqual({ counter: 7, stateVersion: 2, timestamp: 123 });
    expect(r.value.topicConfigSerializeWrapper.topicConfigTable.get('A')).toMatchObject({ readQueueNums: 4, writeQueueNums: 8, perm: 7 });
    expect(r.value.topicConfigSerializeWrapper.topicConfigTable.get('B')?.attributes?.get('message.type')).toBe('FIFO');
    // A 4.9 broker (version < V5_0_0) writes no mapping section and its reader does not expect one.
    const old = encodeRegisterBrokerBody(body, true, 409);
    expect(decodeRegisterBrokerBody(old, true, 409).ok).toBe(true);
    expect(decodeRegisterBrokerBody(old, true, 479).ok).toBe(false);
  });

  it('TopicConfig text form: 5.x and 4.9', () => {
    expect(encodeTopicConfigText(newTopicConfig('TopicTest', { readQueueNums: 4, writeQueueNums: 4 }))).toBe('TopicTest 4 4 6 SINGLE_TAG {}');
    expect(decodeTopicConfigText('TopicTest 4 4 6 SINGLE_TAG')).toMatchObject({ topicName: 'TopicTest', readQueueNums: 4, perm: 6 });
    expect(() => decodeTopicConfigText('TopicTest 4 x 6 SINGLE_TAG')).toThrow();
    expect(() => decodeTopicConfigText('TopicTest 4 4 6 NO_SUCH')).toThrow();
  });

  it('fails (never throws) on malformed bodies', () => {
    const bad = [
      Buffer.from('{"topicConfigSerializeWrapper":'),
      Buffer.from('null'),
      Buffer.from('{"topicConfigSerializeWrapper":{"topicConfigTable":[1]}}'),
      Buffer.from('{"topicConfigSerializeWrapper":{"topicConfigTable":{"T":{"readQueueNums":"x"}}}}'),
      Buffer.from([0xff, 0xfe, 0x00]),
    ];
    for (const b of bad) expect(decodeRegisterBrokerBody(b, false, 479).ok).toBe(false);
    expect(decodeRegisterBrokerBody(Buffer.from('not zlib'), true, 479).ok).toBe(false);
    const truncated = zlib.deflateSync(Buffer.from([0, 0, 0, 50, 1, 2]));
    expect(decodeRegisterBrokerBody(truncated, true, 479).ok).toBe(false);
    const negative = zlib.deflateSync(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    expect(decodeRegisterBrokerBody(negative, true, 479).ok).toBe(false);
  });

  it('an absent body means no topics and data version 0/0', () => {
    const r = decodeRegisterBrokerBody(undefined, false, 479);
    expect(r.ok && r.value.topicConfigSerializeWrapper.dataVersion).toEqual({ counter: 0, stateVersion: 0, timestamp: 0 });
  });
});

describe('small bodies', () => {
  it('TopicList, KVTable, DataVersion', () => {
    expect(encodeTopicList({ topicList: ['a', 'b'] }).toString()).toBe('{"topicList":["a","b"]}');
    expect(encodeTopicList({ topicList: [], brokerAddr: 'h:1' }).toString()).toBe('{"brokerAddr":"h:1","topicList":[]}');
    const tl = decodeTopicList(Buffer.from('{"topicList":["x"]}'));
    expect(tl.ok && tl.value.topicList).toEqual(['x']);
    expect(encodeKVTable(new Map([['t', 'broker-a:4;broker-b:4']])).toString()).toBe('{"table":{"t":"broker-a:4;broker-b:4"}}');
    const kv = decodeKVTable(Buffer.from('{"table":{"k":"v"}}'));
    expect(kv.ok && kv.value.get('k')).toBe('v');
    expect(encodeDataVersion({ counter: 1, stateVersion: 0, timestamp: 2 }).toString()).toBe('{"counter":1,"stateVersion":0,"timestamp":2}');
    const dv = decodeDataVersion(Buffer.from('{"counter":1,"timestamp":2}'));
    expect(dv.ok && dv.value).toEqual({ counter: 1, stateVersion: 0, timestamp: 2 });
  });
});

describe('json', () => {
  it('parses fastjson oddities: unquoted numeric keys, object keys, single quotes', () => {
    const r = parseJson('{0:"a",1:\'b\',{"brokerName":"x","queueId":1}:5}');
    expect(r.ok).toBe(true);
    if (!r.ok || r.value === null || typeof r.value !== 'object' || Array.isArray(r.value)) return;
    expect(r.value['0']).toBe('a');
    expect(r.value['1']).toBe('b');
    expect(r.value['{"brokerName":"x","queueId":1}']).toBe(5);
  });
  it('treats __proto__ as a plain key', () => {
    const r = parseJson('{"__proto__":{"polluted":1}}');
    expect(r.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it('never throws on random input', () => {
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(Array.from({ length: (i % 40) + 1 }, () => Math.floor(Math.random() * 256)));
      expect(() => parseJson(bytes)).not.toThrow();
    }
    expect(parseJson('['.repeat(100000)).ok).toBe(false);
  });
  it('writes maps with number and object keys the fastjson way', () => {
    expect(toFastJson(new Map<number | object, number>([[1, 2], [{ a: 1 }, 3]]))).toBe('{1:2,{"a":1}:3}');
    expect(toFastJson({ b: 1, a: null, c: [null, 'x'] })).toBe('{"b":1,"c":[null,"x"]}');
    expect(quoteJson('a/é\n', true)).toBe('"a\\/\\u00E9\\n"');
    expect(quoteJson('a/é\n')).toBe('"a/é\\n"');
  });
});

describe('json properties', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fc = require('fast-check') as typeof import('fast-check');
  const jsonValue = fc.jsonValue({ maxDepth: 4 });

  it('parseJson reads whatever JSON.stringify writes', () => {
    fc.assert(fc.property(jsonValue, (v) => {
      const r = parseJson(JSON.stringify(v));
      expect(r.ok).toBe(true);
      if (r.ok) expect(JSON.stringify(r.value)).toBe(JSON.stringify(v));
    }));
  });

  it('standard-mode output is valid JSON and reads back (keys sorted)', () => {
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.boolean())), fc.array(fc.integer({ min: 0, max: 1e9 })), (d, ids) => {
      const m = new Map<number, string>(ids.map((i) => [i, `h:${i}`]));
      const text = toFastJson({ d, m }, { standard: true });
      const back = JSON.parse(text) as { d?: Record<string, unknown>; m: Record<string, string> };
      expect(back.m).toEqual(Object.fromEntries([...m].map(([k, v]) => [String(k), v])));
      const p = parseJson(text);
      expect(p.ok).toBe(true);
    }));
  });

  it('default-mode output with integer keys reads back with parseJson', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 1e9 })), (ids) => {
      const m = new Map<number, string>(ids.map((i) => [i, `h:${i}`]));
      const r = parseJson(toFastJson(m));
      expect(r.ok && Object.keys(r.value as object).length).toBe(new Set(ids).size);
    }));
  });
});
