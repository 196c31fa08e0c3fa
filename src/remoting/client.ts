// Remoting client (Java `NettyRemotingClient`): one connection per address, made on first use and
// made again after it closes; sync-style `invoke` with a timeout, `invokeOneway`; requests the
// peer sends us on these connections are dispatched through `processors`.
import net from 'node:net';
import { getLogger, type Logger } from '../common/logger';
import { DEFAULT_FRAME_MAX_LENGTH } from './codec';
import type { RemotingCommand } from './command';
import { Connection } from './connection';
import { RemotingConnectError } from './errors';
import { applyKeepAlive, DEFAULT_KEEPALIVE, type KeepAliveOptions } from './keepalive';
import { ProcessorTable, rejectProcessor } from './processor';

export interface RemotingClientOptions {
  connectTimeoutMs?: number;
  frameMaxLength?: number;
  idleTimeoutMs?: number;
  keepAlive?: KeepAliveOptions;
  logger?: Logger;
}

export class RemotingClient {
  readonly processors = new ProcessorTable().registerDefault(rejectProcessor);
  private readonly conns = new Map<string, Promise<Connection>>();
  private readonly logger: Logger;
  private closed = false;

  constructor(private readonly opts: RemotingClientOptions = {}) {
    this.logger = opts.logger ?? getLogger('remoting-client');
  }

  /** The live connection to `addr` ("host:port"), connecting when there is none. */
  connection(addr: string): Promise<Connection> {
    if (this.closed) return Promise.reject(new RemotingConnectError(addr, 'client shut down'));
    const existing = this.conns.get(addr);
    if (existing) return existing;
    const p = this.connect(addr);
    this.conns.set(addr, p);
    p.then(
      (c) => c.once('close', () => { if (this.conns.get(addr) === p) this.conns.delete(addr); }),
      () => { if (this.conns.get(addr) === p) this.conns.delete(addr); },
    );
    return p;
  }

  async invoke(addr: string, request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    const started = Date.now();
    const conn = await this.connection(addr);
    return conn.invoke(request, Math.max(1, timeoutMs - (Date.now() - started)));
  }

  async invokeOneway(addr: string, request: RemotingCommand): Promise<void> {
    const conn = await this.connection(addr);
    if (!conn.invokeOneway(request)) throw new RemotingConnectError(addr, 'connection closed');
  }

  closeConnection(addr: string): void {
    const p = this.conns.get(addr);
    this.conns.delete(addr);
    p?.then((c) => c.close(), () => undefined);
  }

  shutdown(): void {
    this.closed = true;
    for (const addr of [...this.conns.keys()]) this.closeConnection(addr);
  }

  private connect(addr: string): Promise<Connection> {
    const idx = addr.lastIndexOf(':');
    const host = addr.slice(0, idx);
    const port = Number(addr.slice(idx + 1));
    if (idx <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
      return Promise.reject(new RemotingConnectError(addr, 'bad address'));
    }
    const timeoutMs = this.opts.connectTimeoutMs ?? 3000;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port, noDelay: true });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new RemotingConnectError(addr, `timeout after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new RemotingConnectError(addr, err.message));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        applyKeepAlive(socket, this.opts.keepAlive ?? DEFAULT_KEEPALIVE);
        resolve(new Connection(socket, {
          frameMaxLength: this.opts.frameMaxLength ?? DEFAULT_FRAME_MAX_LENGTH,
          idleTimeoutMs: this.opts.idleTimeoutMs ?? 120_000,
          processors: this.processors,
          logger: this.logger,
        }));
      });
    });
  }
}
