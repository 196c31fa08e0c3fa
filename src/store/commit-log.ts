// CommitLog: one append-only record stream for all topics, split into segment files named by their
// 20-digit start offset (Java CommitLog + MappedFileQueue), written with plain file descriptors.
//
// Write path: records are encoded into in-memory slabs (contiguous physical ranges inside one
// segment). A writer pass (once per event-loop turn with new appends) hands unwritten slab bytes to
// the segment fds with writev (small batches inline, large ones in the thread pool, up to 2 ops in
// flight); write ops retire in order, so `writtenPhy` is always a contiguous prefix. For SYNC_FLUSH
// (group commit) and the periodic ASYNC flush an fdatasync covers everything written when it is
// issued; up to 2 run at once, so appends and writes keep flowing while one is in flight, and an
// append is acknowledged only once a completed fdatasync covers its last byte. Appends of one turn
// share one ack promise (AckGroup); SYNC groups are cut at 32 KiB and released one per writer pass
// so concurrent producers fall into cohorts whose fdatasyncs overlap instead of one lock-step round.
// The current segment is kept zero-filled ahead of the write position (SYNC_FLUSH default) so a
// group commit never pays for block allocation. Recent slabs double as the read cache (zero-copy).
// A record never spans two segments: when `size + 8 > remaining`, a BLANK marker
// (int32 remaining, int32 0xCBD43194) closes the segment (message.md §1.3).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../common/logger';
import { BLANK_MAGIC_CODE, decodeRecord, END_FILE_MIN_BLANK_LENGTH, writeRecord } from './message-codec';
import type { PreparedRecord, RecordErrorKind, StoredRecord } from './message-codec';
import type { MessageStoreConfig } from './store-config';
import { offset2FileName } from './store-config';

export interface Segment {
  readonly start: number;
  readonly path: string;
  fd: number;
  /** Written since the last fdatasync was issued. */
  dirty: boolean;
  /** O_DSYNC descriptor of the zero filler, or -1. */
  zfd: number;
}

interface Slab {
  readonly phyStart: number;
  readonly buf: Buffer;
  readonly seg: Segment;
  used: number;
  /** Bytes handed to a write op (in flight or done). */
  issued: number;
  sealed: boolean;
  lastStoreTimestamp: number;
}

interface WriteRun {
  readonly seg: Segment;
  readonly pos: number;
  len: number;
  readonly bufs: Buffer[];
}

/** One write pass: its runs (per segment) complete in any order; ops retire in issue order. */
interface WriteOp {
  /** Everything appended before this position is covered once this op and all earlier ones are done. */
  readonly endPhy: number;
  readonly endTs: number;
  pending: number;
  done: boolean;
  runs: WriteRun[];
}

/** Appends acknowledged together (one promise per writer pass instead of one per message). */
interface AckGroup {
  end: number;
  readonly firstEnd: number;
  readonly since: number;
  count: number;
  closed: boolean;
  readonly promise: Promise<boolean>;
  readonly resolve: (ok: boolean) => void;
}

export interface CommitLogStats {
  writeOps: number;
  /** Of which written in the thread pool (large batches). */
  poolWriteOps: number;
  writtenBytes: number;
  /** fdatasync rounds (group commits and ASYNC flushes) and their latency. */
  syncs: number;
  syncMicros: number;
  syncMicrosMax: number;
  /** Appends acknowledged as durable by those rounds (group size = syncAcks / syncs). */
  syncAcks: number;
  /** Per-fdatasync latency in µs: the first 100 000 since the last reset (bounded; for benchmarks). */
  syncLatencies: number[];
  zeroedBytes: number;
  zeroMicros: number;
}

export interface RecoveredRecord {
  readonly record: StoredRecord;
  readonly phy: number;
  readonly size: number;
}

export interface ScanStop {
  readonly phy: number;
  readonly reason: 'END' | RecordErrorKind | 'NO_MORE_SEGMENTS' | 'PHYSICAL_OFFSET_MISMATCH';
  readonly detail: string;
}

export class CommitLog {
  private segments: Segment[] = [];
  private slabs: Slab[] = [];
  private appendPhy = 0;
  /** End of the contiguous prefix whose write() calls have completed (survives a process kill). */
  private writtenPhy = 0;
  private writtenTs = 0;
  /** Highest target of an fdatasync issued so far. */
  private syncIssuedPhy = 0;
  private flushedPhy = 0;
  private flushedTimestamp = 0;
  private scheduled = false;
  private flushRequested = false;
  private ops: WriteOp[] = [];
  private writesInFlight = 0;
  private syncsInFlight = 0;
  private writeGroups: AckGroup[] = [];
  private syncGroups: AckGroup[] = [];
  /** Durable groups not yet resolved (see pump). */
  private released: AckGroup[] = [];
  private progressWaiters: (() => void)[] = [];
  private zeroing: { seg: Segment; start: number; end: number } | null = null;
  private zeroSeg: Segment | null = null;
  /** The next segment, created ahead by the zero filler; not yet part of `segments`. */
  private prepared: Segment | null = null;
  private zeroedTo = 0;
  private closing = false;
  private failed: Error | null = null;
  private cachedBytes = 0;
  private readonly segSize: number;
  private readonly stats: CommitLogStats = {
    writeOps: 0, poolWriteOps: 0, writtenBytes: 0, syncs: 0, syncMicros: 0, syncMicrosMax: 0, syncAcks: 0, syncLatencies: [],
    zeroedBytes: 0, zeroMicros: 0,
  };

