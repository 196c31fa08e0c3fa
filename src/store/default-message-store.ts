// DefaultMessageStore: the file-backed MessageStore (Java store/.../DefaultMessageStore.java).
// CommitLog is the source of truth; ConsumeQueues and the IndexService are built by dispatch,
// synchronously right after each append (Java's reput service, without the 1 ms lag), flushed every
// flushIntervalConsumeQueue, and rebuilt from the commit log after a crash.
//
// Recovery (store.md §6):
//  * clean exit (no `abort` file): trust the checkpoint — the commit-log end recorded at shutdown —
//    or, for a store not last written by us, scan the last 3 segments (Java 4.9 recoverNormally).
//  * crash (`abort` present): scan from the segment holding the checkpoint's dispatched offset (ours)
//    or from the newest segment whose first record is older than the checkpoint's min timestamp
//    (Java recoverAbnormally); every valid record is re-dispatched (idempotent); the scan stops at the
//    first invalid record (magic, size, CRC) which is logged with its offset, and the tail is cut.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tagsString2tagsCode } from '../common/java-hash';
import { getLogger } from '../common/logger';
import type { Logger } from '../common/logger';
import { CommitLog, fsyncDir } from './commit-log';
import type { CommitLogStats, RecoveredRecord, ScanStop } from './commit-log';
import { ConsumeQueue } from './consume-queue';
import { getMessageFrom, offsetByTime } from './get-message';
import type { LogAccess } from './get-message';
import { IndexService } from './index-file';
import { createMessageId, decodeRecord, getProperty, recordStoreTimestamp } from './message-codec';
import { AppendMessageStatus, PutMessageStatus } from './message-store';
import type {
  DispatchRequest, GetMessageRequest, GetMessageResult, MessageArrivingListener, MessageStore, PutMessageInput,
  PutMessageResult, PutMessagesInput, QueryMessageResult, StoreStats,
} from './message-store';
import { expandBatch, failed, indexKeysOf, isDispatchedToQueue, preparePut, recordHasKey } from './put-support';
import type { PreparedPut } from './put-support';
import { StoreCheckpoint } from './store-checkpoint';
import { defaultStoreConfig, FlushDiskType } from './store-config';
import type { MessageStoreConfig } from './store-config';

export interface DefaultMessageStoreOptions {
  readonly logger?: Logger;
  /** Tags code of a record re-dispatched during recovery (default: hash of TAGS). The broker passes
   *  the SCHEDULE_TOPIC_XXXX rule (deliver timestamp) here. */
  readonly tagsCodeOf?: (topic: string, properties: string, storeTimestamp: number) => number;
}

export interface RecoveryReport {
  readonly mode: 'NORMAL' | 'ABNORMAL';
  readonly scannedFromPhy: number;
  readonly maxPhyOffset: number;
  readonly stop: ScanStop | null;
  readonly redispatched: number;
  readonly millis: number;
}

const MAX_MSGS_NUM_BATCH = 64;
const MAX_UNWRITTEN_BYTES = 32 * 1024 * 1024;

export class DefaultMessageStore implements MessageStore {
  readonly config: MessageStoreConfig;
  private readonly log: Logger;
  private readonly commitLog: CommitLog;
  private readonly checkpoint: StoreCheckpoint;
  private readonly index: IndexService;
  private readonly queues = new Map<string, Map<number, ConsumeQueue>>();
  private readonly listeners: MessageArrivingListener[] = [];
  private readonly tagsCodeOf: (topic: string, properties: string, storeTimestamp: number) => number;
  private readonly logAccess: LogAccess;
  private running = false;
  private diskFull = false;
  private timers: NodeJS.Timeout[] = [];
  private lastDispatchTimestamp = 0;
  private flushingLogics: Promise<void> | null = null;
  private putTimes = 0;
  private getTimes = 0;
  lastRecovery: RecoveryReport | null = null;

