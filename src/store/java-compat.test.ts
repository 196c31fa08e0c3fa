// Store directories move between the official Java store and ours, both ways (issue 5):
//   * fixtures/store/java/JavaStoreTool.java drives org.apache.rocketmq:rocketmq-store 5.3.3
//     (DefaultMessageStore) to write a store; ours opens it, reads every message byte-valid, finds
//     keys through the Java-written index, appends more;
//   * the Java store then opens that directory (and one written only by us) and reads everything,
//     including index lookups of keys we indexed.
// Needs java, javac and mvn with rocketmq-store 5.3.3 in the local Maven repository (offline).
// Runs when STORE_JAVA_COMPAT=1 (JVM start-ups make it ~30 s); otherwise skipped with a notice.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { javaStringHashCode } from '../common/java-hash';
import { DefaultMessageStore } from './default-message-store';
import { decodeRecord, getProperty } from './message-codec';
import type { StoredRecord } from './message-codec';
import { PutMessageStatus } from './message-store';
import type { MessageStore } from './message-store';
import { defaultStoreConfig, FlushDiskType } from './store-config';

const REPO = path.resolve(__dirname, '..', '..');
const JAVA_SRC = path.join(REPO, 'fixtures', 'store', 'java');
const CACHE = path.join(REPO, 'node_modules', '.cache', 'rocketmq-ts-java-store');
const ENABLED = process.env.STORE_JAVA_COMPAT === '1';
const N = 4000;

// Same geometry as JavaStoreTool.open
const geometry = (root: string) => defaultStoreConfig(root, { mappedFileSizeCommitLog: 1024 * 1024, consumeQueueUnitsPerFile: 1000, maxHashSlotNum: 1024, maxIndexNum: 8192 });