  constructor(private readonly cfg: MessageStoreConfig, private readonly log: Logger) {
    this.segSize = cfg.mappedFileSizeCommitLog;
  }

  get maxPhyOffset(): number { return this.appendPhy; }
  get minPhyOffset(): number { return this.segments[0]?.start ?? 0; }
  get flushedPhyOffset(): number { return this.flushedPhy; }
  /** End of the data handed to the OS (all write() calls up to here returned). */
  get writtenPhyOffset(): number { return this.writtenPhy; }
  /** Store time of the last durable record (checkpoint physicMsgTimestamp). */
  get flushedStoreTimestamp(): number { return this.flushedTimestamp; }
  get segmentSize(): number { return this.segSize; }
  get segmentList(): readonly Segment[] { return this.segments; }

  /** Counters of the write path (benchmark/diagnostics); `reset` starts a new measurement. */
  writeStats(reset = false): CommitLogStats {
    const s = { ...this.stats, syncLatencies: [...this.stats.syncLatencies] };
    if (reset) {
      Object.assign(this.stats, { writeOps: 0, poolWriteOps: 0, writtenBytes: 0, syncs: 0, syncMicros: 0, syncMicrosMax: 0, syncAcks: 0, zeroedBytes: 0, zeroMicros: 0 });
      this.stats.syncLatencies = [];
    }
    return s;
  }

  /** Opens the existing segment files (sorted by start offset). */
  load(): void {
    const dir = this.cfg.storePathCommitLog;
    fs.mkdirSync(dir, { recursive: true });
    const names = fs.readdirSync(dir).filter((n) => /^\d{20}$/.test(n)).sort();
    for (const n of names) {
      const p = path.join(dir, n);
      const st = fs.statSync(p);
      if (st.size !== this.segSize) {
        this.log.warn({ file: p, size: st.size, expected: this.segSize }, 'commit-log segment size differs from mappedFileSizeCommitLog');
      }
      this.segments.push({ start: Number(n), path: p, fd: fs.openSync(p, 'r+'), dirty: false, zfd: -1 });
    }
  }

