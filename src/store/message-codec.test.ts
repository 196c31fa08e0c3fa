import {
  createMessageId, decodeBatchBody, decodeProperties, decodeRecord, encodeBatchBody, encodeProperties, encodeRecord,
  getProperty, mergeBatchProperties, parseMessageId, recordMessageId,
} from './message-codec';
import * as zlib from 'node:zlib';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// message.md §1.1: produced by the real 5.x MessageDecoder.encode (IPv4, 167 bytes).
const GOLDEN_V4 = hex(`00 00 00 a7 da a3 20 a7 77 d1 89 82 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 8b cf e5 68 00 c0 a8 00 02 00 00 d4 31 00 00 01 8b cf e5 68 05
  c0 a8 00 0a 00 00 2a 9f 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 05 48 65 6c 6c 6f 09 54 6f 70 69 63 54
  65 73 74 00 3e 54 41 47 53 01 54 61 67 41 02 55 4e 49 51 5f 4b 45 59 01 43 30 41 38 30 30 30 32 44 34 33 31
  31 38 42 34 41 41 43 32 30 30 30 30 30 30 30 30 30 30 30 30 02 57 41 49 54 01 74 72 75 65 02`);

// message.md §1.2: IPv6 born host + zlib body (120 bytes), produced by Java.
const GOLDEN_V6 = hex(`00 00 00 78 da a3 20 a7 53 d3 bb 21 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 07 00 00 00 00
  00 00 04 d2 00 00 00 11 00 00 01 8b cf e5 68 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01
  00 00 c3 50 00 00 01 8b cf e5 68 01 0a 00 00 01 00 00 2a 9f 00 00 00 00 00 00 00 00 00 00 00 00
  00 00 00 10 78 5e f3 48 cd c9 c9 57 f0 40 27 01 61 03 08 31 01 54 00 00`);

describe('stored record codec', () => {
  test('golden IPv4 record decodes and re-encodes byte-identically', () => {
    const d = decodeRecord(GOLDEN_V4);
    expect(d.kind).toBe('MESSAGE');
    if (d.kind !== 'MESSAGE') return;
    const r = d.record;
    expect(r.topic).toBe('TopicTest');
    expect(r.queueId).toBe(1);
    expect(r.body.toString()).toBe('Hello');
    expect(r.bornHost).toEqual({ address: '192.168.0.2', port: 54321 });
    expect(r.storeHost).toEqual({ address: '192.168.0.10', port: 10911 });
    expect(r.storeTimestamp).toBe(1700000000005);
    expect(decodeProperties(r.properties)).toEqual(
      new Map([['TAGS', 'TagA'], ['UNIQ_KEY', 'C0A80002D43118B4AAC2000000000000'], ['WAIT', 'true']]),
    );
    expect(recordMessageId(r)).toBe('C0A8000A00002A9F0000000000000000');
    const e = encodeRecord(r, r);
    expect(Buffer.isBuffer(e) && e.equals(GOLDEN_V4)).toBe(true);
  });

  test('golden IPv6 + compressed record decodes and re-encodes byte-identically', () => {
    const d = decodeRecord(GOLDEN_V6);
    expect(d.kind).toBe('MESSAGE');
    if (d.kind !== 'MESSAGE') return;
    const r = d.record;
    expect(r.sysFlag).toBe(0x11);
    expect(r.bornHost.port).toBe(50000);
    expect(r.bornHost.address).toBe('0:0:0:0:0:0:0:1');
    expect(r.queueOffset).toBe(7);
    expect(r.physicalOffset).toBe(1234);
    expect(zlib.inflateSync(r.body).toString()).toBe('Hello Hello Hello Hello');
    expect(recordMessageId(r)).toBe('0A00000100002A9F00000000000004D2');
    const e = encodeRecord({ ...r, bornHost: { address: '::1', port: 50000 } }, r);
    expect(Buffer.isBuffer(e) && e.equals(GOLDEN_V6)).toBe(true);
  });

  test('every truncation and every flipped byte is reported, never thrown', () => {
    for (let n = 0; n < GOLDEN_V4.length; n++) {
      const d = decodeRecord(GOLDEN_V4.subarray(0, n));
      expect(d.kind).toBe('ERROR');
    }
    for (let i = 0; i < GOLDEN_V4.length; i++) {
      const b = Buffer.from(GOLDEN_V4);
      b[i] = (b[i] as number) ^ 0x5a;
      const d = decodeRecord(b);
      // bytes not covered by a check (ids, timestamps, hosts, property text) may legitimately decode
      if (d.kind === 'MESSAGE') expect(d.size).toBe(167);
      else if (d.kind === 'ERROR') expect(d.offset).toBeGreaterThanOrEqual(0);
    }
    const flipBody = Buffer.from(GOLDEN_V4);
    flipBody[90] = (flipBody[90] as number) ^ 1;
    expect(decodeRecord(flipBody)).toMatchObject({ kind: 'ERROR', error: 'BAD_CRC', offset: 8 });
    expect(decodeRecord(Buffer.alloc(64))).toMatchObject({ kind: 'ERROR', error: 'EMPTY' });
  });

  test('BLANK marker', () => {
    const b = hex('00 00 10 00 cb d4 31 94');
    expect(decodeRecord(b)).toEqual({ kind: 'BLANK', size: 4096 });
  });
});