  constructor(config: MessageStoreConfig | string, opts: DefaultMessageStoreOptions = {}) {
    this.config = typeof config === 'string' ? defaultStoreConfig(config) : config;
    this.log = opts.logger ?? getLogger('store');
    this.commitLog = new CommitLog(this.config, this.log);
    this.checkpoint = new StoreCheckpoint(path.join(this.config.storePathRootDir, 'checkpoint'));
    this.index = new IndexService(path.join(this.config.storePathRootDir, 'index'), this.config.maxHashSlotNum, this.config.maxIndexNum, this.log);
    this.tagsCodeOf = opts.tagsCodeOf ?? ((_t, props) => tagsString2tagsCode(getProperty(props, 'TAGS')));
    const cl = this.commitLog;
    this.logAccess = {
      get maxPhyOffset() { return cl.maxPhyOffset; },
      read: (phy, size) => cl.readRecord(phy, size),
    };
  }

  private get abortFile(): string { return path.join(this.config.storePathRootDir, 'abort'); }
  private get cqRoot(): string { return path.join(this.config.storePathRootDir, 'consumequeue'); }

  async start(): Promise<void> {
    const t0 = Date.now();
    const root = this.config.storePathRootDir;
    fs.mkdirSync(root, { recursive: true });
    const crashed = fs.existsSync(this.abortFile);
    this.checkpoint.load();
    this.commitLog.load();
    this.loadConsumeQueues(crashed);
    this.index.load();
    const report = this.recover(crashed, t0);
    this.lastRecovery = report;
    this.log.info(report, 'store recovered');
    fs.writeFileSync(this.abortFile, '');
    fsyncDir(root);
    // running: the clean-end marker no longer holds
    this.checkpoint.cleanEndPhyOffset = -1;
    this.checkpoint.dispatchedPhyOffset = Math.max(0, Math.min(this.checkpoint.dispatchedPhyOffset, this.commitLog.maxPhyOffset));
    this.checkpoint.flush();
    this.running = true;
    if (this.config.flushDiskType === FlushDiskType.ASYNC_FLUSH) {
      this.timers.push(setInterval(() => this.commitLog.requestFlush(), this.config.flushIntervalCommitLog));
    } else {
      this.timers.push(setInterval(() => this.commitLog.expireWaiters(Date.now()), 200));
    }
    this.timers.push(setInterval(() => { void this.flushLogics(); }, this.config.flushIntervalConsumeQueue));
    this.timers.push(setInterval(() => { this.cleanResources(); }, this.config.cleanResourceInterval));
    this.checkDisk();
    for (const t of this.timers) t.unref();
  }

  private loadConsumeQueues(crashed: boolean): void {
    if (!fs.existsSync(this.cqRoot)) return;
    for (const topic of fs.readdirSync(this.cqRoot)) {
      const tdir = path.join(this.cqRoot, topic);
      if (!fs.statSync(tdir).isDirectory()) continue;
      for (const q of fs.readdirSync(tdir)) {
        if (!/^\d+$/.test(q)) continue;
        const cq = new ConsumeQueue(topic, Number(q), path.join(tdir, q), this.config.consumeQueueUnitsPerFile);
        cq.load(crashed);
        this.putQueue(cq);
      }
    }
  }

  private putQueue(cq: ConsumeQueue): void {
    let t = this.queues.get(cq.topic);
    if (!t) this.queues.set(cq.topic, (t = new Map()));
    t.set(cq.queueId, cq);
  }

