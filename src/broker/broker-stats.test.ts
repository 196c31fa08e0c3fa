import { BrokerStatsManager, StatsItemSet } from './broker-stats';

describe('StatsItemSet', () => {
  test('TPS over the last minute of 10 s samples; 0 before two samples', () => {
    let now = 0;
    const s = new StatsItemSet(() => now);
    expect(s.tpsInMinute('t@g')).toBe(0);
    s.add('t@g', 5);
    s.sample();
    expect(s.tpsInMinute('t@g')).toBeCloseTo(0.5, 6); // against the zero snapshot 10 s before
    for (let k = 1; k <= 10; k++) {
      now += 10_000;
      s.add('t@g', 100);
      s.sample();
    }
    // 7 samples kept: 60 s apart, 600 messages between them
    expect(s.tpsInMinute('t@g')).toBeCloseTo(10, 6);
    s.remove((k) => k.startsWith('t@'));
    expect(s.tpsInMinute('t@g')).toBe(0);
  });

  test('BrokerStatsManager keys GROUP_GET_NUMS by topic@group', () => {
    let now = 1000;
    const m = new BrokerStatsManager(() => now);
    m.sample();
    m.incGroupGetNums('G', 'T', 20);
    now += 10_000;
    m.sample();
    expect(m.tpsGroupGetNums('G', 'T')).toBeCloseTo(2, 6);
    m.incGroupGetNums('G', 'T', 40);
    now += 10_000;
    m.sample();
    expect(m.tpsGroupGetNums('G', 'T')).toBeCloseTo(3, 6);
    expect(m.tpsGroupGetNums('T', 'G')).toBe(0);
  });
});
