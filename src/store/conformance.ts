// Shared conformance suite (aedes-persistence style): every MessageStore implementation registers
// these jest tests through its own *.test.ts with a factory. Not a test file itself.
import { javaStringHashCode } from '../common/java-hash';
import { decodeRecord, encodeBatchBody, encodeProperties, MessageSysFlag, recordMessageId } from './message-codec';
import type { StoredRecord } from './message-codec';
import { GetMessageStatus, PutMessageStatus } from './message-store';
import type { DispatchRequest, MessageStore, PutMessageInput, PutMessageResult } from './message-store';

export interface StoreHandle {
  readonly store: MessageStore;
  /** Clean shutdown + reopen on the same data (persistent stores only). */
  readonly reopen?: () => Promise<MessageStore>;
  readonly cleanup: () => Promise<void>;
}

export type StoreFactory = () => Promise<StoreHandle>;

const STORE_HOST = { address: '192.168.0.10', port: 10911 };
const BORN_HOST = { address: '192.168.0.2', port: 54321 };

export function makeMessage(topic: string, queueId: number, body: string, props: Record<string, string> = {}): PutMessageInput {
  const properties = encodeProperties(props);
  return {
    topic, queueId, flag: 0, body: Buffer.from(body), properties, bornTimestamp: 1700000000000, bornHost: BORN_HOST,
    storeHost: STORE_HOST, sysFlag: 0, reconsumeTimes: 0, preparedTransactionOffset: 0,
    tagsCode: props.TAGS ? javaStringHashCode(props.TAGS) : 0,
  };
}

function decoded(buf: Buffer): StoredRecord {
  const d = decodeRecord(buf);
  if (d.kind !== 'MESSAGE') throw new Error(`not a record: ${JSON.stringify(d)}`);
  return d.record;
}