  private recover(crashed: boolean, t0: number): RecoveryReport {
    const cl = this.commitLog;
    const segs = cl.segmentList;
    const cp = this.checkpoint;
    let redispatched = 0;
    let stop: ScanStop | null = null;
    let fromIdx: number;
    let maxPhy: number;
    let scannedFrom = -1;
    if (segs.length === 0) {
      cl.truncateTo(0);
      maxPhy = 0;
      fromIdx = 0;
    } else if (!crashed && cp.cleanEndPhyOffset >= segs[0]!.start && cp.cleanEndPhyOffset <= segs[segs.length - 1]!.start + cl.segmentSize) {
      // clean shutdown by us: trust the checkpoint
      maxPhy = cp.cleanEndPhyOffset;
      fromIdx = -1;
      cl.truncateTo(maxPhy);
    } else {
      if (!crashed) fromIdx = Math.max(0, segs.length - 3);
      else if (cp.dispatchedPhyOffset >= 0) {
        // the last segment starting at or before the dispatched offset (which may sit exactly at the
        // start of a segment not created yet)
        fromIdx = 0;
        while (fromIdx + 1 < segs.length && segs[fromIdx + 1]!.start <= cp.dispatchedPhyOffset) fromIdx++;
      }
      else fromIdx = this.segmentByTimestamp(Math.min(cp.minTimestamp, cp.indexMsgTimestamp || cp.minTimestamp));
      // Java-written checkpoint: the index may lag the consume queues; rebuild it from its end
      const idxEnd = this.index.endPhyOffset;
      if (cp.dispatchedPhyOffset < 0 && idxEnd >= 0 && idxEnd < segs[fromIdx]!.start) fromIdx = Math.max(0, cl.segmentIndexOf(idxEnd));
      // after a crash of ours, everything before the checkpoint's dispatched offset is durably in
      // the consume queues and the index (the checkpoint is written after both are flushed): start
      // there when it is a valid record boundary, else at the segment start as Java does
      let startPhy = -1;
      if (crashed && cp.dispatchedPhyOffset > segs[fromIdx]!.start && cl.segmentIndexOf(cp.dispatchedPhyOffset) === fromIdx
        && cl.isRecordBoundary(cp.dispatchedPhyOffset)) {
        startPhy = cp.dispatchedPhyOffset;
      }
      stop = cl.scan(fromIdx, (r) => { this.redispatch(r); redispatched++; }, startPhy);
      scannedFrom = startPhy >= 0 ? startPhy : segs[fromIdx]!.start;
      if (stop.reason !== 'END' && stop.reason !== 'NO_MORE_SEGMENTS') {
        this.log.error({ phy: stop.phy, reason: stop.reason, detail: stop.detail }, 'commit log: invalid record, recovery stops at the last valid record and truncates after it');
      }
      maxPhy = stop.phy;
      cl.truncateTo(maxPhy);
    }
    const minPhy = cl.minPhyOffset;
    for (const t of this.queues.values()) {
      for (const cq of t.values()) {
        cq.truncateBeyond(maxPhy);
        cq.correctMinOffset(minPhy);
      }
    }
    this.index.clampEnd(maxPhy);
    return {
      mode: crashed ? 'ABNORMAL' : 'NORMAL',
      scannedFromPhy: scannedFrom >= 0 ? scannedFrom : maxPhy,
      maxPhyOffset: maxPhy,
      stop,
      redispatched,
      millis: Date.now() - t0,
    };
  }

  /** Newest segment whose first record's store time <= ts (Java isMappedFileMatchedRecover). */
  private segmentByTimestamp(ts: number): number {
    const segs = this.commitLog.segmentList;
    for (let i = segs.length - 1; i >= 0; i--) {
      const first = this.commitLog.read(segs[i]!.start, 92) ?? readHead(segs[i]!.fd);
      if (!first) continue;
      const t = recordStoreTimestamp(first);
      if (t > 0 && t <= ts) return i;
    }
    return 0;
  }

