// JSON the way the Java side reads and writes it (fastjson 1.2.x, `RemotingSerializable`), shared by
// every body codec. Facts: shared/protocol/requests.md (conventions) and README.md quirks 1–2.
//
// Writing (`toFastJson`) maps JavaScript values onto Java ones:
//   * a plain object is a Java bean: keys sorted alphabetically (fastjson SortField), null/undefined
//     fields omitted;
//   * a `Map` is a Java Map: entries in iteration order (the caller chooses it), null values omitted,
//     string keys quoted, number/bigint keys written unquoted (`{0:"addr"}`) unless `quoteMapKeys`,
//     object keys written as JSON objects (`{{"brokerName":"a"}:1}`);
//   * arrays and Sets are JSON arrays; bigint is a Java long; output is always compact.
// `standard: true` is fastjson's BrowserCompatible+QuoteFieldNames+MapSortField mode used for route
// data to new clients: map keys quoted and sorted, non-ASCII and `/` escaped.
//
// Reading (`parseJson`) is as lenient as fastjson where peers need it: unquoted and numeric keys,
// object keys (kept as their raw source text), single-quoted strings. It never throws.

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
/** A parsed object; its prototype is null so that keys such as `__proto__` are plain data. */
export interface JsonObject {
  [key: string]: JsonValue;
}

export type JsonParseResult = { ok: true; value: JsonValue } | { ok: false; offset: number; reason: string };

/** Values `toFastJson` can write. */
export type FastJsonInput =
  | null
  | undefined
  | boolean
  | number
  | bigint
  | string
  | readonly FastJsonInput[]
  | ReadonlySet<FastJsonInput>
  | ReadonlyMap<string | number | bigint | object, FastJsonInput>
  | { readonly [key: string]: FastJsonInput };

export interface FastJsonOptions {
  /** Route-data "standard JSON" mode (ClientRequestProcessor for version >= V4_9_4). */
  standard?: boolean;
  /** Quote number map keys without the other standard-mode changes. */
  quoteMapKeys?: boolean;
}

// fastjson default: escape `"`, `\` and control characters.
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
// BrowserCompatible: additionally `/` and everything outside printable ASCII.
const NEEDS_ESCAPE_BROWSER = /["\\/\u0000-\u001f\u007f-\uffff]/;

/** A JSON string literal the way fastjson writes it. */
export function quoteJson(s: string, browserCompatible = false): string {
  if (!browserCompatible) return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
  if (!NEEDS_ESCAPE_BROWSER.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x22: out += '\\"'; break;
      case 0x5c: out += '\\\\'; break;
      case 0x2f: out += '\\/'; break;
      case 0x08: out += '\\b'; break;
      case 0x0c: out += '\\f'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      default:
        out += c < 0x20 || c >= 0x7f ? '\\u' + c.toString(16).toUpperCase().padStart(4, '0') : s[i];
    }
  }
  return out + '"';
}

function isPlainObject(v: object): v is { readonly [key: string]: FastJsonInput } {
  const p = Object.getPrototypeOf(v) as unknown;
  return p === Object.prototype || p === null;
}

function writeNumber(n: number): string {
  // Java ints/longs are integers; a non-finite value has no JSON form (fastjson writes null).
  return Number.isFinite(n) ? String(n) : 'null';
}

function writeValue(v: FastJsonInput, o: FastJsonOptions): string | undefined {
  if (v === null || v === undefined) return undefined;
  switch (typeof v) {
    case 'string': return quoteJson(v, o.standard);
    case 'number': return writeNumber(v);
    case 'bigint': return v.toString();
    case 'boolean': return v ? 'true' : 'false';
    default: break;
  }
  if (Array.isArray(v)) return writeArray(v as readonly FastJsonInput[], o);
  if (v instanceof Set) return writeArray([...(v as ReadonlySet<FastJsonInput>)], o);
  if (v instanceof Map) return writeMap(v as ReadonlyMap<string | number | bigint | object, FastJsonInput>, o);
  if (isPlainObject(v as object)) return writeBean(v as { readonly [key: string]: FastJsonInput }, o);
  return undefined;
}

