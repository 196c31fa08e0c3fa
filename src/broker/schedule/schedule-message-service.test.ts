import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTestBroker, testMessage, type TestBroker } from '../../../test/broker/features-context';
import { decodeProperties, decodeRecord } from '../../store/message-codec';
import { PutMessageStatus, type PutMessageInput, type PutMessageResult } from '../../store/message-store';
import { SCHEDULE_TOPIC, transformDelayLevelMessage } from './delay-level';
import { ScheduleMessageService } from './schedule-message-service';

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function readOne(tb: TestBroker, topic: string, queueId: number, offset = 0): Promise<{ props: Map<string, string>; rec: ReturnType<typeof decodeRecord> }> {
  const got = await tb.store.getMessage({ group: 'g', topic, queueId, offset, maxMsgNums: 1 });
  const rec = decodeRecord(got.messages[0] as Buffer);
  if (rec.kind !== 'MESSAGE') throw new Error('no record');
  return { props: decodeProperties(rec.record.properties), rec };
}

describe('ScheduleMessageService', () => {
  let tb: TestBroker;
  let svc: ScheduleMessageService;
  let puts: PutMessageInput[];
  let failures: number;

  beforeEach(async () => {
    tb = await createTestBroker();
    puts = [];
    failures = 0;
    const put = async (m: PutMessageInput): Promise<PutMessageResult> => {
      puts.push(m);
      if (failures > 0) {
        failures--;
        return { status: PutMessageStatus.SERVICE_NOT_AVAILABLE };
      }
      return tb.ctx.putMessage(m);
    };
    svc = new ScheduleMessageService({ store: tb.store, storePathRootDir: tb.root, messageDelayLevel: '1s 2s', firstDelayMs: 0, put });
    tb.ctx.addPutMessageHook((m) => transformDelayLevelMessage(m, svc.table));
  });

  afterEach(async () => {
    await svc.shutdown();
    await tb.close();
  });

  test('delivers a level-1 message to its real topic between 1000 ms and 1000 ms + 150 ms after storing', async () => {
    await svc.start();
    const sent = Date.now();
    const r = await tb.ctx.putMessage(testMessage('RealTopic', 2, { TAGS: 'TagA', DELAY: '1', UNIQ_KEY: 'UK1', KEYS: 'k1' }, 'payload'));
    expect(r.status).toBe('PUT_OK');
    expect(tb.store.getMaxOffsetInQueue(SCHEDULE_TOPIC, 0)).toBe(1);
    await waitFor(() => tb.store.getMaxOffsetInQueue('RealTopic', 2) === 1, 3000);
    const elapsed = Date.now() - sent;
    expect(elapsed).toBeGreaterThanOrEqual(995);
    expect(elapsed).toBeLessThan(1150);
    const { props, rec } = await readOne(tb, 'RealTopic', 2);
    expect(props.get('DELAY')).toBeUndefined();
    expect(props.get('UNIQ_KEY')).toBe('UK1');
    expect(props.get('TAGS')).toBe('TagA');
    expect(props.get('REAL_TOPIC')).toBe('RealTopic');
    expect(props.get('REAL_QID')).toBe('2');
    expect(props.get('WAIT')).toBe('false');
    if (rec.kind !== 'MESSAGE') throw new Error();
    expect(rec.record.body.toString()).toBe('payload');
    expect(svc.getOffset(1)).toBe(1);
  });

  test('keeps queue order, delivers nothing early, and advances only past delivered messages', async () => {
    for (let i = 0; i < 5; i++) await tb.ctx.putMessage(testMessage('T', 0, { DELAY: '2', UNIQ_KEY: `U${i}` }));
    await svc.start();
    await new Promise((r) => setTimeout(r, 500));
    expect(tb.store.getMaxOffsetInQueue('T', 0)).toBe(0);
    expect(svc.getOffset(2)).toBe(0);
    await waitFor(() => tb.store.getMaxOffsetInQueue('T', 0) === 5, 5000);
    for (let i = 0; i < 5; i++) expect((await readOne(tb, 'T', 0, i)).props.get('UNIQ_KEY')).toBe(`U${i}`);
    expect(svc.getOffset(2)).toBe(5);
  });

  test('a failed delivery is retried, not skipped', async () => {
    failures = 2;
    await tb.ctx.putMessage(testMessage('T', 1, { DELAY: '1', UNIQ_KEY: 'X' }));
    await svc.start();
    await waitFor(() => tb.store.getMaxOffsetInQueue('T', 1) === 1, 4000);
    expect(puts.length).toBe(3);
    expect(svc.getOffset(1)).toBe(1);
  });

  test('delayOffset.json is written in the Java shape and read back', async () => {
    await tb.ctx.putMessage(testMessage('T', 0, { DELAY: '1' }));
    await svc.start();
    await waitFor(() => svc.getOffset(1) === 1, 3000);
    await svc.shutdown();
    const file = path.join(tb.root, 'config', 'delayOffset.json');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^\{\n\t"dataVersion":\{\n\t\t"counter":\d+,\n\t\t"stateVersion":0,\n\t\t"timestamp":\d+\n\t\},\n\t"offsetTable":\{1:1\n\t\}\n\}$/);
    const again = new ScheduleMessageService({ store: tb.store, storePathRootDir: tb.root, messageDelayLevel: '1s 2s', firstDelayMs: 60_000 });
    await again.start();
    expect(again.getOffset(1)).toBe(1);
    await again.shutdown();
    // The previous content is kept as .bak; a corrupt main file falls back to it.
    fs.writeFileSync(file, '{garbage');
    fs.writeFileSync(file + '.bak', '{"offsetTable":{1:1,2:0}}');
    const third = new ScheduleMessageService({ store: tb.store, storePathRootDir: tb.root, messageDelayLevel: '1s 2s', firstDelayMs: 60_000 });
    await third.start();
    expect(third.getOffset(1)).toBe(1);
    await third.shutdown();
  });

  test('an offset beyond the queue is corrected at start (Java correctDelayOffset)', async () => {
    await tb.ctx.putMessage(testMessage('T', 0, { DELAY: '1' }));
    fs.mkdirSync(path.join(tb.root, 'config'), { recursive: true });
    fs.writeFileSync(path.join(tb.root, 'config', 'delayOffset.json'), '{"offsetTable":{1:7}}');
    const s = new ScheduleMessageService({ store: tb.store, storePathRootDir: tb.root, messageDelayLevel: '1s 2s', firstDelayMs: 60_000 });
    await s.start();
    expect(s.getOffset(1)).toBe(1);
    const stats = new Map<string, string>();
    s.buildRunningStats(stats);
    expect(stats.get('scheduleMessageOffset_1')).toBe('1,1');
    await s.shutdown();
  });
});

