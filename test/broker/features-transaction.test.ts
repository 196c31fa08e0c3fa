// Transactional messages over TCP: half message, END_TRANSACTION (oneway) and the check-back to
// the producer's connection, against an in-process NameServer + Broker.
import { RequestCode } from '../../src/protocol/request-code';
import { ResponseCode } from '../../src/protocol/response-code';
import { createRequest, type RemotingCommand } from '../../src/remoting/command';
import { RemotingClient } from '../../src/remoting/client';
import { decodeRecord, getProperty } from '../../src/store/message-codec';
import { heartbeatRequest, pullRequest, sendRequest, startCluster, type Cluster } from './core-helpers';

describe('broker features over TCP: transactions', () => {
  let c: Cluster;
  let producer: RemotingClient;
  const checks: RemotingCommand[] = [];
  beforeAll(async () => {
    c = await startCluster({ props: { transactionCheckInterval: '300', transactionTimeOut: '600' } });
    producer = new RemotingClient();
    // The producer answers a check with COMMIT, like a Java TransactionListener returning COMMIT_MESSAGE.
    producer.processors.register(RequestCode.CHECK_TRANSACTION_STATE, (conn, request) => {
      checks.push(request);
      const d = decodeRecord(request.body as Buffer);
      const uniq = d.kind === 'MESSAGE' ? getProperty(d.record.properties, 'UNIQ_KEY') ?? '' : '';
      conn.invokeOneway(createRequest(RequestCode.END_TRANSACTION, { extFields: {
        producerGroup: 'TXPG', tranStateTableOffset: request.extFields?.tranStateTableOffset ?? '', commitLogOffset: request.extFields?.commitLogOffset ?? '',
        commitOrRollback: '8', fromTransactionCheck: 'true', msgId: uniq, transactionId: request.extFields?.transactionId ?? '',
      } }));
      return null;
    });
    const hb = await producer.invoke(c.brokerAddr, heartbeatRequest({ clientID: '127.0.0.1@txp', group: '', topics: [], producerGroups: ['TXPG'] }), 3000);
    expect(hb.code).toBe(ResponseCode.SUCCESS);
  });
  afterAll(async () => {
    producer.shutdown();
    await c.stop();
  });

  async function pullAll(topic: string, queueId: number): Promise<string[]> {
    const r = await c.client.invoke(c.brokerAddr, pullRequest({ group: 'TXC', topic, queueId, offset: 0, suspendTimeoutMillis: 200, sysFlag: 6, subscription: '*' }), 3000);
    const out: string[] = [];
    const body = r.body ?? Buffer.alloc(0);
    for (let p = 0; p < body.length;) {
      const d = decodeRecord(body, p);
      if (d.kind !== 'MESSAGE') break;
      out.push(d.record.body.toString());
      p += d.size;
    }
    return out;
  }

  function halfSend(body: string) {
    return sendRequest({ topic: 'TxTopic', queueId: 0, body, sysFlag: 4, group: 'TXPG', props: { TRAN_MSG: 'true', PGROUP: 'TXPG' } });
  }

  test('commit by END_TRANSACTION (oneway) makes the message visible; rollback never does', async () => {
    await c.client.invoke(c.brokerAddr, heartbeatRequest({ clientID: 'cons', group: 'TXC', topics: [{ topic: 'TxTopic' }] }), 3000);
    const a = await producer.invoke(c.brokerAddr, halfSend('commit-me'), 3000);
    const b = await producer.invoke(c.brokerAddr, halfSend('roll-me-back'), 3000);
    expect(a.code).toBe(ResponseCode.SUCCESS);
    expect(await pullAll('TxTopic', 0)).toEqual([]);
    const end = (resp: RemotingCommand, type: string) => createRequest(RequestCode.END_TRANSACTION, { extFields: {
      producerGroup: 'TXPG', tranStateTableOffset: resp.extFields?.queueOffset ?? '', commitLogOffset: '', commitOrRollback: type,
      fromTransactionCheck: 'false', msgId: resp.extFields?.msgId ?? '', transactionId: resp.extFields?.transactionId ?? '',
    } });
    for (const [resp, type] of [[a, '8'], [b, '12']] as const) {
      const r = end(resp, type);
      const id = resp.extFields?.msgId ?? '';
      r.extFields!.commitLogOffset = String(parseInt(id.slice(16), 16));
      await producer.invokeOneway(c.brokerAddr, r);
    }
    let got: string[] = [];
    for (let i = 0; i < 40 && got.length === 0; i++) {
      await new Promise((res) => setTimeout(res, 25));
      got = await pullAll('TxTopic', 0);
    }
    expect(got).toEqual(['commit-me']);
  });

  test('an unresolved half message is checked back on the producer connection; its COMMIT answer delivers it', async () => {
    const before = checks.length;
    const r = await producer.invoke(c.brokerAddr, halfSend('ask-me'), 3000);
    expect(r.code).toBe(ResponseCode.SUCCESS);
    let got: string[] = [];
    for (let i = 0; i < 100 && !got.includes('ask-me'); i++) {
      await new Promise((res) => setTimeout(res, 50));
      got = await pullAll('TxTopic', 0);
    }
    expect(got).toContain('ask-me');
    expect(checks.length).toBeGreaterThan(before);
    const check = checks[checks.length - 1]!;
    expect(check.extFields?.msgId).toBe(r.extFields?.transactionId);
    const d = decodeRecord(check.body as Buffer);
    expect(d.kind === 'MESSAGE' && d.record.topic).toBe('TxTopic');
    // Resolved: no further checks for it.
    const n = checks.length;
    await new Promise((res) => setTimeout(res, 1500));
    expect(checks.length).toBe(n);
    expect((await pullAll('TxTopic', 0)).filter((b) => b === 'ask-me')).toHaveLength(1);
  });
});
