// Remoting server (Java `NettyRemotingServer`): accepts connections, dispatches requests through
// the processor table, answers unknown codes with REQUEST_CODE_NOT_SUPPORTED, closes idle
// connections after 120 s and any connection that sends a bad frame.
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { getLogger, type Logger } from '../common/logger';
import { SerializeType } from './command';
import { DEFAULT_FRAME_MAX_LENGTH } from './codec';
import { Connection } from './connection';
import { applyKeepAlive, DEFAULT_KEEPALIVE, type KeepAliveOptions } from './keepalive';
import { ProcessorTable, rejectProcessor, type RequestHandler, type RequestProcessor } from './processor';

export interface RemotingServerOptions {
  port: number;
  host?: string;
  frameMaxLength?: number;
  /** Java `serverChannelMaxIdleTimeSeconds` × 1000; default 120 000. */
  idleTimeoutMs?: number;
  keepAlive?: KeepAliveOptions;
  /** Encoding of our responses; JSON like a default Java node. */
  serializeType?: SerializeType;
  logger?: Logger;
}

export class RemotingServer extends EventEmitter {
  readonly processors = new ProcessorTable().registerDefault(rejectProcessor);
  readonly connections = new Set<Connection>();
  private readonly server: net.Server;
  private readonly logger: Logger;

  constructor(private readonly opts: RemotingServerOptions) {
    super();
    this.logger = opts.logger ?? getLogger('remoting-server');
    this.server = net.createServer({ noDelay: true }, (socket) => this.onSocket(socket));
    this.server.on('error', (err) => this.logger.error({ err: err.message }, 'server error'));
  }

  registerProcessor(code: number, processor: RequestProcessor | RequestHandler): this {
    this.processors.register(code, processor);
    return this;
  }

  registerDefaultProcessor(processor: RequestProcessor | RequestHandler): this {
    this.processors.registerDefault(processor);
    return this;
  }

  /** Starts listening; resolves with the bound port. */
  start(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen({ port: this.opts.port, host: this.opts.host, backlog: 1024 }, () => {
        this.server.off('error', onError);
        const addr = this.server.address() as net.AddressInfo;
        this.logger.info({ port: addr.port, host: addr.address }, 'remoting server listening');
        resolve(addr.port);
      });
    });
  }

  get port(): number {
    const addr = this.server.address();
    return addr && typeof addr === 'object' ? addr.port : 0;
  }

  /** Stops accepting, closes every connection. */
  shutdown(): Promise<void> {
    return new Promise((resolve) => {
      for (const c of this.connections) c.close();
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
    });
  }

  private onSocket(socket: net.Socket): void {
    applyKeepAlive(socket, this.opts.keepAlive ?? DEFAULT_KEEPALIVE);
    const conn = new Connection(socket, {
      frameMaxLength: this.opts.frameMaxLength ?? DEFAULT_FRAME_MAX_LENGTH,
      idleTimeoutMs: this.opts.idleTimeoutMs ?? 120_000,
      processors: this.processors,
      logger: this.logger,
      responseSerializeType: this.opts.serializeType ?? SerializeType.JSON,
    });
    this.connections.add(conn);
    conn.once('close', () => {
      this.connections.delete(conn);
      this.emit('disconnect', conn);
    });
    this.emit('connect', conn);
  }
}