  /** Index of the segment holding `phy`, or -1. */
  segmentIndexOf(phy: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.segments[mid]!;
      if (phy < s.start) hi = mid - 1;
      else if (phy >= s.start + this.segSize) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  /**
   * Scans records from the start of segment `fromIndex`, validating magic, sizes and (optionally)
   * CRC; calls `onRecord` for each valid record. Returns where valid data ends and why.
   * Never throws on bad bytes.
   */
  scan(fromIndex: number, onRecord: (r: RecoveredRecord) => void, startPhy = -1): ScanStop {
    const checkCRC = this.cfg.checkCRCOnRecover;
    const window = Math.max(16 * 1024 * 1024, this.cfg.maxMessageSize + 128 * 1024);
    let buf = Buffer.allocUnsafe(Math.min(window, this.segSize));
    for (let i = Math.max(0, fromIndex); i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      let bufFilePos = 0;
      let bufLen = 0;
      // position in file: a known record boundary inside the first segment, else its start
      let pos = i === fromIndex && startPhy > seg.start && startPhy < seg.start + this.segSize ? startPhy - seg.start : 0;
      const fill = (at: number): void => {
        if (buf.length < Math.min(window, this.segSize)) buf = Buffer.allocUnsafe(Math.min(window, this.segSize));
        const want = Math.min(buf.length, this.segSize - at);
        let got = 0;
        while (got < want) {
          const n = fs.readSync(seg.fd, buf, got, want - got, at + got);
          if (n <= 0) break;
          got += n;
        }
        bufFilePos = at;
        bufLen = got;
      };
      fill(pos);
      for (;;) {
        if (pos >= this.segSize) break; // exactly full segment: continue with next
        let d = decodeRecord(buf, pos - bufFilePos, { checkCRC, limit: bufLen });
        if (d.kind === 'ERROR' && d.error === 'TRUNCATED' && bufFilePos + bufLen < this.segSize && pos > bufFilePos) {
          fill(pos);
          d = decodeRecord(buf, 0, { checkCRC, limit: bufLen });
        }
        const phy = seg.start + pos;
        if (d.kind === 'BLANK') {
          if (d.size !== this.segSize - pos || d.size < END_FILE_MIN_BLANK_LENGTH) {
            return { phy, reason: 'BAD_SIZE', detail: `BLANK of ${d.size} bytes at file position ${pos} does not reach the segment end` };
          }
          pos = this.segSize;
          break;
        }
        if (d.kind === 'ERROR') {
          if (d.error === 'EMPTY') return { phy, reason: 'END', detail: 'end of data' };
          return { phy, reason: d.error, detail: `${d.detail} (segment ${path.basename(seg.path)}, position ${pos}, error byte ${seg.start + bufFilePos + d.offset})` };
        }
        if (d.record.physicalOffset !== phy) {
          return { phy, reason: 'PHYSICAL_OFFSET_MISMATCH', detail: `record says ${d.record.physicalOffset}` };
        }
        onRecord({ record: d.record, phy, size: d.size });
        pos += d.size;
      }
      // segment closed by BLANK (or exactly full): the next segment must follow
      const next = this.segments[i + 1];
      if (!next) return { phy: seg.start + this.segSize, reason: 'NO_MORE_SEGMENTS', detail: 'last segment is full' };
    }
    const last = this.segments[this.segments.length - 1];
    return { phy: last ? last.start : 0, reason: 'END', detail: 'no segments' };
  }

  /** True when a valid record, a BLANK or the zeroed end of data starts exactly at `phy`. */
  isRecordBoundary(phy: number): boolean {
    const idx = this.segmentIndexOf(phy);
    if (idx < 0) return false;
    const head = this.readFile(phy, Math.min(8, this.segments[idx]!.start + this.segSize - phy), true);
    if (!head || head.length < 8) return false;
    const size = head.readInt32BE(0);
    const magic = head.readInt32BE(4);
    if (magic === BLANK_MAGIC_CODE) return size === this.segments[idx]!.start + this.segSize - phy;
    if (size === 0 && magic === 0) return true;
    if (size <= 0 || size > this.segSize) return false;
    const rec = this.readFile(phy, size, true);
    if (!rec) return false;
    const d = decodeRecord(rec, 0, { checkCRC: true });
    return d.kind === 'MESSAGE' && d.record.physicalOffset === phy;
  }

  /**
   * Sets the append position after recovery: segments after `phy` are deleted and the rest of the
   * segment holding `phy` is zeroed (truncate + re-extend, so stale bytes can never be re-read as
   * records by a later recovery).
   */
  truncateTo(phy: number): void {
    while (this.segments.length > 0 && this.segments[this.segments.length - 1]!.start > phy) {
      const last = this.segments.pop()!;
      fs.closeSync(last.fd);
      fs.rmSync(last.path, { force: true });
      this.log.warn({ file: last.path }, 'deleted commit-log segment beyond the recovered end');
    }
    const idx = this.segmentIndexOf(phy);
    if (idx >= 0) {
      const seg = this.segments[idx]!;
      const pos = phy - seg.start;
      fs.ftruncateSync(seg.fd, pos);
      fs.ftruncateSync(seg.fd, this.segSize);
      fs.fdatasyncSync(seg.fd);
    }
    this.appendPhy = phy;
    this.flushedPhy = phy;
    this.writtenPhy = phy;
    this.syncIssuedPhy = phy;
  }

  private createSegment(start: number): Segment {
    const ready = this.prepared;
    if (ready && ready.start === start) {
      this.prepared = null;
      this.segments.push(ready);
      return ready;
    }
    const p = path.join(this.cfg.storePathCommitLog, offset2FileName(start));
    const fd = fs.openSync(p, 'w+');
    fs.ftruncateSync(fd, this.segSize);
    fsyncDir(this.cfg.storePathCommitLog);
    const seg: Segment = { start, path: p, fd, dirty: false, zfd: -1 };
    this.segments.push(seg);
    return seg;
  }

  private currentSlab(need: number): Slab {
    let seg = this.segments[this.segments.length - 1];
    if (!seg || this.appendPhy >= seg.start + this.segSize) {
      const start = seg ? seg.start + this.segSize : Math.floor(this.appendPhy / this.segSize) * this.segSize;
      seg = this.createSegment(start);
      if (this.appendPhy < start) this.appendPhy = start;
    }
    let slab = this.slabs[this.slabs.length - 1];
    if (slab && !slab.sealed && slab.seg === seg && slab.phyStart + slab.used === this.appendPhy && slab.buf.length - slab.used >= need) return slab;
    if (slab) slab.sealed = true;
    const remainingInSeg = seg.start + this.segSize - this.appendPhy;
    const cap = Math.max(need, Math.min(this.cfg.commitLogSlabBytes, remainingInSeg));
    slab = { phyStart: this.appendPhy, buf: Buffer.allocUnsafe(cap), seg, used: 0, issued: 0, sealed: false, lastStoreTimestamp: 0 };
    this.slabs.push(slab);
    this.cachedBytes += cap;
    return slab;
  }

  /**
   * Appends one record (DefaultAppendMessageCallback.doAppend): writes a BLANK and rolls to the
   * next segment when it does not fit. Synchronous: offsets are assigned in call order. Returns the
   * record's physical offset.
   */
  append(r: PreparedRecord, queueOffset: number, storeTimestamp: number): number | 'MESSAGE_SIZE_EXCEEDED' | 'SERVICE_NOT_AVAILABLE' {
    if (this.failed) return 'SERVICE_NOT_AVAILABLE';
    if (r.totalSize + END_FILE_MIN_BLANK_LENGTH > this.segSize) return 'MESSAGE_SIZE_EXCEEDED';
    let seg = this.segments[this.segments.length - 1];
    if (seg && this.appendPhy < seg.start + this.segSize) {
      const remaining = seg.start + this.segSize - this.appendPhy;
      if (r.totalSize + END_FILE_MIN_BLANK_LENGTH > remaining) {
        const slab = this.currentSlab(END_FILE_MIN_BLANK_LENGTH);
        slab.buf.writeInt32BE(remaining, slab.used);
        slab.buf.writeInt32BE(BLANK_MAGIC_CODE, slab.used + 4);
        slab.used += END_FILE_MIN_BLANK_LENGTH;
        slab.sealed = true;
        this.appendPhy = seg.start + this.segSize;
      }
    }
    const slab = this.currentSlab(r.totalSize);
    seg = slab.seg;
    const phy = this.appendPhy;
    const at = slab.used;
    writeRecord(slab.buf, at, r, { queueOffset, physicalOffset: phy, storeTimestamp });
    slab.used += r.totalSize;
    slab.lastStoreTimestamp = storeTimestamp;
    this.appendPhy += r.totalSize;
    this.kick();
    return phy;
  }

  /** Bytes appended but not yet handed to the OS (including writes in flight). */
  get unwrittenBytes(): number { return this.appendPhy - this.writtenPhy; }

  /** Resolves at the next writer progress (ASYNC back-pressure), at once when nothing is pending; false once failed. */
  waitWriterIdle(): Promise<boolean> {
    if (this.failed) return RESOLVED_FALSE;
    if (this.writesInFlight === 0 && this.firstUnissued() >= this.slabs.length) return RESOLVED_TRUE;
    return new Promise((resolve) => { this.progressWaiters.push(() => resolve(!this.failed)); this.kick(); });
  }

  /** Resolves once everything up to `end` has been handed to the OS (survives a process kill). */
  waitWritten(end: number): Promise<boolean> {
    if (end <= this.writtenPhy) return RESOLVED_TRUE;
    if (this.failed) return RESOLVED_FALSE;
    return this.join(this.writeGroups, end);
  }

  /** Resolves true once everything up to `end` is durable; false after syncFlushTimeout. */
  waitDurable(end: number): Promise<boolean> {
    if (end <= this.flushedPhy) return RESOLVED_TRUE;
    if (this.failed) return RESOLVED_FALSE;
    return this.join(this.syncGroups, end, SYNC_GROUP_SPLIT_BYTES);
  }

  /**
   * Appends made between two writer passes share one group (one promise, one timestamp): the group
   * is closed when the writer takes its bytes, and settles once its last byte is written/durable.
   */
  private join(groups: AckGroup[], end: number, splitBytes = Infinity): Promise<boolean> {
    const last = groups[groups.length - 1];
    if (last && !last.closed && end - last.firstEnd < splitBytes) {
      if (end > last.end) last.end = end;
      last.count++;
      return last.promise;
    }
    let resolve!: (ok: boolean) => void;
    const promise = new Promise<boolean>((r) => { resolve = r; });
    if (last) last.closed = true;
    groups.push({ end, firstEnd: end, since: Date.now(), count: 1, closed: false, promise, resolve });
    this.kick();
    return promise;
  }

  /** Periodic ASYNC flush / explicit flush request. */
  requestFlush(): void {
    this.flushRequested = true;
    this.kick();
  }

  /** Writes and fdatasyncs everything appended so far, and waits until no I/O is in flight. */
  async flushAll(): Promise<void> {
    // after a failure: only wait for the I/O still in flight (close() must not pull fds from under it)
    while (this.writesInFlight > 0 || this.syncsInFlight > 0 || this.zeroing
      || (!this.failed && (this.flushedPhy < this.appendPhy || this.released.length > 0))) {
      if (!this.failed && this.flushedPhy < this.appendPhy) {
        this.flushRequested = true;
        await this.join(this.syncGroups, this.appendPhy);
      } else {
        await new Promise<void>((resolve) => this.progressWaiters.push(resolve));
      }
    }
  }

  /** Times out SYNC waiters older than syncFlushTimeout (called from a periodic timer). */
  expireWaiters(now: number): void {
    const limit = this.cfg.syncFlushTimeout;
    while (this.syncGroups.length > 0 && now - this.syncGroups[0]!.since >= limit) {
      const g = this.syncGroups.shift()!;
      g.closed = true;
      g.resolve(false);
    }
  }

  /** Schedules a writer pass for the next turn of the event loop (every append of this turn joins it). */
  private kick(): void {
    if (this.scheduled || this.failed) return;
    this.scheduled = true;
    setImmediate(this.pumpBound);
  }

  private readonly pumpBound = (): void => {
    this.scheduled = false;
    this.pump();
  };

  /**
   * One writer pass: hands unwritten slab bytes to the OS (up to MAX_WRITES_IN_FLIGHT write ops,
   * small ones synchronously), issues an fdatasync when durability is wanted (up to
   * MAX_SYNCS_IN_FLIGHT at once: appends and writes keep flowing while one is in flight), and keeps
   * zeroed space ahead of the write position.
   */
  private pump(): void {
    if (this.failed) { this.notifyProgress(); return; }
    while (this.writesInFlight < MAX_WRITES_IN_FLIGHT && this.firstUnissued() < this.slabs.length) {
      if (!this.issueWrite()) break;
    }
    this.maybeSync();
    this.maybeZero();
    this.notifyProgress();
    // one released group per pass: its writers' next appends form their own group and fdatasync,
    // which runs while the next group's writers are busy (two cohorts instead of one lock-step)
    const g = this.released.shift();
    if (g) {
      g.resolve(true);
      if (this.released.length > 0) this.kick();
    }
  }

  /** Index of the first slab with bytes not yet handed to a write op (slabs.length when none). */
  private firstUnissued(): number {
    let i = this.slabs.length;
    while (i > 0 && this.slabs[i - 1]!.issued < this.slabs[i - 1]!.used) i--;
    return i;
  }

  /** Takes unissued bytes into one write op. False when it has to wait for a zero fill. */
  private issueWrite(): boolean {
    const from = this.firstUnissued();
    const runs: WriteRun[] = [];
    let bytes = 0;
    let lastTs = this.writtenTs;
    let i = from;
    for (; i < this.slabs.length && bytes < MAX_WRITE_OP_BYTES; i++) {
      const s = this.slabs[i]!;
      const pos = s.phyStart + s.issued - s.seg.start;
      const len = s.used - s.issued; // whole slab tails: an op always ends on a record boundary
      const z = this.zeroing;
      if (z && z.seg === s.seg && pos + len > z.start && pos < z.end) break; // never race a zero fill
      const prev = runs[runs.length - 1];
      if (prev && prev.seg === s.seg && prev.pos + prev.len === pos && prev.bufs.length < 512) {
        prev.bufs.push(s.buf.subarray(s.issued, s.issued + len));
        prev.len += len;
      } else {
        runs.push({ seg: s.seg, pos, len, bufs: [s.buf.subarray(s.issued, s.issued + len)] });
      }
      s.issued += len;
      bytes += len;
      lastTs = s.lastStoreTimestamp || lastTs;
    }
    if (runs.length === 0) return false;
    // the op covers everything before the first byte still unissued (past a BLANK: up to the next
    // segment's first record), or everything appended so far
    const next = this.firstUnissued();
    const endPhy = next < this.slabs.length ? this.slabs[next]!.phyStart + this.slabs[next]!.issued : this.appendPhy;
    const op: WriteOp = { endPhy, endTs: lastTs, pending: runs.length, done: false, runs };
    this.ops.push(op);
    // appends from now on form new ack groups
    closeLast(this.writeGroups);
    closeLast(this.syncGroups);
    this.stats.writeOps++;
    this.stats.writtenBytes += bytes;
    if (bytes <= SYNC_WRITE_MAX_BYTES) {
      // small batches go straight to the page cache on this thread (saves a thread-pool round trip
      // per group commit); large ones are written off-thread so the loop keeps serving
      try {
        for (const r of runs) writevAllSync(r.seg.fd, r.bufs, r.pos);
      } catch (e) {
        this.fail(e as Error);
        return false;
      }
      op.pending = 0;
      this.writeDone(op);
      return true;
    }
    this.writesInFlight++;
    this.stats.poolWriteOps++;
    for (const r of runs) {
      writevAll(r.seg.fd, r.bufs, r.pos).then(() => {
        if (--op.pending > 0) return;
        this.writesInFlight--;
        if (this.failed) { this.notifyProgress(); return; }
        this.writeDone(op);
        this.pump();
      }, (e: unknown) => {
        this.fail(e as Error);
        if (--op.pending === 0) this.writesInFlight--;
        this.notifyProgress();
      });
    }
    return true;
  }

  private writeDone(op: WriteOp): void {
    op.done = true;
    for (const r of op.runs) r.seg.dirty = true;
    op.runs = [];
    while (this.ops.length > 0 && this.ops[0]!.done) {
      const o = this.ops.shift()!;
      if (o.endPhy > this.writtenPhy) this.writtenPhy = o.endPhy;
      if (o.endTs > this.writtenTs) this.writtenTs = o.endTs;
    }
    this.settleSplit(this.writeGroups, this.writtenPhy);
    this.evict();
  }

  /** Issues an fdatasync of everything written so far when a SYNC waiter or a flush request wants it. */
  private maybeSync(): void {
    if (this.syncsInFlight >= MAX_SYNCS_IN_FLIGHT || this.writtenPhy <= this.syncIssuedPhy) return;
    let want = this.flushRequested;
    if (!want) {
      // a waiting group not covered by a sync in flight, whose bytes are all written
      for (const g of this.syncGroups) {
        if (g.end <= this.syncIssuedPhy) continue;
        want = g.end <= this.writtenPhy;
        break;
      }
    }
    if (!want) return;
    const target = this.writtenPhy;
    const ts = this.writtenTs;
    const segs: Segment[] = [];
    for (const s of this.segments) {
      if (!s.dirty) continue;
      s.dirty = false;
      segs.push(s);
    }
    this.syncIssuedPhy = target;
    this.flushRequested = false;
    this.syncsInFlight++;
    const t0 = process.hrtime.bigint();
    const done = (): void => {
      const us = Number(process.hrtime.bigint() - t0) / 1000;
      const st = this.stats;
      st.syncs++;
      st.syncMicros += us;
      if (us > st.syncMicrosMax) st.syncMicrosMax = us;
      if (st.syncLatencies.length < 100_000) st.syncLatencies.push(us);
      this.syncsInFlight--;
      if (target > this.flushedPhy) this.flushedPhy = target;
      if (ts > this.flushedTimestamp) this.flushedTimestamp = ts;
      st.syncAcks += this.settleSplit(this.syncGroups, this.flushedPhy);
      this.pump();
    };
    const failed = (e: unknown): void => {
      this.syncsInFlight--;
      this.fail(e as Error);
      this.notifyProgress();
    };
    if (segs.length === 1) fdatasync(segs[0]!.fd).then(done, failed);
    else Promise.all(segs.map((s) => fdatasync(s.fd))).then(done, failed);
  }

  /**
   * Keeps `commitLogZeroAheadBytes` of the current segment ahead of the write position filled with
   * durable zeros (AllocateMappedFileService + warmMappedFile in spirit): blocks are allocated off
   * the hot path, so a group commit's fdatasync has no allocation metadata to journal. Zeros are
   * written through a second O_DSYNC descriptor in the thread pool; the writer never writes into a
   * range while its zero fill is in flight.
   */
  private maybeZero(): void {
    const ahead = this.cfg.commitLogZeroAheadBytes;
    if (ahead <= 0 || this.zeroing || this.failed || this.closing) return;
    const cur = this.segments[this.segments.length - 1];
    if (!cur) return;
    if (this.zeroSeg !== cur && (this.zeroSeg !== this.prepared || !this.prepared)) this.switchZeroSeg(cur);
    const front = Math.min(this.segSize, Math.max(0, this.appendPhy - cur.start));
    let seg = cur;
    let start: number;
    if (this.zeroSeg === cur) {
      start = Math.max(this.zeroedTo, alignUp(front + Math.min(ZERO_MARGIN_BYTES, this.segSize / 16), 4096));
      if (start >= front + ahead) return;
      if (start >= this.segSize) {
        // the rest of this segment is ready: create the next one (once per segment, before the
        // writer reaches it, like Java's AllocateMappedFileService) and fill its head
        if (!this.prepared && !this.prepareNext(cur.start + this.segSize)) return;
        this.switchZeroSeg(this.prepared!);
      }
    }
    if (this.zeroSeg !== cur) {
      seg = this.prepared!;
      start = this.zeroedTo;
      if (start >= Math.min(this.segSize, front + ahead - this.segSize)) return;
    }
    start = start!;
    const end = Math.min(this.segSize, start + Math.max(4096, Math.min(ZERO_CHUNK_BYTES, this.segSize / 8)));
    try {
      if (seg.zfd < 0) seg.zfd = fs.openSync(seg.path, fs.constants.O_WRONLY | fs.constants.O_DSYNC);
    } catch (e) {
      this.log.warn({ err: e, file: seg.path }, 'commit log: zero fill disabled for this segment');
      this.zeroedTo = this.segSize;
      return;
    }
    this.zeroing = { seg, start, end };
    const t0 = process.hrtime.bigint();
    fs.write(seg.zfd, ZEROS, 0, end - start, start, (err) => {
      this.zeroing = null;
      if (err) {
        this.log.warn({ err, file: seg.path }, 'commit log: zero fill failed (harmless: the space stays sparse)');
        if (this.zeroSeg === seg) this.zeroedTo = this.segSize;
      } else {
        if (this.zeroSeg === seg) this.zeroedTo = Math.max(this.zeroedTo, end);
        this.stats.zeroedBytes += end - start;
        this.stats.zeroMicros += Number(process.hrtime.bigint() - t0) / 1000;
      }
      this.pump();
    });
  }

  private switchZeroSeg(seg: Segment): void {
    const old = this.zeroSeg;
    if (old && old !== seg && old.zfd >= 0) {
      try { fs.closeSync(old.zfd); } catch { /* closed with its segment */ }
      old.zfd = -1;
    }
    this.zeroSeg = seg;
    this.zeroedTo = 0;
  }

  /** Creates the segment file starting at `start` ahead of need; false when that failed. */
  private prepareNext(start: number): boolean {
    const p = path.join(this.cfg.storePathCommitLog, offset2FileName(start));
    try {
      const fd = fs.openSync(p, 'w+');
      fs.ftruncateSync(fd, this.segSize);
      fsyncDir(this.cfg.storePathCommitLog);
      this.prepared = { start, path: p, fd, dirty: false, zfd: -1 };
      return true;
    } catch (e) {
      this.log.warn({ err: e, file: p }, 'commit log: could not create the next segment ahead (it is created on roll)');
      return false;
    }
  }

  /**
   * Settles the leading groups whose bytes end at or before `upto`: the first now, the others one
   * per writer pass (see pump). Returns how many appends.
   */
  private settleSplit(groups: AckGroup[], upto: number): number {
    let n = 0;
    while (groups.length > 0 && groups[0]!.end <= upto) {
      const g = groups.shift()!;
      g.closed = true;
      // in order: behind groups released earlier and not resolved yet
      if (n === 0 && this.released.length === 0) g.resolve(true);
      else this.released.push(g);
      n += g.count;
    }
    return n;
  }

  private notifyProgress(): void {
    if (this.progressWaiters.length === 0) return;
    const w = this.progressWaiters;
    this.progressWaiters = [];
    for (const r of w) r();
  }

  private fail(e: Error): void {
    if (this.failed) return;
    this.failed = e;
    this.log.error({ err: e }, 'commit-log write failed; store refuses further writes');
    for (const g of this.writeGroups) g.resolve(false);
    for (const g of this.syncGroups) g.resolve(false);
    for (const g of this.released) g.resolve(true);
    this.released = [];
    this.writeGroups = [];
    this.syncGroups = [];
    this.notifyProgress();
  }

  private evict(): void {
    while (this.cachedBytes > this.cfg.commitLogCacheBytes && this.slabs.length > 1) {
      const s = this.slabs[0]!;
      if (!s.sealed || s.issued < s.used || s.phyStart + s.used > this.writtenPhy) break;
      this.slabs.shift();
      this.cachedBytes -= s.buf.length;
    }
  }

  /** Record bytes at [phy, phy+size): a slab slice when cached, else read from the segment file. */
  read(phy: number, size: number): Buffer | null {
    return this.readCached(phy, size) ?? this.readFile(phy, size);
  }

  private readCached(phy: number, size: number): Buffer | null {
    if (size <= 0 || phy < this.minPhyOffset || phy + size > this.appendPhy) return null;
    const slabs = this.slabs;
    if (slabs.length > 0 && phy >= slabs[0]!.phyStart) {
      let lo = 0;
      let hi = slabs.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (slabs[mid]!.phyStart <= phy) lo = mid;
        else hi = mid - 1;
      }
      const s = slabs[lo]!;
      const at = phy - s.phyStart;
      if (at + size <= s.used) return s.buf.subarray(at, at + size);
    }
    return null;
  }

