// Fuzzes a live RemotingServer: streams of seed frames, mutated frames (bit flips, truncation,
// oversize/negative/short lengths, bad header lengths, bad JSON, bad extFields lengths, random
// bytes), sent in random chunkings. For every connection the server must either close it (the
// stream holds a fatal frame or ends inside a frame) or answer a final ping; it must never crash,
// leak connections or grow without bound, and a good connection alongside keeps working.
// FUZZ_FRAMES sets the number of frames (CI: 50 000; `npm run fuzz:full`: 1 000 000).
import net from 'node:net';
import { decodeCommand, encodeCommand } from '../../src/remoting/codec';
import { createRequest, createResponse } from '../../src/remoting/command';
import { FrameDecoder } from '../../src/remoting/frame-decoder';
import { RemotingServer } from '../../src/remoting/server';
import { MUTATIONS, Rng } from './mutate';
import { seedFrames } from './seeds';

const TOTAL = Number(process.env.FUZZ_FRAMES ?? 50_000);
const PER_CONN = 25;
const PARALLEL = 16;
const PING = 9100;

jest.setTimeout(Math.max(120_000, TOTAL * 2));

/** Whether our reference decoder accepts the whole stream, and whether it ends on a frame boundary. */
function classify(stream: Buffer): 'ok' | 'fatal' | 'incomplete' {
  const d = new FrameDecoder();
  for (const r of d.push(stream)) {
    if (!r.ok) return 'fatal';
    if (!decodeCommand(r.frame).ok) return 'fatal';
  }
  return d.buffered === 0 ? 'ok' : 'incomplete';
}

function runConnection(port: number, stream: Buffer, verdict: string, r: Rng, pingOpaque: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host: '127.0.0.1', noDelay: true });
    const dec = new FrameDecoder();
    let done = false;
    const finish = (outcome: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (verdict === 'ok' ? outcome === 'pong' : outcome === 'closed') resolve(outcome);
      else reject(new Error(`verdict ${verdict} but ${outcome}; stream ${stream.subarray(0, 256).toString('hex')}`));
    };
    const timer = setTimeout(() => finish('timeout'), 5000);
    sock.on('error', () => undefined);
    sock.on('close', () => finish('closed'));
    sock.on('data', (chunk) => {
      for (const f of dec.push(chunk)) {
        if (!f.ok) { finish('bad-response'); return; }
        const c = decodeCommand(f.frame);
        if (c.ok && c.cmd.opaque === pingOpaque && c.cmd.code === 0 && c.cmd.remark === 'pong') finish('pong');
      }
    });
    sock.once('connect', async () => {
      const ping = createRequest(PING, { remark: 'ping' });
      ping.opaque = pingOpaque;
      const all = verdict === 'ok' ? Buffer.concat([stream, encodeCommand(ping)]) : stream;
      // random chunking
      let p = 0;
      while (p < all.length && !done) {
        const n = 1 + r.int(Math.max(1, Math.min(all.length - p, r.int(4) === 0 ? 8 : 4096)));
        sock.write(all.subarray(p, p + n));
        p += n;
        if (r.int(8) === 0) await new Promise((res) => setImmediate(res));
      }
      if (verdict === 'incomplete' && !done) sock.end();
    });
  });
}

test(`live server survives ${TOTAL} fuzzed frames`, async () => {
  const server = new RemotingServer({ port: 0, host: '127.0.0.1' });
  server.registerProcessor(PING, (_c, req) => createResponse(req, 0, { remark: 'pong' }));
  const port = await server.start();
  const seeds = seedFrames();
  const rng = new Rng(Number(process.env.FUZZ_SEED ?? 20261124));
  const good = new (await import('../../src/remoting/client')).RemotingClient();
  const goodAddr = `127.0.0.1:${port}`;
  const rssStart = process.memoryUsage().rss;
  let sent = 0;
  let conns = 0;
  const outcomes: Record<string, number> = {};
  let maxRss = rssStart;

  const makeStream = (r: Rng): { stream: Buffer; verdict: string; frames: number } => {
    const parts: Buffer[] = [];
    const n = 1 + r.int(PER_CONN);
    // Half of the connections are hostile (two frames in three mutated), half mostly clean (one in
    // 25), so that long runs of valid frames are served as well as bad ones refused.
    const mutateOneIn = r.int(2) === 0 ? 1.5 : 25;
    for (let i = 0; i < n; i++) {
      const seed = seeds[r.int(seeds.length)];
      if (r.next() / 2 ** 32 >= 1 / mutateOneIn) parts.push(seed);
      else parts.push(MUTATIONS[r.int(MUTATIONS.length)][1](seed, r));
    }
    const stream = Buffer.concat(parts);
    return { stream, verdict: classify(stream), frames: n };
  };

  let opaque = 1_000_000;
  while (sent < TOTAL) {
    const batch: Promise<string>[] = [];
    for (let k = 0; k < PARALLEL && sent < TOTAL; k++) {
      const { stream, verdict, frames } = makeStream(rng);
      sent += frames;
      conns++;
      outcomes[verdict] = (outcomes[verdict] ?? 0) + 1;
      batch.push(runConnection(port, stream, verdict, new Rng(rng.next()), opaque++));
    }
    await Promise.all(batch);
    if (conns % 400 < PARALLEL) {
      const resp = await good.invoke(goodAddr, createRequest(PING), 2000);
      expect(resp.remark).toBe('pong');
      maxRss = Math.max(maxRss, process.memoryUsage().rss);
    }
  }
  const resp = await good.invoke(goodAddr, createRequest(PING), 2000);
  expect(resp.remark).toBe('pong');
  await new Promise((r) => setTimeout(r, 100));
  // only the good client's connection is left
  expect(server.connections.size).toBe(1);
  const rssGrowthMiB = (maxRss - rssStart) / 2 ** 20;
  process.stdout.write(`fuzz: ${sent} frames over ${conns} connections ${JSON.stringify(outcomes)}; max RSS growth ${rssGrowthMiB.toFixed(1)} MiB\n`);
  expect(rssGrowthMiB).toBeLessThan(256);
  good.shutdown();
  await server.shutdown();
});
