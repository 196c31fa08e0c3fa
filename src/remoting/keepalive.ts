// TCP keepalive through `net-keepalive` (probe interval and count are not reachable from plain Node).
// `net-keepalive` loads a native FFI library (ffi-rs), tens of milliseconds at start-up: it is loaded
// in the background once the first socket asks for it, and sockets accepted before that get their
// interval and probe count when it is there (plain keepalive with the idle time is set at once).
import type { Socket } from 'node:net';

type NetKeepAlive = typeof import('net-keepalive');

export interface KeepAliveOptions {
  /** Idle time before the first probe; 0 disables keepalive. */
  idleMs: number;
  intervalMs: number;
  probes: number;
}

export const DEFAULT_KEEPALIVE: KeepAliveOptions = { idleMs: 30_000, intervalMs: 5_000, probes: 3 };

/** undefined: not loaded yet; null: not available on this platform. */
let netKeepAlive: NetKeepAlive | null | undefined;
let loading: Promise<void> | undefined;
let scheduled = false;
const waiting: Array<[Socket, KeepAliveOptions]> = [];

function setProbes(nk: NetKeepAlive, socket: Socket, opts: KeepAliveOptions): void {
  if (socket.destroyed) return;
  try {
    nk.setKeepAliveInterval(socket, opts.intervalMs);
    nk.setKeepAliveProbes(socket, opts.probes);
  } catch {
    // Not fatal: the platform keeps its own interval and probe count.
  }
}

/** Loads net-keepalive (once) and applies it to the sockets that waited for it. */
export function loadKeepAlive(): Promise<void> {
  loading ??= import('net-keepalive').then(
    (m) => {
      netKeepAlive = m;
    },
    () => {
      netKeepAlive = null;
    },
  ).then(() => {
    for (const [socket, opts] of waiting.splice(0)) if (netKeepAlive) setProbes(netKeepAlive, socket, opts);
  });
  return loading;
}

export function applyKeepAlive(socket: Socket, opts: KeepAliveOptions): void {
  if (opts.idleMs <= 0) return;
  socket.setKeepAlive(true, opts.idleMs);
  if (netKeepAlive) {
    setProbes(netKeepAlive, socket, opts);
  } else if (netKeepAlive === undefined) {
    waiting.push([socket, opts]);
    // after the start-up burst: the first probe is idleMs (seconds) away anyway
    if (!scheduled) {
      scheduled = true;
      setTimeout(() => void loadKeepAlive(), 1000).unref();
    }
  }
}
