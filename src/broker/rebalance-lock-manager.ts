// Queue locks for ordered consumption (Java broker/.../client/rebalance/RebalanceLockManager).
// Per (consumer group, message queue) one owner clientId; a lock lives
// `rocketmq.broker.rebalance.lockMaxLiveTime` ms (default 60 000) after its last renewal. Locking
// succeeds when the queue is free, expired, or already held by the same client (which renews it).
// Unlocking only removes locks the requester holds. Node is single-threaded: no lock object needed.

/** Java MessageQueue; equality by (topic, brokerName, queueId). */
export interface MessageQueue {
  readonly topic: string;
  readonly brokerName: string;
  readonly queueId: number;
}

export function mqKey(mq: MessageQueue): string {
  return `${mq.topic}\u0001${mq.brokerName}\u0001${mq.queueId}`;
}

export const DEFAULT_LOCK_MAX_LIVE_TIME_MS = 60_000;

/** Reads the Java system property equivalent from the environment (`-D` is not available here). */
export function lockMaxLiveTimeFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['rocketmq.broker.rebalance.lockMaxLiveTime'] ?? env.ROCKETMQ_BROKER_REBALANCE_LOCK_MAX_LIVE_TIME;
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_LOCK_MAX_LIVE_TIME_MS;
}

interface LockEntry {
  clientId: string;
  mq: MessageQueue;
  lastUpdateTimestamp: number;
}

export class RebalanceLockManager {
  private readonly table = new Map<string, Map<string, LockEntry>>();
  /** group → queue key → clients refused that queue (while another held it) → when. */
  private readonly refused = new Map<string, Map<string, Map<string, number>>>();

  constructor(
    private readonly maxLiveTimeMs: number = lockMaxLiveTimeFromEnv(),
    private readonly now: () => number = Date.now,
  ) {}

  private expired(e: LockEntry, now: number): boolean {
    return now - e.lastUpdateTimestamp > this.maxLiveTimeMs;
  }

  /** Locks what can be locked; returns the queues the client now holds (Java tryLockBatch). */
  tryLockBatch(group: string, mqs: readonly MessageQueue[], clientId: string): MessageQueue[] {
    const now = this.now();
    let groupTable = this.table.get(group);
    if (!groupTable) {
      groupTable = new Map();
      this.table.set(group, groupTable);
    }
    const locked: MessageQueue[] = [];
    const seen = new Set<string>();
    for (const mq of mqs) {
      const key = mqKey(mq);
      if (seen.has(key)) continue;
      seen.add(key);
      const e = groupTable.get(key);
      if (!e) {
        groupTable.set(key, { clientId, mq, lastUpdateTimestamp: now });
        locked.push(mq);
      } else if (e.clientId === clientId || this.expired(e, now)) {
        // Held by the requester (renewal; Java renews even an expired own lock) or free again.
        e.clientId = clientId;
        e.lastUpdateTimestamp = now;
        locked.push(mq);
      } else {
        this.noteRefused(group, key, clientId, now);
        continue;
      }
      this.refused.get(group)?.get(key)?.delete(clientId);
    }
    return locked;
  }

  private noteRefused(group: string, key: string, clientId: string, now: number): void {
    let g = this.refused.get(group);
    if (!g) {
      g = new Map();
      this.refused.set(group, g);
    }
    let waiters = g.get(key);
    if (!waiters) {
      waiters = new Map();
      g.set(key, waiters);
    }
    for (const [c, at] of waiters) if (now - at > this.maxLiveTimeMs) waiters.delete(c);
    waiters.set(clientId, now);
  }

  tryLock(group: string, mq: MessageQueue, clientId: string): boolean {
    return this.tryLockBatch(group, [mq], clientId).length === 1;
  }

  /**
   * Removes the requester's locks on these queues (Java unlockBatch). Returns the other clients that
   * were refused one of the freed queues within the lock lifetime (each once): the caller may tell
   * them to rebalance now, as a 4.9 client retries a refused lock only at its 20 s periodic rebalance.
   */
  unlockBatch(group: string, mqs: readonly MessageQueue[], clientId: string): string[] {
    const groupTable = this.table.get(group);
    if (!groupTable) return [];
    const now = this.now();
    const waiting = new Set<string>();
    const refused = this.refused.get(group);
    for (const mq of mqs) {
      const key = mqKey(mq);
      const e = groupTable.get(key);
      if (!e || e.clientId !== clientId) continue;
      groupTable.delete(key);
      const waiters = refused?.get(key);
      if (!waiters) continue;
      for (const [c, at] of waiters) if (c !== clientId && now - at <= this.maxLiveTimeMs) waiting.add(c);
      refused!.delete(key);
    }
    if (groupTable.size === 0) this.table.delete(group);
    if (refused && refused.size === 0) this.refused.delete(group);
    return [...waiting];
  }

  /** Java isLockAllExpired: true when the group holds no live lock. */
  isLockAllExpired(group: string): boolean {
    const groupTable = this.table.get(group);
    if (!groupTable) return true;
    const now = this.now();
    for (const e of groupTable.values()) if (!this.expired(e, now)) return false;
    return true;
  }

  /** The live owner of a queue, if any (for admin views and tests). */
  lockOwner(group: string, mq: MessageQueue): string | undefined {
    const e = this.table.get(group)?.get(mqKey(mq));
    return e && !this.expired(e, this.now()) ? e.clientId : undefined;
  }
}
