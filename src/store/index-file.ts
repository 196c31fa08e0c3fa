// IndexFile / IndexService (Java store/.../index): hash index of message keys.
// File = 40-byte header | hashSlotNum int32 slots | indexNum 20-byte entries, big-endian.
//   header: beginTimestamp 8 | endTimestamp 8 | beginPhyOffset 8 | endPhyOffset 8 | hashSlotCount 4 | indexCount 4
//   slot:   index number of the newest entry of that slot (0 = empty)
//   entry:  keyHash 4 | commitLogOffset 8 | timeDiff(s) 4 | previousIndex 4
// indexCount starts at 1 (entry 0 never used). The header is written only on flush.
// The writable (last) file keeps its slot table in memory and its new entries in a pending buffer;
// a flush writes entries, fdatasync, then dirty slot pages and the header, fdatasync — so slots on
// disk never point at entries that are not durable.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readInt64BE, writeInt64BE } from '../common/bytes';
import { indexKeyHash } from '../common/java-hash';
import type { Logger } from '../common/logger';
import { fdatasync, fsyncDir } from './commit-log';

export const INDEX_HEADER_SIZE = 40;
const HASH_SLOT_SIZE = 4;
const INDEX_SIZE = 20;
const SLOTS_PER_PAGE = 1024;

export interface IndexHeader {
  beginTimestamp: number;
  endTimestamp: number;
  beginPhyOffset: number;
  endPhyOffset: number;
  hashSlotCount: number;
  indexCount: number;
}

export function encodeIndexHeader(h: IndexHeader): Buffer {
  const b = Buffer.alloc(INDEX_HEADER_SIZE);
  writeInt64BE(b, h.beginTimestamp, 0);
  writeInt64BE(b, h.endTimestamp, 8);
  writeInt64BE(b, h.beginPhyOffset, 16);
  writeInt64BE(b, h.endPhyOffset, 24);
  b.writeInt32BE(h.hashSlotCount, 32);
  b.writeInt32BE(h.indexCount, 36);
  return b;
}

export function decodeIndexHeader(b: Buffer): IndexHeader | null {
  if (b.length < INDEX_HEADER_SIZE) return null;
  return {
    beginTimestamp: readInt64BE(b, 0), endTimestamp: readInt64BE(b, 8), beginPhyOffset: readInt64BE(b, 16),
    endPhyOffset: readInt64BE(b, 24), hashSlotCount: b.readInt32BE(32), indexCount: b.readInt32BE(36),
  };
}

export interface IndexEntry {
  readonly keyHash: number;
  readonly phyOffset: number;
  readonly timeDiff: number;
  readonly prevIndex: number;
}

export function encodeIndexEntry(b: Buffer, pos: number, e: IndexEntry): void {
  b.writeInt32BE(e.keyHash | 0, pos);
  writeInt64BE(b, e.phyOffset, pos + 4);
  b.writeInt32BE(e.timeDiff | 0, pos + 12);
  b.writeInt32BE(e.prevIndex | 0, pos + 16);
}

export function decodeIndexEntry(b: Buffer, pos: number): IndexEntry {
  return { keyHash: b.readInt32BE(pos), phyOffset: readInt64BE(b, pos + 4), timeDiff: b.readInt32BE(pos + 12), prevIndex: b.readInt32BE(pos + 16) };
}

