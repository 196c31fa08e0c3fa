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

/** The consumer's latest {"event":"progress","received":n} count (0 before the first; needs --progress-ms). */
export function progressOf(d: RunningDriver): number {
  for (let i = d.proc.lines.length - 1; i >= 0; i--) {
    const l = d.proc.lines[i];
    if (!l.includes('"progress"')) continue;
    try {
      const o = JSON.parse(l) as { event?: string; received?: number };
      if (o.event === 'progress' && typeof o.received === 'number') return o.received;
    } catch {
      // not JSON
    }
  }
  return 0;
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

// ---- helpers for runs of many messages (volume scenario) ----

/** `<runId>:<i>`: a message's identity across producer and consumer reports. */
export function messageKey(m: { runId?: string; i: number }): string {
  return `${m.runId}:${m.i}`;
}

/** The latest stdout event `{"event":name,...}` of a running driver. */
export function latestEvent(d: RunningDriver, name: string): Record<string, unknown> | undefined {
  for (let k = d.proc.lines.length - 1; k >= 0; k--) {
    const l = d.proc.lines[k];
    if (!l.includes(`"${name}"`)) continue;
    try {
      const o = JSON.parse(l) as Record<string, unknown>;
      if (o.event === name) return o;
    } catch {
      // not JSON
    }
  }
  return undefined;
}

const some = (xs: string[]): string => xs.slice(0, 5).join(',');

/** Every wanted message arrived exactly once, nothing else arrived, bodies intact. */
export function expectExactlyOnce(got: Received[], want: readonly string[], what: string): void {
  const counts = new Map<string, number>();
  for (const m of got) {
    const k = messageKey(m);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const wanted = new Set(want);
  const missing = want.filter((k) => !counts.has(k));
  const dups = [...counts].filter(([, n]) => n > 1).map(([k, n]) => `${k}x${n}`);
  const extra = [...counts.keys()].filter((k) => !wanted.has(k));
  const bad = got.filter((m) => m.bodyOk === false).map(messageKey);
  const issues: string[] = [];
  if (missing.length) issues.push(`${missing.length} missing (e.g. ${some(missing)})`);
  if (dups.length) issues.push(`${dups.length} delivered more than once (e.g. ${some(dups)})`);
  if (extra.length) issues.push(`${extra.length} not expected here (e.g. ${some(extra)})`);
  if (bad.length) issues.push(`${bad.length} bodies differ from the sent ones (e.g. ${some(bad)})`);
  check(issues.length === 0, `${what}: ${issues.join('; ')}; got ${got.length} deliveries of ${want.length} wanted messages`);
}

/** Each message came from the queue and offset its producer was told (where the producer was told any). */
export function expectStoredAt(got: Received[], sent: ReadonlyMap<string, Sent>, what: string): void {
  const wrong: string[] = [];
  for (const m of got) {
    const s = sent.get(messageKey(m));
    if (s?.queueId === undefined || s.queueOffset === undefined) continue;
    if (m.queueId !== s.queueId || m.queueOffset !== s.queueOffset) wrong.push(`${messageKey(m)} at ${m.queueId}/${m.queueOffset}, sent to ${s.queueId}/${s.queueOffset}`);
  }
  check(wrong.length === 0, `${what}: ${wrong.length} messages arrived from another queue position than their send result named (e.g. ${wrong.slice(0, 3).join('; ')})`);
}

/** In report order, each queue's offsets strictly increase. */
export function expectQueueOrder(got: Received[], what: string): void {
  const last = new Map<string, number>();
  const bad: string[] = [];
  for (const m of got) {
    const q = `${m.brokerName ?? ''}/${m.queueId}`;
    const prev = last.get(q);
    if (m.queueOffset === undefined) continue;
    if (prev !== undefined && m.queueOffset <= prev) bad.push(`queue ${m.queueId}: offset ${m.queueOffset} after ${prev}`);
    last.set(q, m.queueOffset);
  }
  check(bad.length === 0, `${what}: ${bad.length} out-of-order deliveries within a queue (e.g. ${bad.slice(0, 3).join('; ')})`);
}

/** Messages of runId in the given order: per order key (i % keys) the indices strictly increase, all from one queue. */
export function expectKeyOrder(got: Received[], runId: string, keys: number, what: string): void {
  const last = new Map<number, number>();
  const queue = new Map<number, number | undefined>();
  const bad: string[] = [];
  for (const m of got) {
    if (m.runId !== runId) continue;
    const key = m.i % keys;
    const prev = last.get(key);
    if (prev !== undefined && m.i <= prev) bad.push(`key ${key}: i=${m.i} after i=${prev}`);
    last.set(key, m.i);
    if (!queue.has(key)) queue.set(key, m.queueId);
    else if (queue.get(key) !== m.queueId) bad.push(`key ${key}: i=${m.i} in queue ${m.queueId}, earlier ones in queue ${queue.get(key)}`);
  }
  check(bad.length === 0, `${what}: ${bad.length} order-key violations (e.g. ${bad.slice(0, 3).join('; ')})`);
}
