// Golden on-disk structures from store.md: the consume-queue unit (§3) and an IndexFile produced by
// the real 5.x IndexFile with hashSlotNum=4, indexNum=4 and three putKey calls (§4).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { rootLogger } from '../common/logger';
import { decodeCqUnit, encodeCqUnit } from './consume-queue';
import { decodeIndexEntry, decodeIndexHeader, encodeIndexEntry, encodeIndexHeader, IndexFile } from './index-file';
import { StoreCheckpoint } from './store-checkpoint';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

test('consume-queue unit: golden bytes decode and re-encode', () => {
  const golden = hex('00 00 00 00 00 00 00 a7 00 00 00 aa 00 00 00 00 00 27 a8 07');
  expect(decodeCqUnit(golden, 0)).toEqual({ phyOffset: 167, size: 170, tagsCode: 2598919 });
  const b = Buffer.alloc(20);
  encodeCqUnit(b, 0, 167, 170, 2598919);
  expect(b.equals(golden)).toBe(true);
  encodeCqUnit(b, 0, 167, 170, -1);
  expect(b.subarray(12).equals(hex('ff ff ff ff ff ff ff ff'))).toBe(true);
  expect(decodeCqUnit(b, 0).tagsCode).toBe(-1);
});

const GOLDEN_INDEX = hex(`
  00 00 01 8b cf e5 68 05  00 00 01 8b cf e5 71 c4  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 a7
  00 00 00 02  00 00 00 04
  00 00 00 03  00 00 00 00  00 00 00 01  00 00 00 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
  11 7e 30 82  00 00 00 00 00 00 00 00  00 00 00 00  00 00 00 00
  6d 07 46 d0  00 00 00 00 00 00 00 00  00 00 00 00  00 00 00 00
  6d 07 46 d0  00 00 00 00 00 00 00 a7  00 00 00 02  00 00 00 02`);

test('index header / entry: golden bytes decode and re-encode', () => {
  const h = decodeIndexHeader(GOLDEN_INDEX.subarray(0, 40))!;
  expect(h).toEqual({ beginTimestamp: 1700000000005, endTimestamp: 1700000002500, beginPhyOffset: 0, endPhyOffset: 167, hashSlotCount: 2, indexCount: 4 });
  expect(encodeIndexHeader(h).equals(GOLDEN_INDEX.subarray(0, 40))).toBe(true);
  const e3 = decodeIndexEntry(GOLDEN_INDEX, 56 + 3 * 20);
  expect(e3).toEqual({ keyHash: 0x6d0746d0, phyOffset: 167, timeDiff: 2, prevIndex: 2 });
  const b = Buffer.alloc(20);
  encodeIndexEntry(b, 0, e3);
  expect(b.equals(GOLDEN_INDEX.subarray(116, 136))).toBe(true);
});

test('IndexFile.putKey reproduces the Java-written file byte for byte; selectPhyOffset matches', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-idx-'));
  try {
    const f = IndexFile.create(dir, 1700000000005, 4, 4);
    expect(f.putKey('TopicTest#C0A80002D43118B4AAC2000000000000', 0, 1700000000005)).toBe(true);
    expect(f.putKey('TopicTest#order-1', 0, 1700000000005)).toBe(true);
    expect(f.putKey('TopicTest#order-1', 167, 1700000002500)).toBe(true);
    expect(f.isFull).toBe(true);
    expect(f.putKey('TopicTest#x', 200, 1700000002600)).toBe(false);
    const before: number[] = [];
    f.selectPhyOffset(before, 'TopicTest#order-1', 32, 1700000000000, 1700000003000);
    expect(before).toEqual([167, 0]);
    await f.flush();
    const onDisk = fs.readFileSync(f.path);
    expect(onDisk.toString('hex')).toBe(GOLDEN_INDEX.toString('hex'));
    f.close();
    // reopened (as a Java-written file would be) it answers the same query
    const g = IndexFile.open(f.path, 4, 4, false, rootLogger)!;
    const out: number[] = [];
    g.selectPhyOffset(out, 'TopicTest#order-1', 32, 1700000000000, 1700000003000);
    expect(out).toEqual([167, 0]);
    const narrow: number[] = [];
    g.selectPhyOffset(narrow, 'TopicTest#order-1', 32, 1700000001000, 1700000003000);
    expect(narrow).toEqual([167]);
    g.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('checkpoint: Java fields at 0..40; our extension ignored when a Java broker rewrote the timestamps', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-cp-'));
  try {
    const cp = new StoreCheckpoint(path.join(dir, 'checkpoint'));
    cp.load();
    cp.physicMsgTimestamp = 1700000000005;
    cp.logicsMsgTimestamp = 1700000000004;
    cp.indexMsgTimestamp = 1700000000003;
    cp.dispatchedPhyOffset = 4096;
    cp.cleanEndPhyOffset = 8192;
    cp.flush();
    cp.close();
    const raw = fs.readFileSync(path.join(dir, 'checkpoint'));
    expect(raw.length).toBe(4096);
    expect(raw.subarray(0, 24).equals(hex('00 00 01 8b cf e5 68 05 00 00 01 8b cf e5 68 04 00 00 01 8b cf e5 68 03'))).toBe(true);
    const again = new StoreCheckpoint(path.join(dir, 'checkpoint'));
    again.load();
    expect([again.dispatchedPhyOffset, again.cleanEndPhyOffset, again.minTimestamp]).toEqual([4096, 8192, 1700000000004 - 3000]);
    again.close();
    raw.writeUInt32BE(0x11, 4); // a Java broker flushed a newer physicMsgTimestamp
    const j = new StoreCheckpoint('');
    j.decode(raw);
    expect([j.dispatchedPhyOffset, j.cleanEndPhyOffset]).toEqual([-1, -1]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
