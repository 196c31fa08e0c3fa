// CommitLog write path: group commit acknowledges only after a covering fdatasync completed,
// pipelining (writes and a second fdatasync while one is in flight, out-of-order completion), the
// background zero fill never clobbering data, and large (thread-pool) writes across segment rolls.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { syncCall } from './commit-log';
import { makeMessage } from './conformance';
import { DefaultMessageStore } from './default-message-store';
import { tinyConfig } from './default-message-store.test.helpers';
import { decodeRecord } from './message-codec';
import { GetMessageStatus, PutMessageStatus } from './message-store';
import type { PutMessageResult } from './message-store';
import { FlushDiskType } from './store-config';

let root: string;
beforeEach(() => { root = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-cl-')); });
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(root, { recursive: true, force: true });
});

const turns = async (n: number): Promise<void> => { for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r)); };

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 2));
}

/** Tracks a promise's state without awaiting it. */
function track<T>(p: Promise<T>): { settled: () => boolean; value: () => T | undefined } {
  let done = false;
  let v: T | undefined;
  void p.then((x) => { done = true; v = x; });
  return { settled: () => done, value: () => v };
}

test('SYNC_FLUSH: an append is acknowledged only once a covering fdatasync completed; a second one runs meanwhile; completions may come out of order', async () => {
  const held: { fd: number; cb: (err: NodeJS.ErrnoException | null) => void }[] = [];
  let holding = false;
  let issued = 0;
  jest.spyOn(syncCall, 'fdatasync').mockImplementation((fd, cb) => {
    // only commit-log segments (consume queues and index flush through here too)
    if (!holding || !fs.readlinkSync(`/proc/self/fd/${fd}`).includes(`${path.sep}commitlog${path.sep}`)) return fs.fdatasync(fd, cb);
    issued++;
    fs.fdatasync(fd, (err) => held.push({ fd, cb: () => cb(err) })); // really synced, completion held back
  });
  const store = new DefaultMessageStore(tinyConfig(root, { flushDiskType: FlushDiskType.SYNC_FLUSH, commitLogZeroAheadBytes: 0 }));
  await store.start();
  holding = true;
  const a = track(store.putMessage(makeMessage('T', 0, 'a')));
  await until(() => held.length >= 1);
  expect(held.length).toBe(1);
  await turns(5);
  expect(a.settled()).toBe(false); // bytes written, fdatasync not completed: no ack

  // while the first fdatasync is in flight, the next append is written and synced by a second one
  const written = store.commitLogStats().writtenBytes;
  const b = track(store.putMessage(makeMessage('T', 0, 'b')));
  await until(() => held.length >= 2);
  expect(held.length).toBe(2);
  expect(store.commitLogStats().writtenBytes).toBeGreaterThan(written);
  // a third append waits: at most two fdatasyncs in flight
  const c = track(store.putMessage(makeMessage('T', 0, 'c')));
  await turns(10);
  await new Promise((r) => setTimeout(r, 30));
  expect(issued).toBe(2);
  expect([a.settled(), b.settled(), c.settled()]).toEqual([false, false, false]);

  // the second completes first: it covers a and b (both written before it was issued), not c
  held[1]!.cb(null);
  await turns(3);
  expect([a.settled(), b.settled(), c.settled()]).toEqual([true, true, false]);
  expect(a.value()!.status).toBe(PutMessageStatus.PUT_OK);
  // c's fdatasync is issued as soon as a slot is free
  await until(() => held.length >= 3);
  expect(held.length).toBe(3);
  held[0]!.cb(null);
  await turns(3);
  expect(c.settled()).toBe(false);
  held[2]!.cb(null);
  await turns(3);
  expect((c.value() as PutMessageResult).status).toBe(PutMessageStatus.PUT_OK);
  holding = false;
  await store.shutdown();
});