  private redispatch(r: RecoveredRecord): void {
    const rec = r.record;
    if (isDispatchedToQueue(rec.sysFlag)) {
      const cq = this.queue(rec.topic, rec.queueId, true)!;
      const tagsCode = this.tagsCodeOf(rec.topic, rec.properties, rec.storeTimestamp);
      if (rec.queueOffset < cq.maxOffset) {
        const u = cq.unitAt(rec.queueOffset);
        if (!u || u.phyOffset !== r.phy) {
          // stale units from before the crash: cut the queue here and rebuild from the log
          cq.truncateBeyond(r.phy);
          if (rec.queueOffset < cq.maxOffset) this.log.warn({ topic: rec.topic, queueId: rec.queueId, queueOffset: rec.queueOffset }, 'consume queue disagrees with commit log');
        }
      }
      const res = cq.put(rec.queueOffset, r.phy, r.size, tagsCode);
      if (res === 'GAP_FILLED') this.log.warn({ topic: rec.topic, queueId: rec.queueId, queueOffset: rec.queueOffset }, 'consume queue gap filled with blank units');
    }
    if (this.config.messageIndexEnable) this.index.buildIndex(indexKeysOf(rec.topic, rec.properties, rec.sysFlag), r.phy, rec.storeTimestamp);
    this.lastDispatchTimestamp = Math.max(this.lastDispatchTimestamp, rec.storeTimestamp);
  }

  private queue(topic: string, queueId: number, create: boolean): ConsumeQueue | undefined {
    let q = this.queues.get(topic)?.get(queueId);
    if (!q && create) {
      q = new ConsumeQueue(topic, queueId, path.join(this.cqRoot, topic, String(queueId)), this.config.consumeQueueUnitsPerFile);
      this.putQueue(q);
    }
    return q;
  }

  /** Flushes consume queues and index, then records the checkpoint. */
  private flushLogics(): Promise<void> {
    if (this.flushingLogics) return this.flushingLogics;
    const run = async (): Promise<void> => {
      const dispatchedPhy = this.commitLog.maxPhyOffset;
      const logicsTs = this.lastDispatchTimestamp;
      for (const t of this.queues.values()) for (const cq of t.values()) if (cq.dirty) await cq.flush();
      const indexTs = await this.index.flush();
      const cp = this.checkpoint;
      cp.physicMsgTimestamp = this.commitLog.flushedStoreTimestamp || cp.physicMsgTimestamp;
      cp.logicsMsgTimestamp = logicsTs || cp.logicsMsgTimestamp;
      cp.indexMsgTimestamp = indexTs || cp.indexMsgTimestamp;
      // recovery after a crash re-dispatches from here: never past what is durable in the commit log
      cp.dispatchedPhyOffset = Math.min(dispatchedPhy, this.commitLog.flushedPhyOffset);
      cp.flush();
    };
    this.flushingLogics = run()
      .catch((e) => { this.log.error({ err: e }, 'consume queue / index flush failed'); })
      .finally(() => { this.flushingLogics = null; });
    return this.flushingLogics;
  }

  private diskUsagePercent(): number {
    try {
      const st = fs.statfsSync(this.config.storePathCommitLog);
      return st.blocks > 0 ? ((st.blocks - st.bfree) / st.blocks) * 100 : 0;
    } catch {
      return 0;
    }
  }

  /** Sets the disk-full flag (diskSpaceWarningLevelRatio): puts are refused while it holds. */
  private checkDisk(): number {
    const used = this.diskUsagePercent();
    const full = used >= this.config.diskSpaceWarningLevelRatio;
    if (full !== this.diskFull) this.log.warn({ usedPercent: used.toFixed(1), full }, 'store disk-full flag changed');
    this.diskFull = full;
    return used;
  }

