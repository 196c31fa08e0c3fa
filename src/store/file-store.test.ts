// File-store specifics beyond the conformance suite: segment roll with BLANK records, file names
// and sizes, cache vs disk reads, rebuild of consume queues / index from the commit log, and
// recovery from corrupted segments (flipped byte, torn record, zeroed tail, random garbage).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeMessage } from './conformance';
import { DefaultMessageStore } from './default-message-store';
import { tinyConfig } from './default-message-store.test.helpers';
import { decodeRecord } from './message-codec';
import { GetMessageStatus, PutMessageStatus } from './message-store';
import type { MessageStore } from './message-store';
import { FlushDiskType } from './store-config';

let root: string;
beforeEach(() => { root = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-fs-')); });
afterEach(() => { fs.rmSync(root, { recursive: true, force: true }); });

function body(i: number): string {
  return `msg-${i}-` + 'x'.repeat((i * 7919) % 800);
}

async function readQueue(store: MessageStore, topic: string, queueId: number): Promise<string[]> {
  const out: string[] = [];
  let offset = store.getMinOffsetInQueue(topic, queueId);
  for (;;) {
    const g = await store.getMessage({ group: 'G', topic, queueId, offset, maxMsgNums: 32 });
    for (const m of g.messages) {
      const d = decodeRecord(m);
      if (d.kind !== 'MESSAGE') throw new Error('garbage served');
      out.push(d.record.body.toString());
    }
    if (g.status !== GetMessageStatus.FOUND && g.nextBeginOffset <= offset) break;
    if (g.nextBeginOffset === offset) break;
    offset = g.nextBeginOffset;
  }
  return out;
}

async function fill(store: MessageStore, n: number, queues: number): Promise<{ phy: number[]; expected: string[][] }> {
  const phy: number[] = [];
  const expected: string[][] = Array.from({ length: queues }, () => []);
  for (let i = 0; i < n; i++) {
    const r = await store.putMessage(makeMessage('S', i % queues, body(i), { KEYS: `key${i}` }));
    expect(r.status).toBe(PutMessageStatus.PUT_OK);
    phy.push(r.appendResult!.wroteOffset);
    expected[i % queues]!.push(body(i));
  }
  return { phy, expected };
}

test('segments roll with BLANK records; Java file names and sizes; reads from cache and disk; clean restart', async () => {
  const cfg = tinyConfig(root, { flushDiskType: FlushDiskType.SYNC_FLUSH });
  let store = new DefaultMessageStore(cfg);
  await store.start();
  const { expected } = await fill(store, 600, 3);
  for (let q = 0; q < 3; q++) expect(await readQueue(store, 'S', q)).toEqual(expected[q]);
  await store.shutdown();

  const segs = fs.readdirSync(path.join(root, 'commitlog')).sort();
  expect(segs.length).toBeGreaterThan(4);
  segs.forEach((n, i) => {
    expect(n).toBe(String(i * 65536).padStart(20, '0'));
    expect(fs.statSync(path.join(root, 'commitlog', n)).size).toBe(65536);
  });
  // every full segment ends with a BLANK record that reaches the end of the file
  for (const n of segs.slice(0, -1)) {
    const b = fs.readFileSync(path.join(root, 'commitlog', n));
    let pos = 0;
    for (;;) {
      const d = decodeRecord(b, pos);
      if (d.kind === 'BLANK') { expect(pos + d.size).toBe(65536); break; }
      expect(d.kind).toBe('MESSAGE');
      pos += (d as { size: number }).size;
    }
  }
  const cqFiles = fs.readdirSync(path.join(root, 'consumequeue', 'S', '0')).sort();
  expect(cqFiles.slice(0, 3)).toEqual(['00000000000000000000', '00000000000000000320', '00000000000000000640']);
  expect(fs.statSync(path.join(root, 'consumequeue', 'S', '0', cqFiles[0]!)).size).toBe(320);
  expect(fs.readdirSync(path.join(root, 'index')).length).toBeGreaterThan(1);
  expect(fs.existsSync(path.join(root, 'abort'))).toBe(false);

  store = new DefaultMessageStore(cfg);
  await store.start();
  expect(store.lastRecovery?.mode).toBe('NORMAL');
  for (let q = 0; q < 3; q++) expect(await readQueue(store, 'S', q)).toEqual(expected[q]);
  const now = Date.now();
  const k = await store.queryMessage('S', 'key5', 32, now - 60000, now + 60000);
  expect(k.messages.map((m) => (decodeRecord(m) as { record: { body: Buffer } }).record.body.toString())).toEqual([body(5)]);
  await store.shutdown();
});

test('after a crash with lost consume queues, index and checkpoint, everything is rebuilt from the commit log', async () => {
  const cfg = tinyConfig(root);
  let store = new DefaultMessageStore(cfg);
  await store.start();
  const { expected } = await fill(store, 300, 4);
  await store.shutdown();
  fs.rmSync(path.join(root, 'consumequeue'), { recursive: true });
  fs.rmSync(path.join(root, 'index'), { recursive: true });
  fs.rmSync(path.join(root, 'checkpoint'));
  fs.writeFileSync(path.join(root, 'abort'), '');
  store = new DefaultMessageStore(cfg);
  await store.start();
  expect(store.lastRecovery).toMatchObject({ mode: 'ABNORMAL', scannedFromPhy: 0, redispatched: 300 });
  for (let q = 0; q < 4; q++) expect(await readQueue(store, 'S', q)).toEqual(expected[q]);
  const now = Date.now();
  for (const i of [0, 123, 299]) {
    const k = await store.queryMessage('S', `key${i}`, 32, now - 60000, now + 60000);
    expect(k.messages).toHaveLength(1);
  }
  const r = await store.putMessage(makeMessage('S', 0, 'next'));
  expect(r.appendResult?.logicsOffset).toBe(75);
  await store.shutdown();
});

type Corruption = (file: string, filePos: number, size: number) => void;
const corruptions: [string, Corruption, string[]][] = [
  ['a flipped body byte', (f, pos, size) => {
    const fd = fs.openSync(f, 'r+');
    const b = Buffer.alloc(1);
    fs.readSync(fd, b, 0, 1, pos + size - 40);
    b[0] = (b[0] as number) ^ 0x10;
    fs.writeSync(fd, b, 0, 1, pos + size - 40);
    fs.closeSync(fd);
  }, ['BAD_CRC', 'BAD_LENGTHS']],
  ['a torn record (second half zeroed)', (f, pos, size) => {
    const fd = fs.openSync(f, 'r+');
    fs.writeSync(fd, Buffer.alloc(65536 - pos - Math.floor(size / 2)), 0, 65536 - pos - Math.floor(size / 2), pos + Math.floor(size / 2));
    fs.closeSync(fd);
  }, ['BAD_CRC', 'BAD_LENGTHS']],
  ['a zeroed tail', (f, pos) => {
    const fd = fs.openSync(f, 'r+');
    fs.writeSync(fd, Buffer.alloc(65536 - pos), 0, 65536 - pos, pos);
    fs.closeSync(fd);
  }, ['END']],
];

describe.each(corruptions)('corrupted segment: %s', (_name, corrupt, reasons) => {
  test('recovery stops at the last valid record, reports where, and the store keeps working', async () => {
    const cfg = tinyConfig(root);
    let store = new DefaultMessageStore(cfg);
    await store.start();
    const { phy } = await fill(store, 200, 1);
    const sizes = phy.map((p, i) => (phy[i + 1] ?? store.getMaxPhyOffset()) - p);
    await store.shutdown();
    // pick a record in the middle of the second-to-last segment area (not the first of its segment)
    const k = 150;
    const segStart = Math.floor(phy[k]! / 65536) * 65536;
    const size = (await (async () => sizes[k]! <= 1000 ? sizes[k]! : 0)());
    expect(size).toBeGreaterThan(0);
    corrupt(path.join(root, 'commitlog', String(segStart).padStart(20, '0')), phy[k]! - segStart, size);
    fs.rmSync(path.join(root, 'checkpoint'));
    fs.writeFileSync(path.join(root, 'abort'), '');
    store = new DefaultMessageStore(cfg);
    await store.start();
    const rep = store.lastRecovery!;
    expect(rep.stop?.phy).toBe(phy[k]);
    expect(reasons).toContain(rep.stop?.reason);
    expect(store.getMaxPhyOffset()).toBe(phy[k]);
    expect(store.getMaxOffsetInQueue('S', 0)).toBe(k);
    const got = await readQueue(store, 'S', 0);
    expect(got).toEqual(Array.from({ length: k }, (_, i) => body(i)));
    const r = await store.putMessage(makeMessage('S', 0, 'after'));
    expect(r.appendResult).toMatchObject({ wroteOffset: phy[k], logicsOffset: k });
    await store.shutdown();
    store = new DefaultMessageStore(cfg);
    await store.start();
    expect(await readQueue(store, 'S', 0)).toEqual([...Array.from({ length: k }, (_, i) => body(i)), 'after']);
    await store.shutdown();
  });
});

test('random garbage in the log never crashes recovery and never yields invalid records', async () => {
  const cfg = tinyConfig(root);
  let store = new DefaultMessageStore(cfg);
  await store.start();
  const { phy } = await fill(store, 120, 2);
  await store.shutdown();
  const segs = fs.readdirSync(path.join(root, 'commitlog')).sort();
  const backup = segs.map((n) => fs.readFileSync(path.join(root, 'commitlog', n)));
  let seed = 12345;
  const rnd = (n: number): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed % n; };
  for (let iter = 0; iter < 15; iter++) {
    segs.forEach((n, i) => fs.writeFileSync(path.join(root, 'commitlog', n), backup[i]!));
    const victim = segs[rnd(segs.length)]!;
    const fd = fs.openSync(path.join(root, 'commitlog', victim), 'r+');
    const at = rnd(65536 - 64);
    const junk = Buffer.from(Array.from({ length: 1 + rnd(48) }, () => rnd(256)));
    fs.writeSync(fd, junk, 0, junk.length, at);
    fs.closeSync(fd);
    fs.rmSync(path.join(root, 'consumequeue'), { recursive: true, force: true });
    fs.rmSync(path.join(root, 'index'), { recursive: true, force: true });
    fs.rmSync(path.join(root, 'checkpoint'), { force: true });
    fs.writeFileSync(path.join(root, 'abort'), '');
    store = new DefaultMessageStore(cfg);
    await store.start();
    const end = store.getMaxPhyOffset();
    expect(phy.some((p) => p === end) || end >= phy[phy.length - 1]!).toBe(true);
    for (let q = 0; q < 2; q++) {
      const got = await readQueue(store, 'S', q);
      const want = Array.from({ length: 120 }, (_, i) => i).filter((i) => i % 2 === q && phy[i]! < end).map(body);
      expect(got).toEqual(want);
    }
    await store.shutdown();
  }
});

test('a record corrupted after a clean shutdown is never served (validated on disk reads)', async () => {
  const cfg = tinyConfig(root);
  let store = new DefaultMessageStore(cfg);
  await store.start();
  const { phy } = await fill(store, 50, 1);
  await store.shutdown();
  const k = 10;
  const seg = Math.floor(phy[k]! / 65536) * 65536;
  const fd = fs.openSync(path.join(root, 'commitlog', String(seg).padStart(20, '0')), 'r+');
  fs.writeSync(fd, Buffer.from([0xee]), 0, 1, phy[k]! - seg + 90);
  fs.closeSync(fd);
  store = new DefaultMessageStore(cfg);
  await store.start();
  // like Java, the pull skips the unreadable unit and continues with the next one
  const g = await store.getMessage({ group: 'G', topic: 'S', queueId: 0, offset: k, maxMsgNums: 1 });
  expect(g.queueOffsets).toEqual([k + 1]);
  expect(g.messages.map((m) => (decodeRecord(m) as { record: { body: Buffer } }).record.body.toString())).toEqual([body(k + 1)]);
  expect(await store.lookMessageByOffset(phy[k]!)).toBeNull();
  const all = await readQueue(store, 'S', 0);
  expect(all).toEqual(Array.from({ length: 50 }, (_, i) => body(i)).filter((_, i) => i !== k));
  await store.shutdown();
});

test('crash image: recovery starts at the checkpoint dispatched offset and rebuilds only what follows', async () => {
  const cfg = tinyConfig(root, { flushDiskType: FlushDiskType.SYNC_FLUSH, flushIntervalConsumeQueue: 1e9 });
  const store = new DefaultMessageStore(cfg);
  await store.start();
  const a = await fill(store, 100, 2);
  await store.flush(); // consume queues + index flushed, checkpoint records the dispatched offset
  const dispatched = store.getMaxPhyOffset();
  const more: string[] = [];
  for (let i = 100; i < 160; i++) {
    const r = await store.putMessage(makeMessage('S', i % 2, body(i), { KEYS: `key${i}` }));
    expect(r.status).toBe(PutMessageStatus.PUT_OK);
    more.push(body(i));
  }
  // the state a SIGKILL would leave: files as they are now, abort present
  const image = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-img-'));
  try {
    fs.cpSync(root, image, { recursive: true });
    expect(fs.existsSync(path.join(image, 'abort'))).toBe(true);
    const crashed = new DefaultMessageStore(tinyConfig(image));
    await crashed.start();
    expect(crashed.lastRecovery).toMatchObject({ mode: 'ABNORMAL', scannedFromPhy: dispatched, redispatched: 60 });
    for (let q = 0; q < 2; q++) {
      const want = [...a.expected[q]!, ...more.filter((_, k) => (100 + k) % 2 === q)];
      expect(await readQueue(crashed, 'S', q)).toEqual(want);
    }
    const now = Date.now();
    for (const k of ['key3', 'key150']) {
      expect((await crashed.queryMessage('S', k, 32, now - 60000, now + 60000)).messages).toHaveLength(1);
    }
    await crashed.shutdown();
  } finally {
    await store.shutdown();
    fs.rmSync(image, { recursive: true, force: true });
  }
});
