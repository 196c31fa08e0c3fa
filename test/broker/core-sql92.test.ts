// SQL92 filtering with enablePropertyFilter=true: pull, long polling, CHECK_CLIENT_CONFIG.
import { RequestCode } from '../../src/protocol/request-code';
import { ResponseCode } from '../../src/protocol/response-code';
import { decodeRecord } from '../../src/store/message-codec';
import { pullRequest, req, sendRequest, sleep, startCluster, type Cluster } from './core-helpers';

function sqlHeartbeat(clientID: string, group: string, topic: string, sql: string) {
  return req(RequestCode.HEART_BEAT, {}, Buffer.from(JSON.stringify({
    clientID,
    consumerDataSet: [{
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', consumeType: 'CONSUME_PASSIVELY', groupName: group, messageModel: 'CLUSTERING', unitMode: false,
      subscriptionDataSet: [{ classFilterMode: false, codeSet: [], expressionType: 'SQL92', subString: sql, subVersion: 1, tagsSet: [], topic }],
    }],
    producerDataSet: [],
  })));
}

function bodies(b: Buffer | undefined): string[] {
  const out: string[] = [];
  let p = 0;
  while (b && p < b.length) {
    const d = decodeRecord(b, p);
    if (d.kind !== 'MESSAGE') throw new Error('bad record');
    out.push(d.record.body.toString());
    p += d.size;
  }
  return out;
}

describe('broker core: SQL92 filter', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await startCluster({ props: { enablePropertyFilter: 'true' } });
    for (const [i, a] of [[0, '1'], [1, '7'], [2, '9']] as const) {
      const r = await c.client.invoke(c.brokerAddr, sendRequest({ topic: 'TSQL', queueId: 0, body: `m${i}`, props: { a } }), 3000);
      expect(r.code).toBe(ResponseCode.SUCCESS);
    }
  });
  afterAll(async () => {
    await c.stop();
  });

  test('pull returns only the messages whose properties match', async () => {
    await c.client.invoke(c.brokerAddr, sqlHeartbeat('s1', 'CGSQL', 'TSQL', 'a > 5 AND a < 9'), 3000);
    const r = await c.client.invoke(c.brokerAddr, pullRequest({ group: 'CGSQL', topic: 'TSQL', sysFlag: 0 }), 3000);
    expect(r.code).toBe(ResponseCode.SUCCESS);
    expect(bodies(r.body)).toEqual(['m1']);
    expect(r.extFields?.nextBeginOffset).toBe('3');
  });

  test('FLAG_SUBSCRIPTION with SQL92 in the request; a bad expression is SUBSCRIPTION_PARSE_FAILED', async () => {
    const p = pullRequest({ group: 'CGSQL2', topic: 'TSQL', sysFlag: 4, subscription: 'a = 9' });
    p.extFields!.expressionType = 'SQL92';
    const r = await c.client.invoke(c.brokerAddr, p, 3000);
    expect(bodies(r.body)).toEqual(['m2']);
    const bad = pullRequest({ group: 'CGSQL2', topic: 'TSQL', sysFlag: 4, subscription: 'a >' });
    bad.extFields!.expressionType = 'SQL92';
    expect((await c.client.invoke(c.brokerAddr, bad, 3000)).code).toBe(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
  });

  test('a heartbeat with an expression that does not compile: FILTER_DATA_NOT_EXIST on pull', async () => {
    await c.client.invoke(c.brokerAddr, sqlHeartbeat('s3', 'CGSQLBAD', 'TSQL', 'a >>> 1'), 3000);
    const r = await c.client.invoke(c.brokerAddr, pullRequest({ group: 'CGSQLBAD', topic: 'TSQL', sysFlag: 0 }), 3000);
    expect(r.code).toBe(ResponseCode.FILTER_DATA_NOT_EXIST);
  });

  test('a held pull wakes only for a matching message', async () => {
    await c.client.invoke(c.brokerAddr, sqlHeartbeat('s4', 'CGSQLW', 'TSQL', 'a = 42'), 3000);
    const t0 = Date.now();
    const pending = c.client.invoke(c.brokerAddr, pullRequest({ group: 'CGSQLW', topic: 'TSQL', queueId: 1, sysFlag: 2, suspendTimeoutMillis: 3000 }), 5000);
    await sleep(150);
    await c.client.invoke(c.brokerAddr, sendRequest({ topic: 'TSQL', queueId: 1, body: 'no', props: { a: '1' } }), 3000);
    await sleep(150);
    await c.client.invoke(c.brokerAddr, sendRequest({ topic: 'TSQL', queueId: 1, body: 'yes', props: { a: '42' } }), 3000);
    const r = await pending;
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(bodies(r.body)).toEqual(['yes']);
  });

  test('CHECK_CLIENT_CONFIG compiles the expression', async () => {
    const body = (sql: string) => Buffer.from(JSON.stringify({ clientId: 'x', group: 'G', subscriptionData: { topic: 'T', subString: sql, expressionType: 'SQL92', tagsSet: [], codeSet: [], subVersion: 1, classFilterMode: false } }));
    expect((await c.client.invoke(c.brokerAddr, req(RequestCode.CHECK_CLIENT_CONFIG, {}, body('a > 1')), 3000)).code).toBe(ResponseCode.SUCCESS);
    expect((await c.client.invoke(c.brokerAddr, req(RequestCode.CHECK_CLIENT_CONFIG, {}, body('a > ')), 3000)).code).toBe(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
  });
});
