// ConsumeQueue: per topic/queue index into the commit log (Java ConsumeQueue). 20-byte big-endian
// units: int64 commit-log offset | int32 size | int64 tags code; unit n at byte n*20 of the logical
// queue; files of `unitsPerFile` units named by the 20-digit byte offset of their first unit.
// The commit log is the only source of truth: units are appended by the dispatcher, kept in memory
// until the periodic flush, and rebuilt from the commit log after a crash.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readInt64BE, writeInt64BE } from '../common/bytes';
import type { CqUnit, QueueAccess } from './get-message';
import { fdatasync, fsyncDir } from './commit-log';
import { offset2FileName } from './store-config';

export const CQ_STORE_UNIT_SIZE = 20;
const BLANK_SIZE = 2147483647; // fillPreBlank: (0, Integer.MAX_VALUE, 0)
const KEEP_IN_MEMORY_UNITS = 4096;
const READ_AHEAD_UNITS = 800;

interface CqFile {
  readonly startUnit: number;
  readonly path: string;
  readonly fd: number;
}

export function encodeCqUnit(buf: Buffer, pos: number, phy: number, size: number, tagsCode: number): void {
  writeInt64BE(buf, phy, pos);
  buf.writeInt32BE(size | 0, pos + 8);
  writeInt64BE(buf, tagsCode, pos + 12);
}

export function decodeCqUnit(buf: Buffer, pos: number): CqUnit {
  return { phyOffset: readInt64BE(buf, pos), size: buf.readInt32BE(pos + 8), tagsCode: readInt64BE(buf, pos + 12) };
}

export class ConsumeQueue implements QueueAccess {
  private files: CqFile[] = [];
  /** In-memory units [tailStart, maxOffset). */
  private tail = Buffer.allocUnsafe(64 * CQ_STORE_UNIT_SIZE);
  private tailStart = 0;
  private max = 0;
  private min = 0;
  private written = 0;
  private ra: { start: number; count: number; buf: Buffer } | null = null;

  constructor(readonly topic: string, readonly queueId: number, readonly dir: string, private readonly unitsPerFile: number) {}

  get minOffset(): number { return this.min; }
  get maxOffset(): number { return this.max; }
  get fileSize(): number { return this.unitsPerFile * CQ_STORE_UNIT_SIZE; }

