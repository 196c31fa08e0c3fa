// TCP keepalive through `net-keepalive` (probe interval and count are not reachable from plain Node).
import type { Socket } from 'node:net';
import * as NetKeepAlive from 'net-keepalive';

export interface KeepAliveOptions {
  /** Idle time before the first probe; 0 disables keepalive. */
  idleMs: number;
  intervalMs: number;
  probes: number;
}

export const DEFAULT_KEEPALIVE: KeepAliveOptions = { idleMs: 30_000, intervalMs: 5_000, probes: 3 };

export function applyKeepAlive(socket: Socket, opts: KeepAliveOptions): void {
  if (opts.idleMs <= 0) return;
  socket.setKeepAlive(true, opts.idleMs);
  try {
    NetKeepAlive.setKeepAliveInterval(socket, opts.intervalMs);
    NetKeepAlive.setKeepAliveProbes(socket, opts.probes);
  } catch {
    // Not fatal: the platform keeps its own interval and probe count.
  }
}
