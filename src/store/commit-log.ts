// CommitLog: one append-only record stream for all topics, split into segment files named by their
// 20-digit start offset (Java CommitLog + MappedFileQueue), written with plain file descriptors.
//
// Write path: records are encoded into in-memory slabs (contiguous physical ranges inside one
// segment); a single writer loop pushes unwritten slab bytes to the segment fds with writev and,
// for SYNC_FLUSH (group commit) or the periodic ASYNC flush, one fdatasync per round for every
// append that arrived meanwhile. Recent slabs double as the read cache (zero-copy slices).
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
  dirty: boolean;
}

interface Slab {
  readonly phyStart: number;
  readonly buf: Buffer;
  readonly seg: Segment;
  used: number;
  written: number;
  sealed: boolean;
  lastStoreTimestamp: number;
}

interface SyncWaiter {
  readonly end: number;
  readonly since: number;
  readonly resolve: (durable: boolean) => void;
}

export interface AppendResult {
  readonly phy: number;
  readonly record: Buffer;
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
  private flushedPhy = 0;
  private flushedTimestamp = 0;
  private writing = false;
  private scheduled = false;
  private flushRequested = false;
  private waiters: SyncWaiter[] = [];
  private writeWaiters: SyncWaiter[] = [];
  private writtenPhy = 0;
  private idleWaiters: (() => void)[] = [];
  private failed: Error | null = null;
  private cachedBytes = 0;
  private readonly segSize: number;

  constructor(private readonly cfg: MessageStoreConfig, private readonly log: Logger) {
    this.segSize = cfg.mappedFileSizeCommitLog;
  }

