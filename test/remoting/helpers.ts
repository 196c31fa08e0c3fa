// Raw-socket helpers for black-box tests of a remoting server.
import net from 'node:net';
import { decodeCommand } from '../../src/remoting/codec';
import type { RemotingCommand } from '../../src/remoting/command';
import { FrameDecoder } from '../../src/remoting/frame-decoder';

export interface RawPeer {
  socket: net.Socket;
  /** Resolves with the next decoded command, or rejects after `ms`. */
  next(ms?: number): Promise<RemotingCommand>;
  /** Resolves when the server closes the connection (rejects after `ms`). */
  closed(ms?: number): Promise<void>;
  /** Resolves true if nothing arrives within `ms`. */
  silentFor(ms: number): Promise<boolean>;
}

export function connectRaw(port: number): Promise<RawPeer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const decoder = new FrameDecoder();
    const queue: RemotingCommand[] = [];
    let waiter: ((c: RemotingCommand) => void) | undefined;
    let isClosed = false;
    const closeWaiters: (() => void)[] = [];
    socket.on('data', (chunk) => {
      for (const r of decoder.push(chunk)) {
        if (!r.ok) throw new Error(r.reason);
        const d = decodeCommand(r.frame);
        if (!d.ok) throw new Error(d.reason);
        if (waiter) { const w = waiter; waiter = undefined; w(d.cmd); } else queue.push(d.cmd);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => { isClosed = true; closeWaiters.splice(0).forEach((f) => f()); });
    socket.once('connect', () => resolve({
      socket,
      next(ms = 2000) {
        const q = queue.shift();
        if (q) return Promise.resolve(q);
        return new Promise((res, rej) => {
          const t = setTimeout(() => { waiter = undefined; rej(new Error('no frame in time')); }, ms);
          waiter = (c) => { clearTimeout(t); res(c); };
        });
      },
      closed(ms = 2000) {
        if (isClosed) return Promise.resolve();
        return new Promise((res, rej) => {
          const t = setTimeout(() => rej(new Error('connection still open')), ms);
          closeWaiters.push(() => { clearTimeout(t); res(); });
        });
      },
      silentFor(ms) {
        return new Promise((res) => {
          if (queue.length) { res(false); return; }
          const t = setTimeout(() => { waiter = undefined; res(true); }, ms);
          waiter = (c) => { clearTimeout(t); queue.unshift(c); res(false); };
        });
      },
    }));
    socket.once('error', reject);
  });
}