  /** `beyondEnd`: recovery reads before the append position is known. */
  private readFile(phy: number, size: number, beyondEnd = false): Buffer | null {
    if (size <= 0 || phy < this.minPhyOffset || (!beyondEnd && phy + size > this.appendPhy)) return null;
    const idx = this.segmentIndexOf(phy);
    if (idx < 0) return null;
    const seg = this.segments[idx]!;
    if (phy - seg.start + size > this.segSize) return null;
    const out = Buffer.allocUnsafe(size);
    try {
      let got = 0;
      while (got < size) {
        const n = fs.readSync(seg.fd, out, got, size - got, phy - seg.start + got);
        if (n <= 0) return null;
        got += n;
      }
    } catch {
      return null;
    }
    return out;
  }

  /**
   * A whole record for the read path: slab slices are trusted (written by us in this process);
   * bytes read from a file are validated (magic, size, CRC, physical offset) so a corrupted
   * segment is never served.
   */
  readRecord(phy: number, size: number): Buffer | null {
    const cached = this.readCached(phy, size);
    if (cached) return cached;
    const b = this.read(phy, size);
    if (!b) return null;
    const d = decodeRecord(b, 0, { checkCRC: true });
    if (d.kind !== 'MESSAGE' || d.size !== size || d.record.physicalOffset !== phy) {
      this.log.error({ phy, size, problem: d.kind === 'ERROR' ? d.detail : d.kind }, 'commit log: invalid record on read, not served');
      return null;
    }
    return b;
  }

