// Free loopback ports. A RocketMQ broker listens on listenPort, listenPort-2 (the "fast"/VIP channel)
// and listenPort+1 (HA), so brokers need a block of ports that are all free.
import * as net from 'net';

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '0.0.0.0', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** A port the OS reports free right now (port 0 trick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen({ port: 0, host: '0.0.0.0' }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const handedOut = new Set<number>();

/** A port P such that P+from .. P+to are all free (and not handed out before by this process). */
export async function freePortBlock(from: number, to: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 40000);
    let ok = true;
    for (let p = base + from; p <= base + to && ok; p++) {
      ok = !handedOut.has(p) && (await canBind(p));
    }
    if (ok) {
      for (let p = base + from; p <= base + to; p++) handedOut.add(p);
      return base;
    }
  }
  throw new Error(`no free port block [${from}, ${to}] found`);
}

/** Resolves when host:port accepts a TCP connection. */
export function isListening(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    const done = (v: boolean): void => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}