describe('properties', () => {
  test('Java decoding rules', () => {
    const m = decodeProperties('a\u0001b\u0002\u0002x\u0001\u0002\u0001y\u0002k\u00011\u0002k\u00012\u0002z\u0001p\u0001q');
    expect([...m]).toEqual([['a', 'b'], ['k', '2'], ['z', 'p\u0001q']]);
    expect(encodeProperties(new Map([['TAGS', 'T'], ['K', 'v']]))).toBe('TAGS\u0001T\u0002K\u0001v\u0002');
    expect(getProperty('XTAGS\u0001no\u0002TAGS\u0001yes\u0002', 'TAGS')).toBe('yes');
    expect(getProperty('TAGS\u0001\u0002', 'TAGS')).toBeUndefined();
  });
});

describe('msgId', () => {
  test('create and parse IPv4 / IPv6', () => {
    expect(createMessageId(Buffer.from([192, 168, 0, 10]), 10911, 0)).toBe('C0A8000A00002A9F0000000000000000');
    expect(parseMessageId('0A00000100002A9F00000000000004D2')).toEqual({ ok: true, value: { address: '10.0.0.1', port: 10911, offset: 1234 } });
    const v6 = createMessageId(Buffer.from('00000000000000000000000000000001', 'hex'), 1, 2 ** 40);
    expect(v6).toHaveLength(56);
    expect(parseMessageId(v6)).toEqual({ ok: true, value: { address: '0:0:0:0:0:0:0:1', port: 1, offset: 2 ** 40 } });
    expect(parseMessageId('XYZ').ok).toBe(false);
  });
});

describe('batch body', () => {
  // message.md §6: Java MessageDecoder.encodeMessages output (48 bytes).
  const GOLDEN_BATCH = hex(`00 00 00 30 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 02 48 69 00 18 6b 01 76 02 57 41 49 54
    01 74 72 75 65 02 54 41 47 53 01 54 61 67 41 02`);
  test('golden batch decodes and re-encodes', () => {
    const r = decodeBatchBody(GOLDEN_BATCH);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toHaveLength(1);
    expect(r.value[0]?.body.toString()).toBe('Hi');
    expect(r.value[0]?.properties).toBe('k\u0001v\u0002WAIT\u0001true\u0002TAGS\u0001TagA\u0002');
    expect(encodeBatchBody(r.value).equals(GOLDEN_BATCH)).toBe(true);
    for (let n = 1; n < GOLDEN_BATCH.length; n++) expect(decodeBatchBody(GOLDEN_BATCH.subarray(0, n)).ok).toBe(false);
  });
  test('batch property merge', () => {
    expect(mergeBatchProperties('a\u0001b', 'C\u0001d\u0002')).toBe('a\u0001b\u0002C\u0001d\u0002');
    expect(mergeBatchProperties('a\u0001b\u0002', 'C\u0001d\u0002')).toBe('a\u0001b\u0002C\u0001d\u0002');
    expect(mergeBatchProperties('a\u0001b', '')).toBe('a\u0001b');
  });
});
