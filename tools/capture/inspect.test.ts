import { inspectFrame } from './inspect';

// Golden vectors from shared/protocol/remoting.md §4.1 and §5 (produced there by the real Java classes).
describe('inspectFrame', () => {
  test('reads the ROCKETMQ GET_ROUTEINFO_BY_TOPIC vector', () => {
    const hex =
      '0000002d' + '01000029' + '0069' + '00' + '01df' + '00000007' + '00000000' + '00000000' + '00000014' +
      '0005' + Buffer.from('topic').toString('hex') + '00000009' + Buffer.from('TopicTest').toString('hex');
    expect(inspectFrame(Buffer.from(hex, 'hex'))).toEqual({
      serializeType: 'ROCKETMQ',
      code: 105,
      language: 'JAVA',
      version: 479,
      opaque: 7,
      flag: 0,
      remark: null,
      extFields: { topic: 'TopicTest' },
      headerLength: 41,
      bodyLength: 0,
      bodyHex: '',
    });
  });

  test('reads the minimal ROCKETMQ response vector', () => {
    const f = inspectFrame(Buffer.from('000000190100001500000001df00000001000000010000000000000000', 'hex'));
    expect([f.code, f.version, f.opaque, f.flag, f.remark, f.extFields, f.bodyLength]).toEqual([0, 479, 1, 1, null, null, 0]);
  });

  test('reads a Java JSON header with a body, keeping extFields in wire order', () => {
    const header =
      '{"code":0,"extFields":{"queueId":"1","msgId":"7F00000100002A9F0000000000000000","queueOffset":"0"},' +
      '"flag":1,"language":"JAVA","opaque":9,"serializeTypeCurrentRPC":"JSON","version":479}';
    const body = Buffer.from('hello');
    const h = Buffer.from(header);
    const frame = Buffer.alloc(8);
    frame.writeInt32BE(4 + h.length + body.length, 0);
    frame.writeInt32BE(h.length, 4);
    const f = inspectFrame(Buffer.concat([frame, h, body]));
    expect(f.serializeType).toBe('JSON');
    expect([f.code, f.flag, f.opaque, f.language, f.version, f.remark]).toEqual([0, 1, 9, 'JAVA', 479, null]);
    expect(Object.keys(f.extFields ?? {})).toEqual(['queueId', 'msgId', 'queueOffset']);
    expect([f.headerLength, f.bodyLength, f.bodyHex]).toEqual([h.length, 5, body.toString('hex')]);
    expect(f.bodySha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test('reads a Go JSON header (language name, empty remark kept)', () => {
    const h = Buffer.from('{"code":34,"language":"GO","version":317,"opaque":1,"flag":0,"remark":"","extFields":{}}');
    const frame = Buffer.alloc(8);
    frame.writeInt32BE(4 + h.length, 0);
    frame.writeInt32BE(h.length, 4);
    const f = inspectFrame(Buffer.concat([frame, h]));
    expect([f.code, f.language, f.version, f.remark, f.extFields]).toEqual([34, 'GO', 317, '', {}]);
  });

  test('refuses a frame whose length field does not match', () => {
    expect(() => inspectFrame(Buffer.from('000000ff01000015', 'hex'))).toThrow(/frame length/);
  });
});
