// In-memory MessageStore for fast tests. Same record bytes, offsets and statuses as the file store
// (one unbounded commit log, no segments), no durability.
import { createMessageId, writeRecord, recordProperties, recordStoreTimestamp } from './message-codec';
import { AppendMessageStatus, PutMessageStatus } from './message-store';
import type {
  DispatchRequest, GetMessageRequest, GetMessageResult, MessageArrivingListener, MessageStore, PutMessageInput,
  PutMessageResult, PutMessagesInput, QueryMessageResult, StoreStats,
} from './message-store';
import { getMessageFrom, offsetByTime } from './get-message';
import type { CqUnit, LogAccess, QueueAccess } from './get-message';
import { expandBatch, failed, indexKeysOf, isDispatchedToQueue, preparePut, recordHasKey } from './put-support';
import type { PreparedPut } from './put-support';

class MemQueue implements QueueAccess {
  readonly units: CqUnit[] = [];
  readonly storeTimes: number[] = [];
  get minOffset(): number { return 0; }
  get maxOffset(): number { return this.units.length; }
  unitAt(offset: number): CqUnit | null { return this.units[offset] ?? null; }
}

export interface MemoryMessageStoreConfig {
  readonly maxMessageSize?: number;
}

export class MemoryMessageStore implements MessageStore {
  private readonly records = new Map<number, Buffer>();
  private readonly queues = new Map<string, Map<number, MemQueue>>();
  private readonly index = new Map<string, { phy: number; time: number }[]>();
  private readonly listeners: MessageArrivingListener[] = [];
  private nextPhy = 0;
  private running = false;
  private putTimes = 0;
  private getTimes = 0;
  private readonly maxMessageSize: number;
  private readonly log: LogAccess;

  constructor(config: MemoryMessageStoreConfig = {}) {
    this.maxMessageSize = config.maxMessageSize ?? 4 * 1024 * 1024;
    const records = this.records;
    const maxPhy = (): number => this.nextPhy;
    this.log = {
      get maxPhyOffset() { return maxPhy(); },
      read(phy: number, size: number) {
        const r = records.get(phy);
        return r && r.length === size ? r : null;
      },
    };
  }

  async start(): Promise<void> { this.running = true; }
  async shutdown(): Promise<void> { this.running = false; }
  async flush(): Promise<void> { /* nothing to flush */ }

  async putMessage(msg: PutMessageInput): Promise<PutMessageResult> {
    if (!this.running) return failed(PutMessageStatus.SERVICE_NOT_AVAILABLE);
    const p = preparePut(msg, this.maxMessageSize);
    if (!('record' in p)) return p;
    return this.append([p], msg.tagsCode);
  }

  async putMessages(batch: PutMessagesInput): Promise<PutMessageResult> {
    if (!this.running) return failed(PutMessageStatus.SERVICE_NOT_AVAILABLE);
    const ps = expandBatch(batch, this.maxMessageSize);
    if (!Array.isArray(ps)) return ps;
    return this.append(ps, undefined);
  }

  private queue(topic: string, queueId: number, create: boolean): MemQueue | undefined {
    let t = this.queues.get(topic);
    if (!t) {
      if (!create) return undefined;
      t = new Map();
      this.queues.set(topic, t);
    }
    let q = t.get(queueId);
    if (!q && create) {
      q = new MemQueue();
      t.set(queueId, q);
    }
    return q;
  }

