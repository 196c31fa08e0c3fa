// `DataVersion` (5.x remoting/.../protocol/DataVersion.java; 4.9 common/.../DataVersion.java):
// `{"counter":n,"stateVersion":n,"timestamp":ms}`. The NameServer compares it to decide whether a
// broker's topic config changed (5.x equals: stateVersion, timestamp and counter; 4.9 has no
// stateVersion, which decodes as 0 so the comparison is the same).
import { BodyFormatError, decodeWith, isJsonObject, jsonInt, parseJson, toFastJson, type DecodeResult, type JsonValue } from './json';

export interface DataVersion {
  counter: number;
  stateVersion: number;
  timestamp: number;
}

/** A fresh version: Java's default constructor (counter 0, timestamp now). */
export function newDataVersion(now = Date.now()): DataVersion {
  return { counter: 0, stateVersion: 0, timestamp: now };
}

export function dataVersionEquals(a: DataVersion, b: DataVersion): boolean {
  return a.counter === b.counter && a.stateVersion === b.stateVersion && a.timestamp === b.timestamp;
}

/** Java `nextVersion()`: counter + 1, timestamp now. */
export function nextDataVersion(v: DataVersion, now = Date.now()): DataVersion {
  return { counter: v.counter + 1, stateVersion: v.stateVersion, timestamp: now };
}

/** From a parsed JSON value; missing fields take Java's defaults, wrong types are an error. */
export function dataVersionFromJson(v: JsonValue | undefined, now = Date.now()): DataVersion {
  if (v === undefined || v === null) return newDataVersion(now);
  if (!isJsonObject(v)) throw new BodyFormatError('dataVersion is not an object');
  const field = (name: string, dflt: number): number => {
    const raw = v[name];
    if (raw === undefined || raw === null) return dflt;
    const n = jsonInt(raw);
    if (n === undefined) throw new BodyFormatError(`dataVersion.${name} is not a number`);
    return n;
  };
  return { counter: field('counter', 0), stateVersion: field('stateVersion', 0), timestamp: field('timestamp', now) };
}

export function decodeDataVersion(body: Uint8Array | undefined): DecodeResult<DataVersion | undefined> {
  return decodeWith(() => {
    if (!body || body.length === 0) return undefined;
    const r = parseJson(body);
    if (!r.ok) throw new BodyFormatError(`bad JSON at offset ${r.offset}: ${r.reason}`);
    return r.value === null ? undefined : dataVersionFromJson(r.value);
  });
}

export function dataVersionToJson(v: DataVersion): string {
  return toFastJson({ counter: v.counter, stateVersion: v.stateVersion, timestamp: v.timestamp });
}

export function encodeDataVersion(v: DataVersion): Buffer {
  return Buffer.from(dataVersionToJson(v), 'utf8');
}
