// One TCP connection of the remoting protocol, used by the server and the client alike: the
// protocol is symmetric (either side sends requests; remoting.md §1, §7). It frames bytes,
// dispatches requests to a processor table, matches responses to pending calls by opaque,
// applies back-pressure and closes itself on idle or on a bad frame.
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { Logger } from '../common/logger';
import { ResponseCode } from '../protocol/response-code';
import { encodeCommandParts, decodeCommand } from './codec';
import {
  createResponse, FLAG_ONEWAY, FLAG_RESPONSE, isOneway, isResponse, type RemotingCommand, type SerializeType,
} from './command';
import { RemotingConnectError, RemotingError, RemotingTimeoutError } from './errors';
import { FrameDecoder } from './frame-decoder';
import { type ProcessorTable, rejectProcessor, unsupportedRemark } from './processor';

export interface ConnectionOptions {
  frameMaxLength: number;
  /** Close after this long with neither reads nor writes; 0 disables (Java: 120 s). */
  idleTimeoutMs: number;
  processors: ProcessorTable;
  logger: Logger;
  /** Encoding of the responses we write (Java: the node's configured type, whatever the request's). */
  responseSerializeType?: SerializeType;
}

interface Pending {
  resolve(cmd: RemotingCommand): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class Connection extends EventEmitter {
  readonly remoteAddress: string;
  readonly localAddress: string;
  /** Free slots for the layers above (the broker's client channel info, for instance). */
  readonly attributes = new Map<string, unknown>();
  private readonly decoder: FrameDecoder;
  private readonly pending = new Map<number, Pending>();
  private closed = false;
  private pausedForDrain = false;
  private corked = false;
  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };

  constructor(readonly socket: Socket, private readonly opts: ConnectionOptions) {
    super();
    this.remoteAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    this.localAddress = `${socket.localAddress ?? '?'}:${socket.localPort ?? 0}`;
    this.decoder = new FrameDecoder(opts.frameMaxLength);
    socket.setNoDelay(true);
    if (opts.idleTimeoutMs > 0) {
      socket.setTimeout(opts.idleTimeoutMs, () => this.close(`idle for ${opts.idleTimeoutMs} ms`));
    }
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => {
      if (this.pausedForDrain) {
        this.pausedForDrain = false;
        socket.resume();
      }
    });
    socket.on('error', (err) => this.opts.logger.debug({ remote: this.remoteAddress, err: err.message }, 'socket error'));
    socket.on('close', () => this.onClose());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Writes one command. Returns false when the socket is closed. */
  send(cmd: RemotingCommand): boolean {
    if (this.closed || this.socket.destroyed) return false;
    const parts = encodeCommandParts(cmd);
    // Everything written in one tick (say, the responses to all requests of one read) leaves in
    // one writev: the socket is corked at the first write and uncorked when the tick ends.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    let ok = this.socket.write(parts[0]);
    if (parts.length > 1) ok = this.socket.write(parts[1]);
    if (!ok && !this.pausedForDrain) {
      // Back-pressure: stop reading from a peer that does not drain what we write.
      this.pausedForDrain = true;
      this.socket.pause();
    }
    return true;
  }

  /** Sends a request and resolves with its response (any response code). */
  invoke(request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new RemotingConnectError(this.remoteAddress, 'connection closed'));
        return;
      }
      request.flag &= ~(FLAG_RESPONSE | FLAG_ONEWAY);
      const timer = setTimeout(() => {
        this.pending.delete(request.opaque);
        reject(new RemotingTimeoutError(this.remoteAddress, request.code, timeoutMs));
      }, timeoutMs);
      timer.unref();
      this.pending.set(request.opaque, { resolve, reject, timer });
      if (!this.send(request)) {
        clearTimeout(timer);
        this.pending.delete(request.opaque);
        reject(new RemotingConnectError(this.remoteAddress, 'connection closed'));
      }
    });
  }

  /** Sends a oneway request: the peer sends nothing back. */
  invokeOneway(request: RemotingCommand): boolean {
    request.flag = (request.flag & ~FLAG_RESPONSE) | FLAG_ONEWAY;
    return this.send(request);
  }

  close(reason?: string): void {
    if (this.closed) return;
    if (reason) this.opts.logger.info({ remote: this.remoteAddress, reason }, 'closing connection');
    this.socket.destroy();
    this.onClose();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [opaque, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new RemotingConnectError(this.remoteAddress, 'connection closed before the response'));
      this.pending.delete(opaque);
    }
    this.emit('close');
  }

  private onData(chunk: Buffer): void {
    for (const r of this.decoder.push(chunk)) {
      if (!r.ok) {
        this.close(`bad frame at byte ${r.offset}: ${r.reason}`);
        return;
      }
      const d = decodeCommand(r.frame);
      if (!d.ok) {
        this.close(`bad header at byte ${d.offset}: ${d.reason}`);
        return;
      }
      if (isResponse(d.cmd)) this.onResponse(d.cmd);
      else this.onRequest(d.cmd);
      if (this.closed) return;
    }
  }

  private onResponse(cmd: RemotingCommand): void {
    const p = this.pending.get(cmd.opaque);
    if (!p) {
      this.opts.logger.debug({ remote: this.remoteAddress, opaque: cmd.opaque, code: cmd.code }, 'response with unknown opaque dropped');
      return;
    }
    this.pending.delete(cmd.opaque);
    clearTimeout(p.timer);
    p.resolve(cmd);
  }

  private onRequest(request: RemotingCommand): void {
    const processor = this.opts.processors.get(request.code) ?? rejectProcessor;
    let result;
    try {
      if (processor.rejectRequest?.()) {
        result = createResponse(request, ResponseCode.SYSTEM_BUSY, {
          remark: '[REJECTREQUEST]system busy, start flow control for a while',
        });
      } else {
        result = processor.processRequest(this, request);
      }
    } catch (err) {
      this.respond(request, this.errorResponse(request, err));
      return;
    }
    if (result !== null && typeof (result as Promise<unknown>).then === 'function') {
      (result as Promise<RemotingCommand | null>).then(
        (resp) => this.respond(request, resp),
        (err: unknown) => this.respond(request, this.errorResponse(request, err)),
      );
    } else {
      this.respond(request, result as RemotingCommand | null);
    }
  }

  /** Sends `response` for `request` unless the request was oneway (Java `writeResponse`). */
  respond(request: RemotingCommand, response: RemotingCommand | null): void {
    if (response === null || isOneway(request)) return;
    response.opaque = request.opaque;
    response.flag = FLAG_RESPONSE;
    if (this.opts.responseSerializeType !== undefined) response.serializeType = this.opts.responseSerializeType;
    this.send(response);
  }

  private errorResponse(request: RemotingCommand, err: unknown): RemotingCommand {
    if (err instanceof RemotingError) return createResponse(request, err.code, { remark: err.message });
    const e = err instanceof Error ? err : new Error(String(err));
    const frame = (e.stack ?? '').split('\n')[1]?.trim() ?? '';
    this.opts.logger.error({ remote: this.remoteAddress, code: request.code, err: e.message, stack: e.stack }, 'processor failed');
    return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: `${e.name}: ${e.message}${frame ? ', ' + frame : ''}` });
  }
}

export { unsupportedRemark };
