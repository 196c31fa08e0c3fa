import { decodeHeader, defineHeader, encodeHeader } from './header';

const H = defineHeader('TestHeader', {
  topic: { type: 'string', required: true },
  queueId: { type: 'int', required: true },
  offset: { type: 'long' },
  flag: { type: 'boolean' },
  note: { type: 'string' },
});

test('parses like Java decodeCommandCustomHeader', () => {
  const r = decodeHeader(H, { topic: 'T', queueId: '3', offset: '-12', flag: 'TRUE', note: '' });
  expect(r).toEqual({ ok: true, header: { topic: 'T', queueId: 3, offset: -12, flag: true } });
  expect(encodeHeader(H, { topic: 'T', queueId: 3, offset: 5 })).toEqual({ topic: 'T', queueId: '3', offset: '5' });
});

test('missing or unparseable required fields are errors; optional ones are dropped', () => {
  expect(decodeHeader(H, { queueId: '1' })).toMatchObject({ ok: false, field: 'topic' });
  expect(decodeHeader(H, { topic: 'T', queueId: 'x' })).toMatchObject({ ok: false, field: 'queueId' });
  expect(decodeHeader(H, { topic: 'T', queueId: '2147483648' })).toMatchObject({ ok: false, field: 'queueId' });
  expect(decodeHeader(H, { topic: 'T', queueId: '1', offset: 'x' })).toEqual({ ok: true, header: { topic: 'T', queueId: 1 } });
});

test('Java longs beyond 2^53 clamp to the safe range; beyond the long range they do not parse', () => {
  expect(decodeHeader(H, { topic: 'T', queueId: '1', offset: '9223372036854775807' })).toEqual({ ok: true, header: { topic: 'T', queueId: 1, offset: Number.MAX_SAFE_INTEGER } });
  expect(decodeHeader(H, { topic: 'T', queueId: '1', offset: '-9223372036854775808' })).toEqual({ ok: true, header: { topic: 'T', queueId: 1, offset: Number.MIN_SAFE_INTEGER } });
  expect(decodeHeader(H, { topic: 'T', queueId: '1', offset: '9223372036854775808' })).toEqual({ ok: true, header: { topic: 'T', queueId: 1 } });
});
