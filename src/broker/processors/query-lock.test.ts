import { createTestBroker, fakeConnection, testMessage, type TestBroker } from '../../../test/broker/features-context';
import { newClientChannelInfo } from '../client/client-channel-info';
import type { RemotingCommand } from '../../remoting/command';
import { RequestCode } from '../../protocol/request-code';
import { ResponseCode } from '../../protocol/response-code';
import { decodeRecord } from '../../store/message-codec';
import { registerLock } from './lock';
import { registerQuery } from './query';

describe('QUERY_MESSAGE / VIEW_MESSAGE_BY_ID', () => {
  let tb: TestBroker;
  beforeEach(async () => {
    tb = await createTestBroker();
    registerQuery(tb.ctx);
  });
  afterEach(() => tb.close());

  test('query by key returns the stored records and the index header', async () => {
    const a = await tb.ctx.putMessage(testMessage('QT', 0, { KEYS: 'order-1 order-2', UNIQ_KEY: 'U-1' }, 'first'));
    await tb.ctx.putMessage(testMessage('QT', 1, { KEYS: 'order-2', UNIQ_KEY: 'U-2' }, 'second'));
    const r = await tb.call(RequestCode.QUERY_MESSAGE, { topic: 'QT', key: 'order-2', maxNum: '32', beginTimestamp: '0', endTimestamp: String(Number.MAX_SAFE_INTEGER) });
    expect(r?.code).toBe(ResponseCode.SUCCESS);
    expect(r?.extFields?.indexLastUpdatePhyoffset).toMatch(/^\d+$/);
    expect(r?.extFields?.indexLastUpdateTimestamp).toMatch(/^\d+$/);
    const body = r?.body as Buffer;
    const bodies: string[] = [];
    for (let p = 0; p < body.length;) {
      const d = decodeRecord(body, p);
      if (d.kind !== 'MESSAGE') throw new Error('bad record');
      bodies.push(d.record.body.toString());
      p += d.size;
    }
    expect(bodies.sort()).toEqual(['first', 'second']);

    const u = await tb.call(RequestCode.QUERY_MESSAGE, { topic: 'QT', key: 'U-1', maxNum: '1', beginTimestamp: '0', endTimestamp: String(Number.MAX_SAFE_INTEGER), _UNIQUE_KEY_QUERY: 'true' });
    expect(u?.code).toBe(ResponseCode.SUCCESS);

    const none = await tb.call(RequestCode.QUERY_MESSAGE, { topic: 'QT', key: 'nope', maxNum: '32', beginTimestamp: '0', endTimestamp: '1' });
    expect(none?.code).toBe(ResponseCode.QUERY_NOT_FOUND);
    expect(none?.remark).toBe('can not find message, maybe time range not correct');
    expect(none?.extFields?.indexLastUpdateTimestamp).toBeDefined();

    const view = await tb.call(RequestCode.VIEW_MESSAGE_BY_ID, { offset: String(a.appendResult?.wroteOffset) });
    expect(view?.code).toBe(ResponseCode.SUCCESS);
    const d = decodeRecord(view?.body as Buffer);
    expect(d.kind === 'MESSAGE' && d.record.body.toString()).toBe('first');

    const missing = await tb.call(RequestCode.VIEW_MESSAGE_BY_ID, { offset: '999999' });
    expect(missing?.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(missing?.remark).toBe('can not find message by the offset, 999999');

    // Java admin tools query up to Long.MAX_VALUE.
    const maxLong = await tb.call(RequestCode.QUERY_MESSAGE, { topic: 'QT', key: 'U-2', maxNum: '32', beginTimestamp: '0', endTimestamp: '9223372036854775807', _UNIQUE_KEY_QUERY: 'true' });
    expect(maxLong?.code).toBe(ResponseCode.SUCCESS);

    const bad = await tb.call(RequestCode.QUERY_MESSAGE, { topic: 'QT' });
    expect(bad?.code).toBe(ResponseCode.SYSTEM_ERROR);
  });
});

describe('LOCK_BATCH_MQ / UNLOCK_BATCH_MQ', () => {
  let tb: TestBroker;
  beforeEach(async () => {
    tb = await createTestBroker();
    registerLock(tb.ctx);
  });
  afterEach(() => tb.close());

  const body = (clientId: string, ids: number[]) => Buffer.from(JSON.stringify({
    clientId, consumerGroup: 'CG', mqSet: ids.map((queueId) => ({ brokerName: 'broker-a', queueId, topic: 'TopicTest' })), onlyThisBroker: false,
  }));

  test('locks are exclusive per client and released by UNLOCK', async () => {
    let r = await tb.call(RequestCode.LOCK_BATCH_MQ, {}, body('c1', [0, 1]));
    expect(r?.code).toBe(ResponseCode.SUCCESS);
    expect(r?.body?.toString()).toBe('{"lockOKMQSet":[{"brokerName":"broker-a","queueId":0,"topic":"TopicTest"},{"brokerName":"broker-a","queueId":1,"topic":"TopicTest"}]}');
    r = await tb.call(RequestCode.LOCK_BATCH_MQ, {}, body('c2', [1, 2]));
    expect(r?.body?.toString()).toBe('{"lockOKMQSet":[{"brokerName":"broker-a","queueId":2,"topic":"TopicTest"}]}');
    r = await tb.call(RequestCode.UNLOCK_BATCH_MQ, {}, body('c1', [1]));
    expect(r?.code).toBe(ResponseCode.SUCCESS);
    expect(r?.body).toBeUndefined();
    r = await tb.call(RequestCode.LOCK_BATCH_MQ, {}, body('c2', [1]));
    expect(r?.body?.toString()).toContain('"queueId":1');
    // Go omits onlyThisBroker; an empty mqSet locks nothing.
    r = await tb.call(RequestCode.LOCK_BATCH_MQ, {}, Buffer.from('{"consumerGroup":"CG","clientId":"c3","mqSet":[]}'));
    expect(r?.body?.toString()).toBe('{"lockOKMQSet":[]}');
    r = await tb.call(RequestCode.LOCK_BATCH_MQ, {}, Buffer.from('nope'));
    expect(r?.code).toBe(ResponseCode.SYSTEM_ERROR);
  });

  test('an UNLOCK tells the clients refused a freed queue to rebalance now (NOTIFY_CONSUMER_IDS_CHANGED), once', async () => {
    const sent: Record<string, RemotingCommand[]> = { c1: [], c2: [], c3: [] };
    for (const c of ['c1', 'c2', 'c3']) {
      tb.ctx.consumerManager.registerConsumer('CG', newClientChannelInfo(fakeConnection(`127.0.0.1:5000${c[1]}`, sent[c]), c, 'JAVA', 409),
        'CONSUME_PASSIVELY', 'CLUSTERING', 'CONSUME_FROM_LAST_OFFSET', [], false);
    }
    await tb.call(RequestCode.LOCK_BATCH_MQ, {}, body('c1', [0, 1]));
    await tb.call(RequestCode.LOCK_BATCH_MQ, {}, body('c2', [1])); // refused
    await tb.call(RequestCode.LOCK_BATCH_MQ, {}, body('c3', [0])); // refused
    await tb.call(RequestCode.UNLOCK_BATCH_MQ, {}, body('c2', [1])); // not the owner: nothing freed
    expect([sent.c1.length, sent.c2.length, sent.c3.length]).toEqual([0, 0, 0]);
    await tb.call(RequestCode.UNLOCK_BATCH_MQ, {}, body('c1', [1]));
    expect(sent.c2.map((c) => [c.code, c.extFields?.consumerGroup])).toEqual([[RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, 'CG']]);
    expect([sent.c1.length, sent.c3.length]).toEqual([0, 0]);
    // c3 took queue 0 meanwhile? No: still c1's; c3 is told when c1 frees it, and only once
    await tb.call(RequestCode.UNLOCK_BATCH_MQ, {}, body('c1', [0, 1]));
    expect([sent.c1.length, sent.c2.length, sent.c3.length]).toEqual([0, 1, 1]);
    await tb.call(RequestCode.LOCK_BATCH_MQ, {}, body('c1', [0]));
    await tb.call(RequestCode.UNLOCK_BATCH_MQ, {}, body('c1', [0]));
    expect([sent.c1.length, sent.c2.length, sent.c3.length]).toEqual([0, 1, 1]);
  });

  test('no extra notify when the broker has notifyConsumerIdsChangedEnable=false', async () => {
    const off = await createTestBroker({ notifyConsumerIdsChangedEnable: false });
    try {
      registerLock(off.ctx);
      const sent: RemotingCommand[] = [];
      off.ctx.consumerManager.registerConsumer('CG', newClientChannelInfo(fakeConnection('127.0.0.1:50002', sent), 'c2', 'JAVA', 409),
        'CONSUME_PASSIVELY', 'CLUSTERING', 'CONSUME_FROM_LAST_OFFSET', [], false);
      await off.call(RequestCode.LOCK_BATCH_MQ, {}, body('c1', [0]));
      await off.call(RequestCode.LOCK_BATCH_MQ, {}, body('c2', [0]));
      await off.call(RequestCode.UNLOCK_BATCH_MQ, {}, body('c1', [0]));
      expect(sent).toEqual([]);
    } finally {
      await off.close();
    }
  });
});