  private append(ps: PreparedPut[], tagsCode: number | undefined): PutMessageResult {
    const storeTimestamp = Date.now();
    const first = ps[0]!;
    const q = this.queue(first.input.topic, first.input.queueId, true)!;
    const ids: string[] = [];
    const wroteOffset = this.nextPhy;
    const firstQueueOffset = isDispatchedToQueue(first.record.sysFlag) ? q.maxOffset : 0;
    let wroteBytes = 0;
    for (const p of ps) {
      const queued = isDispatchedToQueue(p.record.sysFlag);
      const queueOffset = queued ? q.maxOffset : 0;
      const phy = this.nextPhy;
      const buf = Buffer.allocUnsafe(p.record.totalSize);
      writeRecord(buf, 0, p.record, { queueOffset, physicalOffset: phy, storeTimestamp });
      this.records.set(phy, buf);
      this.nextPhy += buf.length;
      wroteBytes += buf.length;
      ids.push(createMessageId(p.record.storeHostBytes, p.input.storeHost.port, phy));
      this.putTimes++;
      const tc = tagsCode ?? p.input.tagsCode;
      for (const key of indexKeysOf(p.input.topic, p.input.properties, p.record.sysFlag)) {
        let l = this.index.get(key);
        if (!l) this.index.set(key, (l = []));
        l.push({ phy, time: storeTimestamp });
      }
      if (queued) {
        q.units.push({ phyOffset: phy, size: buf.length, tagsCode: tc });
        q.storeTimes.push(storeTimestamp);
        const req: DispatchRequest = {
          topic: p.input.topic, queueId: p.input.queueId, consumeQueueOffset: queueOffset, commitLogOffset: phy,
          msgSize: buf.length, tagsCode: tc, storeTimestamp, properties: p.input.properties, sysFlag: p.record.sysFlag,
        };
        for (const l of this.listeners) l(req);
      }
    }
    return {
      status: PutMessageStatus.PUT_OK,
      appendResult: {
        status: AppendMessageStatus.PUT_OK, wroteOffset, wroteBytes, msgId: ids.join(','), storeTimestamp,
        logicsOffset: firstQueueOffset, msgNum: ps.length,
      },
    };
  }

  async getMessage(req: GetMessageRequest): Promise<GetMessageResult> {
    this.getTimes++;
    return getMessageFrom(req, this.queue(req.topic, req.queueId, false), this.log);
  }

  getMaxOffsetInQueue(topic: string, queueId: number): number { return this.queue(topic, queueId, false)?.maxOffset ?? 0; }
  getMinOffsetInQueue(topic: string, queueId: number): number { return this.queue(topic, queueId, false)?.minOffset ?? 0; }

  async getCommitLogOffsetInQueue(topic: string, queueId: number, offset: number): Promise<number> {
    return this.queue(topic, queueId, false)?.unitAt(offset)?.phyOffset ?? 0;
  }

  async getOffsetInQueueByTime(topic: string, queueId: number, timestamp: number): Promise<number> {
    const q = this.queue(topic, queueId, false);
    if (!q) return 0;
    return offsetByTime(q, timestamp, (o) => q.storeTimes[o] ?? -1);
  }

  async getEarliestMessageTime(topic: string, queueId: number): Promise<number> {
    return this.queue(topic, queueId, false)?.storeTimes[0] ?? -1;
  }

  async getMessageStoreTimeStamp(topic: string, queueId: number, offset: number): Promise<number> {
    return this.queue(topic, queueId, false)?.storeTimes[offset] ?? -1;
  }

  async lookMessageByOffset(phy: number, size?: number): Promise<Buffer | null> {
    const r = this.records.get(phy);
    if (!r || (size !== undefined && size !== r.length)) return null;
    return r;
  }

  async queryMessage(topic: string, key: string, maxNum: number, begin: number, end: number): Promise<QueryMessageResult> {
    const l = this.index.get(topic + '#' + key) ?? [];
    const messages: Buffer[] = [];
    let last = 0;
    let lastPhy = 0;
    for (let i = l.length - 1; i >= 0 && messages.length < maxNum; i--) {
      const e = l[i]!;
      if (e.time < begin || e.time > end) continue;
      const r = this.records.get(e.phy);
      if (!r || !recordHasKey(recordProperties(r), key)) continue;
      messages.push(r);
      last = Math.max(last, recordStoreTimestamp(r));
      lastPhy = Math.max(lastPhy, e.phy);
    }
    return { messages, indexLastUpdateTimestamp: last, indexLastUpdatePhyoffset: lastPhy };
  }

  getMinPhyOffset(): number { return 0; }
  getMaxPhyOffset(): number { return this.nextPhy; }
  getQueueIds(topic: string): number[] { return [...(this.queues.get(topic)?.keys() ?? [])].sort((a, b) => a - b); }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    for (const t of topics) this.queues.delete(t);
  }

  addMessageArrivingListener(l: MessageArrivingListener): void { this.listeners.push(l); }
  removeMessageArrivingListener(l: MessageArrivingListener): void {
    const i = this.listeners.indexOf(l);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  stats(): StoreStats {
    return { commitLogMinOffset: 0, commitLogMaxOffset: this.nextPhy, dispatchBehindBytes: 0, putMessageTimes: this.putTimes, getMessageTimes: this.getTimes };
  }
}