describe('ScheduleMessageService on the file store', () => {
  test('delivers a backlog in order and does not redeliver after a restart', async () => {
    const { DefaultMessageStore } = await import('../../store/default-message-store');
    const { defaultStoreConfig } = await import('../../store/store-config');
    const os = await import('node:os');
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-sched-file-'));
    const table = '1s 2s';
    const open = async () => {
      const store = new DefaultMessageStore(defaultStoreConfig(root, { mappedFileSizeCommitLog: 1024 * 1024 }));
      await store.start();
      const svc = new ScheduleMessageService({ store, storePathRootDir: root, messageDelayLevel: table, firstDelayMs: 0 });
      return { store, svc };
    };
    try {
      let { store, svc } = await open();
      for (let i = 0; i < 40; i++) {
        const r = await store.putMessage(transformDelayLevelMessage(testMessage('FileT', 1, { DELAY: '1', UNIQ_KEY: `F${i}` }, `b${i}`), svc.table));
        expect(r.status).toBe('PUT_OK');
      }
      await svc.start();
      await waitFor(() => store.getMaxOffsetInQueue('FileT', 1) === 40, 5000);
      const got = await store.getMessage({ group: 'g', topic: 'FileT', queueId: 1, offset: 0, maxMsgNums: 64, maxTotalMsgSize: 1 << 20 });
      const bodies: string[] = [];
      for (const b of got.messages) {
        const d = decodeRecord(b);
        if (d.kind === 'MESSAGE') bodies.push(d.record.body.toString());
      }
      expect(bodies.slice(0, 8)).toEqual(['b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7']);
      await svc.shutdown();
      await store.shutdown();

      ({ store, svc } = await open());
      expect(store.getMaxOffsetInQueue('FileT', 1)).toBe(40);
      await svc.start();
      expect(svc.getOffset(1)).toBe(40);
      await new Promise((r) => setTimeout(r, 300));
      expect(store.getMaxOffsetInQueue('FileT', 1)).toBe(40);
      await svc.shutdown();
      await store.shutdown();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
