// JSON header encoding (serializeType 0): shared/protocol/remoting.md §4.
// Java (fastjson) writes the bean's keys sorted, omits absent fields and adds
// `serializeTypeCurrentRPC`; Go (json-iterator) writes every field in declaration order.
// Decoding is lenient like fastjson (§4.3): any key order, unknown keys ignored, language as a
// name or an ordinal, remark/extFields absent, null or empty.
import type { ExtFields, JsonStyle, RemotingCommand } from './command';
import { SerializeType } from './command';
import { languageFromCode, languageFromName, type LanguageName } from './language';

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

// json-iterator's standard-library config also escapes HTML characters and U+2028/9.
const NEEDS_ESCAPE_GO = /["\\\u0000-\u001f<>&\u2028\u2029]/;

function quoteGo(s: string): string {
  if (!NEEDS_ESCAPE_GO.test(s)) return `"${s}"`;
  return JSON.stringify(s)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function extFieldsJson(ext: ExtFields, quote: (s: string) => string): string {
  let out = '{';
  let first = true;
  for (const k in ext) {
    const v = ext[k];
    if (v === undefined || v === null) continue;
    out += (first ? '' : ',') + quote(k) + ':' + quote(v);
    first = false;
  }
  return out + '}';
}

/** The JSON header text of `cmd` in the style it asks for (Java by default). */
export function encodeJsonHeader(cmd: RemotingCommand): string {
  if (cmd.jsonStyle === 'go') {
    return (
      `{"code":${cmd.code},"language":${quoteGo(cmd.language)},"version":${cmd.version},` +
      `"opaque":${cmd.opaque},"flag":${cmd.flag},"remark":${quoteGo(cmd.remark ?? '')},` +
      `"extFields":${extFieldsJson(cmd.extFields ?? {}, quoteGo)}}`
    );
  }
  let out = `{"code":${cmd.code}`;
  // V8's JSON.stringify of a flat string map escapes exactly what fastjson escapes (quote,
  // backslash, control characters) and skips undefined values; it is several times faster than
  // quoting field by field.
  if (cmd.extFields !== undefined) out += `,"extFields":${JSON.stringify(cmd.extFields)}`;
  out += `,"flag":${cmd.flag},"language":"${cmd.language}","opaque":${cmd.opaque}`;
  if (cmd.remark !== undefined) out += `,"remark":${JSON.stringify(cmd.remark)}`;
  if (cmd.jsonSerializeTypeField !== false) out += ',"serializeTypeCurrentRPC":"JSON"';
  return out + `,"version":${cmd.version}}`;
}

export type HeaderDecodeResult =
  | { ok: true; cmd: Omit<RemotingCommand, 'body'> }
  | { ok: false; reason: string; offset: number };

function isInt32(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX;
}

/** Decodes a JSON header. Never throws: a bad header yields `{ok:false}`. */
export function decodeJsonHeader(buf: Buffer, start: number, end: number): HeaderDecodeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse((buf as Buffer & { utf8Slice(s: number, e: number): string }).utf8Slice(start, end));
  } catch (e) {
    return { ok: false, reason: `bad JSON header: ${(e as Error).message}`, offset: start };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, reason: 'JSON header is not an object', offset: start };
  }
  const o = parsed as Record<string, unknown>;
  const { code, opaque } = o;
  const flag = o.flag ?? 0;
  const version = o.version ?? 0;
  if (!isInt32(code)) return { ok: false, reason: 'JSON header: code is not an int', offset: start };
  if (!isInt32(opaque)) return { ok: false, reason: 'JSON header: opaque is not an int', offset: start };
  if (!isInt32(flag)) return { ok: false, reason: 'JSON header: flag is not an int', offset: start };
  if (!isInt32(version)) return { ok: false, reason: 'JSON header: version is not an int', offset: start };

  let language: LanguageName | undefined;
  const lang = o.language;
  if (lang === undefined || lang === null) language = 'JAVA';
  else if (typeof lang === 'string') language = languageFromName(lang) ?? 'OTHER';
  else if (isInt32(lang)) language = languageFromCode(lang) ?? 'OTHER';
  else return { ok: false, reason: 'JSON header: bad language', offset: start };

  let remark: string | undefined;
  if (typeof o.remark === 'string') remark = o.remark;
  else if (o.remark !== undefined && o.remark !== null) {
    return { ok: false, reason: 'JSON header: remark is not a string', offset: start };
  }

  let extFields: ExtFields | undefined;
  const ext = o.extFields;
  if (ext !== undefined && ext !== null) {
    if (typeof ext !== 'object' || Array.isArray(ext)) {
      return { ok: false, reason: 'JSON header: extFields is not an object', offset: start };
    }
    const src = ext as Record<string, unknown>;
    extFields = src as ExtFields;
    for (const k in src) {
      const v = src[k];
      if (typeof v === 'string') continue;
      if (extFields === src) extFields = { ...(src as ExtFields) };
      if (typeof v === 'number' || typeof v === 'boolean') extFields[k] = String(v);
      else if (v === null) delete extFields[k];
      else return { ok: false, reason: `JSON header: extFields.${k} is not a scalar`, offset: start };
    }
  }

  const keys = Object.keys(o);
  const jsonStyle: JsonStyle = keys[1] === 'language' ? 'go' : 'java';
  return {
    ok: true,
    cmd: {
      code,
      language,
      version,
      opaque,
      flag,
      remark,
      extFields,
      serializeType: SerializeType.JSON,
      jsonStyle,
      jsonSerializeTypeField: 'serializeTypeCurrentRPC' in o,
    },
  };
}