  /**
   * Retention (DefaultMessageStore.CleanCommitLogService + CleanConsumeQueueService): at the
   * deleteWhen hours, or when the disk is above diskMaxUsedSpaceRatio, delete commit-log segments
   * older than fileReservedTime; above diskSpaceCleanForciblyRatio delete the oldest even if not
   * expired. Then drop consume-queue and index files that only point at deleted data.
   */
  cleanResources(opts: { now?: number; manual?: boolean; forceUsedPercent?: number } = {}): { deleted: string[]; usedPercent: number } {
    const now = opts.now ?? Date.now();
    const used = opts.forceUsedPercent ?? this.checkDisk();
    if (opts.forceUsedPercent !== undefined) this.diskFull = used >= this.config.diskSpaceWarningLevelRatio;
    const hours = this.config.deleteWhen.split(';').map((h) => Number(h.trim()));
    const isTime = hours.includes(new Date(now).getHours());
    const overMax = used >= this.config.diskMaxUsedSpaceRatio;
    const force = used >= this.config.diskSpaceCleanForciblyRatio;
    let deleted: string[] = [];
    if (isTime || overMax || force || opts.manual) {
      deleted = this.commitLog.deleteExpiredSegments(now, this.config.fileReservedTime * 3600_000, force, this.config.deleteFilesBatchMax);
    }
    if (deleted.length > 0) {
      const minPhy = this.commitLog.minPhyOffset;
      for (const t of this.queues.values()) for (const cq of t.values()) cq.deleteExpiredFiles(minPhy);
      this.index.deleteExpired(minPhy);
      this.log.info({ deleted: deleted.length, minPhy, usedPercent: used.toFixed(1), forced: force }, 'retention deleted commit-log files');
    }
    return { deleted, usedPercent: used };
  }

  async flush(): Promise<void> {
    await this.commitLog.flushAll();
    if (this.flushingLogics) await this.flushingLogics;
    await this.flushLogics();
  }

