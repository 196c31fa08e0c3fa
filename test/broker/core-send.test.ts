// SEND_MESSAGE / SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE over TCP against an in-process broker.
import { RequestCode } from '../../src/protocol/request-code';
import { ResponseCode } from '../../src/protocol/response-code';
import { decodeRecord, getProperty, parseMessageId } from '../../src/store/message-codec';
import { batchRequest, pullRequest, heartbeatRequest, req, sendRequest, startCluster, type Cluster } from './core-helpers';

describe('broker core: send', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await startCluster();
  });
  afterAll(async () => {
    await c.stop();
  });

  async function storedRecords(topic: string, queueId: number) {
    const r = await c.broker.store.getMessage({ group: 'x', topic, queueId, offset: 0, maxMsgNums: 100 });
    return r.messages.map((m) => {
      const d = decodeRecord(m);
      if (d.kind !== 'MESSAGE') throw new Error('bad record');
      return d.record;
    });
  }

  test('V2 send auto-creates the topic from TBW102 and answers with the Java response header', async () => {
    const resp = await c.client.invoke(c.brokerAddr, sendRequest({ topic: 'TopicAuto', queueId: 1, tags: 'TagA' }), 3000);
    expect(resp.code).toBe(ResponseCode.SUCCESS);
    const ext = resp.extFields ?? {};
    expect(ext.MSG_REGION).toBe('DefaultRegion');
    expect(ext.TRACE_ON).toBe('true');
    expect(ext.queueId).toBe('1');
    expect(ext.queueOffset).toBe('0');
    expect(ext.transactionId).toMatch(/^[0-9A-F]{32}$/);
    const id = parseMessageId(ext.msgId ?? '');
    expect(id.ok && id.value).toEqual({ address: '127.0.0.1', port: c.broker.config.listenPort, offset: 0 });
    const tc = c.broker.topicConfigManager.selectTopicConfig('TopicAuto');
    expect(tc).toMatchObject({ readQueueNums: 4, writeQueueNums: 4, perm: 6 });
    const recs = await storedRecords('TopicAuto', 1);
    expect(recs).toHaveLength(1);
    const props = recs[0].properties;
    expect(getProperty(props, 'CLUSTER')).toBe('DefaultCluster');
    expect(getProperty(props, 'MSG_REGION')).toBe('DefaultRegion');
    expect(getProperty(props, 'TRACE_ON')).toBe('true');
    expect(getProperty(props, 'UNIQ_KEY')).toBe(ext.transactionId);
    expect(recs[0].storeHost).toEqual({ address: '127.0.0.1', port: c.broker.config.listenPort });
  });

  test('V1 send (code 10) and a missing UNIQ_KEY gets one from the broker', async () => {
    const r = sendRequest({ topic: 'TopicAuto', queueId: 2, code: RequestCode.SEND_MESSAGE });
    r.extFields!.properties = 'TAGS\u0001T1\u0002';
    const resp = await c.client.invoke(c.brokerAddr, r, 3000);
    expect(resp.code).toBe(ResponseCode.SUCCESS);
    const recs = await storedRecords('TopicAuto', 2);
    expect(getProperty(recs[0].properties, 'UNIQ_KEY')).toMatch(/^[0-9A-F]{32}$/);
    expect(getProperty(recs[0].properties, 'UNIQ_KEY')).toBe(resp.extFields?.transactionId);
  });

  test('negative queueId picks a writable queue; offsets grow per queue', async () => {
    const offsets = new Map<string, number[]>();
    for (let i = 0; i < 12; i++) {
      const resp = await c.client.invoke(c.brokerAddr, sendRequest({ topic: 'TopicAuto2', queueId: -1 }), 3000);
      expect(resp.code).toBe(ResponseCode.SUCCESS);
      const q = resp.extFields!.queueId!;
      expect(Number(q)).toBeGreaterThanOrEqual(0);
      expect(Number(q)).toBeLessThan(4);
      const l = offsets.get(q) ?? [];
      l.push(Number(resp.extFields!.queueOffset));
      offsets.set(q, l);
    }
    for (const l of offsets.values()) expect(l).toEqual(l.map((_, i) => i));
  });

  test('batch: consecutive offsets, comma-joined msgIds, each element stored with its own properties', async () => {
    const els = [0, 1, 2].map((i) => ({ flag: i, body: Buffer.from(`m${i}`), properties: `UNIQ_KEY\u0001U${i}\u0002TAGS\u0001B\u0002` }));
    const resp = await c.client.invoke(c.brokerAddr, batchRequest('TopicBatch', els, 3, { WAIT: 'true', UNIQ_KEY: 'BATCHKEY' }), 3000);
    expect(resp.code).toBe(ResponseCode.SUCCESS);
    expect(resp.extFields?.queueOffset).toBe('0');
    expect(resp.extFields?.queueId).toBe('3');
    expect(resp.extFields?.msgId?.split(',')).toHaveLength(3);
    expect(resp.extFields?.transactionId).toBe('BATCHKEY');
    const recs = await storedRecords('TopicBatch', 3);
    expect(recs.map((r) => r.body.toString())).toEqual(['m0', 'm1', 'm2']);
    expect(recs.map((r) => getProperty(r.properties, 'UNIQ_KEY'))).toEqual(['U0', 'U1', 'U2']);
    expect(recs.map((r) => r.queueOffset)).toEqual([0, 1, 2]);
  });

  test('a V2 request with m=true is a batch regardless of its code (quirk 4)', async () => {
    const r = batchRequest('TopicBatch', [{ flag: 0, body: Buffer.from('x'), properties: '' }], 0);
    r.code = RequestCode.SEND_MESSAGE_V2;
    const resp = await c.client.invoke(c.brokerAddr, r, 3000);
    expect(resp.code).toBe(ResponseCode.SUCCESS);
    const recs = await storedRecords('TopicBatch', 0);
    expect(recs[0].body.toString()).toBe('x');
  });

  test('a send to %RETRY%group over maxReconsumeTimes goes to %DLQ%group', async () => {
    const resp = await c.client.invoke(c.brokerAddr, sendRequest({ topic: '%RETRY%CGX', queueId: 0, reconsumeTimes: 3, maxReconsumeTimes: 2 }), 3000);
    expect(resp.code).toBe(ResponseCode.SUCCESS);
    const recs = await storedRecords('%DLQ%CGX', 0);
    expect(recs).toHaveLength(1);
    expect(c.broker.topicConfigManager.selectTopicConfig('%DLQ%CGX')).toMatchObject({ readQueueNums: 1, writeQueueNums: 1 });
  });

  test('a send to %RETRY%group of a group holding queue locks (orderly) goes to the DLQ (5.x)', async () => {
    const lock = req(RequestCode.LOCK_BATCH_MQ, {}, Buffer.from(JSON.stringify({
      clientId: 'oc', consumerGroup: 'CGORD', mqSet: [{ brokerName: 'broker-a', queueId: 0, topic: 'TopicAuto' }], onlyThisBroker: false,
    })));
    expect((await c.client.invoke(c.brokerAddr, lock, 3000)).code).toBe(ResponseCode.SUCCESS);
    const resp = await c.client.invoke(c.brokerAddr, sendRequest({ topic: '%RETRY%CGORD', queueId: 0, reconsumeTimes: 1, maxReconsumeTimes: 16 }), 3000);
    expect(resp.code).toBe(ResponseCode.SUCCESS);
    expect(await storedRecords('%DLQ%CGORD', 0)).toHaveLength(1);
    expect(await storedRecords('%RETRY%CGORD', 0)).toHaveLength(0);
  });

  test('pulled body = the stored records byte for byte', async () => {
    await c.client.invoke(c.brokerAddr, heartbeatRequest({ clientID: 'c1', group: 'CGS', topics: [{ topic: 'TopicAuto' }] }), 3000);
    const resp = await c.client.invoke(c.brokerAddr, pullRequest({ group: 'CGS', topic: 'TopicAuto', queueId: 1, sysFlag: 0 }), 3000);
    expect(resp.code).toBe(ResponseCode.SUCCESS);
    const stored = await c.broker.store.getMessage({ group: 'x', topic: 'TopicAuto', queueId: 1, offset: 0, maxMsgNums: 32 });
    expect(resp.body?.equals(Buffer.concat(stored.messages))).toBe(true);
  });

  test('unknown request code: the Java remark', async () => {
    const resp = await c.client.invoke(c.brokerAddr, req(99999), 3000);
    expect(resp.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    expect(resp.remark).toBe(' request type 99999 not supported');
  });

  test('the VIP server (listenPort - 2, ephemeral here) serves the same requests', async () => {
    expect(c.broker.fastRemotingServer.port).toBeGreaterThan(0);
    const resp = await c.client.invoke(`127.0.0.1:${c.broker.fastRemotingServer.port}`, sendRequest({ topic: 'TopicAuto', queueId: 0 }), 3000);
    expect(resp.code).toBe(ResponseCode.SUCCESS);
  });
});
