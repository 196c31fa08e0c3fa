// PULL_MESSAGE: statuses, long polling, tag filtering, commit offset in the pull.
import { ResponseCode } from '../../src/protocol/response-code';
import { decodeRecord, getProperty } from '../../src/store/message-codec';
import { heartbeatRequest, pullRequest, sendRequest, sleep, startCluster, type Cluster } from './core-helpers';

function records(body: Buffer | undefined) {
  const out = [];
  let p = 0;
  while (body && p < body.length) {
    const d = decodeRecord(body, p);
    if (d.kind !== 'MESSAGE') throw new Error(`bad record at ${p}`);
    out.push(d.record);
    p += d.size;
  }
  return out;
}

describe('broker core: pull', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await startCluster();
    // Topic with 4 queues, created by a first send.
    await c.client.invoke(c.brokerAddr, sendRequest({ topic: 'TP', queueId: 0, tags: 'TagA' }), 3000);
    await c.client.invoke(c.brokerAddr, heartbeatRequest({ clientID: 'cid-1', group: 'CG1', topics: [{ topic: 'TP' }] }), 3000);
    await c.client.invoke(c.brokerAddr, heartbeatRequest({ clientID: 'cid-2', group: 'CGTAG', topics: [{ topic: 'TP', tags: ['TagB'] }] }), 3000);
  });
  afterAll(async () => {
    await c.stop();
  });

  test('FOUND: SUCCESS with the four header fields, remark FOUND, records in queue order', async () => {
    await c.client.invoke(c.brokerAddr, sendRequest({ topic: 'TP', queueId: 0, tags: 'TagB', body: 'second' }), 3000);
    const resp = await c.client.invoke(c.brokerAddr, pullRequest({ group: 'CG1', topic: 'TP', queueId: 0, sysFlag: 0 }), 3000);
    expect(resp.code).toBe(ResponseCode.SUCCESS);
    expect(resp.remark).toBe('FOUND');
    expect(resp.extFields).toMatchObject({ suggestWhichBrokerId: '0', nextBeginOffset: '2', minOffset: '0', maxOffset: '2' });
    const recs = records(resp.body);
    expect(recs.map((r) => r.queueOffset)).toEqual([0, 1]);
    expect(recs[1].body.toString()).toBe('second');
  });

  test('tag filter by tags code: only TagB delivered; nextBeginOffset skips the rest', async () => {
    const resp = await c.client.invoke(c.brokerAddr, pullRequest({ group: 'CGTAG', topic: 'TP', queueId: 0, sysFlag: 0 }), 3000);
    expect(resp.code).toBe(ResponseCode.SUCCESS);
    const recs = records(resp.body);
    expect(recs.map((r) => getProperty(r.properties, 'TAGS'))).toEqual(['TagB']);
    expect(resp.extFields?.nextBeginOffset).toBe('2');
  });

  test('NO_MATCHED_MESSAGE -> PULL_RETRY_IMMEDIATELY with nextBeginOffset past the examined entries', async () => {
    await c.client.invoke(c.brokerAddr, heartbeatRequest({ clientID: 'cid-3', group: 'CGZ', topics: [{ topic: 'TP', tags: ['TagZ'] }] }), 3000);
    const resp = await c.client.invoke(c.brokerAddr, pullRequest({ group: 'CGZ', topic: 'TP', queueId: 0, offset: 0, sysFlag: 0 }), 3000);
    expect(resp.code).toBe(ResponseCode.PULL_RETRY_IMMEDIATELY);
    expect(resp.remark).toBe('NO_MATCHED_MESSAGE');
    expect(resp.extFields?.nextBeginOffset).toBe('2');
  });

  test('FLAG_SUBSCRIPTION: the expression in the request is used (lite pull style)', async () => {
    const resp = await c.client.invoke(c.brokerAddr, pullRequest({ group: 'CGLITE', topic: 'TP', queueId: 0, sysFlag: 4, subscription: 'TagA' }), 3000);
    expect(resp.code).toBe(ResponseCode.SUCCESS);
    expect(records(resp.body).map((r) => getProperty(r.properties, 'TAGS'))).toEqual(['TagA']);
  });

  test('offset status mapping: OVERFLOW_ONE 19, OVERFLOW_BADLY 21, empty queue offset 0 -> 19, offset > 0 -> 21', async () => {
    const one = await c.client.invoke(c.brokerAddr, pullRequest({ group: 'CG1', topic: 'TP', queueId: 0, offset: 2, sysFlag: 0 }), 3000);
    expect([one.code, one.remark, one.extFields?.nextBeginOffset]).toEqual([ResponseCode.PULL_NOT_FOUND, 'OFFSET_OVERFLOW_ONE', '2']);
    const badly = await c.client.invoke(c.brokerAddr, pullRequest({ group: 'CG1', topic: 'TP', queueId: 0, offset: 9, sysFlag: 0 }), 3000);
    expect([badly.code, badly.remark, badly.extFields?.nextBeginOffset]).toEqual([ResponseCode.PULL_OFFSET_MOVED, 'OFFSET_OVERFLOW_BADLY', '2']);
    const empty = await c.client.invoke(c.brokerAddr, pullRequest({ group: 'CG1', topic: 'TP', queueId: 3, offset: 0, sysFlag: 0 }), 3000);
    expect(empty.code).toBe(ResponseCode.PULL_NOT_FOUND);
    expect(empty.extFields).toMatchObject({ nextBeginOffset: '0', minOffset: '0', maxOffset: '0', suggestWhichBrokerId: '0' });
    const moved = await c.client.invoke(c.brokerAddr, pullRequest({ group: 'CG1', topic: 'TP', queueId: 3, offset: 5, sysFlag: 0 }), 3000);
    expect([moved.code, moved.extFields?.nextBeginOffset]).toEqual([ResponseCode.PULL_OFFSET_MOVED, '0']);
  });

  test('long polling: a suspended pull is answered as soon as a message arrives', async () => {
    const t0 = Date.now();
    const pending = c.client.invoke(c.brokerAddr, pullRequest({ group: 'CG1', topic: 'TP', queueId: 1, offset: 0, sysFlag: 2, suspendTimeoutMillis: 15000 }), 20000);
    await sleep(300);
    expect(c.broker.heldPullRequests).toBeGreaterThanOrEqual(1);
    await c.client.invoke(c.brokerAddr, sendRequest({ topic: 'TP', queueId: 1, body: 'wake' }), 3000);
    const resp = await pending;
    const waited = Date.now() - t0;
    expect(resp.code).toBe(ResponseCode.SUCCESS);
    expect(records(resp.body)[0].body.toString()).toBe('wake');
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(3000);
  });

  test('long polling: an idle pull is answered PULL_NOT_FOUND after suspendTimeoutMillis', async () => {
    const t0 = Date.now();
    const resp = await c.client.invoke(c.brokerAddr, pullRequest({ group: 'CG1', topic: 'TP', queueId: 2, offset: 0, sysFlag: 2, suspendTimeoutMillis: 700 }), 5000);
    const waited = Date.now() - t0;
    expect(resp.code).toBe(ResponseCode.PULL_NOT_FOUND);
    expect(waited).toBeGreaterThanOrEqual(650);
    expect(waited).toBeLessThan(2500);
  });

  test('long polling: a message whose tag does not match does not wake a filtered pull', async () => {
    const t0 = Date.now();
    const pending = c.client.invoke(c.brokerAddr, pullRequest({ group: 'CGTAG', topic: 'TP', queueId: 2, offset: 0, sysFlag: 2, suspendTimeoutMillis: 1200 }), 5000);
    await sleep(200);
    await c.client.invoke(c.brokerAddr, sendRequest({ topic: 'TP', queueId: 2, tags: 'TagA' }), 3000);
    await sleep(200);
    await c.client.invoke(c.brokerAddr, sendRequest({ topic: 'TP', queueId: 2, tags: 'TagB', body: 'b' }), 3000);
    const resp = await pending;
    expect(Date.now() - t0).toBeLessThan(1100);
    expect(resp.code).toBe(ResponseCode.SUCCESS);
    expect(records(resp.body).map((r) => r.body.toString())).toEqual(['b']);
  });

  test('FLAG_COMMIT_OFFSET stores commitOffset as the committed offset', async () => {
    await c.client.invoke(c.brokerAddr, pullRequest({ group: 'CG1', topic: 'TP', queueId: 0, offset: 2, sysFlag: 1, commitOffset: 2 }), 3000);
    expect(c.broker.consumerOffsetManager.queryOffset('CG1', 'TP', 0)).toBe(2);
    // Without the flag the offset is left alone.
    await c.client.invoke(c.brokerAddr, pullRequest({ group: 'CG1', topic: 'TP', queueId: 0, offset: 0, sysFlag: 0, commitOffset: 0 }), 3000);
    expect(c.broker.consumerOffsetManager.queryOffset('CG1', 'TP', 0)).toBe(2);
  });
});