/** UtilAll.timeMillisToHumanString: yyyyMMddHHmmssSSS in local time. */
export function timeMillisToHumanString(t: number): string {
  const d = new Date(t);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}${p(d.getMilliseconds(), 3)}`;
}

export class IndexFile {
  readonly header: IndexHeader;
  private slots: Int32Array | null = null;
  private dirtyPages = new Set<number>();
  private pending: Buffer = Buffer.alloc(0);
  private pendingCount = 0;
  private flushedIndexCount: number;
  private headerDirty = false;

  private constructor(readonly path: string, private readonly fd: number, readonly hashSlotNum: number, readonly indexNum: number, header: IndexHeader) {
    this.header = header;
    this.flushedIndexCount = header.indexCount;
  }

  static create(dir: string, now: number, hashSlotNum: number, indexNum: number): IndexFile {
    fs.mkdirSync(dir, { recursive: true });
    let t = now;
    let p = path.join(dir, timeMillisToHumanString(t));
    while (fs.existsSync(p)) p = path.join(dir, timeMillisToHumanString(++t));
    const fd = fs.openSync(p, 'w+');
    fs.ftruncateSync(fd, INDEX_HEADER_SIZE + hashSlotNum * HASH_SLOT_SIZE + indexNum * INDEX_SIZE);
    fsyncDir(dir);
    const f = new IndexFile(p, fd, hashSlotNum, indexNum, { beginTimestamp: 0, endTimestamp: 0, beginPhyOffset: 0, endPhyOffset: 0, hashSlotCount: 0, indexCount: 1 });
    f.slots = new Int32Array(hashSlotNum);
    f.headerDirty = true;
    return f;
  }

  /** Opens an existing file; `writable` loads the slot table (and repairs it after a crash). */
  static open(p: string, hashSlotNum: number, indexNum: number, writable: boolean, log: Logger): IndexFile | null {
    const fd = fs.openSync(p, 'r+');
    const hb = Buffer.alloc(INDEX_HEADER_SIZE);
    fs.readSync(fd, hb, 0, INDEX_HEADER_SIZE, 0);
    const header = decodeIndexHeader(hb);
    if (!header) { fs.closeSync(fd); return null; }
    if (header.indexCount < 1) header.indexCount = 1;
    if (header.indexCount > indexNum) header.indexCount = indexNum;
    const f = new IndexFile(p, fd, hashSlotNum, indexNum, header);
    if (writable) {
      const raw = Buffer.alloc(hashSlotNum * HASH_SLOT_SIZE);
      fs.readSync(fd, raw, 0, raw.length, INDEX_HEADER_SIZE);
      const slots = new Int32Array(hashSlotNum);
      let repaired = 0;
      for (let i = 0; i < hashSlotNum; i++) {
        let v = raw.readInt32BE(i * 4);
        // a slot written after the last header update points past indexCount: follow the chain back
        let guard = 0;
        while (v >= header.indexCount && guard++ < 1_000_000) {
          const e = f.readEntry(v);
          v = e ? e.prevIndex : 0;
        }
        if (v < 0) v = 0;
        if (v !== raw.readInt32BE(i * 4)) { repaired++; f.dirtyPages.add(Math.floor(i / SLOTS_PER_PAGE)); }
        slots[i] = v;
      }
      if (repaired > 0) log.warn({ file: p, repaired }, 'index slots pointed past the header index count; repaired from entry chains');
      f.slots = slots;
    }
    return f;
  }

  get isFull(): boolean { return this.header.indexCount >= this.indexNum; }

  private slotAt(slot: number): number {
    if (this.slots) return this.slots[slot] as number;
    const b = Buffer.alloc(4);
    try { fs.readSync(this.fd, b, 0, 4, INDEX_HEADER_SIZE + slot * HASH_SLOT_SIZE); } catch { return 0; }
    return b.readInt32BE(0);
  }

  private readEntry(index: number): IndexEntry | null {
    if (index >= this.flushedIndexCount && index < this.flushedIndexCount + this.pendingCount) {
      return decodeIndexEntry(this.pending, (index - this.flushedIndexCount) * INDEX_SIZE);
    }
    const b = Buffer.alloc(INDEX_SIZE);
    try {
      const n = fs.readSync(this.fd, b, 0, INDEX_SIZE, INDEX_HEADER_SIZE + this.hashSlotNum * HASH_SLOT_SIZE + index * INDEX_SIZE);
      if (n < INDEX_SIZE) return null;
    } catch { return null; }
    return decodeIndexEntry(b, 0);
  }

  /** IndexFile.putKey. Precondition: writable and not full. */
  putKey(key: string, phyOffset: number, storeTimestamp: number): boolean {
    const h = this.header;
    if (h.indexCount >= this.indexNum || !this.slots) return false;
    const keyHash = indexKeyHash(key);
    const slot = keyHash % this.hashSlotNum;
    let slotValue = this.slots[slot] as number;
    if (slotValue <= 0 || slotValue > h.indexCount) slotValue = 0;
    let timeDiff = Math.trunc((storeTimestamp - h.beginTimestamp) / 1000);
    if (h.beginTimestamp <= 0) timeDiff = 0;
    else if (timeDiff > 2147483647) timeDiff = 2147483647;
    else if (timeDiff < 0) timeDiff = 0;
    const pos = this.pendingCount * INDEX_SIZE;
    if (pos + INDEX_SIZE > this.pending.length) {
      const n = Buffer.alloc(Math.max(4096, this.pending.length * 2));
      this.pending.copy(n, 0, 0, pos);
      this.pending = n;
    }
    encodeIndexEntry(this.pending, pos, { keyHash, phyOffset, timeDiff, prevIndex: slotValue });
    this.pendingCount++;
    this.slots[slot] = h.indexCount;
    this.dirtyPages.add(Math.floor(slot / SLOTS_PER_PAGE));
    if (h.indexCount <= 1) {
      h.beginPhyOffset = phyOffset;
      h.beginTimestamp = storeTimestamp;
    }
    if (slotValue === 0) h.hashSlotCount++;
    h.indexCount++;
    h.endPhyOffset = phyOffset;
    h.endTimestamp = storeTimestamp;
    this.headerDirty = true;
    return true;
  }

  /** IndexFile.isTimeMatched. */
  isTimeMatched(begin: number, end: number): boolean {
    const h = this.header;
    return (begin < h.beginTimestamp && end > h.endTimestamp) || (begin >= h.beginTimestamp && begin <= h.endTimestamp) || (end >= h.beginTimestamp && end <= h.endTimestamp);
  }

  /** IndexFile.selectPhyOffset: walks the slot chain newest first. */
  selectPhyOffset(out: number[], key: string, maxNum: number, begin: number, end: number): void {
    const h = this.header;
    const keyHash = indexKeyHash(key);
    const slotValue = this.slotAt(keyHash % this.hashSlotNum);
    if (slotValue <= 0 || slotValue > h.indexCount || h.indexCount <= 1) return;
    let next = slotValue;
    for (let guard = 0; guard < this.indexNum; guard++) {
      if (out.length >= maxNum) break;
      const e = this.readEntry(next);
      if (!e || e.timeDiff < 0) break;
      const timeRead = h.beginTimestamp + e.timeDiff * 1000;
      if (e.keyHash === keyHash && timeRead >= begin && timeRead <= end) out.push(e.phyOffset);
      if (e.prevIndex <= 0 || e.prevIndex > h.indexCount || e.prevIndex === next || timeRead < begin) break;
      next = e.prevIndex;
    }
  }

  private flushChain: Promise<void> = Promise.resolve();

  /** Serialized: concurrent callers queue behind the running flush. */
  flush(): Promise<void> {
    this.flushChain = this.flushChain.then(() => this.doFlush());
    return this.flushChain;
  }

  private async doFlush(): Promise<void> {
    const count = this.pendingCount;
    const from = this.flushedIndexCount;
    const snap: IndexHeader = { ...this.header };
    if (count > 0) {
      const bytes = Buffer.from(this.pending.subarray(0, count * INDEX_SIZE));
      await writeAll(this.fd, bytes, INDEX_HEADER_SIZE + this.hashSlotNum * HASH_SLOT_SIZE + from * INDEX_SIZE);
      await fdatasync(this.fd);
      // entries appended meanwhile stay pending
      this.pending.copy(this.pending, 0, count * INDEX_SIZE, this.pendingCount * INDEX_SIZE);
      this.pendingCount -= count;
      this.flushedIndexCount = from + count;
    }
    if (this.slots && this.dirtyPages.size > 0) {
      const pages = [...this.dirtyPages].sort((a, b) => a - b);
      this.dirtyPages.clear();
      for (const pg of pages) {
        const first = pg * SLOTS_PER_PAGE;
        const n = Math.min(SLOTS_PER_PAGE, this.hashSlotNum - first);
        const b = Buffer.allocUnsafe(n * 4);
        for (let i = 0; i < n; i++) {
          const v = this.slots[first + i] as number;
          // a slot may only point at durable entries: else write its newest durable chain entry
          if (v >= this.flushedIndexCount) {
            b.writeInt32BE(this.durableChainHead(v), i * 4);
            this.dirtyPages.add(pg);
          } else b.writeInt32BE(v, i * 4);
        }
        await writeAll(this.fd, b, INDEX_HEADER_SIZE + first * 4);
      }
    }
    if (this.headerDirty) {
      this.headerDirty = this.pendingCount > 0;
      // the snapshot describes exactly the entries written above
      await writeAll(this.fd, encodeIndexHeader(snap), 0);
    }
    await fdatasync(this.fd);
  }

  private durableChainHead(v: number): number {
    let x = v;
    while (x >= this.flushedIndexCount) {
      const e = this.readEntry(x);
      x = e ? e.prevIndex : 0;
    }
    return x;
  }

  get needsFlush(): boolean { return this.pendingCount > 0 || this.dirtyPages.size > 0 || this.headerDirty; }

  /** Drops the in-memory slot table once the file is full and flushed. */
  seal(): void { this.slots = null; }

  close(): void { fs.closeSync(this.fd); }
}

/** IndexService: the list of index files; builds and queries `topic#key`. */
export class IndexService {
  private files: IndexFile[] = [];

