// A self-contained remoting client for the bench (it must not depend on the code it measures): one
// JSON-header request per call on a fresh connection. Used to time "first accepted send" after a start
// (SEND_MESSAGE, code 10, straight to the broker port) and to read queue max offsets (GET_MAX_OFFSET, 30).
import * as net from 'net';

const SEND_MESSAGE = 10;
const GET_MAX_OFFSET = 30;

export interface RawResponse {
  code: number;
  remark?: string;
  extFields: Record<string, string>;
}

/** One request; undefined on refused connection, timeout or an unreadable answer. */
export function request(
  port: number,
  code: number,
  extFields: Record<string, string>,
  body: Buffer | undefined,
  timeoutMs = 2000,
  host = '127.0.0.1',
): Promise<RawResponse | undefined> {
  return new Promise((resolve) => {
    const header = Buffer.from(
      JSON.stringify({ code, language: 'JAVA', version: 479, opaque: 1, flag: 0, extFields, serializeTypeCurrentRPC: 'JSON' }),
      'utf8',
    );
    const b = body ?? Buffer.alloc(0);
    const frame = Buffer.alloc(8 + header.length + b.length);
    frame.writeInt32BE(4 + header.length + b.length, 0);
    frame.writeInt32BE(header.length & 0xffffff, 4);
    header.copy(frame, 8);
    b.copy(frame, 8 + header.length);
    let acc = Buffer.alloc(0);
    let settled = false;
    const s = net.connect({ port, host });
    const finish = (v: RawResponse | undefined): void => {
      if (settled) return;
      settled = true;
      s.destroy();
      resolve(v);
    };
    s.setTimeout(timeoutMs, () => finish(undefined));
    s.once('error', () => finish(undefined));
    s.once('close', () => finish(undefined));
    s.once('connect', () => s.write(frame));
    s.on('data', (d: Buffer) => {
      acc = Buffer.concat([acc, d]);
      if (acc.length < 8) return;
      const len = acc.readInt32BE(0);
      if (acc.length < 4 + len) return;
      const headerLen = acc.readInt32BE(4) & 0xffffff;
      try {
        const h = JSON.parse(acc.subarray(8, 8 + headerLen).toString('utf8')) as { code?: number; remark?: string; extFields?: Record<string, string> };
        finish({ code: typeof h.code === 'number' ? h.code : -1, remark: h.remark, extFields: h.extFields ?? {} });
      } catch {
        finish(undefined);
      }
    });
  });
}

/** SEND_MESSAGE of a small body to `topic` (auto-created from TBW102); true when the broker answers SUCCESS (0). */
export async function sendOnce(port: number, topic: string, timeoutMs = 2000): Promise<boolean> {
  const r = await request(
    port,
    SEND_MESSAGE,
    {
      producerGroup: 'bench_probe',
      topic,
      defaultTopic: 'TBW102',
      defaultTopicQueueNums: '4',
      queueId: '0',
      sysFlag: '0',
      bornTimestamp: String(Date.now()),
      flag: '0',
      properties: 'WAIT\u0001true\u0002',
      reconsumeTimes: '0',
      unitMode: 'false',
      batch: 'false',
    },
    Buffer.from('bench-probe', 'utf8'),
    timeoutMs,
  );
  return r !== undefined && r.code === 0;
}

/** Polls sendOnce every `everyMs` until it succeeds; resolves with Date.now() of the success. */
export async function untilFirstSend(port: number, topic: string, deadlineMs: number, giveUp: () => string | undefined, everyMs = 20): Promise<number> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const why = giveUp();
    if (why) throw new Error(why);
    if (await sendOnce(port, topic, 1000)) return Date.now();
    if (Date.now() > end) throw new Error(`no accepted send on :${port} within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Sum of GET_MAX_OFFSET over queue ids 0..queues-1 (a queue that fails to answer counts 0). */
export async function totalMaxOffset(port: number, topic: string, queues: number): Promise<number> {
  let sum = 0;
  for (let q = 0; q < queues; q++) {
    const r = await request(port, GET_MAX_OFFSET, { topic, queueId: String(q) }, undefined);
    if (r && r.code === 0) sum += Number(r.extFields.offset ?? 0) || 0;
  }
  return sum;
}
