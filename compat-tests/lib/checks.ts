// Assertions shared by the scenarios, over the drivers' per-message report objects.
import { RunningDriver } from './driver';

export interface Sent {
  i: number;
  topic?: string;
  queueId?: number;
  queueOffset?: number;
  msgId?: string;
  offsetMsgId?: string;
  keys?: string;
  tags?: string;
  bodyLen?: number;
  bodyCrc32?: number;
  sentAt?: number;
}

export interface Received extends Sent {
  runId?: string;
  bodyOk?: boolean;
  props?: Record<string, string>;
  reconsumeTimes?: number;
  storeTimestamp?: number;
  bornTimestamp?: number;
  brokerName?: string;
  receivedAt?: number;
}

export function fail(msg: string): never {
  throw new Error(msg);
}

export function check(cond: boolean, msg: string): void {
  if (!cond) fail(msg);
}

/** Every i in [0, n) of runId arrived (no other message of that run), with intact bodies. */
export function expectIndices(got: Received[], runId: string, n: number, what = 'messages'): void {
  const mine = got.filter((m) => m.runId === runId);
  const seen = new Set(mine.map((m) => m.i));
  const missing: number[] = [];
  for (let i = 0; i < n; i++) if (!seen.has(i)) missing.push(i);
  check(missing.length === 0, `${what}: ${missing.length} of ${n} missing (e.g. ${missing.slice(0, 5).join(',')}); got ${mine.length}`);
  const bad = mine.filter((m) => m.bodyOk === false);
  check(bad.length === 0, `${what}: ${bad.length} bodies differ from the sent ones (e.g. i=${bad[0]?.i})`);
}

/** What the producer reported matches what arrived, message by message (ids, lengths, CRCs). */
export function expectSameMessages(sent: Sent[], got: Received[], opts: { ids?: boolean } = {}): void {
  const byI = new Map(got.map((m) => [m.i, m]));
  for (const s of sent) {
    const r = byI.get(s.i) ?? fail(`message i=${s.i} was sent but not received`);
    check(r.bodyLen === s.bodyLen, `i=${s.i}: body length ${r.bodyLen} != sent ${s.bodyLen}`);
    check(r.bodyCrc32 === s.bodyCrc32, `i=${s.i}: body CRC ${r.bodyCrc32} != sent ${s.bodyCrc32}`);
    if (opts.ids !== false && s.msgId) check(r.msgId === s.msgId, `i=${s.i}: msgId ${r.msgId} != sent ${s.msgId}`);
    if (s.queueId !== undefined && r.queueId !== undefined) check(r.queueId === s.queueId, `i=${s.i}: queueId ${r.queueId} != sent ${s.queueId}`);
    if (s.queueOffset !== undefined && r.queueOffset !== undefined)
      check(r.queueOffset === s.queueOffset, `i=${s.i}: queueOffset ${r.queueOffset} != sent ${s.queueOffset}`);
  }
}

export function num(v: unknown, what: string): number {
  check(typeof v === 'number', `${what} is not a number: ${JSON.stringify(v)}`);
  return v as number;
}

export async function until(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string, stepMs = 200): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** The consumer's latest queue count from its ready / queues events (undefined when it reports none). */
export function queuesOf(d: RunningDriver): number | undefined {
  let q: number | undefined;
  for (const l of d.proc.lines) {
    try {
      const o = JSON.parse(l) as { event?: string; queues?: number };
      if ((o.event === 'ready' || o.event === 'queues') && typeof o.queues === 'number') q = o.queues;
    } catch {
      // ignore
    }
  }
  return q;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
