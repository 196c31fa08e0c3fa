// Delay levels and retry/DLQ over TCP against an in-process NameServer + Broker.
import { RequestCode } from '../../src/protocol/request-code';
import { ResponseCode } from '../../src/protocol/response-code';
import type { RemotingCommand } from '../../src/remoting/command';
import { decodeRecord, getProperty, type StoredRecord } from '../../src/store/message-codec';
import { heartbeatRequest, pullRequest, req, sendRequest, startCluster, type Cluster } from './core-helpers';

function records(resp: RemotingCommand): StoredRecord[] {
  const out: StoredRecord[] = [];
  const body = resp.body ?? Buffer.alloc(0);
  for (let p = 0; p < body.length;) {
    const d = decodeRecord(body, p);
    if (d.kind !== 'MESSAGE') throw new Error('bad record in pull body');
    out.push(d.record);
    p += d.size;
  }
  return out;
}

describe('broker features over TCP: delay levels, retry, DLQ', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await startCluster();
  });
  afterAll(async () => {
    await c.stop();
  });

  async function pullUntil(group: string, topic: string, queueId: number, offset: number, deadlineMs: number): Promise<{ recs: StoredRecord[]; at: number }> {
    const end = Date.now() + deadlineMs;
    for (;;) {
      const left = end - Date.now();
      if (left <= 0) return { recs: [], at: Date.now() };
      const resp = await c.client.invoke(c.brokerAddr, pullRequest({ group, topic, queueId, offset, suspendTimeoutMillis: Math.min(left, 1000) }), left + 2000);
      if (resp.code === ResponseCode.SUCCESS) return { recs: records(resp), at: Date.now() };
    }
  }

  test('a DELAY=1 message reaches its topic no earlier than 1 s and within 1 s after that', async () => {
    const sent = Date.now();
    const resp = await c.client.invoke(c.brokerAddr, sendRequest({ topic: 'DelayTopic', queueId: 0, props: { DELAY: '1' } }), 3000);
    expect(resp.code).toBe(ResponseCode.SUCCESS);
    const hb = await c.client.invoke(c.brokerAddr, heartbeatRequest({ clientID: 'c-delay', group: 'GD', topics: [{ topic: 'DelayTopic' }] }), 3000);
    expect(hb.code).toBe(ResponseCode.SUCCESS);
    const { recs, at } = await pullUntil('GD', 'DelayTopic', 0, 0, 4000);
    expect(recs).toHaveLength(1);
    expect(at - sent).toBeGreaterThanOrEqual(1000);
    expect(at - sent).toBeLessThan(2000);
    expect(getProperty(recs[0]!.properties, 'DELAY')).toBeUndefined();
    expect(getProperty(recs[0]!.properties, 'REAL_TOPIC')).toBe('DelayTopic');
  });

  test('send-back: %RETRY% redelivery with reconsumeTimes and RETRY_TOPIC, then the DLQ; routes exist', async () => {
    await c.client.invoke(c.brokerAddr, heartbeatRequest({ clientID: 'c-retry', group: 'GR', topics: [{ topic: 'RetryTopic' }, { topic: '%RETRY%GR' }, { topic: '%DLQ%GR' }] }), 3000);
    const send = await c.client.invoke(c.brokerAddr, sendRequest({ topic: 'RetryTopic', queueId: 0, body: 'please retry' }), 3000);
    expect(send.code).toBe(ResponseCode.SUCCESS);
    const first = await pullUntil('GR', 'RetryTopic', 0, 0, 3000);
    const orig = first.recs[0]!;
    const back = await c.client.invoke(c.brokerAddr, req(RequestCode.CONSUMER_SEND_MSG_BACK, {
      offset: String(orig.physicalOffset), group: 'GR', delayLevel: '1', originMsgId: getProperty(orig.properties, 'UNIQ_KEY') ?? '',
      originTopic: 'RetryTopic', unitMode: 'false', maxReconsumeTimes: '1',
    }), 3000);
    expect(back.code).toBe(ResponseCode.SUCCESS);
    const t0 = Date.now();
    const retried = await pullUntil('GR', '%RETRY%GR', 0, 0, 4000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(800);
    const r = retried.recs[0]!;
    expect(r.reconsumeTimes).toBe(1);
    expect(r.body.toString()).toBe('please retry');
    expect(getProperty(r.properties, 'RETRY_TOPIC')).toBe('RetryTopic');
    expect(getProperty(r.properties, 'ORIGIN_MESSAGE_ID')).toBe(send.extFields?.msgId);
    expect(getProperty(r.properties, 'UNIQ_KEY')).toBe(getProperty(orig.properties, 'UNIQ_KEY'));

    // Second failure: reconsumeTimes 1 >= maxReconsumeTimes 1 → DLQ, no delay.
    const back2 = await c.client.invoke(c.brokerAddr, req(RequestCode.CONSUMER_SEND_MSG_BACK, {
      offset: String(r.physicalOffset), group: 'GR', delayLevel: '0', originTopic: 'RetryTopic', unitMode: 'false', maxReconsumeTimes: '1',
    }), 3000);
    expect(back2.code).toBe(ResponseCode.SUCCESS);
    const dlq = await pullUntil('GR', '%DLQ%GR', 0, 0, 2000);
    expect(dlq.recs).toHaveLength(1);
    expect(dlq.recs[0]!.reconsumeTimes).toBe(2);
    expect(getProperty(dlq.recs[0]!.properties, 'RETRY_TOPIC')).toBe('RetryTopic');

    for (const topic of ['%RETRY%GR', '%DLQ%GR']) {
      let route: RemotingCommand | undefined;
      for (let i = 0; i < 50; i++) {
        route = await c.client.invoke(c.namesrvAddr, req(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }), 3000);
        if (route.code === ResponseCode.SUCCESS) break;
        await new Promise((res) => setTimeout(res, 50));
      }
      expect(route?.code).toBe(ResponseCode.SUCCESS);
    }
  });

  test('send-back of an unknown offset is SYSTEM_ERROR with the Java remark', async () => {
    const back = await c.client.invoke(c.brokerAddr, req(RequestCode.CONSUMER_SEND_MSG_BACK, {
      offset: '987654321', group: 'GR', delayLevel: '0', unitMode: 'false',
    }), 3000);
    expect(back.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(back.remark).toBe('look message by offset failed, 987654321');
  });
});
