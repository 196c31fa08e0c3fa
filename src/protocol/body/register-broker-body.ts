// `RegisterBrokerBody` (REGISTER_BROKER body, requests.md §1.1), both forms:
//  * plain: fastjson JSON `{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":…,
//    "topicConfigTable":{…},[5.x: "mappingDataVersion","topicQueueMappingDetailMap","topicQueueMappingInfoMap"]}}`
//  * compressed (`compressed=true`): zlib (RFC 1950) of
//      int32 len, DataVersion JSON | int32 topicCount, repeat (int32 len, TopicConfig text) |
//      int32 len, filter server list JSON | [request version >= V5_0_0: int32 n, repeat (int32 len, TopicQueueMappingInfo JSON)]
// Decoding never throws; Java fails the whole body on any bad entry, and so do we.
import * as zlib from 'node:zlib';
import { MQVersion } from '../version';
import { dataVersionFromJson, dataVersionToJson, newDataVersion, type DataVersion } from './data-version';
import {
  BodyFormatError, decodeWith, isJsonObject, jsonString, parseJson, parseJsonObject, toFastJson,
  type DecodeResult, type FastJsonInput, type JsonValue,
} from './json';
import {
  decodeTopicConfigText, encodeTopicConfigText, topicConfigFromJson, topicConfigToFastJsonInput, type TopicConfig,
} from './topic-config';

/** `TopicConfigSerializeWrapper` / 5.x `TopicConfigAndMappingSerializeWrapper`. */
export interface TopicConfigSerializeWrapper {
  dataVersion: DataVersion;
  topicConfigTable: Map<string, TopicConfig>;
  /** 5.x static-topic data, kept as parsed JSON; absent for a 4.9 broker. */
  topicQueueMappingInfoMap?: Map<string, JsonValue>;
  topicQueueMappingDetailMap?: Map<string, JsonValue>;
  mappingDataVersion?: DataVersion;
}

export interface RegisterBrokerBody {
  topicConfigSerializeWrapper: TopicConfigSerializeWrapper;
  filterServerList: string[];
}

/** Largest inflated size we accept for a compressed body (Java has no limit; this stops a zip bomb). */
export const MAX_INFLATED_REGISTER_BODY = 128 * 1024 * 1024;

function jsonMap(v: JsonValue | undefined, what: string): Map<string, JsonValue> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isJsonObject(v)) throw new BodyFormatError(`${what} is not an object`);
  return new Map(Object.entries(v));
}

function wrapperFromJson(v: JsonValue | undefined): TopicConfigSerializeWrapper {
  if (v === undefined || v === null) return { dataVersion: newDataVersion(), topicConfigTable: new Map() };
  if (!isJsonObject(v)) throw new BodyFormatError('topicConfigSerializeWrapper is not an object');
  const table = new Map<string, TopicConfig>();
  const rawTable = v.topicConfigTable;
  if (rawTable !== undefined && rawTable !== null) {
    if (!isJsonObject(rawTable)) throw new BodyFormatError('topicConfigTable is not an object');
    for (const key of Object.keys(rawTable)) {
      const entry = rawTable[key];
      if (entry === null) continue;
      table.set(key, topicConfigFromJson(entry, key));
    }
  }
  const w: TopicConfigSerializeWrapper = { dataVersion: dataVersionFromJson(v.dataVersion), topicConfigTable: table };
  const info = jsonMap(v.topicQueueMappingInfoMap, 'topicQueueMappingInfoMap');
  if (info) w.topicQueueMappingInfoMap = info;
  const detail = jsonMap(v.topicQueueMappingDetailMap, 'topicQueueMappingDetailMap');
  if (detail) w.topicQueueMappingDetailMap = detail;
  if (v.mappingDataVersion !== undefined && v.mappingDataVersion !== null) {
    w.mappingDataVersion = dataVersionFromJson(v.mappingDataVersion);
  }
  return w;
}

function stringList(v: JsonValue | undefined, what: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new BodyFormatError(`${what} is not an array`);
  return v.map((x) => jsonString(x) ?? '');
}

/** Decodes the plain JSON form (`RegisterBrokerBody.decode(data, RegisterBrokerBody.class)`). */
export function registerBrokerBodyFromJson(o: JsonValue): RegisterBrokerBody {
  if (!isJsonObject(o)) throw new BodyFormatError('register body is not an object');
  return {
    topicConfigSerializeWrapper: wrapperFromJson(o.topicConfigSerializeWrapper),
    filterServerList: stringList(o.filterServerList, 'filterServerList'),
  };
}

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}
  int(what: string): number {
    if (this.pos + 4 > this.buf.length) throw new BodyFormatError(`End of compressed data has reached (${what})`);
    const n = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return n;
  }
  bytes(len: number, what: string): Buffer {
    if (len < 0) throw new BodyFormatError(`negative length ${len} (${what})`);
    if (this.pos + len > this.buf.length) throw new BodyFormatError(`End of compressed data has reached (${what})`);
    const b = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return b;
  }
}