  constructor(private readonly dir: string, private readonly hashSlotNum: number, private readonly indexNum: number, private readonly log: Logger) {}

  load(): void {
    if (!fs.existsSync(this.dir)) return;
    const names = fs.readdirSync(this.dir).filter((n) => /^\d{17}$/.test(n)).sort();
    names.forEach((n, i) => {
      const f = IndexFile.open(path.join(this.dir, n), this.hashSlotNum, this.indexNum, i === names.length - 1, this.log);
      if (f) this.files.push(f);
    });
  }

  /** Commit-log offset of the last indexed message (redispatch skips up to it). */
  get endPhyOffset(): number {
    const last = this.files[this.files.length - 1];
    return last && last.header.indexCount > 1 ? last.header.endPhyOffset : -1;
  }

  get lastFile(): IndexFile | undefined { return this.files[this.files.length - 1]; }

  /** Index files whose data starts at or after `phy` no longer match the log: delete them. */
  deleteFilesFrom(phy: number): void {
    while (this.files.length > 0) {
      const last = this.files[this.files.length - 1]!;
      if (last.header.indexCount > 1 && last.header.beginPhyOffset < phy) break;
      if (last.header.indexCount <= 1 && this.files.length === 1) break;
      this.files.pop();
      last.close();
      fs.rmSync(last.path, { force: true });
      this.log.warn({ file: last.path }, 'deleted index file beyond the recovered commit log');
    }
  }

