import { createTestBroker, testMessage, type TestBroker } from '../../../test/broker/features-context';
import { RequestCode } from '../../protocol/request-code';
import { ResponseCode } from '../../protocol/response-code';
import { decodeProperties, decodeRecord } from '../../store/message-codec';
import { registerSchedule, SCHEDULE_TOPIC } from '../schedule';
import { registerSendBack } from './send-back';

describe('CONSUMER_SEND_MSG_BACK', () => {
  let tb: TestBroker;
  beforeEach(async () => {
    tb = await createTestBroker();
    registerSchedule(tb.ctx);
    registerSendBack(tb.ctx);
  });
  afterEach(() => tb.close());

  async function stored(topic: string, queueId: number, offset = 0) {
    const got = await tb.store.getMessage({ group: 'x', topic, queueId, offset, maxMsgNums: 1 });
    const d = decodeRecord(got.messages[0] as Buffer);
    if (d.kind !== 'MESSAGE') throw new Error('not found');
    return { rec: d.record, props: decodeProperties(d.record.properties) };
  }

  async function original(reconsumeTimes = 0, props: Record<string, string> = {}) {
    const r = await tb.ctx.putMessage({ ...testMessage('OrderTopic', 1, { TAGS: 'TagA', UNIQ_KEY: 'UNIQ1', ...props }, 'body-1'), reconsumeTimes });
    if (!r.appendResult) throw new Error('put failed');
    return r.appendResult;
  }

  const header = (offset: number, extra: Record<string, string> = {}) => ({
    offset: String(offset), group: 'CG', delayLevel: '0', originMsgId: 'UNIQ1', originTopic: 'OrderTopic', unitMode: 'false', ...extra,
  });

  test('first failure: %RETRY%CG via delay level 3, Java properties, retry topic auto-created', async () => {
    const a = await original();
    const resp = await tb.call(RequestCode.CONSUMER_SEND_MSG_BACK, header(a.wroteOffset));
    expect(resp?.code).toBe(ResponseCode.SUCCESS);
    expect(tb.registerCalls).toBe(1); // new retry topic registered before answering
    const tc = tb.ctx.topicConfigManager.selectTopicConfig('%RETRY%CG');
    expect(tc).toMatchObject({ readQueueNums: 1, writeQueueNums: 1, perm: 6 });
    // Parked for level 3 (10 s) in SCHEDULE_TOPIC_XXXX queue 2.
    expect(tb.store.getMaxOffsetInQueue(SCHEDULE_TOPIC, 2)).toBe(1);
    const { rec, props } = await stored(SCHEDULE_TOPIC, 2);
    expect(props.get('REAL_TOPIC')).toBe('%RETRY%CG');
    expect(props.get('REAL_QID')).toBe('0');
    expect(props.get('DELAY')).toBe('3');
    expect(props.get('RETRY_TOPIC')).toBe('OrderTopic');
    expect(props.get('ORIGIN_MESSAGE_ID')).toBe(a.msgId);
    expect(props.get('WAIT')).toBe('false');
    expect(props.get('UNIQ_KEY')).toBe('UNIQ1');
    expect(rec.reconsumeTimes).toBe(1);
    expect(rec.body.toString()).toBe('body-1');
    expect(rec.bornHost.port).toBe(40000);
  });

  test('later failures grow the delay: 3 + reconsumeTimes; RETRY_TOPIC and ORIGIN_MESSAGE_ID kept', async () => {
    const a = await original(4, { RETRY_TOPIC: 'OrderTopic', ORIGIN_MESSAGE_ID: 'FIRSTID' });
    const resp = await tb.call(RequestCode.CONSUMER_SEND_MSG_BACK, header(a.wroteOffset));
    expect(resp?.code).toBe(ResponseCode.SUCCESS);
    const { rec, props } = await stored(SCHEDULE_TOPIC, 6);
    expect(props.get('DELAY')).toBe('7');
    expect(props.get('ORIGIN_MESSAGE_ID')).toBe('FIRSTID');
    expect(rec.reconsumeTimes).toBe(5);
  });

  test('explicit delay level from the header', async () => {
    const a = await original();
    await tb.call(RequestCode.CONSUMER_SEND_MSG_BACK, header(a.wroteOffset, { delayLevel: '1' }));
    expect(tb.store.getMaxOffsetInQueue(SCHEDULE_TOPIC, 0)).toBe(1);
  });

  test('DLQ after maxReconsumeTimes (group setting 16), with the header overriding it', async () => {
    const a = await original(16);
    expect((await tb.call(RequestCode.CONSUMER_SEND_MSG_BACK, header(a.wroteOffset)))?.code).toBe(ResponseCode.SUCCESS);
    expect(tb.store.getMaxOffsetInQueue('%DLQ%CG', 0)).toBe(1);
    const { props, rec } = await stored('%DLQ%CG', 0);
    expect(props.get('DELAY')).toBe('0');
    expect(rec.reconsumeTimes).toBe(17);
    expect(tb.ctx.topicConfigManager.selectTopicConfig('%DLQ%CG')).toMatchObject({ readQueueNums: 1, writeQueueNums: 1, perm: 6 });

    const b = await original(2);
    await tb.call(RequestCode.CONSUMER_SEND_MSG_BACK, header(b.wroteOffset, { maxReconsumeTimes: '2' }));
    expect(tb.store.getMaxOffsetInQueue('%DLQ%CG', 0)).toBe(2);

    const c = await original(15);
    await tb.call(RequestCode.CONSUMER_SEND_MSG_BACK, header(c.wroteOffset));
    expect(tb.store.getMaxOffsetInQueue('%DLQ%CG', 0)).toBe(2); // 15 < 16: retry
    expect(tb.store.getMaxOffsetInQueue(SCHEDULE_TOPIC, 17)).toBe(1); // level 18 (clamped from 18)
  });

  test('negative delay level goes straight to the DLQ', async () => {
    const a = await original();
    await tb.call(RequestCode.CONSUMER_SEND_MSG_BACK, header(a.wroteOffset, { delayLevel: '-1' }));
    expect(tb.store.getMaxOffsetInQueue('%DLQ%CG', 0)).toBe(1);
  });

  test('group retryMaxTimes is used when the header has none', async () => {
    tb.ctx.subscriptionGroupManager.updateSubscriptionGroupConfig({ ...tb.ctx.subscriptionGroupManager.findSubscriptionGroupConfig('CG')!, retryMaxTimes: 1 });
    const a = await original(1);
    await tb.call(RequestCode.CONSUMER_SEND_MSG_BACK, header(a.wroteOffset));
    expect(tb.store.getMaxOffsetInQueue('%DLQ%CG', 0)).toBe(1);
  });

  test('errors: unknown offset, unknown group without auto-create, retryQueueNums 0, missing header', async () => {
    let r = await tb.call(RequestCode.CONSUMER_SEND_MSG_BACK, header(123456));
    expect(r?.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(r?.remark).toBe('look message by offset failed, 123456');

    tb.ctx.subscriptionGroupManager.updateSubscriptionGroupConfig({ ...tb.ctx.subscriptionGroupManager.findSubscriptionGroupConfig('NORETRY')!, retryQueueNums: 0 });
    const a = await original();
    r = await tb.call(RequestCode.CONSUMER_SEND_MSG_BACK, header(a.wroteOffset, { group: 'NORETRY' }));
    expect(r?.code).toBe(ResponseCode.SUCCESS);
    expect(tb.ctx.topicConfigManager.selectTopicConfig('%RETRY%NORETRY')).toBeUndefined();

    tb.config.autoCreateSubscriptionGroup = false;
    r = await tb.call(RequestCode.CONSUMER_SEND_MSG_BACK, header(a.wroteOffset, { group: 'UNKNOWN' }));
    expect(r?.code).toBe(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST);
    expect(r?.remark).toMatch(/^subscription group not exist, UNKNOWN /);

    r = await tb.call(RequestCode.CONSUMER_SEND_MSG_BACK, { group: 'CG' });
    expect(r?.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(r?.remark).toContain('offset');

    tb.config.brokerPermission = 4;
    r = await tb.call(RequestCode.CONSUMER_SEND_MSG_BACK, header(a.wroteOffset));
    expect(r?.code).toBe(ResponseCode.NO_PERMISSION);
  });
});