  async shutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.commitLog.flushAll();
    if (this.flushingLogics) await this.flushingLogics;
    await this.flushLogics();
    this.checkpoint.cleanEndPhyOffset = this.commitLog.maxPhyOffset;
    this.checkpoint.physicMsgTimestamp = this.commitLog.flushedStoreTimestamp || this.checkpoint.physicMsgTimestamp;
    this.checkpoint.flush();
    this.checkpoint.close();
    await this.commitLog.close();
    for (const t of this.queues.values()) for (const cq of t.values()) cq.close();
    this.queues.clear();
    this.index.close();
    fs.rmSync(this.abortFile, { force: true });
    fsyncDir(this.config.storePathRootDir);
  }

  putMessage(msg: PutMessageInput): Promise<PutMessageResult> {
    if (!this.running || this.diskFull) return Promise.resolve(failed(PutMessageStatus.SERVICE_NOT_AVAILABLE));
    const p = preparePut(msg, this.config.maxMessageSize);
    if (!('record' in p)) return Promise.resolve(p);
    return this.append([p], msg.waitStoreMsgOK !== false);
  }

  putMessages(batch: PutMessagesInput): Promise<PutMessageResult> {
    if (!this.running || this.diskFull) return Promise.resolve(failed(PutMessageStatus.SERVICE_NOT_AVAILABLE));
    const ps = expandBatch(batch, this.config.maxMessageSize);
    if (!Array.isArray(ps)) return Promise.resolve(ps);
    return this.append(ps, batch.waitStoreMsgOK !== false);
  }

  /** Write-path counters of the commit log (benchmark/diagnostics). */
  commitLogStats(reset = false): CommitLogStats { return this.commitLog.writeStats(reset); }

  /**
   * Appends and dispatches synchronously (offsets in call order), then waits — sharing one promise
   * with every other append of this event-loop turn — for the bytes to be written (ASYNC) or
   * durable (SYNC_FLUSH).
   */
  private append(ps: PreparedPut[], wait: boolean): Promise<PutMessageResult> {
    const storeTimestamp = Date.now();
    const first = ps[0]!;
    const cq = this.queue(first.input.topic, first.input.queueId, true)!;
    let msgId = '';
    let wroteOffset = -1;
    let wroteBytes = 0;
    let logicsOffset = 0;
    let end = 0;
    for (const p of ps) {
      const queued = isDispatchedToQueue(p.record.sysFlag);
      const queueOffset = queued ? cq.maxOffset : 0;
      const phy = this.commitLog.append(p.record, queueOffset, storeTimestamp);
      if (phy === 'MESSAGE_SIZE_EXCEEDED') return Promise.resolve(failed(PutMessageStatus.MESSAGE_ILLEGAL));
      if (phy === 'SERVICE_NOT_AVAILABLE') return Promise.resolve(failed(PutMessageStatus.SERVICE_NOT_AVAILABLE));
      if (wroteOffset < 0) { wroteOffset = phy; logicsOffset = queueOffset; }
      wroteBytes += p.record.totalSize;
      end = phy + p.record.totalSize;
      const id = createMessageId(p.record.storeHostBytes, p.input.storeHost.port, phy);
      msgId = msgId.length === 0 ? id : msgId + ',' + id;
      this.putTimes++;
      this.dispatch(p, queueOffset, phy, storeTimestamp, queued, cq);
    }
    const appendResult = { status: AppendMessageStatus.PUT_OK, wroteOffset, wroteBytes, msgId, storeTimestamp, logicsOffset, msgNum: ps.length };
    const ok: PutMessageResult = { status: PutMessageStatus.PUT_OK, appendResult };
    const cl = this.commitLog;
    if (cl.unwrittenBytes > MAX_UNWRITTEN_BYTES) {
      // back-pressure: a producer faster than the disk waits for the writer instead of growing memory
      return this.appendAfterBackPressure(end, wait, ok);
    }
    return this.ack(end, wait, ok);
  }

  private async appendAfterBackPressure(end: number, wait: boolean, ok: PutMessageResult): Promise<PutMessageResult> {
    while (this.commitLog.unwrittenBytes > MAX_UNWRITTEN_BYTES) if (!(await this.commitLog.waitWriterIdle())) break;
    return this.ack(end, wait, ok);
  }

  private ack(end: number, wait: boolean, ok: PutMessageResult): Promise<PutMessageResult> {
    const cl = this.commitLog;
    if (this.config.flushDiskType === FlushDiskType.SYNC_FLUSH && wait) {
      return cl.waitDurable(end).then((durable) => (durable ? ok : { status: PutMessageStatus.FLUSH_DISK_TIMEOUT, appendResult: ok.appendResult }));
    }
    if (this.config.asyncAckAfterWrite) {
      return cl.waitWritten(end).then((written) => (written ? ok : { status: PutMessageStatus.UNKNOWN_ERROR, appendResult: ok.appendResult }));
    }
    return Promise.resolve(ok);
  }

  private dispatch(p: PreparedPut, queueOffset: number, phy: number, storeTimestamp: number, queued: boolean, cq: ConsumeQueue): void {
    const size = p.record.totalSize;
    const input = p.input;
    if (this.config.messageIndexEnable) this.index.buildIndex(indexKeysOf(input.topic, input.properties, p.record.sysFlag), phy, storeTimestamp);
    this.lastDispatchTimestamp = storeTimestamp;
    if (!queued) return;
    cq.put(queueOffset, phy, size, input.tagsCode);
    if (this.listeners.length === 0) return;
    const req: DispatchRequest = {
      topic: input.topic, queueId: input.queueId, consumeQueueOffset: queueOffset, commitLogOffset: phy, msgSize: size,
      tagsCode: input.tagsCode, storeTimestamp, properties: input.properties, sysFlag: p.record.sysFlag,
    };
    for (const l of this.listeners) {
      try { l(req); } catch (e) { this.log.error({ err: e }, 'message arriving listener threw'); }
    }
  }

  async getMessage(req: GetMessageRequest): Promise<GetMessageResult> {
    this.getTimes++;
    return getMessageFrom(req, this.queue(req.topic, req.queueId, false), this.logAccess);
  }

  getMaxOffsetInQueue(topic: string, queueId: number): number { return this.queue(topic, queueId, false)?.maxOffset ?? 0; }
  getMinOffsetInQueue(topic: string, queueId: number): number { return this.queue(topic, queueId, false)?.minOffset ?? 0; }

  async getCommitLogOffsetInQueue(topic: string, queueId: number, offset: number): Promise<number> {
    return this.queue(topic, queueId, false)?.unitAt(offset)?.phyOffset ?? 0;
  }

  private storeTimeAt(cq: ConsumeQueue, offset: number): number {
    const u = cq.unitAt(offset);
    if (!u) return -1;
    const r = this.commitLog.read(u.phyOffset, u.size);
    return r ? recordStoreTimestamp(r) : -1;
  }

  async getOffsetInQueueByTime(topic: string, queueId: number, timestamp: number): Promise<number> {
    const cq = this.queue(topic, queueId, false);
    if (!cq) return 0;
    return offsetByTime(cq, timestamp, (o) => this.storeTimeAt(cq, o));
  }

  async getEarliestMessageTime(topic: string, queueId: number): Promise<number> {
    const cq = this.queue(topic, queueId, false);
    return cq ? this.storeTimeAt(cq, cq.minOffset) : -1;
  }

  async getMessageStoreTimeStamp(topic: string, queueId: number, offset: number): Promise<number> {
    const cq = this.queue(topic, queueId, false);
    return cq ? this.storeTimeAt(cq, offset) : -1;
  }

  /** The record at `phy`, validated (magic, sizes, CRC, physical offset): never garbage. */
  async lookMessageByOffset(phy: number, size?: number): Promise<Buffer | null> {
    let sz = size;
    if (sz === undefined) {
      const head = this.commitLog.read(phy, 4);
      if (!head) return null;
      sz = head.readInt32BE(0);
    }
    if (sz <= 0 || sz > this.config.maxMessageSize + 64 * 1024 * 2) return null;
    const rec = this.commitLog.read(phy, sz);
    if (!rec) return null;
    const d = decodeRecord(rec, 0, { checkCRC: true });
    if (d.kind !== 'MESSAGE' || d.size !== sz || d.record.physicalOffset !== phy) return null;
    return rec;
  }

  async queryMessage(topic: string, key: string, maxNum: number, begin: number, end: number): Promise<QueryMessageResult> {
    const q = this.index.queryOffset(topic + '#' + key, Math.min(maxNum, MAX_MSGS_NUM_BATCH), begin, end);
    const messages: Buffer[] = [];
    for (const phy of q.phyOffsets) {
      const rec = await this.lookMessageByOffset(phy);
      if (!rec) continue;
      const d = decodeRecord(rec);
      if (d.kind !== 'MESSAGE' || d.record.topic !== topic || !recordHasKey(d.record.properties, key)) continue;
      messages.push(rec);
    }
    return { messages, indexLastUpdateTimestamp: q.indexLastUpdateTimestamp, indexLastUpdatePhyoffset: q.indexLastUpdatePhyoffset };
  }

  getMinPhyOffset(): number { return this.commitLog.minPhyOffset; }
  getMaxPhyOffset(): number { return this.commitLog.maxPhyOffset; }
  getQueueIds(topic: string): number[] { return [...(this.queues.get(topic)?.keys() ?? [])].sort((a, b) => a - b); }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    if (this.flushingLogics) await this.flushingLogics;
    for (const t of topics) {
      const qs = this.queues.get(t);
      if (!qs) continue;
      for (const cq of qs.values()) cq.destroy();
      this.queues.delete(t);
      fs.rmSync(path.join(this.cqRoot, t), { recursive: true, force: true });
    }
  }

  addMessageArrivingListener(l: MessageArrivingListener): void { this.listeners.push(l); }
  removeMessageArrivingListener(l: MessageArrivingListener): void {
    const i = this.listeners.indexOf(l);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  stats(): StoreStats {
    return {
      commitLogMinOffset: this.commitLog.minPhyOffset, commitLogMaxOffset: this.commitLog.maxPhyOffset, dispatchBehindBytes: 0,
      putMessageTimes: this.putTimes, getMessageTimes: this.getTimes,
    };
  }
}

function readHead(fd: number): Buffer | null {
  const b = Buffer.alloc(92);
  try {
    return fs.readSync(fd, b, 0, 92, 0) === 92 ? b : null;
  } catch {
    return null;
  }
}
