// Stored-message record codec: the Java commit-log layout byte for byte.
// Mirrors MessageExtEncoder (encode), CommitLog.checkMessageAndReturnSize and MessageDecoder
// (decode, property string, offset msgId). Layout (message.md §1), all big-endian:
//   TOTALSIZE 4 | MAGICCODE 4 | BODYCRC 4 | QUEUEID 4 | FLAG 4 | QUEUEOFFSET 8 | PHYSICALOFFSET 8 |
//   SYSFLAG 4 | BORNTIMESTAMP 8 | BORNHOST 8/20 | STORETIMESTAMP 8 | STOREHOST 8/20 |
//   RECONSUMETIMES 4 | PREPAREDTRANSACTIONOFFSET 8 | BODYLEN 4 + BODY | TOPICLEN 1(v1)/2(v2) + TOPIC |
//   PROPLEN 2 + PROPERTIES
// Decoders never throw: they return a typed result carrying the byte offset of the problem.
import * as net from 'node:net';
import { readInt64BE, toHexUpper } from '../common/bytes';
import { bodyCrc32 } from '../common/crc32';

export const MESSAGE_MAGIC_CODE_V1 = -626843481; // 0xDAA320A7
export const MESSAGE_MAGIC_CODE_V2 = -626843477; // 0xDAA320AB
export const BLANK_MAGIC_CODE = -875286124; // 0xCBD43194
export const END_FILE_MIN_BLANK_LENGTH = 8;

export const MessageSysFlag = {
  COMPRESSED_FLAG: 0x1,
  MULTI_TAGS_FLAG: 0x2,
  TRANSACTION_NOT_TYPE: 0x0,
  TRANSACTION_PREPARED_TYPE: 0x4,
  TRANSACTION_COMMIT_TYPE: 0x8,
  TRANSACTION_ROLLBACK_TYPE: 0xc,
  BORNHOST_V6_FLAG: 0x10,
  STOREHOSTADDRESS_V6_FLAG: 0x20,
  NEED_UNWRAP_FLAG: 0x40,
  INNER_BATCH_FLAG: 0x80,
} as const;

export function transactionType(sysFlag: number): number {
  return sysFlag & 0xc;
}

export const NAME_VALUE_SEPARATOR = '\u0001';
export const PROPERTY_SEPARATOR = '\u0002';

/** A socket address as text ("192.168.0.2", "::1", "::ffff:10.0.0.1") and port. */
export interface HostAddress {
  readonly address: string;
  readonly port: number;
}

// ---------------------------------------------------------------------------------------------
// Host addresses

const hostCache = new Map<string, Buffer>();

function parseIPv4(s: string): Buffer | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out = Buffer.alloc(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] as string;
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

function parseIPv6(input: string): Buffer | null {
  let s = input;
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const words: number[] = [];
  let tail: number[] = [];
  const dbl = s.indexOf('::');
  const parseGroups = (part: string, into: number[]): boolean => {
    if (part.length === 0) return true;
    const groups = part.split(':');
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i] as string;
      if (i === groups.length - 1 && g.includes('.')) {
        const v4 = parseIPv4(g);
        if (!v4) return false;
        into.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return false;
      into.push(parseInt(g, 16));
    }
    return true;
  };
  if (dbl >= 0) {
    if (!parseGroups(s.slice(0, dbl), words) || !parseGroups(s.slice(dbl + 2), tail)) return null;
    if (words.length + tail.length > 7) return null;
  } else {
    if (!parseGroups(s, words) || words.length !== 8) return null;
    tail = [];
  }
  const all = [...words, ...new Array<number>(8 - words.length - tail.length).fill(0), ...tail];
  const out = Buffer.alloc(16);
  for (let i = 0; i < 8; i++) out.writeUInt16BE(all[i] as number, i * 2);
  return out;
}

/**
 * The raw address bytes Java would write for this host: 4 bytes for IPv4 and IPv4-mapped IPv6
 * ("::ffff:a.b.c.d", which Java resolves to an Inet4Address), 16 bytes for other IPv6.
 * Unparseable input yields 0.0.0.0 (never throws).
 */
