// `TopicConfig` (5.x common/.../TopicConfig.java): the JSON bean and the space-separated text form
// used inside a compressed RegisterBrokerBody (requests.md §1.1). Permission bits: PermName.
import {
  BodyFormatError, isJsonObject, jsonBool, jsonInt, jsonString, parseJson, toFastJson,
  type FastJsonInput, type JsonValue,
} from './json';

export const PermName = { PERM_INHERIT: 1, PERM_WRITE: 2, PERM_READ: 4, PERM_PRIORITY: 8 } as const;

export function isWriteable(perm: number): boolean {
  return (perm & PermName.PERM_WRITE) === PermName.PERM_WRITE;
}

export function isReadable(perm: number): boolean {
  return (perm & PermName.PERM_READ) === PermName.PERM_READ;
}

/** `TopicSysFlag`: bit 0 unit topic, bit 1 has unit subscription. */
export const TopicSysFlag = { FLAG_UNIT: 1, FLAG_UNIT_SUB: 2 } as const;

export const TOPIC_FILTER_TYPES = ['SINGLE_TAG', 'MULTI_TAG'] as const;
export type TopicFilterType = (typeof TOPIC_FILTER_TYPES)[number];

export interface TopicConfig {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicFilterType: TopicFilterType;
  topicSysFlag: number;
  order: boolean;
  /** 5.x only (e.g. `message.type`); `undefined` for a 4.9 peer, which does not send it. */
  attributes?: Map<string, string>;
}

/** Java defaults (`defaultReadQueueNums` = `defaultWriteQueueNums` = 16, perm RW). */
export function newTopicConfig(topicName: string, init: Partial<TopicConfig> = {}): TopicConfig {
  return {
    topicName,
    readQueueNums: 16,
    writeQueueNums: 16,
    perm: PermName.PERM_READ | PermName.PERM_WRITE,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: 0,
    order: false,
    attributes: new Map(),
    ...init,
  };
}

function stringMapFromJson(v: JsonValue | undefined, what: string): Map<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isJsonObject(v)) throw new BodyFormatError(`${what} is not an object`);
  const m = new Map<string, string>();
  for (const k of Object.keys(v)) {
    const s = jsonString(v[k]);
    if (s !== undefined) m.set(k, s);
  }
  return m;
}

/** From the JSON bean (fastjson: missing fields keep the Java defaults; a bad type is an error). */
export function topicConfigFromJson(v: JsonValue, keyName?: string): TopicConfig {
  if (!isJsonObject(v)) throw new BodyFormatError('topic config is not an object');
  const int = (name: string, dflt: number): number => {
    const raw = v[name];
    if (raw === undefined || raw === null) return dflt;
    const n = jsonInt(raw);
    if (n === undefined) throw new BodyFormatError(`topic config ${name} is not a number`);
    return n;
  };
  const name = jsonString(v.topicName ?? undefined) ?? keyName;
  if (name === undefined) throw new BodyFormatError('topic config without topicName');
  const ft = jsonString(v.topicFilterType ?? undefined) ?? 'SINGLE_TAG';
  if (!(TOPIC_FILTER_TYPES as readonly string[]).includes(ft)) throw new BodyFormatError(`bad topicFilterType ${ft}`);
  return {
    topicName: name,
    readQueueNums: int('readQueueNums', 16),
    writeQueueNums: int('writeQueueNums', 16),
    perm: int('perm', PermName.PERM_READ | PermName.PERM_WRITE),
    topicFilterType: ft as TopicFilterType,
    topicSysFlag: int('topicSysFlag', 0),
    order: jsonBool(v.order ?? undefined) ?? false,
    attributes: stringMapFromJson(v.attributes, 'attributes'),
  };
}

/** The JSON bean as fastjson writes it (keys sorted; `attributes` only when present). */
export function topicConfigToFastJsonInput(tc: TopicConfig): FastJsonInput {
  return {
    attributes: tc.attributes,
    order: tc.order,
    perm: tc.perm,
    readQueueNums: tc.readQueueNums,
    topicFilterType: tc.topicFilterType,
    topicName: tc.topicName,
    topicSysFlag: tc.topicSysFlag,
    writeQueueNums: tc.writeQueueNums,
  };
}

/**
 * `TopicConfig.encode()`: "name read write perm filterType " + attributes JSON (5.x; the trailing
 * separator is always written, the attributes only when not null).
 */
export function encodeTopicConfigText(tc: TopicConfig): string {
  const attrs = tc.attributes ? toFastJson(tc.attributes) : '';
  return `${tc.topicName} ${tc.readQueueNums} ${tc.writeQueueNums} ${tc.perm} ${tc.topicFilterType} ${attrs}`;
}

const JAVA_INT_RE = /^[+-]?\d+$/;

function javaParseInt(s: string): number {
  const n = Number(s);
  if (!JAVA_INT_RE.test(s) || n < -0x80000000 || n > 0x7fffffff) throw new BodyFormatError(`For input string: "${s}"`);
  return n;
}

/**
 * `TopicConfig.decode(String)`: split on single spaces (Java `String.split` drops trailing empty
 * parts); fewer than 5 parts, a bad number or filter type is an error (Java: the whole register
 * body fails); unparsable attributes are ignored as in Java. `topicSysFlag` and `order` are lost.
 */
export function decodeTopicConfigText(text: string): TopicConfig {
  const parts = text.split(' ');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length < 5) throw new BodyFormatError(`bad topic config entry: ${JSON.stringify(text.slice(0, 80))}`);
  const ft = parts[4];
  if (!(TOPIC_FILTER_TYPES as readonly string[]).includes(ft)) throw new BodyFormatError(`No enum constant TopicFilterType.${ft}`);
  const tc = newTopicConfig(parts[0], {
    readQueueNums: javaParseInt(parts[1]),
    writeQueueNums: javaParseInt(parts[2]),
    perm: javaParseInt(parts[3]),
    topicFilterType: ft as TopicFilterType,
  });
  if (parts.length >= 6) {
    const r = parseJson(parts[5]);
    if (r.ok && isJsonObject(r.value)) tc.attributes = stringMapFromJson(r.value, 'attributes');
  }
  return tc;
}
