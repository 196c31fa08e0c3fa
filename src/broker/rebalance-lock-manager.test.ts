import { lockMaxLiveTimeFromEnv, RebalanceLockManager, type MessageQueue } from './rebalance-lock-manager';

const mq = (queueId: number, topic = 'T'): MessageQueue => ({ topic, brokerName: 'broker-a', queueId });

describe('RebalanceLockManager', () => {
  let now = 1_000_000;
  const m = (): RebalanceLockManager => new RebalanceLockManager(60_000, () => now);

  test('a queue has one owner; the owner renews; others fail until it expires', () => {
    const lm = m();
    expect(lm.tryLockBatch('G', [mq(0), mq(1)], 'c1')).toEqual([mq(0), mq(1)]);
    expect(lm.tryLockBatch('G', [mq(0), mq(1), mq(2)], 'c2')).toEqual([mq(2)]);
    now += 59_000;
    expect(lm.tryLockBatch('G', [mq(0)], 'c1')).toEqual([mq(0)]); // renewal at +59 s
    now += 2_000;
    // mq(1) not renewed for 61 s: expired, taken over; mq(0) renewed 2 s ago: still c1's.
    expect(lm.tryLockBatch('G', [mq(0), mq(1)], 'c2')).toEqual([mq(1)]);
    expect(lm.lockOwner('G', mq(0))).toBe('c1');
    expect(lm.lockOwner('G', mq(1))).toBe('c2');
  });

  test('exactly 60 s is still locked (Java: expired when > maxLiveTime)', () => {
    const lm = m();
    lm.tryLock('G', mq(0), 'c1');
    now += 60_000;
    expect(lm.tryLock('G', mq(0), 'c2')).toBe(false);
    now += 1;
    expect(lm.tryLock('G', mq(0), 'c2')).toBe(true);
  });

  test('unlock names the other clients refused a freed queue within the lock lifetime, once each', () => {
    const lm = m();
    lm.tryLockBatch('G', [mq(0), mq(1)], 'c1');
    expect(lm.tryLockBatch('G', [mq(0)], 'c2')).toEqual([]);
    expect(lm.tryLockBatch('G', [mq(1)], 'c3')).toEqual([]);
    expect(lm.unlockBatch('G', [mq(0)], 'c2')).toEqual([]); // not the owner
    expect(lm.unlockBatch('G', [mq(0)], 'c1')).toEqual(['c2']);
    expect(lm.unlockBatch('G', [mq(0)], 'c1')).toEqual([]);
    // a waiter that got the queue (here after its expiry) is no longer waiting
    expect(lm.tryLockBatch('G', [mq(1)], 'c4')).toEqual([]);
    now += 61_000;
    expect(lm.tryLockBatch('G', [mq(1)], 'c4')).toEqual([mq(1)]);
    // c3's refusal is older than the lock lifetime: not named
    expect(lm.unlockBatch('G', [mq(1)], 'c4')).toEqual([]);
  });

  test('groups are independent; unlock only by the owner', () => {
    const lm = m();
    lm.tryLock('G1', mq(0), 'c1');
    expect(lm.tryLock('G2', mq(0), 'c2')).toBe(true);
    lm.unlockBatch('G1', [mq(0)], 'c2');
    expect(lm.lockOwner('G1', mq(0))).toBe('c1');
    lm.unlockBatch('G1', [mq(0)], 'c1');
    expect(lm.lockOwner('G1', mq(0))).toBeUndefined();
    expect(lm.tryLock('G1', mq(0), 'c3')).toBe(true);
  });

  test('isLockAllExpired', () => {
    const lm = m();
    expect(lm.isLockAllExpired('G')).toBe(true);
    lm.tryLock('G', mq(0), 'c1');
    expect(lm.isLockAllExpired('G')).toBe(false);
    now += 60_001;
    expect(lm.isLockAllExpired('G')).toBe(true);
  });

  test('lockMaxLiveTime from the environment', () => {
    expect(lockMaxLiveTimeFromEnv({})).toBe(60_000);
    expect(lockMaxLiveTimeFromEnv({ 'rocketmq.broker.rebalance.lockMaxLiveTime': '5000' })).toBe(5000);
    expect(lockMaxLiveTimeFromEnv({ ROCKETMQ_BROKER_REBALANCE_LOCK_MAX_LIVE_TIME: 'x' })).toBe(60_000);
  });
});