  /**
   * Retention (CommitLog.deleteExpiredFile): deletes the oldest segments, never the current one,
   * whose last modification is older than `reservedMs` (or any, when `force`), oldest first and
   * stopping at the first one kept so the log stays contiguous. Returns the paths deleted.
   */
  deleteExpiredSegments(now: number, reservedMs: number, force: boolean, maxFiles: number): string[] {
    const deleted: string[] = [];
    while (this.segments.length > 1 && deleted.length < maxFiles) {
      const s = this.segments[0]!;
      let mtime: number;
      try { mtime = fs.fstatSync(s.fd).mtimeMs; } catch { mtime = 0; }
      if (!force && mtime + reservedMs > now) break;
      if (this.slabs.some((x) => x.seg === s && x.phyStart + x.used > this.writtenPhy)) break;
      this.segments.shift();
      fs.closeSync(s.fd);
      fs.rmSync(s.path, { force: true });
      deleted.push(s.path);
    }
    while (this.slabs.length > 0 && this.slabs[0]!.phyStart < this.minPhyOffset && this.slabs[0]!.phyStart + this.slabs[0]!.used <= this.writtenPhy) {
      this.cachedBytes -= this.slabs.shift()!.buf.length;
    }
    return deleted;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.flushAll();
    for (const s of this.segments) {
      fs.closeSync(s.fd);
      if (s.zfd >= 0) fs.closeSync(s.zfd);
    }
    const unused = this.prepared;
    if (unused) {
      // a directory the Java broker may open next holds only segments with data
      this.prepared = null;
      fs.closeSync(unused.fd);
      if (unused.zfd >= 0) fs.closeSync(unused.zfd);
      fs.rmSync(unused.path, { force: true });
      fsyncDir(this.cfg.storePathCommitLog);
    }
    this.segments = [];
    this.slabs = [];
  }
}