function writeArray(a: readonly FastJsonInput[], o: FastJsonOptions): string {
  let out = '[';
  for (let i = 0; i < a.length; i++) {
    if (i > 0) out += ',';
    out += writeValue(a[i], o) ?? 'null';
  }
  return out + ']';
}

function writeBean(b: { readonly [key: string]: FastJsonInput }, o: FastJsonOptions): string {
  const keys = Object.keys(b).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const s = writeValue(b[k], o);
    if (s === undefined) continue;
    out += (first ? '' : ',') + quoteJson(k, o.standard) + ':' + s;
    first = false;
  }
  return out + '}';
}

function writeMapKey(k: string | number | bigint | object, o: FastJsonOptions): string {
  if (typeof k === 'string') return quoteJson(k, o.standard);
  if (typeof k === 'number' || typeof k === 'bigint') {
    const t = typeof k === 'number' ? writeNumber(k) : k.toString();
    return o.standard || o.quoteMapKeys ? `"${t}"` : t;
  }
  return writeValue(k as FastJsonInput, o) ?? 'null';
}

function compareKeys(a: string | number | bigint | object, b: string | number | bigint | object): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return 0;
}

function writeMap(m: ReadonlyMap<string | number | bigint | object, FastJsonInput>, o: FastJsonOptions): string {
  let entries: Iterable<[string | number | bigint | object, FastJsonInput]> = m.entries();
  if (o.standard) entries = [...m.entries()].sort((x, y) => compareKeys(x[0], y[0]));
  let out = '{';
  let first = true;
  for (const [k, v] of entries) {
    const s = writeValue(v, o);
    if (s === undefined) continue;
    out += (first ? '' : ',') + writeMapKey(k, o) + ':' + s;
    first = false;
  }
  return out + '}';
}

/** Compact fastjson text of `v` (`null` for an absent value). */
export function toFastJson(v: FastJsonInput, opts: FastJsonOptions = {}): string {
  return writeValue(v, opts) ?? 'null';
}

/** `toFastJson` as UTF-8 bytes: what `RemotingSerializable.encode()` puts in a body. */
export function encodeFastJson(v: FastJsonInput, opts: FastJsonOptions = {}): Buffer {
  return Buffer.from(toFastJson(v, opts), 'utf8');
}

// ---------------------------------------------------------------------------------------------
// Parsing

class ParseError {
  constructor(readonly offset: number, readonly reason: string) {}
}

const MAX_DEPTH = 512;

class Parser {
  pos = 0;
  constructor(private readonly s: string) {}

  fail(reason: string): never {
    throw new ParseError(this.pos, reason);
  }

