// Offsets: QUERY/UPDATE_CONSUMER_OFFSET, GET_MAX/MIN_OFFSET, SEARCH_OFFSET_BY_TIMESTAMP,
// GET_EARLIEST_MSG_STORETIME, consumerOffset.json persistence.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RequestCode } from '../../src/protocol/request-code';
import { ResponseCode } from '../../src/protocol/response-code';
import { parseFastjson } from '../../src/broker/config-file';
import { heartbeatRequest, req, sendRequest, sleep, startCluster, type Cluster } from './core-helpers';

describe('broker core: offsets', () => {
  let c: Cluster;
  const times: number[] = [];
  beforeAll(async () => {
    c = await startCluster({ props: { flushConsumerOffsetInterval: '200' } });
    for (let i = 0; i < 3; i++) {
      const r = await c.client.invoke(c.brokerAddr, sendRequest({ topic: 'TO', queueId: 0 }), 3000);
      expect(r.code).toBe(ResponseCode.SUCCESS);
      times.push(await c.broker.store.getMessageStoreTimeStamp('TO', 0, i));
      await sleep(15);
    }
    await c.client.invoke(c.brokerAddr, heartbeatRequest({ clientID: 'x', group: 'CGO', topics: [{ topic: 'TO' }] }), 3000);
  });
  afterAll(async () => {
    await c.stop();
  });

  test('a new group on a young queue gets offset 0 (quirk 8); an empty queue gets QUERY_NOT_FOUND', async () => {
    const r = await c.client.invoke(c.brokerAddr, req(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'NEWG', topic: 'TO', queueId: '0' }), 3000);
    expect(r.code).toBe(ResponseCode.SUCCESS);
    expect(r.extFields?.offset).toBe('0');
    const e = await c.client.invoke(c.brokerAddr, req(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'NEWG', topic: 'TO', queueId: '1' }), 3000);
    expect(e.code).toBe(ResponseCode.QUERY_NOT_FOUND);
    expect(e.remark).toBe('Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first');
    const z = await c.client.invoke(c.brokerAddr, req(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'NEWG', topic: 'TO', queueId: '0', setZeroIfNotFound: 'false' }), 3000);
    expect(z.code).toBe(ResponseCode.QUERY_NOT_FOUND);
    expect(z.remark).toBe('Not found, do not set to zero, maybe this group boot first');
  });

  test('UPDATE then QUERY; oneway update also applies', async () => {
    const u = await c.client.invoke(c.brokerAddr, req(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'CGO', topic: 'TO', queueId: '0', commitOffset: '2' }), 3000);
    expect(u.code).toBe(ResponseCode.SUCCESS);
    let q = await c.client.invoke(c.brokerAddr, req(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'CGO', topic: 'TO', queueId: '0' }), 3000);
    expect(q.extFields?.offset).toBe('2');
    await c.client.invokeOneway(c.brokerAddr, req(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'CGO', topic: 'TO', queueId: '0', commitOffset: '3' }));
    await sleep(100);
    q = await c.client.invoke(c.brokerAddr, req(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'CGO', topic: 'TO', queueId: '0' }), 3000);
    expect(q.extFields?.offset).toBe('3');
  });

  test('UPDATE for an unknown group or topic: the 5.x codes, nothing stored', async () => {
    const g = await c.client.invoke(c.brokerAddr, req(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'NOGROUP', topic: 'TO', queueId: '0', commitOffset: '1' }), 3000);
    expect([g.code, g.remark]).toEqual([ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, 'Group NOGROUP not exist!']);
    const t = await c.client.invoke(c.brokerAddr, req(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'CGO', topic: 'NOTOPIC', queueId: '0', commitOffset: '1' }), 3000);
    expect([t.code, t.remark]).toEqual([ResponseCode.TOPIC_NOT_EXIST, 'Topic NOTOPIC not exist!']);
    expect(c.broker.consumerOffsetManager.queryOffset('NOGROUP', 'TO', 0)).toBe(-1);
    expect(c.broker.consumerOffsetManager.queryOffset('CGO', 'NOTOPIC', 0)).toBe(-1);
  });

  test('GET_MAX_OFFSET / GET_MIN_OFFSET / GET_EARLIEST_MSG_STORETIME', async () => {
    const max = await c.client.invoke(c.brokerAddr, req(RequestCode.GET_MAX_OFFSET, { topic: 'TO', queueId: '0', committed: 'true' }), 3000);
    expect(max.extFields?.offset).toBe('3');
    const maxEmpty = await c.client.invoke(c.brokerAddr, req(RequestCode.GET_MAX_OFFSET, { topic: 'NOPE', queueId: '0' }), 3000);
    expect([maxEmpty.code, maxEmpty.extFields?.offset]).toEqual([ResponseCode.SUCCESS, '0']);
    const min = await c.client.invoke(c.brokerAddr, req(RequestCode.GET_MIN_OFFSET, { topic: 'TO', queueId: '0' }), 3000);
    expect(min.extFields?.offset).toBe('0');
    const e = await c.client.invoke(c.brokerAddr, req(RequestCode.GET_EARLIEST_MSG_STORETIME, { topic: 'TO', queueId: '0' }), 3000);
    expect(e.extFields?.timestamp).toBe(String(times[0]));
  });

  test('SEARCH_OFFSET_BY_TIMESTAMP: LOWER (default) and UPPER', async () => {
    const s = async (ts: number, boundaryType?: string) => {
      const ext: Record<string, string> = { topic: 'TO', queueId: '0', timestamp: String(ts) };
      if (boundaryType) ext.boundaryType = boundaryType;
      const r = await c.client.invoke(c.brokerAddr, req(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, ext), 3000);
      expect(r.code).toBe(ResponseCode.SUCCESS);
      return Number(r.extFields?.offset);
    };
    expect(await s(times[1])).toBe(1);
    expect(await s(times[0] - 1000)).toBe(0);
    expect(await s(times[2] + 1000)).toBe(3);
    expect(await s(times[1], 'UPPER')).toBe(1);
    expect(await s(times[1] + 1, 'upper')).toBe(1);
  });

  test('consumerOffset.json is written periodically in the Java shape', async () => {
    await sleep(500);
    const file = path.join(c.dir, 'config', 'consumerOffset.json');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/"TO@CGO":\{0:3\n/);
    const j = parseFastjson(text) as { offsetTable: Record<string, Record<string, number>>; groupTopicMap: Record<string, string[]> };
    expect(j.offsetTable['TO@CGO']).toEqual({ 0: 3 });
    expect(j.groupTopicMap.CGO).toEqual(['TO']);
  });
});

