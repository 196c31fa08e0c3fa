// A recording TCP tee for the remoting protocol: listens on one address, opens one upstream
// connection per accepted client connection, forwards bytes both ways unchanged, and splits each
// direction into frames with the project's FrameDecoder to record them. Used to capture golden
// frames between official RocketMQ peers (tools/capture/README.md). Not a production proxy.
import * as net from 'net';
import { FrameDecoder } from '../../src/remoting/frame-decoder';

/** `c2s`: from the peer that connected to the tee; `s2c`: from the upstream target. */
export type Direction = 'c2s' | 's2c';

export interface CapturedFrame {
  /** Order of capture over the whole tee (both directions, all connections). */
  seq: number;
  /** Tee-local connection id, from 1. */
  conn: number;
  dir: Direction;
  /** Epoch milliseconds when the chunk that completed the frame arrived. */
  timeMs: number;
  /** The whole frame as on the wire, including its 4-byte length field. */
  bytes: Buffer;
}

export interface CaptureError {
  conn: number;
  dir: Direction;
  reason: string;
  offset: number;
}

export interface TeeOptions {
  /** A label for logs and for the captured data (e.g. "namesrv", "broker"). */
  name: string;
  listenHost: string;
  /** 0 = any free port. */
  listenPort: number;
  targetHost: string;
  targetPort: number;
  /** Called for every frame as it is recorded. */
  onFrame?: (frame: CapturedFrame) => void;
}

export class TcpTee {
  readonly frames: CapturedFrame[] = [];
  readonly errors: CaptureError[] = [];
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private nextConn = 1;
  private seq = 0;
  private connections = 0;
  /** Label given to connections accepted from now on (e.g. the step that is running). */
  label = '';
  /** The label each connection had when it was accepted, by connection id. */
  readonly connLabels = new Map<number, string>();

  constructor(private readonly opts: TeeOptions) {
    this.server = net.createServer((client) => this.accept(client));
  }

  get name(): string {
    return this.opts.name;
  }

  /** Connections accepted so far. */
  get connectionCount(): number {
    return this.connections;
  }

  /** Starts listening; resolves with the bound address. */
  listen(): Promise<net.AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      this.server.once('error', onError);
      this.server.listen(this.opts.listenPort, this.opts.listenHost, () => {
        this.server.off('error', onError);
        resolve(this.server.address() as net.AddressInfo);
      });
    });
  }

  /** Stops listening and destroys every open connection. */
  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    const conn = this.nextConn++;
    this.connections++;
    this.connLabels.set(conn, this.label);
    const upstream = net.connect({ host: this.opts.targetHost, port: this.opts.targetPort });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const forget = (s: net.Socket) => () => this.sockets.delete(s);
    client.on('close', forget(client));
    upstream.on('close', forget(upstream));
    this.relay(conn, 'c2s', client, upstream);
    this.relay(conn, 's2c', upstream, client);
  }

  /** Copies `from` to `to` with back-pressure, recording frames, and propagates close. */
  private relay(conn: number, dir: Direction, from: net.Socket, to: net.Socket): void {
    // A generous limit: the tee must record, not police, what the real peers exchange.
    const decoder = new FrameDecoder(64 * 1024 * 1024);
    let decoding = true;
    from.on('data', (chunk: Buffer) => {
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
      if (!decoding) return;
      const now = Date.now();
      for (const r of decoder.push(chunk)) {
        if (!r.ok) {
          decoding = false;
          this.errors.push({ conn, dir, reason: r.reason, offset: r.offset });
          continue;
        }
        const bytes = Buffer.allocUnsafe(4 + r.frame.length);
        bytes.writeInt32BE(r.frame.length, 0);
        r.frame.copy(bytes, 4);
        const frame: CapturedFrame = { seq: this.seq++, conn, dir, timeMs: now, bytes };
        this.frames.push(frame);
        this.opts.onFrame?.(frame);
      }
    });
    from.on('end', () => to.end());
    from.on('error', () => to.destroy());
    from.on('close', () => {
      if (!to.destroyed && to.writableEnded === false) to.end();
    });
  }
}
