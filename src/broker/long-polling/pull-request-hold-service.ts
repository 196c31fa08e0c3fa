// Java PullRequestHoldService: PULL_NOT_FOUND requests with FLAG_SUSPEND are parked per
// topic@queueId and answered when a matching message arrives (store arrival listener) or when
// their suspend time is up (quirk 9). Java checks timeouts every 5 s; we time each request
// exactly, so an idle pull is answered after suspendTimeoutMillis.
import type { RemotingCommand } from '../../remoting/command';
import type { Connection } from '../../remoting/connection';
import type { MessageFilter } from '../../store/message-store';

export interface PullRequest {
  readonly request: RemotingCommand;
  readonly conn: Connection;
  readonly timeoutMillis: number;
  readonly suspendTimestamp: number;
  readonly pullFromThisOffset: number;
  readonly filter: MessageFilter;
  timer?: NodeJS.Timeout;
}

/** Re-runs a held request without allowing another suspension; answers on its connection. */
export type WakeupHandler = (req: PullRequest) => void;

export class PullRequestHoldService {
  private readonly table = new Map<string, PullRequest[]>();
  private stopped = false;

  constructor(private readonly wakeup: WakeupHandler, private readonly maxOffsetOf: (topic: string, queueId: number) => number) {}

  private static key(topic: string, queueId: number): string {
    return `${topic}@${queueId}`;
  }

  /** Number of parked requests (tests, runtime info). */
  get size(): number {
    let n = 0;
    for (const l of this.table.values()) n += l.length;
    return n;
  }

  suspendPullRequest(topic: string, queueId: number, pr: PullRequest): void {
    if (this.stopped) {
      this.wakeup(pr);
      return;
    }
    const key = PullRequestHoldService.key(topic, queueId);
    let list = this.table.get(key);
    if (!list) {
      list = [];
      this.table.set(key, list);
    }
    list.push(pr);
    pr.timer = setTimeout(() => this.expire(key, pr), Math.max(0, pr.timeoutMillis));
    pr.timer.unref();
  }

  private remove(key: string, pr: PullRequest): boolean {
    const list = this.table.get(key);
    if (!list) return false;
    const i = list.indexOf(pr);
    if (i < 0) return false;
    list.splice(i, 1);
    if (list.length === 0) this.table.delete(key);
    if (pr.timer) clearTimeout(pr.timer);
    return true;
  }

  private expire(key: string, pr: PullRequest): void {
    if (this.remove(key, pr)) this.fire(pr);
  }

  private fire(pr: PullRequest): void {
    if (pr.conn.isClosed) return;
    this.wakeup(pr);
  }

  /**
   * Java notifyMessageArriving: wakes every request of the queue whose offset is now readable and
   * whose filter matches the new message's tags code and properties (undefined = unknown, matches).
   */
  notifyMessageArriving(topic: string, queueId: number, maxOffset: number, tagsCode?: number, properties?: string): void {
    const key = PullRequestHoldService.key(topic, queueId);
    const list = this.table.get(key);
    if (!list) return;
    for (const pr of [...list]) {
      let newest = maxOffset;
      if (newest <= pr.pullFromThisOffset) newest = this.maxOffsetOf(topic, queueId);
      if (newest <= pr.pullFromThisOffset) continue;
      if (tagsCode !== undefined && !pr.filter.isMatchedByConsumeQueue(tagsCode)) continue;
      if (properties !== undefined && pr.filter.isMatchedByCommitLog && !pr.filter.isMatchedByCommitLog(Buffer.alloc(0), properties)) continue;
      if (this.remove(key, pr)) this.fire(pr);
    }
  }

  /** Shutdown: answer every parked request now (they get what is there, usually PULL_NOT_FOUND). */
  releaseAll(): void {
    this.stopped = true;
    for (const [key, list] of [...this.table]) {
      for (const pr of [...list]) if (this.remove(key, pr)) this.fire(pr);
    }
  }
}
