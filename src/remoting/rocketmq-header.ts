// ROCKETMQ binary header encoding (serializeType 1): shared/protocol/remoting.md §5
// (Java `RocketMQSerializable`). All big-endian:
//   code int16 | language uint8 | version int16 | opaque int32 | flag int32 |
//   remarkLen int32 | remark | extLen int32 | { keyLen int16 | key | valLen int32 | val }*
// A zero-length remark decodes as absent (Java `readStr` gives null).
import type { ExtFields, RemotingCommand } from './command';
import { SerializeType } from './command';
import type { HeaderDecodeResult } from './json-header';
import { languageCode, languageFromCode } from './language';
import { readUtf8, utf8Length, writeUtf8 } from '../common/utf8';

export const ROCKETMQ_FIXED_HEADER = 21;

/** Byte length of the binary header for `cmd`. */
export function rocketmqHeaderLength(cmd: RemotingCommand): number {
  let n = ROCKETMQ_FIXED_HEADER;
  if (cmd.remark) n += utf8Length(cmd.remark);
  n += extFieldsLength(cmd.extFields);
  return n;
}

function extFieldsLength(ext: ExtFields | undefined): number {
  if (!ext) return 0;
  let n = 0;
  for (const k in ext) {
    const v = ext[k];
    if (v === undefined || v === null) continue;
    n += 6 + utf8Length(k) + utf8Length(v);
  }
  return n;
}

/** Writes the binary header of `cmd` at `offset`; returns the offset after it. */
export function writeRocketmqHeader(cmd: RemotingCommand, buf: Buffer, offset: number): number {
  let p = offset;
  p = buf.writeInt16BE((cmd.code << 16) >> 16, p); // Java `(short) code`
  p = buf.writeUInt8(languageCode(cmd.language), p);
  p = buf.writeInt16BE((cmd.version << 16) >> 16, p);
  p = buf.writeInt32BE(cmd.opaque, p);
  p = buf.writeInt32BE(cmd.flag, p);
  if (cmd.remark) {
    const len = writeUtf8(buf, cmd.remark, p + 4);
    buf.writeInt32BE(len, p);
    p += 4 + len;
  } else {
    p = buf.writeInt32BE(0, p);
  }
  const extStart = p;
  p += 4;
  const ext = cmd.extFields;
  if (ext) {
    for (const k in ext) {
      const v = ext[k];
      if (v === undefined || v === null) continue;
      const kl = writeUtf8(buf, k, p + 2);
      buf.writeInt16BE(kl, p);
      p += 2 + kl;
      const vl = writeUtf8(buf, v, p + 4);
      buf.writeInt32BE(vl, p);
      p += 4 + vl;
    }
  }
  buf.writeInt32BE(p - extStart - 4, extStart);
  return p;
}

/** Decodes a binary header in `buf[start, end)`. Never throws. */
export function decodeRocketmqHeader(buf: Buffer, start: number, end: number): HeaderDecodeResult {
  if (end - start < ROCKETMQ_FIXED_HEADER) {
    return { ok: false, reason: `ROCKETMQ header shorter than ${ROCKETMQ_FIXED_HEADER} bytes`, offset: start };
  }
  let p = start;
  const code = buf.readInt16BE(p);
  const lang = buf.readUInt8(p + 2);
  const version = buf.readInt16BE(p + 3);
  const opaque = buf.readInt32BE(p + 5);
  const flag = buf.readInt32BE(p + 9);
  const remarkLen = buf.readInt32BE(p + 13);
  p += 17;
  if (remarkLen < 0 || remarkLen > end - p - 4) {
    return { ok: false, reason: `bad remark length ${remarkLen}`, offset: p - 4 };
  }
  const remark = remarkLen > 0 ? readUtf8(buf, p, p + remarkLen) : undefined;
  p += remarkLen;
  const extLen = buf.readInt32BE(p);
  p += 4;
  if (extLen < 0 || extLen > end - p) {
    return { ok: false, reason: `bad extFields length ${extLen}`, offset: p - 4 };
  }
  let extFields: ExtFields | undefined;
  if (extLen > 0) {
    extFields = {};
    const extEnd = p + extLen;
    while (p < extEnd) {
      if (extEnd - p < 2) return { ok: false, reason: 'truncated extFields key length', offset: p };
      const kl = buf.readInt16BE(p);
      p += 2;
      if (kl < 0 || kl > extEnd - p - 4) return { ok: false, reason: `bad extFields key length ${kl}`, offset: p - 2 };
      const k = readUtf8(buf, p, p + kl);
      p += kl;
      const vl = buf.readInt32BE(p);
      p += 4;
      if (vl < 0 || vl > extEnd - p) return { ok: false, reason: `bad extFields value length ${vl}`, offset: p - 4 };
      extFields[k] = readUtf8(buf, p, p + vl);
      p += vl;
    }
  }
  // Bytes after the map block inside headerLength are ignored, as Java's decoder does.
  return {
    ok: true,
    cmd: {
      code,
      language: languageFromCode(lang) ?? 'OTHER',
      version,
      opaque,
      flag,
      remark,
      extFields,
      serializeType: SerializeType.ROCKETMQ,
    },
  };
}