  ws(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c || c === 0xfeff) this.pos++;
      else break;
    }
  }

  value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    this.ws();
    const c = this.s[this.pos];
    switch (c) {
      case '{': return this.object(depth);
      case '[': return this.array(depth);
      case '"': case "'": return this.string();
      case 't': return this.word('true', true);
      case 'f': return this.word('false', false);
      case 'n': return this.word('null', null);
      case undefined: return this.fail('unexpected end of input');
      default:
        if (c === '-' || (c >= '0' && c <= '9')) return this.number();
        return this.fail(`unexpected character ${JSON.stringify(c)}`);
    }
  }

  word<T extends JsonValue>(w: string, v: T): T {
    if (!this.s.startsWith(w, this.pos)) this.fail(`expected ${w}`);
    this.pos += w.length;
    return v;
  }

  number(): number {
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?[LlFfDd]?/.exec(this.s.slice(this.pos, this.pos + 64));
    if (!m) this.fail('bad number');
    this.pos += m[0].length;
    return Number(m[0].replace(/[LlFfDd]$/, ''));
  }

  string(): string {
    const s = this.s;
    const q = s[this.pos++];
    let out = '';
    let start = this.pos;
    for (;;) {
      if (this.pos >= s.length) this.fail('unterminated string');
      const c = s[this.pos];
      if (c === q) {
        out += s.slice(start, this.pos);
        this.pos++;
        return out;
      }
      if (c === '\\') {
        out += s.slice(start, this.pos);
        const e = s[this.pos + 1];
        this.pos += 2;
        switch (e) {
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            const hex = s.slice(this.pos, this.pos + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
            out += String.fromCharCode(parseInt(hex, 16));
            this.pos += 4;
            break;
          }
          case undefined: this.fail('unterminated string'); break;
          default: out += e;
        }
        start = this.pos;
        continue;
      }
      this.pos++;
    }
  }

  key(depth: number): string {
    const s = this.s;
    const c = s[this.pos];
    if (c === '"' || c === "'") return this.string();
    if (c === '{' || c === '[') {
      // fastjson object keys: keep the raw text; the caller re-parses it if it cares.
      const start = this.pos;
      this.value(depth + 1);
      return s.slice(start, this.pos);
    }
    const m = /^[A-Za-z0-9_$.+-]+/.exec(s.slice(this.pos, this.pos + 256));
    if (!m) this.fail('expected a key');
    this.pos += m[0].length;
    return m[0];
  }

  object(depth: number): JsonObject {
    const out = Object.create(null) as JsonObject;
    this.pos++;
    this.ws();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      const k = this.key(depth);
      this.ws();
      if (this.s[this.pos] !== ':') this.fail("expected ':'");
      this.pos++;
      out[k] = this.value(depth + 1);
      this.ws();
      const c = this.s[this.pos++];
      if (c === '}') return out;
      if (c !== ',') {
        this.pos--;
        this.fail("expected ',' or '}'");
      }
    }
  }

  array(depth: number): JsonValue[] {
    const out: JsonValue[] = [];
    this.pos++;
    this.ws();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.pos++];
      if (c === ']') return out;
      if (c !== ',') {
        this.pos--;
        this.fail("expected ',' or ']'");
      }
    }
  }
}

/** Parses fastjson-compatible JSON text or UTF-8 bytes. Never throws. */
export function parseJson(input: string | Uint8Array): JsonParseResult {
  const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  const p = new Parser(text);
  try {
    const value = p.value(0);
    p.ws();
    if (p.pos !== text.length) return { ok: false, offset: p.pos, reason: 'trailing characters' };
    return { ok: true, value };
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, offset: e.offset, reason: e.reason };
    return { ok: false, offset: p.pos, reason: e instanceof Error ? e.message : String(e) };
  }
}

// ---------------------------------------------------------------------------------------------
// Typed field access on parsed values (fastjson's lenient coercions: "4" → 4, 4 → "4").

export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A Java int/long field: number or numeric string; `undefined` when absent or not a number. */
export function jsonInt(v: JsonValue | undefined): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : undefined;
  if (typeof v === 'string' && /^[+-]?\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

export function jsonBool(v: JsonValue | undefined): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.toLowerCase() === 'true' ? true : v.toLowerCase() === 'false' ? false : undefined;
  return undefined;
}

export function jsonString(v: JsonValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Thrown only inside body decoders and turned into a typed result at their boundary. */
export class BodyFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BodyFormatError';
  }
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Runs a decoder that may throw `BodyFormatError` and returns a typed result. */
export function decodeWith<T>(fn: () => T): DecodeResult<T> {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (e instanceof BodyFormatError) return { ok: false, reason: e.message };
    return { ok: false, reason: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

/** Parses bytes and requires an object at the top (a Java bean). */
export function parseJsonObject(input: string | Uint8Array): JsonObject {
  const r = parseJson(input);
  if (!r.ok) throw new BodyFormatError(`bad JSON at offset ${r.offset}: ${r.reason}`);
  if (!isJsonObject(r.value)) throw new BodyFormatError('JSON body is not an object');
  return r.value;
}