describe('broker core: offsets survive a restart', () => {
  test('committed offsets are persisted at shutdown and loaded at start (file store)', async () => {
    const a = await startCluster({ fileStore: true });
    await a.client.invoke(a.brokerAddr, sendRequest({ topic: 'TR', queueId: 0 }), 3000);
    await a.client.invoke(a.brokerAddr, heartbeatRequest({ clientID: 'x', group: 'CGR', topics: [{ topic: 'TR' }] }), 3000);
    const u = await a.client.invoke(a.brokerAddr, req(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'CGR', topic: 'TR', queueId: '0', commitOffset: '1' }), 3000);
    expect(u.code).toBe(ResponseCode.SUCCESS);
    await a.stop();
    const b = await startCluster({ fileStore: true, dir: a.dir });
    try {
      const q = await b.client.invoke(b.brokerAddr, req(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'CGR', topic: 'TR', queueId: '0' }), 3000);
      expect(q.extFields?.offset).toBe('1');
      const max = await b.client.invoke(b.brokerAddr, req(RequestCode.GET_MAX_OFFSET, { topic: 'TR', queueId: '0' }), 3000);
      expect(max.extFields?.offset).toBe('1');
      expect(b.broker.topicConfigManager.selectTopicConfig('TR')).toBeDefined();
    } finally {
      await b.stop();
    }
  });
});
