// A minimal remoting client for the harness: one JSON-header request on a fresh connection (a NameServer's
// GET_BROKER_CLUSTER_INFO to tell when it knows a broker, a broker's GET_MAX_OFFSET). Self-contained on purpose (the
// harness must not depend on the code it judges).
import * as net from 'net';

const GET_BROKER_CLUSTER_INFO = 106;

export interface RawResponse {
  header: { code?: number; remark?: string; extFields?: Record<string, string> };
  body: string;
}

/**
 * One JSON-header request on a fresh connection; resolves with the response's header and body, or
 * undefined on any failure within timeoutMs.
 */
export function rawRequest(
  host: string,
  port: number,
  code: number,
  extFields: Record<string, string> = {},
  timeoutMs = 1500,
): Promise<RawResponse | undefined> {
  return new Promise((resolve) => {
    const header = Buffer.from(JSON.stringify({ code, language: 'JAVA', version: 435, opaque: 1, flag: 0, extFields }), 'utf8');
    const frame = Buffer.alloc(8 + header.length);
    frame.writeInt32BE(4 + header.length, 0);
    frame.writeInt32BE(header.length & 0xffffff, 4); // serialize type 0 = JSON in the top byte
    header.copy(frame, 8);
    let acc = Buffer.alloc(0);
    const s = net.connect({ port, host });
    const finish = (v: RawResponse | undefined): void => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(timeoutMs, () => finish(undefined));
    s.once('error', () => finish(undefined));
    s.once('connect', () => s.write(frame));
    s.on('data', (d: Buffer) => {
      acc = Buffer.concat([acc, d]);
      if (acc.length < 8) return;
      const len = acc.readInt32BE(0);
      if (acc.length < 4 + len) return;
      const headerLen = acc.readInt32BE(4) & 0xffffff;
      try {
        finish({
          header: JSON.parse(acc.subarray(8, 8 + headerLen).toString('utf8')) as RawResponse['header'],
          body: acc.subarray(8 + headerLen, 4 + len).toString('utf8'),
        });
      } catch {
        finish(undefined);
      }
    });
  });
}

/** The raw body of GET_BROKER_CLUSTER_INFO, or undefined on any failure within timeoutMs. */
export async function clusterInfoBody(port: number, host = '127.0.0.1', timeoutMs = 1500): Promise<string | undefined> {
  return (await rawRequest(host, port, GET_BROKER_CLUSTER_INFO, {}, timeoutMs))?.body;
}

/** Polls the NameServer until its cluster info names brokerAddr, the deadline passes, or stop() says so. */
export async function waitForBrokerRegistered(
  namesrvPort: number,
  brokerAddr: string,
  timeoutMs: number,
  giveUp: () => string | undefined,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const why = giveUp();
    if (why) throw new Error(why);
    const body = await clusterInfoBody(namesrvPort);
    if (body?.includes(brokerAddr)) return;
    if (Date.now() > end) throw new Error(`broker ${brokerAddr} not registered at namesrv :${namesrvPort} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
