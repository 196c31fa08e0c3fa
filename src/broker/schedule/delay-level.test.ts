import { decodeProperties } from '../../store/message-codec';
import { testMessage } from '../../../test/broker/features-context';
import { computeDeliverTimestamp, parseDelayLevel, SCHEDULE_TOPIC, transformDelayLevelMessage } from './delay-level';

const table = (() => {
  const r = parseDelayLevel();
  if (!r.ok) throw new Error(r.error);
  return r.table;
})();

describe('delay levels', () => {
  test('the Java default table', () => {
    expect(table.maxDelayLevel).toBe(18);
    expect(table.delays[0]).toBe(1000);
    expect(table.delays[2]).toBe(10_000);
    expect(table.delays[4]).toBe(60_000);
    expect(table.delays[16]).toBe(3_600_000);
    expect(table.delays[17]).toBe(7_200_000);
    expect(computeDeliverTimestamp(table, 3, 1000)).toBe(11_000);
    expect(computeDeliverTimestamp(table, 99, 1000)).toBe(2000);
  });

  test('bad tables are rejected; d unit accepted', () => {
    expect(parseDelayLevel('1s 5x').ok).toBe(false);
    expect(parseDelayLevel('s').ok).toBe(false);
    const r = parseDelayLevel('1d');
    expect(r.ok && r.table.delays[0]).toBe(86_400_000);
  });

  test('a DELAY message is parked in SCHEDULE_TOPIC_XXXX queue level-1 with REAL_TOPIC/REAL_QID', () => {
    const m = testMessage('TopicA', 3, { TAGS: 'x', DELAY: '3', TIMER_DELAY_SEC: '5', UNIQ_KEY: 'U1' });
    const t = transformDelayLevelMessage(m, table, 5000);
    expect(t.topic).toBe(SCHEDULE_TOPIC);
    expect(t.queueId).toBe(2);
    expect(t.tagsCode).toBe(15_000);
    const p = decodeProperties(t.properties);
    expect(p.get('REAL_TOPIC')).toBe('TopicA');
    expect(p.get('REAL_QID')).toBe('3');
    expect(p.get('DELAY')).toBe('3');
    expect(p.has('TIMER_DELAY_SEC')).toBe(false);
    expect(p.get('UNIQ_KEY')).toBe('U1');
  });

  test('levels above the max are clamped', () => {
    const t = transformDelayLevelMessage(testMessage('T', 0, { DELAY: '40' }), table, 0);
    expect(t.queueId).toBe(17);
    expect(decodeProperties(t.properties).get('DELAY')).toBe('18');
  });

  test('no rewrite for level <= 0, bad levels, prepared/rollback transactions', () => {
    for (const d of ['0', '-1', 'abc']) {
      const m = testMessage('T', 0, { DELAY: d });
      expect(transformDelayLevelMessage(m, table)).toBe(m);
    }
    const half = { ...testMessage('T', 0, { DELAY: '2' }), sysFlag: 0x4 };
    expect(transformDelayLevelMessage(half, table)).toBe(half);
    const commit = { ...testMessage('T', 0, { DELAY: '2' }), sysFlag: 0x8 };
    expect(transformDelayLevelMessage(commit, table).topic).toBe(SCHEDULE_TOPIC);
    const plain = testMessage('T', 0, { TAGS: 'DELAY' });
    expect(transformDelayLevelMessage(plain, table)).toBe(plain);
  });
});