test('SYNC_FLUSH group commit with zero fill, thread-pool writes and segment rolls: every ack readable after restart, in order', async () => {
  // 256 KiB segments zero-filled far ahead; 300 KiB batches of small messages force large writes
  const cfg = tinyConfig(root, {
    flushDiskType: FlushDiskType.SYNC_FLUSH, mappedFileSizeCommitLog: 1024 * 1024, commitLogZeroAheadBytes: 4 * 1024 * 1024,
    commitLogSlabBytes: 512 * 1024, commitLogCacheBytes: 1024 * 1024, consumeQueueUnitsPerFile: 1000,
  });
  let store = new DefaultMessageStore(cfg);
  await store.start();
  store.commitLogStats(true);
  const acked: string[][] = Array.from({ length: 4 }, () => []);
  const writers = Array.from({ length: 64 }, async (_, w) => {
    for (let i = 0; i < 40; i++) {
      // a few 300 KiB messages make write batches large enough for the thread pool
      const bodyText = `${w}:${i}:` + 'z'.repeat(w % 16 === 0 && i % 8 === 0 ? 300 * 1024 : (w * 131 + i * 17) % 2000);
      const r = await store.putMessage(makeMessage('Z', w % 4, bodyText));
      expect(r.status).toBe(PutMessageStatus.PUT_OK);
      acked[w % 4]!.push(bodyText);
    }
  });
  await Promise.all(writers);
  const st = store.commitLogStats();
  expect(st.syncAcks).toBe(64 * 40);
  expect(st.syncAcks / st.syncs).toBeGreaterThan(1); // concurrent appends shared fdatasyncs
  expect(st.zeroedBytes).toBeGreaterThan(0);
  expect(st.poolWriteOps).toBeGreaterThan(0);
  expect(fs.readdirSync(path.join(root, 'commitlog')).length).toBeGreaterThan(2); // rolled
  await store.shutdown();

  store = new DefaultMessageStore(cfg);
  await store.start();
  for (let q = 0; q < 4; q++) {
    const got: string[] = [];
    let offset = 0;
    for (;;) {
      const g = await store.getMessage({ group: 'G', topic: 'Z', queueId: q, offset, maxMsgNums: 32 });
      if (g.status !== GetMessageStatus.FOUND) break;
      for (const m of g.messages) {
        const d = decodeRecord(m, 0, { checkCRC: true });
        if (d.kind !== 'MESSAGE') throw new Error('bad record');
        got.push(d.record.body.toString());
      }
      offset = g.nextBeginOffset;
    }
    // per queue: the ack order of a queue is its offset order
    expect(got).toEqual(acked[q]);
  }
  await store.shutdown();
});

test('ASYNC_FLUSH: large appends go through thread-pool writes; a clean restart reads every record', async () => {
  const cfg = tinyConfig(root, { mappedFileSizeCommitLog: 1024 * 1024, commitLogSlabBytes: 512 * 1024, commitLogCacheBytes: 1024 * 1024, consumeQueueUnitsPerFile: 1000 });
  let store = new DefaultMessageStore(cfg);
  await store.start();
  const big = 'q'.repeat(200 * 1024);
  const puts: Promise<PutMessageResult>[] = [];
  for (let i = 0; i < 30; i++) puts.push(store.putMessage(makeMessage('B', 0, `${i}:${big}`)));
  for (const r of await Promise.all(puts)) expect(r.status).toBe(PutMessageStatus.PUT_OK);
  await store.shutdown();
  store = new DefaultMessageStore(cfg);
  await store.start();
  expect(store.getMaxOffsetInQueue('B', 0)).toBe(30);
  for (let i = 0; i < 30; i++) {
    const g = await store.getMessage({ group: 'G', topic: 'B', queueId: 0, offset: i, maxMsgNums: 1 });
    const d = decodeRecord(g.messages[0]!, 0, { checkCRC: true });
    expect(d.kind === 'MESSAGE' && d.record.body.toString().startsWith(`${i}:`)).toBe(true);
  }
  await store.shutdown();
});

test('SYNC_FLUSH: a failing fdatasync is never acknowledged as durable; later puts are refused; shutdown does not hang', async () => {
  let failing = false;
  jest.spyOn(syncCall, 'fdatasync').mockImplementation((fd, cb) => {
    if (failing && fs.readlinkSync(`/proc/self/fd/${fd}`).includes(`${path.sep}commitlog${path.sep}`)) {
      const err: NodeJS.ErrnoException = new Error('EIO: injected');
      err.code = 'EIO';
      setImmediate(() => cb(err));
      return;
    }
    fs.fdatasync(fd, cb);
  });
  const store = new DefaultMessageStore(tinyConfig(root, { flushDiskType: FlushDiskType.SYNC_FLUSH }));
  await store.start();
  expect((await store.putMessage(makeMessage('T', 0, 'ok'))).status).toBe(PutMessageStatus.PUT_OK);
  failing = true;
  const r = await Promise.all([0, 1, 2].map((i) => store.putMessage(makeMessage('T', 0, `x${i}`))));
  for (const x of r) expect(x.status).toBe(PutMessageStatus.FLUSH_DISK_TIMEOUT);
  expect((await store.putMessage(makeMessage('T', 0, 'after'))).status).toBe(PutMessageStatus.SERVICE_NOT_AVAILABLE);
  await store.shutdown();
});
