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

// Characters fastjson escapes inside strings: `"`, `\` and control characters.
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE_JAVA = /["\\\u0000-\u001f]/;
// json-iterator's standard-library config also escapes HTML characters and U+2028/9.
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE_GO = /["\\\u0000-\u001f<>&\u2028\u2029]/;

function quoteJava(s: string): string {
  return NEEDS_ESCAPE_JAVA.test(s) ? JSON.stringify(s) : `"${s}"`;
}

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
  if (cmd.extFields !== undefined) out += `,"extFields":${extFieldsJson(cmd.extFields, quoteJava)}`;
  out += `,"flag":${cmd.flag},"language":"${cmd.language}","opaque":${cmd.opaque}`;
  if (cmd.remark !== undefined) out += `,"remark":${quoteJava(cmd.remark)}`;
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
    parsed = JSON.parse(buf.toString('utf8', start, end));
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
    extFields = {};
    for (const [k, v] of Object.entries(ext as Record<string, unknown>)) {
      if (typeof v === 'string') extFields[k] = v;
      else if (typeof v === 'number' || typeof v === 'boolean') extFields[k] = String(v);
      else if (v === null) continue;
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