export function hostAddressBytes(address: string): Buffer {
  const cached = hostCache.get(address);
  if (cached) return cached;
  let out: Buffer | null = null;
  if (net.isIPv4(address)) out = parseIPv4(address);
  else {
    const v6 = parseIPv6(address);
    if (v6) {
      const mapped = v6.subarray(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
      out = mapped ? Buffer.from(v6.subarray(12)) : v6;
    }
  }
  if (!out) out = Buffer.alloc(4);
  if (hostCache.size > 10000) hostCache.clear();
  hostCache.set(address, out);
  return out;
}

export function isIPv6Host(h: HostAddress): boolean {
  return hostAddressBytes(h.address).length === 16;
}

/** Formats 4 or 16 raw address bytes as text (IPv6 in Java's full, uncompressed lower-case form). */
export function formatAddress(bytes: Buffer): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(bytes.readUInt16BE(i).toString(16));
  return parts.join(':');
}

// ---------------------------------------------------------------------------------------------
// Offset message id (MessageDecoder.createMessageId / decodeMessageId)

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));
const TWO_32 = 4294967296;
/** Hex of host bytes + port, per host-bytes buffer (hostAddressBytes returns one buffer per address). */
const msgIdPrefixes = new WeakMap<Buffer, Map<number, string>>();

function hex32(v: number): string {
  return HEX_BYTE[(v >>> 24) & 255]! + HEX_BYTE[(v >>> 16) & 255]! + HEX_BYTE[(v >>> 8) & 255]! + HEX_BYTE[v & 255]!;
}

export function createMessageId(storeHostBytes: Buffer, port: number, commitLogOffset: number): string {
  let byPort = msgIdPrefixes.get(storeHostBytes);
  if (!byPort) msgIdPrefixes.set(storeHostBytes, (byPort = new Map()));
  let prefix = byPort.get(port);
  if (prefix === undefined) {
    const b = Buffer.allocUnsafe(storeHostBytes.length + 4);
    storeHostBytes.copy(b, 0);
    b.writeInt32BE(port | 0, storeHostBytes.length);
    prefix = toHexUpper(b);
    if (byPort.size > 64) byPort.clear();
    byPort.set(port, prefix);
  }
  const hi = Math.floor(commitLogOffset / TWO_32);
  return prefix + hex32(hi) + hex32(commitLogOffset - hi * TWO_32);
}

export interface MessageIdParts {
  readonly address: string;
  readonly port: number;
  readonly offset: number;
}

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string; readonly offset: number };

/** Decodes an offset msgId: 32 hex chars = IPv4, 56 = IPv6. */
export function parseMessageId(msgId: string): ParseResult<MessageIdParts> {
  if ((msgId.length !== 32 && msgId.length !== 56) || !/^[0-9a-fA-F]+$/.test(msgId)) {
    return { ok: false, error: `bad msgId length or characters: ${msgId.length}`, offset: 0 };
  }
  const b = Buffer.from(msgId, 'hex');
  const ipLen = msgId.length === 32 ? 4 : 16;
  return {
    ok: true,
    value: { address: formatAddress(b.subarray(0, ipLen)), port: b.readInt32BE(ipLen), offset: readInt64BE(b, ipLen + 4) },
  };
}

// ---------------------------------------------------------------------------------------------
// Property string (MessageDecoder.messageProperties2String / string2messageProperties)

export function encodeProperties(props: ReadonlyMap<string, string> | Readonly<Record<string, string>>): string {
  let s = '';
  const entries = props instanceof Map ? props.entries() : Object.entries(props);
  for (const [k, v] of entries) {
    if (v === undefined || v === null) continue;
    s += k + NAME_VALUE_SEPARATOR + v + PROPERTY_SEPARATOR;
  }
  return s;
}

/** Java rules: segments < 3 chars skipped; split at the first \u0001; empty key or value dropped. */
export function decodeProperties(s: string): Map<string, string> {
  const m = new Map<string, string>();
  if (s.length === 0) return m;
  for (const seg of s.split(PROPERTY_SEPARATOR)) {
    if (seg.length < 3) continue;
    const i = seg.indexOf(NAME_VALUE_SEPARATOR);
    if (i <= 0 || i >= seg.length - 1) continue;
    m.set(seg.slice(0, i), seg.slice(i + 1));
  }
  return m;
}

