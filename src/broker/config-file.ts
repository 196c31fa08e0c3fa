// Java `ConfigManager` persistence for config/*.json: write `<file>.bak` with the previous content,
// then the new content; on load fall back to `.bak` when the main file is missing or unparsable.
// Output is fastjson-like pretty JSON (sorted keys, tab indentation, no space after ':'), and
// integer map keys are written unquoted as fastjson does (`{0:5,1:7}`); the reader accepts both.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A map whose integer keys are written unquoted (fastjson Map<Integer, ...>). */
export class IntKeyMap {
  constructor(readonly entries: ReadonlyArray<readonly [number, unknown]>) {}
}

export type JsonLike = string | number | boolean | null | undefined | IntKeyMap | JsonLike[] | { [k: string]: JsonLike };

function pretty(v: JsonLike, indent: string): string {
  if (v === null) return 'null';
  if (v instanceof IntKeyMap) {
    return '{' + v.entries.map(([k, x]) => `${k}:${pretty(x as JsonLike, indent + '\t')}`).join(',') + `\n${indent}}`;
  }
  if (Array.isArray(v)) return '[' + v.map((x) => pretty(x, indent + '\t')).join(',') + ']';
  if (typeof v === 'object') {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
    if (keys.length === 0) return '{}';
    const inner = indent + '\t';
    return '{\n' + keys.map((k) => `${inner}${JSON.stringify(k)}:${pretty(v[k], inner)}`).join(',\n') + `\n${indent}}`;
  }
  return JSON.stringify(v);
}

export function toFastjsonPretty(v: JsonLike): string {
  return pretty(v, '');
}

/** Parses fastjson output, including unquoted integer keys. Returns undefined when unparsable. */
export function parseFastjson(text: string): unknown {
  try {
    return JSON.parse(text.replace(/([{,]\s*)(-?\d+)\s*:/g, '$1"$2":'));
  } catch {
    return undefined;
  }
}

/** Reads `file` (or its `.bak`); undefined when neither exists or parses. */
export function loadConfigFile(file: string): unknown {
  for (const f of [file, file + '.bak']) {
    let text: string;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    if (text.trim() === '') continue;
    const v = parseFastjson(text);
    if (v !== undefined && typeof v === 'object' && v !== null) return v;
  }
  return undefined;
}

/** MixAll.string2File: previous content to `.bak`, new content via a temp file + rename (not fsynced). */
export function persistConfigFile(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.copyFileSync(file, file + '.bak');
  } catch {
    // no previous file
  }
  // Like Java (no fsync): a blocking fsync here would stall every request for tens of ms.
  const tmp = file + '.tmp';
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}