  /**
   * Opens existing files and finds the end: the first unit with offset < 0 or size <= 0
   * (Java ConsumeQueue.recover). `linear` scans the whole last file (after a crash);
   * otherwise a binary search (clean shutdown: the written prefix is contiguous).
   */
  load(linear: boolean): void {
    if (!fs.existsSync(this.dir)) return;
    const names = fs.readdirSync(this.dir).filter((n) => /^\d{20}$/.test(n)).sort();
    for (const n of names) {
      const p = path.join(this.dir, n);
      this.files.push({ startUnit: Number(n) / CQ_STORE_UNIT_SIZE, path: p, fd: fs.openSync(p, 'r+') });
    }
    if (this.files.length === 0) return;
    let end = this.files[0]!.startUnit;
    for (let i = this.files.length - 1; i >= 0; i--) {
      const f = this.files[i]!;
      const valid = (k: number): boolean => {
        const u = this.readFromFile(f, k, 1);
        if (!u) return false;
        return readInt64BE(u, 0) >= 0 && u.readInt32BE(8) > 0;
      };
      let n = 0;
      if (linear) {
        const all = this.readFromFile(f, 0, this.unitsPerFile) ?? Buffer.alloc(0);
        const cnt = Math.floor(all.length / CQ_STORE_UNIT_SIZE);
        while (n < cnt && readInt64BE(all, n * CQ_STORE_UNIT_SIZE) >= 0 && all.readInt32BE(n * CQ_STORE_UNIT_SIZE + 8) > 0) n++;
      } else {
        let lo = 0;
        let hi = this.unitsPerFile;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (valid(mid)) lo = mid + 1;
          else hi = mid;
        }
        n = lo;
      }
      if (n > 0 || i === 0) {
        end = f.startUnit + n;
        // files after this one are empty: drop them
        for (const extra of this.files.splice(i + 1)) {
          fs.closeSync(extra.fd);
          fs.rmSync(extra.path, { force: true });
        }
        break;
      }
    }
    this.max = end;
    this.written = end;
    this.tailStart = end;
    this.min = this.files[0]!.startUnit;
  }

  /**
   * Moves min offset to the first unit pointing at or after `minPhy` (correctMinOffset). Units of a
   * queue are in commit-log order (pre-blank units first), so this is a binary search.
   */
  correctMinOffset(minPhy: number): void {
    let lo = this.min;
    let hi = this.max;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const u = this.unitAt(mid);
      if (u && u.size !== BLANK_SIZE && u.phyOffset >= minPhy) hi = mid;
      else lo = mid + 1;
    }
    this.min = lo;
  }

  /**
   * Retention (ConsumeQueue.deleteExpiredFile): deletes files, never the last one, whose last unit
   * points before `minPhy` (all their data is gone), then corrects the min offset. Returns how many.
   */
  deleteExpiredFiles(minPhy: number): number {
    let n = 0;
    while (this.files.length > 1) {
      const f = this.files[0]!;
      const last = this.readFromFile(f, this.unitsPerFile - 1, 1);
      if (!last || last.length < CQ_STORE_UNIT_SIZE) break;
      const u = decodeCqUnit(last, 0);
      if (u.size !== BLANK_SIZE && u.phyOffset + u.size > minPhy) break;
      this.files.shift();
      fs.closeSync(f.fd);
      fs.rmSync(f.path, { force: true });
      n++;
    }
    this.ra = null;
    if (this.files.length > 0 && this.min < this.files[0]!.startUnit) this.min = this.files[0]!.startUnit;
    this.correctMinOffset(minPhy);
    return n;
  }

  /** Drops units whose record does not end at or before `maxPhy` (after commit-log truncation). */
  truncateBeyond(maxPhy: number): void {
    let end = this.max;
    while (end > this.min) {
      const u = this.unitAt(end - 1);
      if (u && u.phyOffset + u.size <= maxPhy) break;
      end--;
    }
    if (end === this.max) return;
    this.setEnd(end);
  }

  private setEnd(end: number): void {
    if (end >= this.tailStart) {
      this.max = end;
    } else {
      this.tailStart = end;
      this.max = end;
    }
    if (this.written > end) {
      // zero the dropped units on disk
      for (const f of this.files) {
        const from = Math.max(end, f.startUnit) - f.startUnit;
        if (from >= this.unitsPerFile) continue;
        fs.ftruncateSync(f.fd, from * CQ_STORE_UNIT_SIZE);
        fs.ftruncateSync(f.fd, this.fileSize);
      }
      this.written = end;
    }
    if (this.tailStart > end) this.tailStart = end;
    this.ra = null;
    if (this.min > end) this.min = end;
  }

  /**
   * Dispatch (putMessagePositionInfo), idempotent: a unit for an offset already present is skipped;
   * a gap is filled with blank units (logged by the caller). Returns false when skipped.
   */
  put(queueOffset: number, phy: number, size: number, tagsCode: number): 'APPENDED' | 'DUPLICATE' | 'GAP_FILLED' {
    if (queueOffset < this.max) return 'DUPLICATE';
    let result: 'APPENDED' | 'GAP_FILLED' = 'APPENDED';
    if (this.max === 0 && this.files.length === 0 && queueOffset > 0) {
      // first unit of a queue that starts late: Java fills the first file's earlier slots with blanks
      const fileStart = Math.floor(queueOffset / this.unitsPerFile) * this.unitsPerFile;
      this.max = this.tailStart = this.written = this.min = fileStart;
    }
    while (this.max < queueOffset) {
      this.appendUnit(0, BLANK_SIZE, 0);
      result = 'GAP_FILLED';
    }
    if (this.min === this.max && this.max === queueOffset && result === 'GAP_FILLED') this.min = queueOffset;
    this.appendUnit(phy, size, tagsCode);
    return result;
  }

  private appendUnit(phy: number, size: number, tagsCode: number): void {
    const pos = (this.max - this.tailStart) * CQ_STORE_UNIT_SIZE;
    if (pos + CQ_STORE_UNIT_SIZE > this.tail.length) {
      const n = Buffer.allocUnsafe(Math.max(this.tail.length * 2, pos + CQ_STORE_UNIT_SIZE));
      this.tail.copy(n, 0, 0, pos);
      this.tail = n;
    }
    encodeCqUnit(this.tail, pos, phy, size, tagsCode);
    this.max++;
  }

  unitAt(offset: number): CqUnit | null {
    if (offset < this.min || offset >= this.max) return null;
    if (offset >= this.tailStart) return decodeCqUnit(this.tail, (offset - this.tailStart) * CQ_STORE_UNIT_SIZE);
    const ra = this.ra;
    if (ra && offset >= ra.start && offset < ra.start + ra.count) return decodeCqUnit(ra.buf, (offset - ra.start) * CQ_STORE_UNIT_SIZE);
    const f = this.fileOf(offset);
    if (!f) return null;
    const count = Math.min(READ_AHEAD_UNITS, f.startUnit + this.unitsPerFile - offset, this.tailStart - offset);
    const buf = this.readFromFile(f, offset - f.startUnit, count);
    if (!buf || buf.length < CQ_STORE_UNIT_SIZE) return null;
    this.ra = { start: offset, count: Math.floor(buf.length / CQ_STORE_UNIT_SIZE), buf };
    return decodeCqUnit(buf, 0);
  }

  private fileOf(offset: number): CqFile | undefined {
    for (let i = this.files.length - 1; i >= 0; i--) {
      const f = this.files[i]!;
      if (offset >= f.startUnit) return offset < f.startUnit + this.unitsPerFile ? f : undefined;
    }
    return undefined;
  }

  private readFromFile(f: CqFile, unitInFile: number, count: number): Buffer | null {
    const len = count * CQ_STORE_UNIT_SIZE;
    const buf = Buffer.allocUnsafe(len);
    try {
      let got = 0;
      while (got < len) {
        const n = fs.readSync(f.fd, buf, got, len - got, unitInFile * CQ_STORE_UNIT_SIZE + got);
        if (n <= 0) break;
        got += n;
      }
      return buf.subarray(0, got - (got % CQ_STORE_UNIT_SIZE));
    } catch {
      return null;
    }
  }

  private ensureFile(startUnit: number): CqFile {
    const existing = this.files.find((f) => f.startUnit === startUnit);
    if (existing) return existing;
    fs.mkdirSync(this.dir, { recursive: true });
    const p = path.join(this.dir, offset2FileName(startUnit * CQ_STORE_UNIT_SIZE));
    const fd = fs.openSync(p, 'w+');
    fs.ftruncateSync(fd, this.fileSize);
    fsyncDir(this.dir);
    const f = { startUnit, path: p, fd };
    this.files.push(f);
    this.files.sort((a, b) => a.startUnit - b.startUnit);
    return f;
  }

  /** Writes units not yet on disk and fdatasyncs them; trims the in-memory tail. */
  async flush(): Promise<void> {
    const target = this.max;
    while (this.written < target) {
      const fileStart = Math.floor(this.written / this.unitsPerFile) * this.unitsPerFile;
      const f = this.ensureFile(fileStart);
      const upto = Math.min(target, fileStart + this.unitsPerFile);
      const from = (this.written - this.tailStart) * CQ_STORE_UNIT_SIZE;
      const bytes = Buffer.from(this.tail.subarray(from, (upto - this.tailStart) * CQ_STORE_UNIT_SIZE));
      await writeAll(f.fd, bytes, (this.written - fileStart) * CQ_STORE_UNIT_SIZE);
      await fdatasync(f.fd);
      this.written = upto;
    }
    // keep only the most recent units in memory
    const keepFrom = Math.max(this.tailStart, this.written - KEEP_IN_MEMORY_UNITS);
    if (keepFrom - this.tailStart > KEEP_IN_MEMORY_UNITS) {
      const n = Buffer.allocUnsafe(Math.max(64 * CQ_STORE_UNIT_SIZE, (this.max - keepFrom) * 2 * CQ_STORE_UNIT_SIZE));
      this.tail.copy(n, 0, (keepFrom - this.tailStart) * CQ_STORE_UNIT_SIZE, (this.max - this.tailStart) * CQ_STORE_UNIT_SIZE);
      this.tail = n;
      this.tailStart = keepFrom;
    }
  }

  get dirty(): boolean { return this.written < this.max; }

  close(): void {
    for (const f of this.files) fs.closeSync(f.fd);
    this.files = [];
  }

  destroy(): void {
    this.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
    this.max = this.min = this.written = this.tailStart = 0;
  }
}

function writeAll(fd: number, buf: Buffer, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.write(fd, buf, 0, buf.length, position, (err, n) => {
      if (err) return reject(err);
      if (n === buf.length) return resolve();
      writeAll(fd, buf.subarray(n), position + n).then(resolve, reject);
    });
  });
}
