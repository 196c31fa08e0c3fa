// Typed request/response headers from one generic codec. A header class of the Java side is data
// here: its field names (the extFields keys, remoting.md §3), types and which are required.
// `defineHeader` derives the TypeScript type from that table; `decodeHeader` parses extFields the
// way Java's `decodeCommandCustomHeader` does (Integer/Long/Boolean/Double parsing, "" = absent for
// optional fields) and never throws; `encodeHeader` writes `String.valueOf` of each present field.
import type { ExtFields } from '../remoting/command';

export type FieldType = 'string' | 'int' | 'long' | 'boolean' | 'double';

export interface FieldSpec {
  readonly type: FieldType;
  readonly required?: boolean;
}

export type HeaderSpec = Readonly<Record<string, FieldSpec>>;

type TsType<T extends FieldType> = T extends 'string' ? string : T extends 'boolean' ? boolean : number;
type RequiredKeys<S extends HeaderSpec> = { [K in keyof S]: S[K]['required'] extends true ? K : never }[keyof S];
type OptionalKeys<S extends HeaderSpec> = Exclude<keyof S, RequiredKeys<S>>;

export type HeaderOf<S extends HeaderSpec> =
  { [K in RequiredKeys<S>]: TsType<S[K]['type']> } & { [K in OptionalKeys<S>]?: TsType<S[K]['type']> };

export interface HeaderDef<S extends HeaderSpec> {
  /** The Java class this header mirrors, for messages and docs. */
  readonly javaClass: string;
  readonly fields: S;
}

export function defineHeader<const S extends HeaderSpec>(javaClass: string, fields: S): HeaderDef<S> {
  return { javaClass, fields };
}

export type HeaderDecodeResult<S extends HeaderSpec> =
  | { ok: true; header: HeaderOf<S> }
  | { ok: false; field: string; reason: string };

const INT_RE = /^[+-]?\d+$/;

function parseField(type: FieldType, raw: string): string | number | boolean | undefined {
  switch (type) {
    case 'string':
      return raw;
    case 'int': {
      if (!INT_RE.test(raw)) return undefined;
      const n = Number(raw);
      return n >= -0x80000000 && n <= 0x7fffffff ? n : undefined;
    }
    case 'long': {
      if (!INT_RE.test(raw)) return undefined;
      const n = Number(raw);
      if (Number.isSafeInteger(n)) return n;
      // A Java long beyond 2^53 (admin tools send Long.MAX_VALUE as "no upper bound") is clamped
      // to the nearest safe integer; a value outside the long range is as unparseable as in Java.
      const big = BigInt(raw);
      if (big > 0x7fffffffffffffffn || big < -0x8000000000000000n) return undefined;
      return big > 0n ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
    }
    case 'boolean':
      return raw.toLowerCase() === 'true'; // Java Boolean.parseBoolean
    case 'double': {
      const n = Number(raw);
      return raw.trim() !== '' && Number.isFinite(n) ? n : undefined;
    }
    default: {
      const never: never = type;
      return never;
    }
  }
}

export function decodeHeader<S extends HeaderSpec>(def: HeaderDef<S>, ext: ExtFields | undefined): HeaderDecodeResult<S> {
  const out: Record<string, string | number | boolean> = {};
  for (const name of Object.keys(def.fields)) {
    const spec = def.fields[name];
    const raw = ext?.[name];
    if (raw === undefined || (raw === '' && spec.type !== 'string') || (raw === '' && !spec.required)) {
      if (spec.required) return { ok: false, field: name, reason: `the custom field <${name}> is null` };
      continue;
    }
    const v = parseField(spec.type, raw);
    if (v === undefined) {
      if (spec.required) return { ok: false, field: name, reason: `the custom field <${name}> is not a valid ${spec.type}: ${raw}` };
      continue;
    }
    out[name] = v;
  }
  return { ok: true, header: out as HeaderOf<S> };
}

export function encodeHeader<S extends HeaderSpec>(def: HeaderDef<S>, header: HeaderOf<S>): ExtFields {
  const out: ExtFields = {};
  const h = header as Record<string, string | number | boolean | undefined>;
  for (const name of Object.keys(def.fields)) {
    const v = h[name];
    if (v === undefined) continue;
    out[name] = String(v);
  }
  return out;
}