/** Finds one property without building a map (hot path: TAGS, KEYS, UNIQ_KEY). */
export function getProperty(s: string, name: string): string | undefined {
  let from = 0;
  let found: string | undefined;
  for (;;) {
    const i = s.indexOf(name + NAME_VALUE_SEPARATOR, from);
    if (i < 0) return found;
    if (i === 0 || s.charCodeAt(i - 1) === 2) {
      const start = i + name.length + 1;
      let end = s.indexOf(PROPERTY_SEPARATOR, start);
      if (end < 0) end = s.length;
      if (end > start) found = s.slice(start, end); // later duplicates win, as in Java
    }
    from = i + 1;
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** The message as the broker hands it to the store (MessageExtBrokerInner). */
export interface MessageRecordFields {
  readonly topic: string;
  readonly queueId: number;
  readonly flag: number;
  readonly body: Uint8Array;
  /** Property string (§3), already including everything the broker adds. */
  readonly properties: string;
  readonly bornTimestamp: number;
  readonly bornHost: HostAddress;
  readonly storeHost: HostAddress;
  /** Host v6 bits (0x10, 0x20) are recomputed from the addresses. */
  readonly sysFlag: number;
  readonly reconsumeTimes: number;
  readonly preparedTransactionOffset: number;
}

export interface RecordPlacement {
  readonly queueOffset: number;
  readonly physicalOffset: number;
  readonly storeTimestamp: number;
}

/** MessageExtEncoder.calMsgLength. */
export function calMsgLength(sysFlag: number, bodyLength: number, topicLength: number, propertiesLength: number, v2 = false): number {
  const bornHostLength = (sysFlag & MessageSysFlag.BORNHOST_V6_FLAG) === 0 ? 8 : 20;
  const storeHostLength = (sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG) === 0 ? 8 : 20;
  return 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + bornHostLength + 8 + storeHostLength + 4 + 8 + 4 + bodyLength + (v2 ? 2 : 1) + topicLength + 2 + propertiesLength;
}

/** Pre-computed pieces of a record so the store can size it before choosing its position. */
export interface PreparedRecord {
  readonly fields: MessageRecordFields;
  readonly sysFlag: number;
  readonly bornHostBytes: Buffer;
  readonly storeHostBytes: Buffer;
  /** UTF-8 topic bytes (shared, read-only). */
  readonly topic: Buffer;
  readonly topicLength: number;
  readonly propertiesLength: number;
  readonly v2: boolean;
  readonly bodyCrc: number;
  readonly totalSize: number;
}

export type PrepareError = 'MESSAGE_ILLEGAL' | 'PROPERTIES_SIZE_EXCEEDED';

const topicBytesCache = new Map<string, Buffer>();

/** UTF-8 bytes of a topic name, cached (few distinct topics, one per message). */
function topicBytes(topic: string): Buffer {
  let b = topicBytesCache.get(topic);
  if (!b) {
    b = Buffer.from(topic, 'utf8');
    if (topicBytesCache.size >= 10000) topicBytesCache.clear();
    topicBytesCache.set(topic, b);
  }
  return b;
}

export function prepareRecord(fields: MessageRecordFields, maxMessageSize = 4 * 1024 * 1024): PreparedRecord | PrepareError {
  const bornHostBytes = hostAddressBytes(fields.bornHost.address);
  const storeHostBytes = hostAddressBytes(fields.storeHost.address);
  let sysFlag = fields.sysFlag & ~(MessageSysFlag.BORNHOST_V6_FLAG | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG);
  if (bornHostBytes.length === 16) sysFlag |= MessageSysFlag.BORNHOST_V6_FLAG;
  if (storeHostBytes.length === 16) sysFlag |= MessageSysFlag.STOREHOSTADDRESS_V6_FLAG;
  const topic = topicBytes(fields.topic);
  const topicLength = topic.length;
  const propertiesLength = Buffer.byteLength(fields.properties, 'utf8');
  if (propertiesLength > 32767) return 'PROPERTIES_SIZE_EXCEEDED';
  if (topicLength > 32767 || topicLength === 0) return 'MESSAGE_ILLEGAL';
  if (fields.body.length > maxMessageSize) return 'MESSAGE_ILLEGAL';
  const v2 = topicLength > 127;
  const totalSize = calMsgLength(sysFlag, fields.body.length, topicLength, propertiesLength, v2);
  return { fields, sysFlag, bornHostBytes, storeHostBytes, topic, topicLength, propertiesLength, v2, bodyCrc: bodyCrc32(fields.body), totalSize };
}

function i32(buf: Buffer, p: number, v: number): number {
  buf[p] = v >>> 24;
  buf[p + 1] = v >>> 16;
  buf[p + 2] = v >>> 8;
  buf[p + 3] = v;
  return p + 4;
}

/** Signed big-endian int64 of an integer |v| < 2^53. */
function i64(buf: Buffer, p: number, v: number): number {
  const hi = Math.floor(v / TWO_32);
  i32(buf, p, hi);
  return i32(buf, p + 4, v - hi * TWO_32);
}

function copyInto(buf: Buffer, p: number, src: Uint8Array): number {
  if (src.length <= 16) for (let i = 0; i < src.length; i++) buf[p + i] = src[i]!;
  else buf.set(src, p);
  return p + src.length;
}

/**
 * Writes a prepared record at `pos` of `buf`; returns pos + totalSize. Precondition: room in buf.
 * Byte stores instead of Buffer.write*: this is the per-message hot path of the commit log.
 */
export function writeRecord(buf: Buffer, pos: number, r: PreparedRecord, place: RecordPlacement): number {
  const f = r.fields;
  let p = pos;
  p = i32(buf, p, r.totalSize);
  p = i32(buf, p, r.v2 ? MESSAGE_MAGIC_CODE_V2 : MESSAGE_MAGIC_CODE_V1);
  p = i32(buf, p, r.bodyCrc);
  p = i32(buf, p, f.queueId);
  p = i32(buf, p, f.flag);
  p = i64(buf, p, place.queueOffset);
  p = i64(buf, p, place.physicalOffset);
  p = i32(buf, p, r.sysFlag);
  p = i64(buf, p, f.bornTimestamp);
  p = copyInto(buf, p, r.bornHostBytes);
  p = i32(buf, p, f.bornHost.port);
  p = i64(buf, p, place.storeTimestamp);
  p = copyInto(buf, p, r.storeHostBytes);
  p = i32(buf, p, f.storeHost.port);
  p = i32(buf, p, f.reconsumeTimes);
  p = i64(buf, p, f.preparedTransactionOffset);
  p = i32(buf, p, f.body.length);
  buf.set(f.body, p);
  p += f.body.length;
  if (r.v2) {
    buf[p] = r.topicLength >>> 8;
    buf[p + 1] = r.topicLength;
    p += 2;
  } else buf[p++] = r.topicLength;
  p = copyInto(buf, p, r.topic);
  buf[p] = r.propertiesLength >>> 8;
  buf[p + 1] = r.propertiesLength;
  p += 2;
  if (r.propertiesLength > 0) p += buf.write(f.properties, p, r.propertiesLength, 'utf8');
  return p;
}

/** Convenience: a freshly allocated record. */
export function encodeRecord(fields: MessageRecordFields, place: RecordPlacement): Buffer | PrepareError {
  const r = prepareRecord(fields);
  if (typeof r === 'string') return r;
  const buf = Buffer.allocUnsafe(r.totalSize);
  writeRecord(buf, 0, r, place);
  return buf;
}

export function encodeBlank(remaining: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeInt32BE(remaining, 0);
  b.writeInt32BE(BLANK_MAGIC_CODE, 4);
  return b;
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** A decoded stored record; body is a zero-copy slice of the input. */
export interface StoredRecord {
  readonly totalSize: number;
  readonly magicCode: number;
  readonly bodyCrc: number;
  readonly queueId: number;
  readonly flag: number;
  readonly queueOffset: number;
  readonly physicalOffset: number;
  readonly sysFlag: number;
  readonly bornTimestamp: number;
  readonly bornHost: HostAddress;
  readonly storeTimestamp: number;
  readonly storeHost: HostAddress;
  readonly storeHostBytes: Buffer;
  readonly reconsumeTimes: number;
  readonly preparedTransactionOffset: number;
  readonly body: Buffer;
  readonly topic: string;
  readonly properties: string;
}

export type RecordErrorKind = 'TRUNCATED' | 'EMPTY' | 'BAD_MAGIC' | 'BAD_SIZE' | 'BAD_CRC' | 'BAD_LENGTHS';

export type DecodeRecordResult =
  | { readonly kind: 'MESSAGE'; readonly size: number; readonly record: StoredRecord }
  | { readonly kind: 'BLANK'; readonly size: number }
  | { readonly kind: 'ERROR'; readonly error: RecordErrorKind; readonly offset: number; readonly detail: string };

function err(error: RecordErrorKind, offset: number, detail: string): DecodeRecordResult {
  return { kind: 'ERROR', error, offset, detail };
}

/**
 * Decodes the record starting at `pos` (CommitLog.checkMessageAndReturnSize + MessageDecoder.decode).
 * `limit` bounds the readable bytes (defaults to buf.length). Never throws.
 */
export function decodeRecord(buf: Buffer, pos = 0, opts: { checkCRC?: boolean; limit?: number } = {}): DecodeRecordResult {
  const limit = Math.min(opts.limit ?? buf.length, buf.length);
  if (pos + 8 > limit) return err('TRUNCATED', pos, 'fewer than 8 bytes left');
  const totalSize = buf.readInt32BE(pos);
  const magic = buf.readInt32BE(pos + 4);
  if (magic === BLANK_MAGIC_CODE) return { kind: 'BLANK', size: totalSize };
  if (magic !== MESSAGE_MAGIC_CODE_V1 && magic !== MESSAGE_MAGIC_CODE_V2) {
    if (magic === 0 && totalSize === 0) return err('EMPTY', pos, 'zero bytes (end of data)');
    return err('BAD_MAGIC', pos + 4, `magic 0x${(magic >>> 0).toString(16)}`);
  }
  const v2 = magic === MESSAGE_MAGIC_CODE_V2;
  if (totalSize < 84 + 4 + 1 + 2) return err('BAD_SIZE', pos, `total size ${totalSize}`);
  if (pos + totalSize > limit) return err('TRUNCATED', pos, `record of ${totalSize} bytes passes the end (${limit - pos} left)`);
  const end = pos + totalSize;
  let p = pos + 8;
  const bodyCrc = buf.readInt32BE(p);
  const queueId = buf.readInt32BE(p + 4);
  const flag = buf.readInt32BE(p + 8);
  const queueOffset = readInt64BE(buf, p + 12);
  const physicalOffset = readInt64BE(buf, p + 20);
  const sysFlag = buf.readInt32BE(p + 28);
  const bornTimestamp = readInt64BE(buf, p + 32);
  p += 40;
  const bornLen = (sysFlag & MessageSysFlag.BORNHOST_V6_FLAG) === 0 ? 4 : 16;
  const storeLen = (sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG) === 0 ? 4 : 16;
  const fixedEnd = p + bornLen + 4 + 8 + storeLen + 4 + 4 + 8 + 4;
  if (fixedEnd > end) return err('BAD_LENGTHS', pos, 'fixed fields pass the record end');
  const bornHost = { address: formatAddress(buf.subarray(p, p + bornLen)), port: buf.readInt32BE(p + bornLen) };
  p += bornLen + 4;
  const storeTimestamp = readInt64BE(buf, p);
  p += 8;
  const storeHostBytes = buf.subarray(p, p + storeLen);
  const storeHost = { address: formatAddress(storeHostBytes), port: buf.readInt32BE(p + storeLen) };
  p += storeLen + 4;
  const reconsumeTimes = buf.readInt32BE(p);
  const preparedTransactionOffset = readInt64BE(buf, p + 4);
  p += 12;
  const bodyLength = buf.readInt32BE(p);
  p += 4;
  if (bodyLength < 0 || p + bodyLength + (v2 ? 2 : 1) > end) return err('BAD_LENGTHS', p - 4, `body length ${bodyLength}`);
  const body = buf.subarray(p, p + bodyLength);
  p += bodyLength;
  if (opts.checkCRC !== false && bodyLength > 0 && bodyCrc32(body) !== bodyCrc) {
    return err('BAD_CRC', pos + 8, `body CRC mismatch (stored ${bodyCrc})`);
  }
  const topicLength = v2 ? buf.readInt16BE(p) : buf.readInt8(p);
  p += v2 ? 2 : 1;
  if (topicLength < 0 || p + topicLength + 2 > end) return err('BAD_LENGTHS', p, `topic length ${topicLength}`);
  const topic = buf.toString('utf8', p, p + topicLength);
  p += topicLength;
  const propertiesLength = buf.readInt16BE(p);
  p += 2;
  if (propertiesLength < 0 || p + propertiesLength !== end) {
    return err('BAD_LENGTHS', p - 2, `properties length ${propertiesLength}, total size ${totalSize}`);
  }
  const properties = buf.toString('utf8', p, p + propertiesLength);
  return {
    kind: 'MESSAGE',
    size: totalSize,
    record: {
      totalSize, magicCode: magic, bodyCrc, queueId, flag, queueOffset, physicalOffset, sysFlag, bornTimestamp,
      bornHost, storeTimestamp, storeHost, storeHostBytes, reconsumeTimes, preparedTransactionOffset, body, topic, properties,
    },
  };
}

/** Offset msgId of a decoded record. */
export function recordMessageId(r: StoredRecord): string {
  return createMessageId(r.storeHostBytes, r.storeHost.port, r.physicalOffset);
}

// ---------------------------------------------------------------------------------------------
// Batch body (message.md §6)

export interface BatchElement {
  readonly flag: number;
  readonly body: Buffer;
  readonly properties: string;
}

/** Splits a SEND_BATCH_MESSAGE body into elements. Never throws. */
export function decodeBatchBody(buf: Buffer): ParseResult<BatchElement[]> {
  const out: BatchElement[] = [];
  let p = 0;
  while (p < buf.length) {
    if (p + 20 > buf.length) return { ok: false, error: 'truncated batch element header', offset: p };
    const total = buf.readInt32BE(p);
    const flag = buf.readInt32BE(p + 12);
    const bodyLen = buf.readInt32BE(p + 16);
    if (bodyLen < 0 || p + 20 + bodyLen + 2 > buf.length) return { ok: false, error: `bad body length ${bodyLen}`, offset: p + 16 };
    const body = buf.subarray(p + 20, p + 20 + bodyLen);
    const q = p + 20 + bodyLen;
    const propLen = buf.readInt16BE(q);
    if (propLen < 0 || q + 2 + propLen > buf.length) return { ok: false, error: `bad properties length ${propLen}`, offset: q };
    const properties = buf.toString('utf8', q + 2, q + 2 + propLen);
    const next = q + 2 + propLen;
    if (total !== next - p) return { ok: false, error: `element total size ${total} != ${next - p}`, offset: p };
    out.push({ flag, body, properties });
    p = next;
  }
  return { ok: true, value: out };
}

export function encodeBatchBody(elements: readonly BatchElement[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of elements) {
    const props = Buffer.from(e.properties, 'utf8');
    const h = Buffer.alloc(20);
    const total = 20 + e.body.length + 2 + props.length;
    h.writeInt32BE(total, 0);
    h.writeInt32BE(e.flag | 0, 12);
    h.writeInt32BE(e.body.length, 16);
    const pl = Buffer.alloc(2);
    pl.writeInt16BE(props.length, 0);
    parts.push(h, e.body, pl, props);
  }
  return Buffer.concat(parts);
}

/** MessageExtEncoder.encode(MessageExtBatch): element properties + batch-level properties. */
export function mergeBatchProperties(elementProps: string, batchProps: string): string {
  if (batchProps.length === 0) return elementProps;
  if (elementProps.length > 0 && !elementProps.endsWith(PROPERTY_SEPARATOR)) return elementProps + PROPERTY_SEPARATOR + batchProps;
  return elementProps + batchProps;
}

/**
 * Fast field access on a record already known to be valid (e.g. produced by this store):
 * returns the property string, or '' when the bytes do not add up. Never throws.
 */
export function recordProperties(buf: Buffer): string {
  if (buf.length < 92) return '';
  const sysFlag = buf.readInt32BE(36);
  const v2 = buf.readInt32BE(4) === MESSAGE_MAGIC_CODE_V2;
  let p = 48 + ((sysFlag & MessageSysFlag.BORNHOST_V6_FLAG) === 0 ? 8 : 20) + 8 + ((sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG) === 0 ? 8 : 20) + 12;
  if (p + 4 > buf.length) return '';
  p += 4 + buf.readInt32BE(p);
  if (p + 2 > buf.length || p < 0) return '';
  const tl = v2 ? buf.readInt16BE(p) : buf.readInt8(p);
  p += (v2 ? 2 : 1) + tl;
  if (tl < 0 || p + 2 > buf.length) return '';
  const pl = buf.readInt16BE(p);
  if (pl < 0 || p + 2 + pl > buf.length) return '';
  return buf.toString('utf8', p + 2, p + 2 + pl);
}

/** STORETIMESTAMP of a record (offset 56 or 68 depending on the born-host width), or -1. */
export function recordStoreTimestamp(buf: Buffer): number {
  if (buf.length < 64) return -1;
  const sysFlag = buf.readInt32BE(36);
  const pos = (sysFlag & MessageSysFlag.BORNHOST_V6_FLAG) === 0 ? 56 : 68;
  return pos + 8 <= buf.length ? readInt64BE(buf, pos) : -1;
}
