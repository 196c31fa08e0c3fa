// A JSON writer that reproduces what fastjson 1.x (`RemotingSerializable.toJson`) emits for the
// admin bodies and the broker's config files (requests.md conventions, store.md §8):
//   * bean fields sorted alphabetically, null/undefined fields omitted;
//   * Java `double` fields written like `Double.toString` (`0.0`, `1.5`, `1.0E7`);
//   * maps with integer keys written with unquoted keys (`{0:5}`);
//   * maps with object keys (MessageQueue) written with the key object as the key
//     (`{{"brokerName":"b","queueId":0,"topic":"T"}:{...}}`) — not valid JSON, which is the point:
//     the Java admin tools parse it with fastjson;
//   * pretty format (config files): tab indentation, `"k":v` without spaces, and for maps with
//     non-string keys the entries on the opening line with a line break before the closing brace.
// Values are described with a few wrapper types so the writer knows which Java type they had.

/** A Java `double`/`float` value. */
export class JDouble {
  constructor(readonly value: number) {}
}

/** A Java Map whose keys are not strings: integer keys or bean keys (MessageQueue). */
export class JKeyMap {
  constructor(readonly entries: ReadonlyArray<readonly [JValue, JValue]>) {}
}

/** A Java Map<String, V> written in the given entry order (fastjson keeps the map's order). */
export class JStringMap {
  constructor(readonly entries: ReadonlyArray<readonly [string, JValue]>) {}
}

/** A bean: plain object whose fields are sorted; `undefined`/`null` fields are omitted. */
export interface JBean {
  readonly [field: string]: JValue | undefined | null;
}

export type JValue = string | number | boolean | JDouble | JKeyMap | JStringMap | readonly JValue[] | JBean;

export const jdouble = (n: number): JDouble => new JDouble(n);

/** java.lang.Double.toString for finite values (fastjson writes non-finite doubles as null). */
export function javaDoubleToString(n: number): string {
  if (!Number.isFinite(n)) return 'null';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(n);
    return s.includes('.') ? s : s + '.0';
  }
  // Scientific: mantissa with at least one fractional digit, exponent without '+'.
  const [mant, exp] = n.toExponential().split('e') as [string, string];
  const m = mant.includes('.') ? mant : mant + '.0';
  return `${m}E${exp.startsWith('+') ? exp.slice(1) : exp}`;
}

function writeString(s: string): string {
  // fastjson escapes the same characters JSON.stringify does for the ASCII control range, quotes
  // and backslash; it leaves non-ASCII as is.
  return JSON.stringify(s);
}

function isBean(v: JValue): v is JBean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JDouble) && !(v instanceof JKeyMap) && !(v instanceof JStringMap);
}

function beanEntries(b: JBean): Array<[string, JValue]> {
  const out: Array<[string, JValue]> = [];
  for (const k of Object.keys(b).sort()) {
    const v = b[k];
    if (v === undefined || v === null) continue;
    out.push([k, v]);
  }
  return out;
}

/** Compact fastjson output. */
export function toFastJson(v: JValue): string {
  if (typeof v === 'string') return writeString(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof JDouble) return javaDoubleToString(v.value);
  if (Array.isArray(v)) return '[' + (v as readonly JValue[]).map(toFastJson).join(',') + ']';
  if (v instanceof JKeyMap) return '{' + v.entries.map(([k, val]) => `${toFastJson(k)}:${toFastJson(val)}`).join(',') + '}';
  if (v instanceof JStringMap) return '{' + v.entries.map(([k, val]) => `${writeString(k)}:${toFastJson(val)}`).join(',') + '}';
  if (isBean(v)) return '{' + beanEntries(v).map(([k, val]) => `${writeString(k)}:${toFastJson(val)}`).join(',') + '}';
  return 'null';
}

/** fastjson `toJSONString(obj, true)` (PrettyFormat): what ConfigManager.persist writes. */
export function toFastJsonPretty(v: JValue, depth = 0): string {
  const ind = (d: number): string => '\t'.repeat(d);
  if (typeof v !== 'object' || v instanceof JDouble) return toFastJson(v);
  if (Array.isArray(v)) {
    const arr = v as readonly JValue[];
    if (arr.length === 0) return '[]';
    return '[\n' + arr.map((x) => ind(depth + 1) + toFastJsonPretty(x, depth + 1)).join(',\n') + '\n' + ind(depth) + ']';
  }
  if (v instanceof JKeyMap) {
    if (v.entries.length === 0) return '{}';
    return '{' + v.entries.map(([k, val]) => `${toFastJson(k)}:${toFastJsonPretty(val, depth + 1)}`).join(',') + '\n' + ind(depth) + '}';
  }
  const entries: Array<[string, JValue]> = v instanceof JStringMap ? v.entries.map(([k, x]) => [k, x]) : beanEntries(v as JBean);
  if (entries.length === 0) return '{}';
  return '{\n' + entries.map(([k, val]) => `${ind(depth + 1)}${writeString(k)}:${toFastJsonPretty(val, depth + 1)}`).join(',\n') + '\n' + ind(depth) + '}';
}

// ---------------------------------------------------------------------------------------------
// Reading: the Java-written files and bodies we accept back (delayOffset.json with unquoted
// integer keys). A tolerant parser: quotes missing around integer keys are added, then JSON.parse.

/** Parses fastjson output whose only non-JSON feature is unquoted integer map keys. Never throws. */
export function parseFastJson(text: string): unknown {
  const fixed = quoteIntegerKeys(text);
  try {
    return JSON.parse(fixed) as unknown;
  } catch {
    return undefined;
  }
}

/** Adds quotes around unquoted integer object keys (`{0:5,1:7}` → `{"0":5,"1":7}`), outside strings. */
export function quoteIntegerKeys(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (inString) {
      out += c;
      if (c === '\\') {
        out += text[i + 1] ?? '';
        i++;
      } else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      continue;
    }
    if (c === '{' || c === ',') {
      out += c;
      // Skip whitespace, then look for -?digits followed by optional whitespace and ':'.
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j] as string)) j++;
      const m = /^-?\d+\s*:/.exec(text.slice(j, j + 24));
      if (m) {
        const key = m[0].replace(/\s*:$/, '');
        out += text.slice(i + 1, j) + `"${key}":`;
        i = j + m[0].length - 1;
      }
      continue;
    }
    out += c;
  }
  return out;
}