function inflate(data: Uint8Array): Buffer {
  try {
    return zlib.inflateSync(data, { maxOutputLength: MAX_INFLATED_REGISTER_BODY });
  } catch (e) {
    throw new BodyFormatError(`inflate failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Decodes the compressed form; `version` is the request's `version` (broker version). */
function decodeCompressed(data: Uint8Array, version: number): RegisterBrokerBody {
  const r = new Reader(inflate(data));
  const dvLen = r.int('dataVersion length');
  const dataVersion = dataVersionFromJson(parseJsonObject(r.bytes(dvLen, 'dataVersion')));
  const count = r.int('topic count');
  if (count < 0) throw new BodyFormatError(`negative topic count ${count}`);
  const table = new Map<string, TopicConfig>();
  for (let i = 0; i < count; i++) {
    const len = r.int('topic config length');
    const tc = decodeTopicConfigText(r.bytes(len, 'topic config').toString('utf8'));
    table.set(tc.topicName, tc);
  }
  const fsLen = r.int('filter server list length');
  const fsText = r.bytes(fsLen, 'filter server list').toString('utf8');
  let filterServerList: string[] = [];
  const fs = parseJson(fsText);
  if (fs.ok && Array.isArray(fs.value)) filterServerList = fs.value.map((x) => jsonString(x) ?? ''); // Java: ignore a bad list
  const wrapper: TopicConfigSerializeWrapper = { dataVersion, topicConfigTable: table };
  if (version >= MQVersion.V5_0_0) {
    const n = r.int('topic queue mapping count');
    if (n < 0) throw new BodyFormatError(`negative mapping count ${n}`);
    const info = new Map<string, JsonValue>();
    for (let i = 0; i < n; i++) {
      const len = r.int('mapping length');
      const o = parseJsonObject(r.bytes(len, 'mapping'));
      const topic = jsonString(o.topic ?? undefined);
      if (topic === undefined) throw new BodyFormatError('topic queue mapping without topic');
      info.set(topic, o);
    }
    wrapper.topicQueueMappingInfoMap = info;
  }
  return { topicConfigSerializeWrapper: wrapper, filterServerList };
}

/**
 * `RegisterBrokerBody.decode(data, compressed, brokerVersion)`. An absent/empty body is Java's
 * default: no topics, data version counter 0 / timestamp 0.
 */
export function decodeRegisterBrokerBody(
  body: Uint8Array | undefined,
  compressed: boolean,
  version: number,
): DecodeResult<RegisterBrokerBody> {
  return decodeWith(() => {
    if (!body || body.length === 0) {
      return { topicConfigSerializeWrapper: { dataVersion: newDataVersion(0), topicConfigTable: new Map() }, filterServerList: [] };
    }
    if (compressed) return decodeCompressed(body, version);
    const r = parseJson(body);
    if (!r.ok) throw new BodyFormatError(`bad JSON at offset ${r.offset}: ${r.reason}`);
    if (r.value === null) throw new BodyFormatError('register body is null');
    return registerBrokerBodyFromJson(r.value);
  });
}

function mapInput(m: Map<string, JsonValue> | undefined): ReadonlyMap<string, FastJsonInput> | undefined {
  return m as ReadonlyMap<string, FastJsonInput> | undefined;
}

/** The plain JSON form as a 5.x broker writes it (mapping fields only when set, as a 4.9 broker omits them). */
export function registerBrokerBodyToJson(b: RegisterBrokerBody): string {
  const w = b.topicConfigSerializeWrapper;
  const table = new Map([...w.topicConfigTable.entries()].map(([k, v]) => [k, topicConfigToFastJsonInput(v)] as const));
  return toFastJson({
    filterServerList: b.filterServerList,
    topicConfigSerializeWrapper: {
      dataVersion: { ...w.dataVersion },
      mappingDataVersion: w.mappingDataVersion ? { ...w.mappingDataVersion } : undefined,
      topicConfigTable: table,
      topicQueueMappingDetailMap: mapInput(w.topicQueueMappingDetailMap),
      topicQueueMappingInfoMap: mapInput(w.topicQueueMappingInfoMap),
    },
  });
}

function int32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32BE(n, 0);
  return b;
}

function lengthPrefixed(s: string): Buffer[] {
  const b = Buffer.from(s, 'utf8');
  return [int32(b.length), b];
}

/**
 * `RegisterBrokerBody.encode(compress)`. The compressed form includes the mapping section when
 * `version >= V5_0_0` (what a 5.x broker writes), Deflater BEST_COMPRESSION.
 */
export function encodeRegisterBrokerBody(b: RegisterBrokerBody, compressed = false, version: number = MQVersion.V5_3_3): Buffer {
  if (!compressed) return Buffer.from(registerBrokerBodyToJson(b), 'utf8');
  const w = b.topicConfigSerializeWrapper;
  const parts: Buffer[] = [...lengthPrefixed(dataVersionToJson(w.dataVersion)), int32(w.topicConfigTable.size)];
  for (const tc of w.topicConfigTable.values()) parts.push(...lengthPrefixed(encodeTopicConfigText(tc)));
  parts.push(...lengthPrefixed(toFastJson(b.filterServerList)));
  if (version >= MQVersion.V5_0_0) {
    const infos = [...(w.topicQueueMappingInfoMap?.values() ?? [])];
    parts.push(int32(infos.length));
    for (const info of infos) parts.push(...lengthPrefixed(toFastJson(info as FastJsonInput)));
  }
  return zlib.deflateSync(Buffer.concat(parts), { level: 9 });
}
