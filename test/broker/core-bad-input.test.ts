// Bad input: the Java response codes, and nothing already stored is touched.
import { RequestCode } from '../../src/protocol/request-code';
import { ResponseCode } from '../../src/protocol/response-code';
import { batchRequest, heartbeatRequest, pullRequest, req, sendRequest, startCluster, type Cluster } from './core-helpers';

describe('broker core: bad input', () => {
  let c: Cluster;
  let strict: Cluster;
  let phyBefore = 0;
  beforeAll(async () => {
    c = await startCluster();
    strict = await startCluster({ props: { autoCreateTopicEnable: 'false', autoCreateSubscriptionGroup: 'false' } });
    const r = await c.client.invoke(c.brokerAddr, sendRequest({ topic: 'TGOOD', queueId: 0, body: 'keep me' }), 3000);
    expect(r.code).toBe(ResponseCode.SUCCESS);
    phyBefore = c.broker.store.getMaxPhyOffset();
  });
  afterAll(async () => {
    // Nothing stored was touched by any of the bad requests above.
    expect(c.broker.store.getMaxPhyOffset()).toBe(phyBefore);
    const m = await c.broker.store.getMessage({ group: 'g', topic: 'TGOOD', queueId: 0, offset: 0, maxMsgNums: 10 });
    expect(m.messages).toHaveLength(1);
    await c.stop();
    await strict.stop();
  });

  const send = async (r: ReturnType<typeof sendRequest>, cl: Cluster = c) => cl.client.invoke(cl.brokerAddr, r, 5000);

  test('illegal topic characters: INVALID_PARAMETER, topic not created', async () => {
    const r = await send(sendRequest({ topic: 'bad topic!' }));
    expect([r.code, r.remark]).toEqual([ResponseCode.INVALID_PARAMETER, 'The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$']);
    expect(r.extFields).toMatchObject({ MSG_REGION: 'DefaultRegion', TRACE_ON: 'true' });
    expect(c.broker.topicConfigManager.selectTopicConfig('bad topic!')).toBeUndefined();
  });

  test('a 4.9 client (version < 413) gets SYSTEM_ERROR where 5.x answers INVALID_PARAMETER (quirk 12)', async () => {
    const r = sendRequest({ topic: 'bad topic!' });
    r.version = 409;
    expect((await send(r)).code).toBe(ResponseCode.SYSTEM_ERROR);
    const p = pullRequest({ group: 'G', topic: 'TGOOD', queueId: 99, sysFlag: 0 });
    p.version = 409;
    expect((await send(p)).code).toBe(ResponseCode.SYSTEM_ERROR);
  });

  test('topic longer than 127: INVALID_PARAMETER; blank topic: INVALID_PARAMETER', async () => {
    const r = await send(sendRequest({ topic: 'T'.repeat(128) }));
    expect([r.code, r.remark]).toEqual([ResponseCode.INVALID_PARAMETER, 'The specified topic is longer than topic max length 127.']);
    const b = await send(sendRequest({ topic: '' }));
    expect([b.code, b.remark]).toEqual([ResponseCode.INVALID_PARAMETER, 'The specified topic is blank.']);
  });

  test('system topics: NO_PERMISSION', async () => {
    const r = await send(sendRequest({ topic: 'SCHEDULE_TOPIC_XXXX' }));
    expect([r.code, r.remark]).toEqual([ResponseCode.NO_PERMISSION, 'Sending message to topic[SCHEDULE_TOPIC_XXXX] is forbidden.']);
  });

  test('unknown topic without auto-create: TOPIC_NOT_EXIST', async () => {
    const r = await send(sendRequest({ topic: 'TNEW' }), strict);
    expect(r.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(r.remark).toMatch(/^topic\[TNEW\] not exist, apply first please!/);
    const d = await send(sendRequest({ topic: 'TNEW2', defaultTopic: 'NO_SUCH_TEMPLATE' }));
    expect(d.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
  });

  test('queueId out of range: INVALID_PARAMETER', async () => {
    const r = await send(sendRequest({ topic: 'TGOOD', queueId: 4 }));
    expect(r.code).toBe(ResponseCode.INVALID_PARAMETER);
    expect(r.remark).toMatch(/^request queueId\[4\] is illegal, TopicConfig \[topicName=TGOOD, readQueueNums=4, writeQueueNums=4/);
  });

  test('body over maxMessageSize (4 MiB): MESSAGE_ILLEGAL', async () => {
    const r = await send(sendRequest({ topic: 'TGOOD', body: Buffer.alloc(4 * 1024 * 1024 + 1, 1) }));
    expect(r.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(r.remark).toBe('the message is illegal, maybe msg body or properties length not matched. msg body length limit 4194304B, msg properties length limit 32KB.');
  });

  test('properties over 32767 bytes: MESSAGE_ILLEGAL', async () => {
    const r = await send(sendRequest({ topic: 'TGOOD', props: { big: 'x'.repeat(33000) } }));
    expect(r.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
  });

  test('missing or malformed required header fields: SYSTEM_ERROR', async () => {
    const noTopic = sendRequest({ topic: 'TGOOD' });
    delete noTopic.extFields!.b;
    const r1 = await send(noTopic);
    expect(r1.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(r1.remark).toContain('<b>');
    const badQueue = sendRequest({ topic: 'TGOOD', code: RequestCode.SEND_MESSAGE });
    badQueue.extFields!.queueId = 'abc';
    const r2 = await send(badQueue);
    expect(r2.code).toBe(ResponseCode.SYSTEM_ERROR);
    const noExt = req(RequestCode.SEND_MESSAGE_V2, undefined, Buffer.from('x'));
    delete noExt.extFields;
    expect((await send(noExt)).code).toBe(ResponseCode.SYSTEM_ERROR);
    const pull = pullRequest({ group: 'G', topic: 'TGOOD' });
    delete pull.extFields!.queueOffset;
    expect((await send(pull)).code).toBe(ResponseCode.SYSTEM_ERROR);
    const q = await send(req(RequestCode.QUERY_CONSUMER_OFFSET, { topic: 'TGOOD' }));
    expect(q.code).toBe(ResponseCode.SYSTEM_ERROR);
  });

  test('batch: to a retry topic, with DELAY, or with a malformed body: MESSAGE_ILLEGAL', async () => {
    const retry = await send(batchRequest('%RETRY%G', [{ flag: 0, body: Buffer.from('x'), properties: '' }]));
    expect([retry.code, retry.remark]).toEqual([ResponseCode.MESSAGE_ILLEGAL, 'batch request does not support retry group %RETRY%G']);
    const delay = await send(batchRequest('TGOOD', [{ flag: 0, body: Buffer.from('x'), properties: '' }], 0, { DELAY: '3' }));
    expect(delay.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    const bad = batchRequest('TGOOD', [{ flag: 0, body: Buffer.from('x'), properties: '' }]);
    bad.body = Buffer.concat([bad.body!, Buffer.from([0, 0, 0, 99, 1, 2])]);
    expect((await send(bad)).code).toBe(ResponseCode.MESSAGE_ILLEGAL);
  });

  test('pull for an unknown group: SUBSCRIPTION_GROUP_NOT_EXIST without auto-create, SUBSCRIPTION_NOT_EXIST without a heartbeat', async () => {
    await send(sendRequest({ topic: 'TGOOD', queueId: 0 }), strict).catch(() => undefined);
    const g = await send(pullRequest({ group: 'NOGROUP', topic: 'TBW102', sysFlag: 0 }), strict);
    expect(g.code).toBe(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST);
    expect(g.remark).toMatch(/^subscription group \[NOGROUP\] does not exist/);
    const s = await send(pullRequest({ group: 'NEWGROUP', topic: 'TGOOD', sysFlag: 0 }));
    expect(s.code).toBe(ResponseCode.SUBSCRIPTION_NOT_EXIST);
  });

  test('pull: unknown topic TOPIC_NOT_EXIST, bad queue ids INVALID_PARAMETER, old subVersion SUBSCRIPTION_NOT_LATEST', async () => {
    await c.client.invoke(c.brokerAddr, heartbeatRequest({ clientID: 'z', group: 'CGB', topics: [{ topic: 'TGOOD' }], subVersion: 100 }), 3000);
    const t = await send(pullRequest({ group: 'CGB', topic: 'NOSUCHTOPIC', sysFlag: 0 }));
    expect(t.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    for (const q of [-1, 4, 1000]) {
      const r = await send(pullRequest({ group: 'CGB', topic: 'TGOOD', queueId: q, sysFlag: 0 }));
      expect(r.code).toBe(ResponseCode.INVALID_PARAMETER);
    }
    const v = await send(pullRequest({ group: 'CGB', topic: 'TGOOD', sysFlag: 0, subVersion: 200 }));
    expect(v.code).toBe(ResponseCode.SUBSCRIPTION_NOT_LATEST);
  });

  test('transaction message with rejectTransactionMessage: NO_PERMISSION', async () => {
    strict.broker.config.rejectTransactionMessage = true;
    strict.broker.topicConfigManager.createTopicIfAbsent('TTX', 4, 6);
    const r = await send(sendRequest({ topic: 'TTX', props: { TRAN_MSG: 'true', PGROUP: 'PG' } }), strict);
    expect(r.code).toBe(ResponseCode.NO_PERMISSION);
  });
});
