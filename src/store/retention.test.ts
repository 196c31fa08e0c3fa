// Retention: fileReservedTime / deleteWhen / disk ratios (CleanCommitLogService, CleanConsumeQueueService).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeMessage } from './conformance';
import { DefaultMessageStore } from './default-message-store';
import { tinyConfig } from './default-message-store.test.helpers';
import { decodeRecord } from './message-codec';
import { GetMessageStatus, PutMessageStatus } from './message-store';

let root: string;
beforeEach(() => { root = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ret-')); });
afterEach(() => { fs.rmSync(root, { recursive: true, force: true }); });

async function filled(): Promise<{ store: DefaultMessageStore; phy: number[] }> {
  const store = new DefaultMessageStore(tinyConfig(root, { deleteFilesBatchMax: 100, deleteWhen: '99' }));
  await store.start();
  const phy: number[] = [];
  for (let i = 0; i < 600; i++) {
    const r = await store.putMessage(makeMessage('R', i % 2, `m${i}-${'z'.repeat(500)}`, { KEYS: `k${i}` }));
    phy.push(r.appendResult!.wroteOffset);
  }
  await store.flush();
  return { store, phy };
}

function age(dir: string, hours: number, except: (name: string) => boolean): void {
  const t = (Date.now() - hours * 3600_000) / 1000;
  for (const n of fs.readdirSync(dir)) if (!except(n)) fs.utimesSync(path.join(dir, n), t, t);
}

test('expired segments go at the deleteWhen hour or on request; queues, index and min offsets follow', async () => {
  const { store, phy } = await filled();
  const segDir = path.join(root, 'commitlog');
  const segs = fs.readdirSync(segDir).sort();
  expect(segs.length).toBeGreaterThan(4);
  // nothing is old yet: no deletion even when asked
  expect(store.cleanResources({ manual: true, forceUsedPercent: 10 }).deleted).toEqual([]);
  // the first three segments are 73 h old
  age(segDir, 73, (n) => !segs.slice(0, 3).includes(n));
  // not the deleteWhen hour, disk not full: kept
  expect(store.cleanResources({ forceUsedPercent: 10 }).deleted).toEqual([]);
  const r = store.cleanResources({ manual: true, forceUsedPercent: 10 });
  expect(r.deleted.map((p) => path.basename(p))).toEqual(segs.slice(0, 3));
  const minPhy = store.getMinPhyOffset();
  expect(minPhy).toBe(3 * 65536);
  for (let q = 0; q < 2; q++) {
    const min = store.getMinOffsetInQueue('R', q);
    const firstKept = phy.findIndex((p, i) => i % 2 === q && p >= minPhy);
    expect(min).toBe((firstKept - q) / 2);
    const g = await store.getMessage({ group: 'G', topic: 'R', queueId: q, offset: 0, maxMsgNums: 4 });
    expect(g.status).toBe(GetMessageStatus.OFFSET_TOO_SMALL);
    expect(g.nextBeginOffset).toBe(min);
    const g2 = await store.getMessage({ group: 'G', topic: 'R', queueId: q, offset: min, maxMsgNums: 1 });
    const d = decodeRecord(g2.messages[0]!);
    expect(d.kind === 'MESSAGE' && d.record.body.toString().split('-')[0]).toBe(`m${firstKept}`);
  }
  // consume-queue files that only pointed at deleted data are gone
  const cqFiles = fs.readdirSync(path.join(root, 'consumequeue', 'R', '0')).sort();
  expect(Number(cqFiles[0]) / 20).toBeGreaterThan(0);
  expect(await store.lookMessageByOffset(phy[0]!)).toBeNull();
  const min0 = store.getMinOffsetInQueue('R', 0);
  await store.shutdown();
  const again = new DefaultMessageStore(tinyConfig(root));
  await again.start();
  expect(again.getMinPhyOffset()).toBe(minPhy);
  expect(again.getMinOffsetInQueue('R', 0)).toBe(min0);
  await again.shutdown();
});

test('disk above diskSpaceCleanForciblyRatio deletes unexpired segments; above the warning level puts are refused', async () => {
  const { store } = await filled();
  const before = fs.readdirSync(path.join(root, 'commitlog')).length;
  const r = store.cleanResources({ forceUsedPercent: 86 });
  expect(r.deleted.length).toBe(before - 1);
  expect(fs.readdirSync(path.join(root, 'commitlog'))).toHaveLength(1);
  store.cleanResources({ forceUsedPercent: 95 });
  expect((await store.putMessage(makeMessage('R', 0, 'x'))).status).toBe(PutMessageStatus.SERVICE_NOT_AVAILABLE);
  store.cleanResources({ forceUsedPercent: 50 });
  expect((await store.putMessage(makeMessage('R', 0, 'x'))).status).toBe(PutMessageStatus.PUT_OK);
  await store.shutdown();
});
