import fc from 'fast-check';
import { decodeCommand, encodeCommand } from './codec';
import { SerializeType, type RemotingCommand } from './command';
import { LANGUAGES } from './language';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const decodeFrame = (b: Buffer): RemotingCommand => {
  const r = decodeCommand(b.subarray(4));
  if (!r.ok) throw new Error(r.reason);
  return r.cmd;
};

describe('golden vectors from the Java classes (shared/protocol/remoting.md §4, §5)', () => {
  test('JSON request from a 5.3.3 client decodes and re-encodes byte-identically', () => {
    const json = '{"code":105,"extFields":{"topic":"TopicTest"},"flag":0,"language":"JAVA","opaque":7,"serializeTypeCurrentRPC":"JSON","version":479}';
    const frame = Buffer.concat([hex('00000087 00000083'), Buffer.from(json)]);
    const cmd = decodeFrame(frame);
    expect(cmd).toMatchObject({ code: 105, opaque: 7, flag: 0, language: 'JAVA', version: 479, extFields: { topic: 'TopicTest' } });
    expect(cmd.body).toBeUndefined();
    expect(encodeCommand(cmd).equals(frame)).toBe(true);
  });

  test('Java JSON responses re-encode byte-identically', () => {
    for (const json of [
      '{"code":17,"flag":1,"language":"JAVA","opaque":7,"remark":"No topic route info in name server for the topic: TopicTest","serializeTypeCurrentRPC":"JSON","version":479}',
      '{"code":3,"flag":1,"language":"JAVA","opaque":8,"remark":" request type 99999 not supported","serializeTypeCurrentRPC":"JSON","version":479}',
      '{"code":0,"extFields":{"queueId":"1","transactionId":"7F000001000078308DB13A9E4C3B0000","msgId":"7F00000100002A9F0000000000000000","TRACE_ON":"true","MSG_REGION":"DefaultRegion","queueOffset":"0"},"flag":1,"language":"JAVA","opaque":9,"serializeTypeCurrentRPC":"JSON","version":479}',
    ]) {
      const h = Buffer.from(json);
      const frame = Buffer.alloc(8 + h.length);
      frame.writeInt32BE(4 + h.length, 0);
      frame.writeInt32BE(h.length, 4);
      h.copy(frame, 8);
      expect(encodeCommand(decodeFrame(frame)).toString('hex')).toBe(frame.toString('hex'));
    }
  });

  test('Go JSON header keeps its field order and empty remark', () => {
    const json = '{"code":34,"language":"GO","version":317,"opaque":1,"flag":0,"remark":"","extFields":{}}';
    const h = Buffer.from(json);
    const frame = Buffer.concat([Buffer.alloc(8), h]);
    frame.writeInt32BE(4 + h.length, 0);
    frame.writeInt32BE(h.length, 4);
    const cmd = decodeFrame(frame);
    expect(cmd).toMatchObject({ code: 34, language: 'GO', version: 317, remark: '', extFields: {}, jsonStyle: 'go' });
    expect(encodeCommand(cmd).equals(frame)).toBe(true);
  });

  test('ROCKETMQ request and minimal response', () => {
    const req = hex('0000002d 01000029 0069 00 01df 00000007 00000000 00000000 00000014 0005746f706963 00000009546f70696354657374');
    const cmd = decodeFrame(req);
    expect(cmd).toMatchObject({ code: 105, language: 'JAVA', version: 479, opaque: 7, flag: 0, extFields: { topic: 'TopicTest' }, serializeType: 1 });
    expect(cmd.remark).toBeUndefined();
    expect(encodeCommand(cmd).equals(req)).toBe(true);
    const resp = hex('00 00 00 19 01 00 00 15 00 00 00 01 df 00 00 00 01 00 00 00 01 00 00 00 00 00 00 00 00');
    const r = decodeFrame(resp);
    expect(r).toMatchObject({ code: 0, opaque: 1, flag: 1, version: 479 });
    expect(r.extFields).toBeUndefined();
    expect(encodeCommand(r).equals(resp)).toBe(true);
  });

  test('language may be an ordinal in JSON (fastjson maps it to the enum)', () => {
    const json = '{"code":1,"language":9,"opaque":1,"flag":0}';
    const h = Buffer.from(json);
    const frame = Buffer.concat([Buffer.alloc(4), h]);
    frame.writeInt32BE(h.length, 0);
    const r = decodeCommand(frame);
    expect(r.ok && r.cmd.language).toBe('GO');
  });
});