const SYNC_WRITE_MAX_BYTES = 256 * 1024;
const MAX_WRITE_OP_BYTES = 8 * 1024 * 1024;
const MAX_WRITES_IN_FLIGHT = 2;
const MAX_SYNCS_IN_FLIGHT = 2;
/** A SYNC ack group closes after this many bytes of appends (see pump). */
const SYNC_GROUP_SPLIT_BYTES = 32 * 1024;
const ZERO_CHUNK_BYTES = 2 * 1024 * 1024;
const ZERO_MARGIN_BYTES = 1024 * 1024;
const ZEROS = Buffer.alloc(ZERO_CHUNK_BYTES);
const RESOLVED_TRUE = Promise.resolve(true);
const RESOLVED_FALSE = Promise.resolve(false);

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

function closeLast(groups: AckGroup[]): void {
  const g = groups[groups.length - 1];
  if (g) g.closed = true;
}

function writevAllSync(fd: number, bufs: Buffer[], position: number): void {
  let pos = position;
  let rest = bufs;
  while (rest.length > 0) {
    const n = fs.writevSync(fd, rest, pos);
    pos += n;
    let skip = n;
    const next: Buffer[] = [];
    for (const b of rest) {
      if (skip >= b.length) { skip -= b.length; continue; }
      next.push(skip > 0 ? b.subarray(skip) : b);
      skip = 0;
    }
    rest = next;
  }
}

function writevAll(fd: number, bufs: Buffer[], position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const total = bufs.reduce((a, b) => a + b.length, 0);
    fs.writev(fd, bufs, position, (err, written) => {
      if (err) return reject(err);
      if (written === total) return resolve();
      // short write: finish the rest
      let skip = written;
      const rest: Buffer[] = [];
      for (const b of bufs) {
        if (skip >= b.length) { skip -= b.length; continue; }
        rest.push(b.subarray(skip));
        skip = 0;
      }
      writevAll(fd, rest, position + written).then(resolve, reject);
    });
  });
}

/** The fdatasync the write path calls, behind an object a test can spy on to hold completions back. */
export const syncCall = {
  fdatasync(fd: number, cb: (err: NodeJS.ErrnoException | null) => void): void { fs.fdatasync(fd, cb); },
};

export function fdatasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => syncCall.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

export function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
  } catch {
    /* not supported on every platform */
  }
}
