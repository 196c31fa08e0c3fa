// Black-box tests of RemotingServer over real TCP: dispatch, error responses, oneway, bad frames,
// idle close, and the RemotingClient against it.
import { encodeCommand } from '../../src/remoting/codec';
import { createRequest, createResponse, FLAG_ONEWAY, SerializeType } from '../../src/remoting/command';
import { RemotingClient } from '../../src/remoting/client';
import { RemotingError, RemotingTimeoutError } from '../../src/remoting/errors';
import { RemotingServer } from '../../src/remoting/server';
import { ResponseCode } from '../../src/protocol/response-code';
import { connectRaw } from './helpers';

const ECHO = 9001;
const THROWS = 9002;
const THROWS_CODED = 9003;
const ASYNC_LATE = 9004;
const NEVER = 9005;

let server: RemotingServer;
let port: number;
let onewaySeen = 0;

beforeAll(async () => {
  server = new RemotingServer({ port: 0, host: '127.0.0.1', idleTimeoutMs: 600 });
  server
    .registerProcessor(ECHO, (_c, req) => {
      if (req.flag & FLAG_ONEWAY) onewaySeen++;
      return createResponse(req, ResponseCode.SUCCESS, { extFields: { ...req.extFields, echoed: 'true' }, body: req.body });
    })
    .registerProcessor(THROWS, () => { throw new TypeError('boom'); })
    .registerProcessor(THROWS_CODED, () => { throw new RemotingError(ResponseCode.TOPIC_NOT_EXIST, 'no such topic'); })
    .registerProcessor(ASYNC_LATE, async (_c, req) => {
      await new Promise((r) => setTimeout(r, 50));
      return createResponse(req, ResponseCode.SUCCESS, { remark: 'late' });
    })
    .registerProcessor(NEVER, () => null);
  port = await server.start();
});

afterAll(() => server.shutdown());

test('unknown request code → REQUEST_CODE_NOT_SUPPORTED with the Java remark, opaque echoed', async () => {
  const peer = await connectRaw(port);
  const req = createRequest(99999);
  req.opaque = 4242;
  peer.socket.write(encodeCommand(req));
  const resp = await peer.next();
  expect(resp).toMatchObject({ code: 3, flag: 1, opaque: 4242, remark: ' request type 99999 not supported', language: 'JAVA' });
  peer.socket.destroy();
});

test('responses use the server encoding (JSON) even for a ROCKETMQ request', async () => {
  const peer = await connectRaw(port);
  const req = createRequest(ECHO, { extFields: { a: '1' }, body: Buffer.from('hi'), serializeType: SerializeType.ROCKETMQ });
  peer.socket.write(encodeCommand(req));
  const resp = await peer.next();
  expect(resp.serializeType).toBe(SerializeType.JSON);
  expect(resp.extFields).toEqual({ a: '1', echoed: 'true' });
  expect(resp.body?.toString()).toBe('hi');
  peer.socket.destroy();
});

test('an exception inside a processor becomes SYSTEM_ERROR with a remark; a RemotingError keeps its code', async () => {
  const peer = await connectRaw(port);
  peer.socket.write(encodeCommand(createRequest(THROWS)));
  const r1 = await peer.next();
  expect(r1.code).toBe(ResponseCode.SYSTEM_ERROR);
  expect(r1.remark).toMatch(/^TypeError: boom/);
  peer.socket.write(encodeCommand(createRequest(THROWS_CODED)));
  const r2 = await peer.next();
  expect(r2).toMatchObject({ code: ResponseCode.TOPIC_NOT_EXIST, remark: 'no such topic' });
  peer.socket.destroy();
});

test('oneway requests get no response, not even an error', async () => {
  const peer = await connectRaw(port);
  const before = onewaySeen;
  for (const code of [ECHO, 99999, THROWS]) {
    const req = createRequest(code);
    req.flag |= FLAG_ONEWAY;
    peer.socket.write(encodeCommand(req));
  }
  expect(await peer.silentFor(300)).toBe(true);
  expect(onewaySeen).toBe(before + 1);
  peer.socket.destroy();
});

test('responses can be out of order (async processor) and are matched by opaque', async () => {
  const client = new RemotingClient();
  const addr = `127.0.0.1:${port}`;
  const [late, fast] = await Promise.all([
    client.invoke(addr, createRequest(ASYNC_LATE), 2000),
    client.invoke(addr, createRequest(ECHO, { extFields: { x: 'y' } }), 2000),
  ]);
  expect(late.remark).toBe('late');
  expect(fast.extFields).toMatchObject({ x: 'y' });
  client.shutdown();
});

