import * as net from 'net';
import { TcpTee } from './tee';
import { encodeCommand } from '../../src/remoting/codec';
import { createRequest, createResponse, SerializeType } from '../../src/remoting/command';

function listenUpstream(handler: (s: net.Socket) => void): Promise<{ server: net.Server; port: number }> {
  return new Promise((resolve) => {
    const server = net.createServer(handler);
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as net.AddressInfo).port }));
  });
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

function readBytes(s: net.Socket, n: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let got = 0;
    const onData = (b: Buffer): void => {
      parts.push(b);
      got += b.length;
      if (got >= n) {
        s.off('data', onData);
        resolve(Buffer.concat(parts));
      }
    };
    s.on('data', onData);
  });
}

/** Upstream that answers every whole frame it receives with a fixed response frame per opaque. */
function echoResponses(sock: net.Socket): void {
  let buf = Buffer.alloc(0);
  sock.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
      const len = buf.readInt32BE(0);
      const frame = buf.subarray(0, 4 + len);
      buf = buf.subarray(4 + len);
      // The opaque of a JSON request frame, read crudely: enough for a test upstream.
      const m = /"opaque":(\d+)/.exec(frame.toString('utf8'));
      const opaque = m ? Number(m[1]) : 0;
      sock.write(encodeCommand(createResponse({ opaque }, 0, { remark: 'ok', serializeType: SerializeType.ROCKETMQ })));
    }
  });
}

describe('TcpTee', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  test('forwards both directions unchanged and records every frame whatever the chunking', async () => {
    const { server, port } = await listenUpstream(echoResponses);
    cleanups.push(() => new Promise((r) => server.close(() => r())));
    const tee = new TcpTee({ name: 't', listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: port });
    const addr = await tee.listen();
    cleanups.push(() => tee.close());

    const requests = [1, 2, 3].map((i) =>
      encodeCommand({ ...createRequest(105, { extFields: { topic: `T${i}` }, body: Buffer.alloc(i * 100, i) }), opaque: i }),
    );
    const stream = Buffer.concat(requests);
    const client = await connect(addr.port);
    cleanups.push(() => void client.destroy());
    const reply = readBytes(client, 3 * encodeCommand(createResponse({ opaque: 1 }, 0, { remark: 'ok', serializeType: 1 })).length);
    // Write in awkward pieces: 1 byte, then 7, then the rest in 50-byte chunks.
    const cuts = [1, 8];
    for (let c = 58; c < stream.length; c += 50) cuts.push(c);
    let prev = 0;
    for (const c of [...cuts, stream.length]) {
      client.write(stream.subarray(prev, c));
      prev = c;
      await new Promise((r) => setImmediate(r));
    }
    const got = await reply;

    const c2s = tee.frames.filter((f) => f.dir === 'c2s');
    const s2c = tee.frames.filter((f) => f.dir === 's2c');
    expect(c2s.map((f) => f.bytes)).toEqual(requests);
    expect(Buffer.concat(s2c.map((f) => f.bytes))).toEqual(got);
    expect(s2c).toHaveLength(3);
    expect(new Set(tee.frames.map((f) => f.conn))).toEqual(new Set([1]));
    expect(tee.frames.map((f) => f.seq)).toEqual(tee.frames.map((_, i) => i));
    expect(tee.errors).toEqual([]);
  });

  test('numbers connections and records a bad frame as an error while still forwarding', async () => {
    const received: Buffer[] = [];
    const { server, port } = await listenUpstream((s) => s.on('data', (b: Buffer) => received.push(b)));
    cleanups.push(() => new Promise((r) => server.close(() => r())));
    const tee = new TcpTee({ name: 't', listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: port });
    const addr = await tee.listen();
    cleanups.push(() => tee.close());

    const a = await connect(addr.port);
    const b = await connect(addr.port);
    cleanups.push(() => void a.destroy(), () => void b.destroy());
    const good = encodeCommand(createRequest(34));
    a.write(good);
    const bad = Buffer.from([0, 0, 0, 1, 9, 9, 9]);
    b.write(bad);
    const deadline = Date.now() + 2000;
    while ((tee.frames.length < 1 || tee.errors.length < 1 || Buffer.concat(received).length < good.length + bad.length) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(tee.connectionCount).toBe(2);
    expect(tee.frames).toHaveLength(1);
    expect(tee.frames[0].bytes).toEqual(good);
    expect(tee.errors).toHaveLength(1);
    expect(tee.errors[0].reason).toMatch(/below 4/);
    expect(tee.frames[0].conn).not.toBe(tee.errors[0].conn);
    expect(Buffer.concat(received).length).toBe(good.length + bad.length);
  });

  test('closes the client when the upstream is unreachable', async () => {
    const { server, port } = await listenUpstream(() => undefined);
    await new Promise<void>((r) => server.close(() => r()));
    const tee = new TcpTee({ name: 't', listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: port });
    const addr = await tee.listen();
    cleanups.push(() => tee.close());
    const client = await connect(addr.port);
    await new Promise<void>((resolve) => client.on('close', () => resolve()));
    expect(client.destroyed).toBe(true);
  });
});