  get maxPhyOffset(): number { return this.appendPhy; }
  get minPhyOffset(): number { return this.segments[0]?.start ?? 0; }
  get flushedPhyOffset(): number { return this.flushedPhy; }
  /** Store time of the last durable record (checkpoint physicMsgTimestamp). */
  get flushedStoreTimestamp(): number { return this.flushedTimestamp; }
  get segmentSize(): number { return this.segSize; }
  get segmentList(): readonly Segment[] { return this.segments; }

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
      this.segments.push({ start: Number(n), path: p, fd: fs.openSync(p, 'r+'), dirty: false });
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
  }

  private createSegment(start: number): Segment {
    const p = path.join(this.cfg.storePathCommitLog, offset2FileName(start));
    const fd = fs.openSync(p, 'w+');
    fs.ftruncateSync(fd, this.segSize);
    fsyncDir(this.cfg.storePathCommitLog);
    const seg: Segment = { start, path: p, fd, dirty: true };
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
    slab = { phyStart: this.appendPhy, buf: Buffer.allocUnsafe(cap), seg, used: 0, written: 0, sealed: false, lastStoreTimestamp: 0 };
    this.slabs.push(slab);
    this.cachedBytes += cap;
    return slab;
  }

  /**
   * Appends one record (DefaultAppendMessageCallback.doAppend): writes a BLANK and rolls to the
   * next segment when it does not fit. Synchronous: offsets are assigned in call order.
   */
  append(r: PreparedRecord, queueOffset: number, storeTimestamp: number): AppendResult | 'MESSAGE_SIZE_EXCEEDED' | 'SERVICE_NOT_AVAILABLE' {
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
    return { phy, record: slab.buf.subarray(at, at + r.totalSize) };
  }

  /** Bytes appended but not yet handed to the OS. */
  get unwrittenBytes(): number {
    let n = 0;
    for (let i = this.slabs.length - 1; i >= 0; i--) {
      const s = this.slabs[i]!;
      if (s.written === s.used) break;
      n += s.used - s.written;
    }
    return n;
  }

  /** Resolves once the writer loop has passed (ASYNC back-pressure). */
  waitWriterIdle(): Promise<void> {
    if (!this.writing && !this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Resolves once everything up to `end` has been handed to the OS (survives a process kill). */
  waitWritten(end: number): Promise<boolean> {
    if (end <= this.writtenPhy) return Promise.resolve(true);
    return new Promise((resolve) => {
      this.writeWaiters.push({ end, since: Date.now(), resolve });
      this.kick();
    });
  }

  /** Resolves true once everything up to `end` is durable; false after syncFlushTimeout. */
  waitDurable(end: number): Promise<boolean> {
    if (end <= this.flushedPhy) return Promise.resolve(true);
    return new Promise((resolve) => {
      this.waiters.push({ end, since: Date.now(), resolve });
      this.kick();
    });
  }

  /** Periodic ASYNC flush / explicit flush request. */
  requestFlush(): void {
    this.flushRequested = true;
    this.kick();
  }

  /** Writes and fdatasyncs everything appended so far. */
  async flushAll(): Promise<void> {
    if (this.appendPhy <= this.flushedPhy && !this.writing && !this.scheduled) return;
    this.flushRequested = true;
    this.kick();
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Times out SYNC waiters older than syncFlushTimeout (called from a periodic timer). */
  expireWaiters(now: number): void {
    const limit = this.cfg.syncFlushTimeout;
    if (this.waiters.length === 0 || now - this.waiters[0]!.since < limit) return;
    const keep: SyncWaiter[] = [];
    for (const w of this.waiters) {
      if (now - w.since >= limit) w.resolve(false);
      else keep.push(w);
    }
    this.waiters = keep;
  }

  /**
   * Schedules the writer for the next turn of the event loop, so every append made in this turn is
   * written (and for SYNC_FLUSH, synced) together, and producers never starve I/O.
   */
  private kick(): void {
    if (this.writing || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.writing) return;
      this.writing = true;
      void this.writerLoop();
    });
  }

  private async writerLoop(): Promise<void> {
    try {
      for (;;) {
        const pending = this.slabs.filter((s) => s.written < s.used);
        const wantFlush = this.flushRequested || this.waiters.length > 0;
        if (pending.length === 0 && this.writeWaiters.length > 0) {
          this.writtenPhy = this.appendPhy;
          for (const x of this.writeWaiters) x.resolve(true);
          this.writeWaiters = [];
        }
        if (pending.length === 0 && (!wantFlush || this.flushedPhy >= this.appendPhy)) {
          if (this.flushRequested && this.flushedPhy >= this.appendPhy) this.flushRequested = false;
          break;
        }
        // 1. write every unwritten byte, one writev per run of slabs in the same segment
        let targetPhy = this.flushedPhy;
        let targetTs = this.flushedTimestamp;
        let i = 0;
        while (i < pending.length) {
          const seg = pending[i]!.seg;
          const pos = pending[i]!.phyStart + pending[i]!.written - seg.start;
          const bufs: Buffer[] = [];
          const ends: number[] = [];
          const stamps: number[] = [];
          let expect = pending[i]!.phyStart + pending[i]!.written;
          while (i < pending.length && pending[i]!.seg === seg && pending[i]!.phyStart + pending[i]!.written === expect && bufs.length < 512) {
            const s = pending[i]!;
            bufs.push(s.buf.subarray(s.written, s.used));
            ends.push(s.used);
            stamps.push(s.lastStoreTimestamp);
            expect = s.phyStart + s.used;
            i++;
          }
          const bytes = bufs.reduce((n, b) => n + b.length, 0);
          // small batches go straight to the page cache on this thread (saves a thread-pool round
          // trip per group commit); large ones are written off-thread so the loop keeps serving
          if (bytes <= SYNC_WRITE_MAX_BYTES) writevAllSync(seg.fd, bufs, pos);
          else await writevAll(seg.fd, bufs, pos);
          seg.dirty = true;
          for (let k = 0; k < ends.length; k++) {
            const s = pending[i - ends.length + k]!;
            // only what this writev covered: appends made meanwhile are not written yet
            s.written = ends[k]!;
            targetPhy = Math.max(targetPhy, s.phyStart + ends[k]!);
            targetTs = stamps[k]! || targetTs;
          }
        }
        if (this.writeWaiters.length > 0) {
          // past a BLANK the next record starts at the next segment: all appended data is written
          const w = targetPhy < this.appendPhy && this.slabs.every((x) => x.written === x.used) ? this.appendPhy : targetPhy;
          this.writtenPhy = Math.max(this.writtenPhy, w);
          const keep: SyncWaiter[] = [];
          for (const x of this.writeWaiters) {
            if (x.end <= this.writtenPhy) x.resolve(true);
            else keep.push(x);
          }
          this.writeWaiters = keep;
        } else this.writtenPhy = Math.max(this.writtenPhy, targetPhy);
        // 2. one fdatasync for all of it (group commit)
        if (this.flushRequested || this.waiters.length > 0) {
          this.flushRequested = false;
          for (const seg of this.segments) {
            if (!seg.dirty) continue;
            seg.dirty = false;
            await fdatasync(seg.fd);
          }
          // records in a rolled-over segment start after the BLANK gap
          if (targetPhy < this.appendPhy && this.slabs.every((s) => s.written === s.used)) targetPhy = this.appendPhy;
          this.flushedPhy = Math.max(this.flushedPhy, targetPhy);
          this.flushedTimestamp = Math.max(this.flushedTimestamp, targetTs);
          if (this.waiters.length > 0) {
            const keep: SyncWaiter[] = [];
            for (const w of this.waiters) {
              if (w.end <= this.flushedPhy) w.resolve(true);
              else keep.push(w);
            }
            this.waiters = keep;
          }
        }
        this.evict();
      }
    } catch (e) {
      this.failed = e as Error;
      this.log.error({ err: e }, 'commit-log write failed; store refuses further writes');
      for (const w of this.waiters) w.resolve(false);
      for (const w of this.writeWaiters) w.resolve(false);
      this.waiters = [];
      this.writeWaiters = [];
    } finally {
      this.writing = false;
      const idle = this.idleWaiters;
      this.idleWaiters = [];
      for (const r of idle) r();
    }
  }

  private evict(): void {
    while (this.cachedBytes > this.cfg.commitLogCacheBytes && this.slabs.length > 1) {
      const s = this.slabs[0]!;
      if (!s.sealed || s.written < s.used) break;
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
      if (this.slabs.some((x) => x.seg === s && x.written < x.used)) break;
      this.segments.shift();
      fs.closeSync(s.fd);
      fs.rmSync(s.path, { force: true });
      deleted.push(s.path);
    }
    while (this.slabs.length > 0 && this.slabs[0]!.phyStart < this.minPhyOffset && this.slabs[0]!.written === this.slabs[0]!.used) {
      this.cachedBytes -= this.slabs.shift()!.buf.length;
    }
    return deleted;
  }

  async close(): Promise<void> {
    await this.flushAll();
    for (const s of this.segments) fs.closeSync(s.fd);
    this.segments = [];
    this.slabs = [];
  }
}

const SYNC_WRITE_MAX_BYTES = 256 * 1024;

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

export function fdatasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

export function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
  } catch {
    /* not supported on every platform */
  }
}
