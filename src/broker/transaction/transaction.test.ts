import { createTestBroker, fakeConnection, testMessage, type TestBroker } from '../../../test/broker/features-context';
import { RequestCode } from '../../protocol/request-code';
import { ResponseCode } from '../../protocol/response-code';
import type { RemotingCommand } from '../../remoting/command';
import { decodeProperties, decodeRecord } from '../../store/message-codec';
import { newClientChannelInfo } from '../client/client-channel-info';
import { registerSchedule } from '../schedule';
import { registerTransaction, TransactionalMessageCheckService } from './index';
import { CID_SYS_RMQ_TRANS, RMQ_SYS_TRANS_HALF_TOPIC, RMQ_SYS_TRANS_OP_HALF_TOPIC, TRANS_CHECK_MAX_TIME_TOPIC } from './transactional-message-util';

describe('transactions', () => {
  let tb: TestBroker;
  beforeEach(async () => {
    tb = await createTestBroker();
    registerSchedule(tb.ctx);
    registerTransaction(tb.ctx);
  });
  afterEach(() => tb.close());

  async function sendHalf(uniq = 'TX1', bornTimestamp = Date.now()) {
    const m = { ...testMessage('TxTopic', 2, { TRAN_MSG: 'true', PGROUP: 'PG', UNIQ_KEY: uniq, TAGS: 't' }, 'tx-body'), sysFlag: 0x4, bornTimestamp };
    const r = await tb.ctx.putMessage(m);
    if (!r.appendResult) throw new Error('put failed');
    return r.appendResult;
  }

  async function read(topic: string, queueId: number, offset = 0) {
    const got = await tb.store.getMessage({ group: 'x', topic, queueId, offset, maxMsgNums: 1 });
    if (got.messages.length === 0) return undefined;
    const d = decodeRecord(got.messages[0] as Buffer);
    if (d.kind !== 'MESSAGE') throw new Error('bad');
    return { rec: d.record, props: decodeProperties(d.record.properties) };
  }

  const endHeader = (a: { logicsOffset: number; wroteOffset: number }, type: number, extra: Record<string, string> = {}) => ({
    producerGroup: 'PG', tranStateTableOffset: String(a.logicsOffset), commitLogOffset: String(a.wroteOffset), commitOrRollback: String(type),
    fromTransactionCheck: 'false', msgId: 'TX1', transactionId: 'TX1', ...extra,
  });

  test('half message parked in RMQ_SYS_TRANS_HALF_TOPIC; COMMIT delivers it with COMMIT bits and writes an op record', async () => {
    const a = await sendHalf();
    expect(tb.store.getMaxOffsetInQueue('TxTopic', 2)).toBe(0);
    const half = await read(RMQ_SYS_TRANS_HALF_TOPIC, 0);
    expect(half?.props.get('REAL_TOPIC')).toBe('TxTopic');
    expect(half?.props.get('REAL_QID')).toBe('2');
    expect(half?.props.get('__transactionId__')).toBe('TX1');
    expect((half?.rec.sysFlag ?? -1) & 0xc).toBe(0);
    const r = await tb.call(RequestCode.END_TRANSACTION, endHeader(a, 8));
    expect(r?.code).toBe(ResponseCode.SUCCESS);
    const real = await read('TxTopic', 2);
    expect(real?.rec.body.toString()).toBe('tx-body');
    expect((real?.rec.sysFlag ?? 0) & 0xc).toBe(0x8);
    expect(real?.rec.preparedTransactionOffset).toBe(a.wroteOffset);
    expect(real?.props.has('TRAN_MSG')).toBe(false);
    expect(real?.props.has('REAL_TOPIC')).toBe(false);
    expect(real?.props.get('UNIQ_KEY')).toBe('TX1');
    const op = await read(RMQ_SYS_TRANS_OP_HALF_TOPIC, 0);
    expect(op?.rec.body.toString()).toBe('0,');
    expect(op?.props.get('TAGS')).toBe('d');
  });

  test('ROLLBACK writes only the op record; UNKNOWN gets no response; mismatches are SYSTEM_ERROR', async () => {
    const a = await sendHalf();
    expect(await tb.call(RequestCode.END_TRANSACTION, endHeader(a, 0))).toBeNull();
    let r = await tb.call(RequestCode.END_TRANSACTION, endHeader(a, 8, { producerGroup: 'OTHER' }));
    expect(r?.remark).toBe('The producer group wrong');
    r = await tb.call(RequestCode.END_TRANSACTION, endHeader(a, 8, { tranStateTableOffset: '5' }));
    expect(r?.remark).toBe('The transaction state table offset wrong');
    r = await tb.call(RequestCode.END_TRANSACTION, endHeader(a, 8, { commitLogOffset: '999999' }));
    expect(r?.remark).toBe('Find prepared transaction message failed');
    r = await tb.call(RequestCode.END_TRANSACTION, endHeader(a, 12));
    expect(r?.code).toBe(ResponseCode.SUCCESS);
    expect(tb.store.getMaxOffsetInQueue('TxTopic', 2)).toBe(0);
    expect(tb.store.getMaxOffsetInQueue(RMQ_SYS_TRANS_OP_HALF_TOPIC, 0)).toBe(1);
  });

  test('check-back: an old unresolved half message is re-appended and its producer asked; the answer resolves it', async () => {
    const sent: RemotingCommand[] = [];
    tb.ctx.producerManager.registerProducer('PG', newClientChannelInfo(fakeConnection('10.0.0.9:7000', sent), 'prod-1', 'JAVA', 479));
    const resolvedA = await sendHalf('DONE');
    await tb.call(RequestCode.END_TRANSACTION, endHeader(resolvedA, 8, { msgId: 'DONE' }));
    await sendHalf('OPEN');
    const later = (): number => Date.now() + 10_000;
    const svc = new TransactionalMessageCheckService(tb.ctx, { now: later });
    await svc.check();
    expect(sent.length).toBe(1);
    const check = sent[0] as RemotingCommand;
    expect(check.code).toBe(RequestCode.CHECK_TRANSACTION_STATE);
    expect(check.extFields?.tranStateTableOffset).toBe('2');
    expect(check.extFields?.msgId).toBe('OPEN');
    expect(check.extFields?.transactionId).toBe('OPEN');
    expect(check.extFields?.bname).toBe('broker-a');
    const body = decodeRecord(check.body as Buffer);
    expect(body.kind === 'MESSAGE' && body.record.topic).toBe('TxTopic');
    expect(body.kind === 'MESSAGE' && body.record.queueId).toBe(2);
    expect(body.kind === 'MESSAGE' && body.record.physicalOffset).toBe(Number(check.extFields?.commitLogOffset));
    expect(tb.ctx.consumerOffsetManager.queryOffset(CID_SYS_RMQ_TRANS, RMQ_SYS_TRANS_HALF_TOPIC, 0)).toBe(2);
    const copy = await read(RMQ_SYS_TRANS_HALF_TOPIC, 0, 2);
    expect(copy?.props.get('TRANSACTION_CHECK_TIMES')).toBe('1');

    // The producer answers COMMIT for the copy (fromTransactionCheck).
    const r = await tb.call(RequestCode.END_TRANSACTION, endHeader({ logicsOffset: 2, wroteOffset: Number(check.extFields?.commitLogOffset) }, 8,
      { msgId: 'OPEN', fromTransactionCheck: 'true' }));
    expect(r?.code).toBe(ResponseCode.SUCCESS);
    await svc.check();
    expect(sent.length).toBe(1);
    expect(tb.ctx.consumerOffsetManager.queryOffset(CID_SYS_RMQ_TRANS, RMQ_SYS_TRANS_HALF_TOPIC, 0)).toBe(3);
    expect(tb.ctx.consumerOffsetManager.queryOffset(CID_SYS_RMQ_TRANS, RMQ_SYS_TRANS_OP_HALF_TOPIC, 0)).toBe(2);
    expect(tb.store.getMaxOffsetInQueue('TxTopic', 2)).toBe(2);
  });

  test('5.x: a late non-check END_TRANSACTION after CHECK_IMMUNITY_TIME_IN_SECONDS is ILLEGAL_OPERATION', async () => {
    const m = { ...testMessage('TxTopic', 2, { TRAN_MSG: 'true', PGROUP: 'PG', UNIQ_KEY: 'IMM', CHECK_IMMUNITY_TIME_IN_SECONDS: '1' }), sysFlag: 0x4, bornTimestamp: Date.now() - 10_000 };
    const a = (await tb.ctx.putMessage(m)).appendResult!;
    let r = await tb.call(RequestCode.END_TRANSACTION, endHeader(a, 8, { msgId: 'IMM' }));
    expect(r?.code).toBe(ResponseCode.ILLEGAL_OPERATION);
    expect(tb.store.getMaxOffsetInQueue('TxTopic', 2)).toBe(0);
    r = await tb.call(RequestCode.END_TRANSACTION, endHeader(a, 8, { msgId: 'IMM', fromTransactionCheck: 'true' }));
    expect(r?.code).toBe(ResponseCode.SUCCESS);
    expect(tb.store.getMaxOffsetInQueue('TxTopic', 2)).toBe(1);
  });

  test('young half messages are not checked; after transactionCheckMax checks the message is discarded', async () => {
    const sent: RemotingCommand[] = [];
    tb.ctx.producerManager.registerProducer('PG', newClientChannelInfo(fakeConnection('10.0.0.9:7000', sent), 'prod-1', 'JAVA', 479));
    await sendHalf('YOUNG');
    await new TransactionalMessageCheckService(tb.ctx).check();
    expect(sent.length).toBe(0);
    let t = Date.now() + 10_000;
    const svc = new TransactionalMessageCheckService(tb.ctx, { now: () => t, transactionCheckMax: 2 });
    await svc.check();
    t += 1000;
    await svc.check();
    expect(sent.length).toBe(2);
    t += 1000;
    await svc.check();
    expect(sent.length).toBe(2);
    expect(tb.store.getMaxOffsetInQueue(TRANS_CHECK_MAX_TIME_TOPIC, 0)).toBe(1);
    expect(tb.ctx.topicConfigManager.selectTopicConfig(TRANS_CHECK_MAX_TIME_TOPIC)).toBeDefined();
  });
});