test('a call with no response times out on the client', async () => {
  const client = new RemotingClient();
  await expect(client.invoke(`127.0.0.1:${port}`, createRequest(NEVER), 200)).rejects.toBeInstanceOf(RemotingTimeoutError);
  client.shutdown();
});

test('the client reconnects after the server closed its connection', async () => {
  const client = new RemotingClient();
  const addr = `127.0.0.1:${port}`;
  expect((await client.invoke(addr, createRequest(ECHO), 2000)).code).toBe(0);
  for (const c of server.connections) c.close();
  await new Promise((r) => setTimeout(r, 50));
  expect((await client.invoke(addr, createRequest(ECHO), 2000)).code).toBe(0);
  client.shutdown();
});

describe('bad frames close that one connection; a good connection alongside keeps working', () => {
  const cases: [string, Buffer][] = [
    ['oversize length', Buffer.from('7fffffff00000000', 'hex')],
    ['negative length', Buffer.from('ffffffff00000000', 'hex')],
    ['length below 4', Buffer.from('0000000200000000', 'hex')],
    ['header longer than frame', Buffer.from('000000080000ffff00000000', 'hex')],
    ['bad JSON', (() => { const h = Buffer.from('{"code":1,'); const b = Buffer.alloc(8 + h.length); b.writeInt32BE(4 + h.length); b.writeInt32BE(h.length, 4); h.copy(b, 8); return b; })()],
    ['unknown serialize type', Buffer.from('0000000605000002 7b7d'.replace(' ', ''), 'hex')],
  ];
  test.each(cases)('%s', async (_n, bytes) => {
    const good = await connectRaw(port);
    const bad = await connectRaw(port);
    bad.socket.write(bytes);
    await bad.closed();
    good.socket.write(encodeCommand(createRequest(ECHO)));
    expect((await good.next()).code).toBe(0);
    good.socket.destroy();
  });

  test('a frame just over a configured limit is refused; one at the limit is served', async () => {
    const small = new RemotingServer({ port: 0, host: '127.0.0.1', frameMaxLength: 1024 });
    small.registerProcessor(ECHO, (_c, req) => createResponse(req, 0));
    const p = await small.start();
    const okFrame = encodeCommand(createRequest(ECHO, { body: Buffer.alloc(100) }));
    const pad = 1024 - okFrame.length;
    const atLimit = encodeCommand(createRequest(ECHO, { body: Buffer.alloc(100 + pad) }));
    expect(atLimit.length).toBe(1024);
    const peer = await connectRaw(p);
    peer.socket.write(atLimit);
    expect((await peer.next()).code).toBe(0);
    peer.socket.write(encodeCommand(createRequest(ECHO, { body: Buffer.alloc(101 + pad) })));
    await peer.closed();
    await small.shutdown();
  });
});

test('an idle connection is closed after the idle timeout', async () => {
  const peer = await connectRaw(port);
  await peer.closed(3000);
});

test('a client vanishing mid-request does not disturb the server', async () => {
  const peer = await connectRaw(port);
  peer.socket.write(encodeCommand(createRequest(ASYNC_LATE)));
  peer.socket.destroy();
  await new Promise((r) => setTimeout(r, 100));
  const again = await connectRaw(port);
  again.socket.write(encodeCommand(createRequest(ECHO)));
  expect((await again.next()).code).toBe(0);
  again.socket.destroy();
});

test('back-pressure: a peer that does not read stops being read', async () => {
  // The server answers every request with a 1 MiB body; the peer never reads, so the server's
  // socket buffer fills, it pauses reading, and its memory stays bounded.
  const big = new RemotingServer({ port: 0, host: '127.0.0.1' });
  let served = 0;
  big.registerProcessor(ECHO, (_c, req) => { served++; return createResponse(req, 0, { body: Buffer.alloc(1 << 20) }); });
  const p = await big.start();
  const peer = await connectRaw(p);
  peer.socket.pause();
  const frame = encodeCommand(createRequest(ECHO));
  for (let i = 0; i < 2000; i++) peer.socket.write(frame);
  await new Promise((r) => setTimeout(r, 500));
  expect(served).toBeGreaterThan(0);
  expect(served).toBeLessThan(2000);
  const conn = [...big.connections][0];
  expect(conn.socket.isPaused()).toBe(true);
  peer.socket.destroy();
  await big.shutdown();
});