  /**
   * After the commit log was cut at `maxPhy`: entries beyond it point at data that no longer exists
   * (queries re-check keys on the record), and new messages from `maxPhy` on must be indexed again.
   */
  clampEnd(maxPhy: number): void {
    const last = this.lastFile;
    if (last && last.header.indexCount > 1 && last.header.endPhyOffset >= maxPhy) last.header.endPhyOffset = maxPhy - 1;
  }

  buildIndex(keys: readonly string[], phyOffset: number, storeTimestamp: number): void {
    if (keys.length === 0) return;
    if (phyOffset <= this.endPhyOffset) return; // already indexed (idempotent redispatch)
    for (const k of keys) {
      let f = this.files[this.files.length - 1];
      if (!f || f.isFull) {
        if (f) { const old = f; void old.flush().then(() => old.seal(), (e) => this.log.error({ err: e }, 'index flush failed')); }
        f = IndexFile.create(this.dir, Date.now(), this.hashSlotNum, this.indexNum);
        this.files.push(f);
      }
      f.putKey(k, phyOffset, storeTimestamp);
    }
  }

  /** IndexService.queryOffset: newest files first. */
  queryOffset(key: string, maxNum: number, begin: number, end: number): { phyOffsets: number[]; indexLastUpdateTimestamp: number; indexLastUpdatePhyoffset: number } {
    const phyOffsets: number[] = [];
    let indexLastUpdateTimestamp = 0;
    let indexLastUpdatePhyoffset = 0;
    for (let i = this.files.length; i > 0; i--) {
      const f = this.files[i - 1]!;
      if (i === this.files.length) {
        indexLastUpdateTimestamp = f.header.endTimestamp;
        indexLastUpdatePhyoffset = f.header.endPhyOffset;
      }
      if (f.isTimeMatched(begin, end)) f.selectPhyOffset(phyOffsets, key, maxNum, begin, end);
      if (f.header.beginTimestamp < begin) break;
      if (phyOffsets.length >= maxNum) break;
    }
    return { phyOffsets, indexLastUpdateTimestamp, indexLastUpdatePhyoffset };
  }

  /** Flushes the writable file; returns the endTimestamp of the flushed state (checkpoint). */
  async flush(): Promise<number> {
    for (const f of this.files) if (f.needsFlush) await f.flush();
    return this.lastFile?.header.endTimestamp ?? 0;
  }

  /** Deletes files whose last entry is before `minPhy` (retention). */
  deleteExpired(minPhy: number): void {
    while (this.files.length > 1 && this.files[0]!.header.endPhyOffset < minPhy) {
      const f = this.files.shift()!;
      f.close();
      fs.rmSync(f.path, { force: true });
    }
  }

  close(): void {
    for (const f of this.files) f.close();
    this.files = [];
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
