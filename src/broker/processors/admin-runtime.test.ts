import type { MessageStore, StoreStats } from '../../store/message-store';
import { BrokerRuntimeStats } from './admin-runtime';

function fakeStore(stats: { put: number; get: number }): MessageStore {
  return {
    stats: (): StoreStats => ({ commitLogMinOffset: 0, commitLogMaxOffset: 0, dispatchBehindBytes: 0, putMessageTimes: stats.put, getMessageTimes: stats.get }),
  } as unknown as MessageStore;
}

describe('BrokerRuntimeStats', () => {
  test('TPS triples over 10/60/600 one-second samples, empty until enough samples (Java StoreStatsService)', () => {
    const counters = { put: 0, get: 0 };
    let now = new Date(2026, 0, 1, 12, 0, 0).getTime();
    const s = new BrokerRuntimeStats(fakeStore(counters), () => now);
    expect(s.tpsTriple('put')).toBe('  ');
    for (let i = 0; i < 60; i++) {
      now += 1000;
      counters.put += 5;
      counters.get += 2;
      s.sample();
    }
    expect(s.tpsTriple('put')).toBe('5.0 5.0 ');
    expect(s.tpsTriple('get')).toBe('2.0 2.0 ');
    expect(s.putTps10()).toBe(5);
  });

  test('per-topic put TPS over the last minute', () => {
    let now = 1_000_000;
    const s = new BrokerRuntimeStats(fakeStore({ put: 0, get: 0 }), () => now);
    expect(s.topicPutTps('T')).toBe(0);
    for (let i = 0; i < 20; i++) {
      for (let k = 0; k < 3; k++) s.onMessageArrived('T');
      now += 1000;
      s.sample();
    }
    expect(s.topicPutTps('T')).toBeCloseTo(3, 5);
    expect(s.topicPutTps('Other')).toBe(0);
  });

  test('day boundary moves today-morning totals to yesterday', () => {
    const counters = { put: 100, get: 40 };
    let now = new Date(2026, 0, 1, 23, 59, 59).getTime();
    const s = new BrokerRuntimeStats(fakeStore(counters), () => now);
    counters.put = 150;
    now += 2000;
    s.sample();
    expect(s.putTotalTodayMorning).toBe(150);
    expect(s.putTotalYesterdayMorning).toBe(0);
    expect(s.formatRuntime()).toBe('[ 0 days, 0 hours, 0 minutes, 2 seconds ]');
  });
});
