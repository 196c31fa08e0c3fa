// Config files (topics.json, subscriptionGroup.json, consumerOffset.json, delayOffset.json) —
// Java ConfigManager.persist / MixAll.string2File semantics made crash-safe:
//   persist: the current file is kept as `<file>.bak`, the new content goes to `<file>.tmp`,
//            fsync, rename over `<file>`, fsync the directory. A crash leaves either the old or the
//            new content under `<file>`, never a torn mix.
//   load:    `<file>`, or `<file>.bak` when the main file is missing or does not parse.
// The content (fastjson pretty/compact text in the Java shapes) is produced by the caller, e.g. with
// src/protocol/body/admin-json.ts; `stableJson` is a compact sorted-key JSON for our own files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import stringify from 'fast-json-stable-stringify';

export type ConfigLoadResult<T> =
  | { readonly ok: true; readonly value: T; readonly from: 'file' | 'bak' }
  | { readonly ok: false; readonly reason: 'MISSING' | 'UNPARSEABLE'; readonly detail: string };

function fsyncPath(p: string, flags: string): void {
  let fd = -1;
  try {
    fd = fs.openSync(p, flags);
    fs.fsyncSync(fd);
  } catch {
    /* directories cannot be fsynced on every platform */
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}

function writeDurably(file: string, content: string | Buffer): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    let off = 0;
    while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** Atomically replaces `file` with `content`, keeping the previous version as `<file>.bak`. */
export function persistConfigFile(file: string, content: string | Buffer): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  if (fs.existsSync(file)) {
    const prev = fs.readFileSync(file);
    // only a parse-worthy previous version is worth keeping; an empty file would shadow a good .bak
    if (prev.length > 0) writeDurably(`${file}.bak`, prev);
  }
  writeDurably(file, content);
  fsyncPath(dir, 'r');
}

/** Async variant for periodic persistence off the request path (same guarantees). */
export async function persistConfigFileAsync(file: string, content: string | Buffer): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    setImmediate(() => {
      try { persistConfigFile(file, content); resolve(); } catch (e) { reject(e); }
    });
  });
}

/**
 * Loads a config file with Java's fallback to `<file>.bak`. `parse` may throw or return undefined for
 * content it rejects; this function itself never throws.
 */
export function loadConfigFile<T>(file: string, parse: (text: string) => T | undefined): ConfigLoadResult<T> {
  // an unparseable file is the more useful report than a missing one
  let firstProblem: { reason: 'MISSING' | 'UNPARSEABLE'; detail: string } | null = null;
  for (const [p, from] of [[file, 'file'], [`${file}.bak`, 'bak']] as const) {
    let text: string;
    try {
      text = fs.readFileSync(p, 'utf8');
    } catch {
      firstProblem ??= { reason: 'MISSING', detail: `${p} not found` };
      continue;
    }
    try {
      const v = text.trim().length === 0 ? undefined : parse(text);
      if (v !== undefined) return { ok: true, value: v, from };
      if (firstProblem?.reason !== 'UNPARSEABLE') firstProblem = { reason: 'UNPARSEABLE', detail: `${p} is empty or rejected` };
    } catch (e) {
      if (firstProblem?.reason !== 'UNPARSEABLE') firstProblem = { reason: 'UNPARSEABLE', detail: `${p}: ${String(e)}` };
    }
  }
  return { ok: false, ...(firstProblem ?? { reason: 'MISSING', detail: `${file} not found` }) };
}

/** Compact JSON with sorted keys (fastjson's key order), for content with only string map keys. */
export function stableJson(value: unknown): string {
  return stringify(value);
}