let classpath = '';
function java(args: string[]): string {
  return execFileSync('java', ['-cp', classpath, 'JavaStoreTool', ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
}

if (!ENABLED) {
  test.skip('Java store compatibility (set STORE_JAVA_COMPAT=1)', () => {});
} else {
  let root: string;
  beforeAll(() => {
    fs.mkdirSync(CACHE, { recursive: true });
    const cpFile = path.join(CACHE, 'cp.txt');
    if (!fs.existsSync(cpFile)) {
      execFileSync('mvn', ['-q', '-o', '-f', path.join(JAVA_SRC, 'pom.xml'), 'dependency:build-classpath', `-Dmdep.outputFile=${cpFile}`], { stdio: 'inherit', timeout: 300_000 });
    }
    const deps = fs.readFileSync(cpFile, 'utf8').trim();
    execFileSync('javac', ['-cp', deps, '-d', CACHE, path.join(JAVA_SRC, 'JavaStoreTool.java')], { stdio: 'inherit', timeout: 120_000 });
    classpath = `${deps}${path.delimiter}${CACHE}`;
  }, 400_000);
  beforeEach(() => { root = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-jcompat-')); });
  afterEach(() => { fs.rmSync(root, { recursive: true, force: true }); });

  const rec = (b: Buffer): StoredRecord => {
    const d = decodeRecord(b, 0, { checkCRC: true });
    if (d.kind !== 'MESSAGE') throw new Error(`invalid record ${JSON.stringify(d)}`);
    return d.record;
  };

  async function readAll(store: MessageStore, queues: number): Promise<StoredRecord[][]> {
    const out: StoredRecord[][] = [];
    for (let q = 0; q < queues; q++) {
      const list: StoredRecord[] = [];
      let off = store.getMinOffsetInQueue('JTopic', q);
      const max = store.getMaxOffsetInQueue('JTopic', q);
      while (off < max) {
        const g = await store.getMessage({ group: 'G', topic: 'JTopic', queueId: q, offset: off, maxMsgNums: 32 });
        expect(g.messages.length).toBeGreaterThan(0);
        list.push(...g.messages.map(rec));
        off = g.nextBeginOffset;
      }
      out.push(list);
    }
    return out;
  }

  test('a store written by the Java DefaultMessageStore opens in ours, and back', async () => {
    java(['write', root, String(N)]);
    expect(fs.readdirSync(path.join(root, 'commitlog')).length).toBeGreaterThan(1);
    const store = new DefaultMessageStore(geometry(root));
    await store.start();
    expect(store.lastRecovery?.stop?.reason).toBe('END');
    const queues = await readAll(store, 4);
    queues.forEach((list, q) => {
      const idx = list.map((r) => Number(r.body.toString().split('-')[1]));
      expect(idx).toEqual(Array.from({ length: N / 4 }, (_, k) => k * 4 + q));
      list.forEach((r, k) => {
        const i = idx[k]!;
        expect(r.queueOffset).toBe(k);
        expect(r.flag).toBe(i);
        expect(getProperty(r.properties, 'TAGS')).toBe(`T${i % 3}`);
        expect(getProperty(r.properties, 'KEYS')).toBe(`jk${i}`);
      });
    });
    // the Java-written index answers our queries
    const q = await store.queryMessage('JTopic', 'jk1234', 32, 0, Date.now() + 1000);
    expect(q.messages.map((m) => rec(m).body.toString().split('-')[1])).toEqual(['1234']);
    const uniq = getProperty(queues[2]![100]!.properties, 'UNIQ_KEY')!;
    const u = await store.queryMessage('JTopic', uniq, 32, 0, Date.now() + 1000);
    expect(u.messages.map((m) => rec(m).body.toString())).toEqual([queues[2]![100]!.body.toString()]);
    // tag codes in the Java consume queue equal ours
    const codeT1 = javaStringHashCode('T1');
    const f = await store.getMessage({ group: 'G', topic: 'JTopic', queueId: 0, offset: 0, maxMsgNums: 32, filter: { isMatchedByConsumeQueue: (c) => c === codeT1 } });
    expect(f.messages.map((m) => Number(rec(m).body.toString().split('-')[1]) % 3)).toEqual(f.messages.map(() => 1));
    // append to the Java store with ours, shut down, let Java read everything
    for (let i = N; i < N + 200; i++) {
      const r = await store.putMessage({
        topic: 'JTopic', queueId: i % 4, flag: i, body: Buffer.from(`java-${i}-ours`), properties: `TAGS\u0001T${i % 3}\u0002KEYS\u0001jk${i}\u0002`,
        bornTimestamp: Date.now(), bornHost: { address: '127.0.0.1', port: 50001 }, storeHost: { address: '127.0.0.1', port: 10911 },
        sysFlag: 0, reconsumeTimes: 0, preparedTransactionOffset: 0, tagsCode: javaStringHashCode(`T${i % 3}`),
      });
      expect(r.status).toBe(PutMessageStatus.PUT_OK);
    }
    await store.shutdown();
    const out = java(['read', root, 'jk1234', `jk${N + 150}`]);
    const rows = out.split('\n').filter((l) => l.startsWith('R '));
    expect(rows).toHaveLength(N + 200);
    for (let q = 0; q < 4; q++) {
      const bodies = rows.filter((l) => l.split(' ')[1] === String(q)).map((l) => Number(l.split(' ')[7]!.split('-')[1]));
      expect(bodies).toEqual(Array.from({ length: (N + 200) / 4 }, (_, k) => k * 4 + q));
    }
    expect(out).toContain(`Q jk${N + 150} java-${N + 150}-ours`);
    expect(out).toContain('Q jk1234 java-1234-');
  }, 300_000);

  // SYNC_FLUSH also runs the zero filler, which creates segments ahead (removed again when unused)
  test.each([FlushDiskType.ASYNC_FLUSH, FlushDiskType.SYNC_FLUSH])('a store written only by ours (%s) opens in the Java store; its index finds our keys', async (flushDiskType) => {
    const store = new DefaultMessageStore({ ...geometry(root), flushDiskType, commitLogZeroAheadBytes: flushDiskType === FlushDiskType.SYNC_FLUSH ? 4 * 1024 * 1024 : 0 });
    await store.start();
    for (let i = 0; i < N; i++) {
      const r = await store.putMessage({
        topic: 'JTopic', queueId: i % 4, flag: i, body: Buffer.from(`ts-${i}-` + 't'.repeat((i * 37) % 300)),
        properties: `TAGS\u0001T${i % 3}\u0002KEYS\u0001tk${i}\u0002UNIQ_KEY\u0001UQ${String(i).padStart(8, '0')}\u0002`,
        bornTimestamp: Date.now(), bornHost: { address: '::1', port: 50000 }, storeHost: { address: '127.0.0.1', port: 10911 },
        sysFlag: 0, reconsumeTimes: 0, preparedTransactionOffset: 0, tagsCode: javaStringHashCode(`T${i % 3}`),
      });
      expect(r.status).toBe(PutMessageStatus.PUT_OK);
    }
    await store.shutdown();
    const out = java(['read', root, 'tk77', 'UQ00003999']);
    const rows = out.split('\n').filter((l) => l.startsWith('R '));
    expect(rows).toHaveLength(N);
    for (const l of rows) {
      const [, q, qo, , tags, keys, uniq, body] = l.split(' ');
      const i = Number(body!.split('-')[1]);
      expect(Number(q)).toBe(i % 4);
      expect(Number(qo)).toBe(Math.floor(i / 4));
      expect([tags, keys, uniq]).toEqual([`T${i % 3}`, `tk${i}`, `UQ${String(i).padStart(8, '0')}`]);
    }
    expect(out).toContain('Q tk77 ts-77-');
    expect(out).toContain('Q UQ00003999 ts-3999-');
  }, 300_000);
}
