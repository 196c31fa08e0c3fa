// HEART_BEAT body (`heartbeat/HeartbeatData`) and the subscription shapes inside it
// (requests.md §4.1), plus CheckClientRequestBody (§4.5). Decoding never throws.

export const ConsumeType = { CONSUME_ACTIVELY: 'CONSUME_ACTIVELY', CONSUME_PASSIVELY: 'CONSUME_PASSIVELY', CONSUME_POP: 'CONSUME_POP' } as const;
export type ConsumeType = (typeof ConsumeType)[keyof typeof ConsumeType];
export const MessageModel = { BROADCASTING: 'BROADCASTING', CLUSTERING: 'CLUSTERING' } as const;
export type MessageModel = (typeof MessageModel)[keyof typeof MessageModel];
export const ExpressionType = { TAG: 'TAG', SQL92: 'SQL92' } as const;

/** Java SubscriptionData. */
export interface SubscriptionData {
  topic: string;
  subString: string;
  tagsSet: string[];
  codeSet: number[];
  subVersion: number;
  expressionType: string;
  classFilterMode: boolean;
  filterClassSource?: string;
}

export interface ConsumerData {
  groupName: string;
  consumeType: string;
  messageModel: string;
  consumeFromWhere: string;
  subscriptionDataSet: SubscriptionData[];
  unitMode: boolean;
}

export interface ProducerData {
  groupName: string;
}

export interface HeartbeatData {
  clientID: string;
  producerDataSet: ProducerData[];
  consumerDataSet: ConsumerData[];
  heartbeatFingerprint: number;
  withoutSub: boolean;
}

export type BodyResult<T> = { ok: true; value: T } | { ok: false; error: string };

const str = (v: unknown, d = ''): string => (typeof v === 'string' ? v : d);
const num = (v: unknown, d = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export const SUB_ALL = '*';

/** FilterAPI.buildSubscriptionData for TAG expressions (`*`, or tags separated by `||`). */
export function buildSubscriptionData(topic: string, subString: string | undefined, expressionType?: string): SubscriptionData {
  const sd: SubscriptionData = {
    topic, subString: subString ?? SUB_ALL, tagsSet: [], codeSet: [], subVersion: Date.now(),
    expressionType: expressionType && expressionType !== '' ? expressionType : ExpressionType.TAG, classFilterMode: false,
  };
  if (sd.expressionType !== ExpressionType.TAG) return sd;
  const s = (subString ?? '').trim();
  if (s === '' || s === SUB_ALL) {
    sd.subString = SUB_ALL;
    return sd;
  }
  for (const t of s.split('||')) {
    const tag = t.trim();
    if (tag.length === 0) continue;
    sd.tagsSet.push(tag);
    sd.codeSet.push(javaHash(tag));
  }
  return sd;
}

function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

export function subscriptionDataFromJson(j: unknown): SubscriptionData | undefined {
  if (typeof j !== 'object' || j === null) return undefined;
  const o = j as Record<string, unknown>;
  if (typeof o.topic !== 'string') return undefined;
  const sd: SubscriptionData = {
    topic: o.topic,
    subString: str(o.subString, SUB_ALL),
    tagsSet: arr(o.tagsSet).filter((x): x is string => typeof x === 'string'),
    codeSet: arr(o.codeSet).filter((x): x is number => typeof x === 'number'),
    subVersion: num(o.subVersion),
    expressionType: str(o.expressionType, ExpressionType.TAG) || ExpressionType.TAG,
    classFilterMode: o.classFilterMode === true,
  };
  if (typeof o.filterClassSource === 'string') sd.filterClassSource = o.filterClassSource;
  // Some clients send tags without codes: derive them as the Java client would.
  if (sd.expressionType === ExpressionType.TAG && sd.codeSet.length === 0 && sd.tagsSet.length > 0) {
    sd.codeSet = sd.tagsSet.map(javaHash);
  }
  return sd;
}

export function decodeHeartbeatData(body: Buffer | undefined): BodyResult<HeartbeatData> {
  if (!body || body.length === 0) return { ok: false, error: 'heartbeat body is empty' };
  let j: unknown;
  try {
    j = JSON.parse(body.toString('utf8'));
  } catch (e) {
    return { ok: false, error: `heartbeat body is not JSON: ${(e as Error).message}` };
  }
  if (typeof j !== 'object' || j === null) return { ok: false, error: 'heartbeat body is not an object' };
  const o = j as Record<string, unknown>;
  const consumers: ConsumerData[] = [];
  for (const c of arr(o.consumerDataSet)) {
    if (typeof c !== 'object' || c === null) continue;
    const co = c as Record<string, unknown>;
    if (typeof co.groupName !== 'string') continue;
    consumers.push({
      groupName: co.groupName,
      consumeType: str(co.consumeType, ConsumeType.CONSUME_PASSIVELY),
      messageModel: str(co.messageModel, MessageModel.CLUSTERING),
      consumeFromWhere: str(co.consumeFromWhere, 'CONSUME_FROM_LAST_OFFSET'),
      subscriptionDataSet: arr(co.subscriptionDataSet).map(subscriptionDataFromJson).filter((x): x is SubscriptionData => x !== undefined),
      unitMode: co.unitMode === true,
    });
  }
  const producers: ProducerData[] = [];
  for (const p of arr(o.producerDataSet)) {
    if (typeof p === 'object' && p !== null && typeof (p as Record<string, unknown>).groupName === 'string') {
      producers.push({ groupName: (p as { groupName: string }).groupName });
    }
  }
  return {
    ok: true,
    value: {
      clientID: str(o.clientID),
      producerDataSet: producers,
      consumerDataSet: consumers,
      heartbeatFingerprint: num(o.heartbeatFingerprint),
      withoutSub: o.withoutSub === true || o.isWithoutSub === true,
    },
  };
}

export interface CheckClientRequestBody {
  clientId: string;
  group: string;
  namespace?: string;
  subscriptionData?: SubscriptionData;
}

export function decodeCheckClientRequestBody(body: Buffer | undefined): BodyResult<CheckClientRequestBody> {
  if (!body || body.length === 0) return { ok: false, error: 'body is empty' };
  let j: unknown;
  try {
    j = JSON.parse(body.toString('utf8'));
  } catch (e) {
    return { ok: false, error: `body is not JSON: ${(e as Error).message}` };
  }
  if (typeof j !== 'object' || j === null) return { ok: false, error: 'body is not an object' };
  const o = j as Record<string, unknown>;
  const out: CheckClientRequestBody = { clientId: str(o.clientId), group: str(o.group) };
  if (typeof o.namespace === 'string') out.namespace = o.namespace;
  const sd = subscriptionDataFromJson(o.subscriptionData);
  if (sd) out.subscriptionData = sd;
  return { ok: true, value: out };
}