export function messageStoreConformance(name: string, factory: StoreFactory): void {
  describe(`MessageStore conformance: ${name}`, () => {
    let h: StoreHandle;
    let store: MessageStore;
    beforeEach(async () => {
      h = await factory();
      store = h.store;
      await store.start();
    });
    afterEach(async () => {
      await store.shutdown();
      await h.cleanup();
    });

    test('put assigns queue offsets and physical offsets; get returns the stored records', async () => {
      const results: PutMessageResult[] = [];
      for (let i = 0; i < 5; i++) results.push(await store.putMessage(makeMessage('T', 1, `m${i}`, { TAGS: 'A', UNIQ_KEY: `U${i}` })));
      let phy = 0;
      results.forEach((r, i) => {
        expect(r.status).toBe(PutMessageStatus.PUT_OK);
        expect(r.appendResult?.logicsOffset).toBe(i);
        expect(r.appendResult?.wroteOffset).toBe(phy);
        phy += r.appendResult!.wroteBytes;
      });
      expect(store.getMaxOffsetInQueue('T', 1)).toBe(5);
      expect(store.getMinOffsetInQueue('T', 1)).toBe(0);
      expect(store.getMaxPhyOffset()).toBe(phy);
      const g = await store.getMessage({ group: 'G', topic: 'T', queueId: 1, offset: 0, maxMsgNums: 32 });
      expect(g.status).toBe(GetMessageStatus.FOUND);
      expect(g.nextBeginOffset).toBe(5);
      expect(g.maxOffset).toBe(5);
      expect(g.messages).toHaveLength(5);
      g.messages.forEach((m, i) => {
        const r = decoded(m);
        expect(r.body.toString()).toBe(`m${i}`);
        expect(r.queueOffset).toBe(i);
        expect(r.topic).toBe('T');
        expect(r.physicalOffset).toBe(results[i]!.appendResult!.wroteOffset);
        expect(recordMessageId(r)).toBe(results[i]!.appendResult!.msgId);
        expect(r.storeTimestamp).toBe(results[i]!.appendResult!.storeTimestamp);
      });
    });

    test('get statuses and next-begin-offset corrections', async () => {
      const none = await store.getMessage({ group: 'G', topic: 'nope', queueId: 0, offset: 3, maxMsgNums: 1 });
      expect(none.status).toBe(GetMessageStatus.NO_MATCHED_LOGIC_QUEUE);
      expect(none.nextBeginOffset).toBe(0);
      for (let i = 0; i < 3; i++) await store.putMessage(makeMessage('T', 0, `x${i}`));
      const one = await store.getMessage({ group: 'G', topic: 'T', queueId: 0, offset: 3, maxMsgNums: 1 });
      expect(one.status).toBe(GetMessageStatus.OFFSET_OVERFLOW_ONE);
      expect(one.nextBeginOffset).toBe(3);
      const bad = await store.getMessage({ group: 'G', topic: 'T', queueId: 0, offset: 10, maxMsgNums: 1 });
      expect(bad.status).toBe(GetMessageStatus.OFFSET_OVERFLOW_BADLY);
      expect(bad.nextBeginOffset).toBe(3);
      const lim = await store.getMessage({ group: 'G', topic: 'T', queueId: 0, offset: 1, maxMsgNums: 1 });
      expect(lim.messages).toHaveLength(1);
      expect(lim.nextBeginOffset).toBe(2);
      expect(lim.queueOffsets).toEqual([1]);
      const size = lim.messages[0]!.length;
      const byBytes = await store.getMessage({ group: 'G', topic: 'T', queueId: 0, offset: 0, maxMsgNums: 32, maxTotalMsgSize: size + 1 });
      expect(byBytes.messages).toHaveLength(1);
    });

    test('tag filter by consume-queue tags code and by record', async () => {
      await store.putMessage(makeMessage('T', 0, 'a', { TAGS: 'A' }));
      await store.putMessage(makeMessage('T', 0, 'b', { TAGS: 'B' }));
      await store.putMessage(makeMessage('T', 0, 'a2', { TAGS: 'A' }));
      const codeB = javaStringHashCode('B');
      const onlyB = await store.getMessage({ group: 'G', topic: 'T', queueId: 0, offset: 0, maxMsgNums: 32, filter: { isMatchedByConsumeQueue: (c) => c === codeB } });
      expect(onlyB.status).toBe(GetMessageStatus.FOUND);
      expect(onlyB.messages.map((m) => decoded(m).body.toString())).toEqual(['b']);
      expect(onlyB.nextBeginOffset).toBe(3);
      const nothing = await store.getMessage({ group: 'G', topic: 'T', queueId: 0, offset: 0, maxMsgNums: 32, filter: { isMatchedByConsumeQueue: () => false } });
      expect(nothing.status).toBe(GetMessageStatus.NO_MATCHED_MESSAGE);
      expect(nothing.nextBeginOffset).toBe(3);
      const byProps = await store.getMessage({
        group: 'G', topic: 'T', queueId: 0, offset: 0, maxMsgNums: 32,
        filter: { isMatchedByConsumeQueue: () => true, isMatchedByCommitLog: (_r, p) => p.includes('TAGS\u0001A\u0002') },
      });
      expect(byProps.messages.map((m) => decoded(m).body.toString())).toEqual(['a', 'a2']);
    });

    test('batch put: one record per element, consecutive offsets, merged properties, joined msgIds', async () => {
      await store.putMessage(makeMessage('B', 2, 'before'));
      const body = encodeBatchBody([
        { flag: 1, body: Buffer.from('e0'), properties: 'KEYS\u0001k0\u0002' },
        { flag: 2, body: Buffer.from('e1'), properties: 'TAGS\u0001X' },
      ]);
      const base = makeMessage('B', 2, '');
      const r = await store.putMessages({ ...base, body, properties: 'CLUSTER\u0001c\u0002' });
      expect(r.status).toBe(PutMessageStatus.PUT_OK);
      expect(r.appendResult?.msgNum).toBe(2);
      expect(r.appendResult?.logicsOffset).toBe(1);
      const ids = r.appendResult!.msgId.split(',');
      expect(ids).toHaveLength(2);
      const g = await store.getMessage({ group: 'G', topic: 'B', queueId: 2, offset: 1, maxMsgNums: 32 });
      const recs = g.messages.map(decoded);
      expect(recs.map((x) => [x.body.toString(), x.flag, x.queueOffset, x.properties])).toEqual([
        ['e0', 1, 1, 'KEYS\u0001k0\u0002CLUSTER\u0001c\u0002'],
        ['e1', 2, 2, 'TAGS\u0001X\u0002CLUSTER\u0001c\u0002'],
      ]);
      expect(recs.map(recordMessageId)).toEqual(ids);
      const codeX = javaStringHashCode('X');
      const f = await store.getMessage({ group: 'G', topic: 'B', queueId: 2, offset: 0, maxMsgNums: 32, filter: { isMatchedByConsumeQueue: (c) => c === codeX } });
      expect(f.messages.map((m) => decoded(m).body.toString())).toEqual(['e1']);
      const bad = await store.putMessages({ ...base, body: Buffer.from([0, 0, 0, 9]), properties: '' });
      expect(bad.status).toBe(PutMessageStatus.MESSAGE_ILLEGAL);
    });

    test('IPv6 hosts: v6 sysflag bits, 56-hex msgId, record round trip', async () => {
      const m = { ...makeMessage('V6', 0, 'six'), bornHost: { address: '::ffff:10.1.2.3', port: 1 }, storeHost: { address: 'fe80::1', port: 10911 } };
      const r = await store.putMessage(m);
      expect(r.status).toBe(PutMessageStatus.PUT_OK);
      expect(r.appendResult!.msgId).toHaveLength(56);
      expect(r.appendResult!.msgId.startsWith('FE800000000000000000000000000001')).toBe(true);
      const g = await store.getMessage({ group: 'G', topic: 'V6', queueId: 0, offset: 0, maxMsgNums: 1 });
      const rec = decoded(g.messages[0]!);
      expect(rec.sysFlag & (MessageSysFlag.BORNHOST_V6_FLAG | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG)).toBe(MessageSysFlag.STOREHOSTADDRESS_V6_FLAG);
      expect(rec.bornHost).toEqual({ address: '10.1.2.3', port: 1 });
      expect(rec.storeHost).toEqual({ address: 'fe80:0:0:0:0:0:0:1', port: 10911 });
      expect(recordMessageId(rec)).toBe(r.appendResult!.msgId);
    });

    test('rejects oversized properties and illegal input', async () => {
      const big = makeMessage('T', 0, 'x', { P: 'v'.repeat(40000) });
      expect((await store.putMessage(big)).status).toBe(PutMessageStatus.PROPERTIES_SIZE_EXCEEDED);
      expect((await store.putMessage({ ...makeMessage('T', 0, 'x'), topic: '' })).status).toBe(PutMessageStatus.MESSAGE_ILLEGAL);
      expect((await store.putMessage({ ...makeMessage('T', 0, 'x'), body: Buffer.alloc(4 * 1024 * 1024 + 1) })).status).toBe(PutMessageStatus.MESSAGE_ILLEGAL);
      expect(store.getMaxOffsetInQueue('T', 0)).toBe(0);
    });

    test('prepared (half) records are stored but not queued', async () => {
      const half = { ...makeMessage('H', 0, 'half'), sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE };
      const r = await store.putMessage(half);
      expect(r.status).toBe(PutMessageStatus.PUT_OK);
      expect(r.appendResult?.logicsOffset).toBe(0);
      expect(store.getMaxOffsetInQueue('H', 0)).toBe(0);
      const rec = await store.lookMessageByOffset(r.appendResult!.wroteOffset);
      expect(rec && decoded(rec).body.toString()).toBe('half');
      expect(rec && decoded(rec).sysFlag).toBe(MessageSysFlag.TRANSACTION_PREPARED_TYPE);
    });

    test('time and offset lookups', async () => {
      const t0 = Date.now();
      const r0 = await store.putMessage(makeMessage('Q', 0, 'a'));
      await new Promise((res) => setTimeout(res, 15));
      const r1 = await store.putMessage(makeMessage('Q', 0, 'b'));
      const s0 = r0.appendResult!.storeTimestamp;
      const s1 = r1.appendResult!.storeTimestamp;
      expect(s0).toBeGreaterThanOrEqual(t0);
      expect(await store.getEarliestMessageTime('Q', 0)).toBe(s0);
      expect(await store.getMessageStoreTimeStamp('Q', 0, 1)).toBe(s1);
      expect(await store.getMessageStoreTimeStamp('Q', 0, 5)).toBe(-1);
      expect(await store.getCommitLogOffsetInQueue('Q', 0, 1)).toBe(r1.appendResult!.wroteOffset);
      expect(await store.getOffsetInQueueByTime('Q', 0, s0)).toBe(0);
      expect(await store.getOffsetInQueueByTime('Q', 0, s0 + 1)).toBe(s1 > s0 ? 1 : 2);
      expect(await store.getOffsetInQueueByTime('Q', 0, s1 + 100000)).toBe(2);
      const rec = await store.lookMessageByOffset(r1.appendResult!.wroteOffset);
      expect(rec && decoded(rec).body.toString()).toBe('b');
      expect(await store.lookMessageByOffset(r1.appendResult!.wroteOffset + 1)).toBeNull();
    });

    test('query by key and UNIQ_KEY within a time range, newest first', async () => {
      await store.putMessage(makeMessage('K', 0, 'one', { KEYS: 'order-1 other', UNIQ_KEY: 'UQ1' }));
      await store.putMessage(makeMessage('K', 1, 'two', { KEYS: 'order-1' }));
      await store.putMessage(makeMessage('K2', 0, 'three', { KEYS: 'order-1' }));
      const now = Date.now();
      const q = await store.queryMessage('K', 'order-1', 32, now - 60000, now + 60000);
      expect(q.messages.map((m) => decoded(m).body.toString())).toEqual(['two', 'one']);
      const u = await store.queryMessage('K', 'UQ1', 32, now - 60000, now + 60000);
      expect(u.messages.map((m) => decoded(m).body.toString())).toEqual(['one']);
      expect((await store.queryMessage('K', 'order-1', 1, now - 60000, now + 60000)).messages).toHaveLength(1);
      expect((await store.queryMessage('K', 'order-1', 32, now + 60000, now + 120000)).messages).toHaveLength(0);
    });

    test('arrival listener sees each dispatched message', async () => {
      const seen: DispatchRequest[] = [];
      const l = (d: DispatchRequest): void => { seen.push(d); };
      store.addMessageArrivingListener(l);
      const r = await store.putMessage(makeMessage('L', 3, 'x', { TAGS: 'tg' }));
      store.removeMessageArrivingListener(l);
      await store.putMessage(makeMessage('L', 3, 'y'));
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ topic: 'L', queueId: 3, consumeQueueOffset: 0, commitLogOffset: r.appendResult!.wroteOffset, tagsCode: javaStringHashCode('tg') });
    });

    test('deleteTopics removes the queues', async () => {
      await store.putMessage(makeMessage('D', 0, 'x'));
      await store.putMessage(makeMessage('D', 1, 'x'));
      expect(store.getQueueIds('D')).toEqual([0, 1]);
      await store.deleteTopics(['D']);
      expect(store.getQueueIds('D')).toEqual([]);
      expect(store.getMaxOffsetInQueue('D', 0)).toBe(0);
      const g = await store.getMessage({ group: 'G', topic: 'D', queueId: 0, offset: 0, maxMsgNums: 1 });
      expect(g.status).toBe(GetMessageStatus.NO_MATCHED_LOGIC_QUEUE);
    });

    test('data survives a clean restart (persistent stores)', async () => {
      if (!h.reopen) return;
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push((await store.putMessage(makeMessage('R', i % 3, `p${i}`, { KEYS: `k${i}` }))).appendResult!.msgId);
      const maxPhy = store.getMaxPhyOffset();
      store = await h.reopen();
      await store.start();
      expect(store.getMaxPhyOffset()).toBe(maxPhy);
      expect(store.getQueueIds('R')).toEqual([0, 1, 2]);
      const bodies: string[] = [];
      for (let q = 0; q < 3; q++) {
        const g = await store.getMessage({ group: 'G', topic: 'R', queueId: q, offset: 0, maxMsgNums: 32 });
        bodies.push(...g.messages.map((m) => decoded(m).body.toString()));
      }
      expect(bodies.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `p${i}`).sort());
      const now = Date.now();
      const k = await store.queryMessage('R', 'k7', 32, now - 60000, now + 60000);
      expect(k.messages.map((m) => recordMessageId(decoded(m)))).toEqual([ids[7]]);
      const r = await store.putMessage(makeMessage('R', 0, 'after'));
      expect(r.appendResult?.wroteOffset).toBe(maxPhy);
      expect(r.appendResult?.logicsOffset).toBe(7);
    });
  });
}