describe('round trips (property)', () => {
  const str = fc.string({ unit: 'grapheme', maxLength: 40 });
  const ext = fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !/^\d+$/.test(k) && k !== '__proto__'), str, { maxKeys: 8 });
  const cmdArb = fc.record({
    code: fc.integer({ min: -32768, max: 32767 }),
    language: fc.constantFrom(...LANGUAGES),
    version: fc.integer({ min: -32768, max: 32767 }),
    opaque: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
    flag: fc.integer({ min: 0, max: 3 }),
    remark: fc.option(str.filter((s) => s.length > 0), { nil: undefined }),
    extFields: fc.option(ext, { nil: undefined }),
    body: fc.option(fc.uint8Array({ minLength: 1, maxLength: 64 }).map((a) => Buffer.from(a)), { nil: undefined }),
    serializeType: fc.constantFrom(SerializeType.JSON, SerializeType.ROCKETMQ),
    jsonStyle: fc.constantFrom('java' as const, 'go' as const),
  });

  test('decode(encode(cmd)) keeps every field in both encodings and both JSON styles', () => {
    fc.assert(fc.property(cmdArb, (c) => {
      const cmd: RemotingCommand = { ...c };
      const back = decodeFrame(encodeCommand(cmd));
      expect(back.code).toBe(cmd.code);
      expect(back.language).toBe(cmd.language);
      expect(back.version).toBe(cmd.version);
      expect(back.opaque).toBe(cmd.opaque);
      expect(back.flag).toBe(cmd.flag);
      const goStyle = cmd.serializeType === SerializeType.JSON && cmd.jsonStyle === 'go';
      expect(back.remark).toBe(cmd.remark ?? (goStyle ? '' : undefined));
      const expectedExt = cmd.extFields === undefined
        ? (goStyle ? {} : undefined)
        : (cmd.serializeType === SerializeType.ROCKETMQ && Object.keys(cmd.extFields).length === 0 ? undefined : cmd.extFields);
      expect(back.extFields).toEqual(expectedExt);
      expect(back.body?.toString('hex')).toBe(cmd.body?.toString('hex'));
      // and re-encoding the decoded command is byte-identical
      expect(encodeCommand(back).equals(encodeCommand(cmd))).toBe(true);
    }), { numRuns: 2000 });
  });
});

describe('bad headers are results, not exceptions', () => {
  const frameOf = (type: number, header: Buffer, body = Buffer.alloc(0)): Buffer => {
    const f = Buffer.alloc(4 + header.length + body.length);
    f.writeInt32BE((type << 24) | header.length, 0);
    header.copy(f, 4);
    body.copy(f, 4 + header.length);
    return f;
  };
  test.each([
    ['not JSON', frameOf(0, Buffer.from('{"code":'))],
    ['JSON array', frameOf(0, Buffer.from('[1,2]'))],
    ['code not an int', frameOf(0, Buffer.from('{"code":"x","opaque":1}'))],
    ['opaque missing', frameOf(0, Buffer.from('{"code":1}'))],
    ['code out of int32', frameOf(0, Buffer.from('{"code":4294967296,"opaque":1}'))],
    ['extFields nested', frameOf(0, Buffer.from('{"code":1,"opaque":1,"extFields":{"a":{}}}'))],
    ['unknown serialize type', frameOf(7, Buffer.from('{}'))],
    ['ROCKETMQ short header', frameOf(1, Buffer.alloc(10))],
    ['ROCKETMQ remark length too big', frameOf(1, hex('0001 00 0001 00000001 00000000 7fffffff 00000000'))],
    ['ROCKETMQ negative ext length', frameOf(1, hex('0001 00 0001 00000001 00000000 00000000 ffffffff'))],
    ['ROCKETMQ ext key length beyond block', frameOf(1, hex('0001 00 0001 00000001 00000000 00000000 00000004 0010 0000'))],
    ['ROCKETMQ ext value length beyond block', frameOf(1, hex('0001 00 0001 00000001 00000000 00000000 00000008 0001 61 000000ff 00'))],
  ])('%s', (_name, frame) => {
    const r = decodeCommand(frame);
    expect(r.ok).toBe(false);
  });

  test('header length larger than the frame', () => {
    const f = Buffer.alloc(8);
    f.writeInt32BE(100, 0);
    expect(decodeCommand(f).ok).toBe(false);
  });
});
