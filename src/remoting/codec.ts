// Frame codec: shared/protocol/remoting.md §2.
//   int32 frameLength (excludes itself) | uint8 serializeType | uint24 headerLength | header | body
// `encodeCommand` returns the head (length fields + header) and the body apart, so a large body is
// written to the socket without a copy. Decoding never throws.
import type { RemotingCommand } from './command';
import { SerializeType } from './command';
import { decodeJsonHeader, encodeJsonHeader } from './json-header';
import { rocketmqHeaderLength, decodeRocketmqHeader, writeRocketmqHeader } from './rocketmq-header';

/** Java default `com.rocketmq.remoting.frameMaxLength`, compared with frameLength + 4. */
export const DEFAULT_FRAME_MAX_LENGTH = 16 * 1024 * 1024;
export const MAX_HEADER_LENGTH = 0xffffff;

/** Encodes `cmd` as [head, body?]. The head holds frameLength, type/headerLength and the header. */
export function encodeCommandParts(cmd: RemotingCommand): Buffer[] {
  const bodyLen = cmd.body ? cmd.body.length : 0;
  let head: Buffer;
  if (cmd.serializeType === SerializeType.ROCKETMQ) {
    const headerLen = rocketmqHeaderLength(cmd);
    head = Buffer.allocUnsafe(8 + headerLen);
    writeRocketmqHeader(cmd, head, 8);
    head.writeInt32BE(4 + headerLen + bodyLen, 0);
    head.writeInt32BE((SerializeType.ROCKETMQ << 24) | headerLen, 4);
  } else {
    const json = encodeJsonHeader(cmd);
    const headerLen = Buffer.byteLength(json);
    head = Buffer.allocUnsafe(8 + headerLen);
    (head as Buffer & { utf8Write(s: string, o: number): number }).utf8Write(json, 8);
    head.writeInt32BE(4 + headerLen + bodyLen, 0);
    head.writeInt32BE(headerLen, 4);
  }
  return bodyLen > 0 && cmd.body ? [head, cmd.body] : [head];
}

/** Encodes `cmd` as one buffer (tests, fixtures, small frames). */
export function encodeCommand(cmd: RemotingCommand): Buffer {
  const parts = encodeCommandParts(cmd);
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

export type CommandDecodeResult =
  | { ok: true; cmd: RemotingCommand }
  | { ok: false; reason: string; offset: number };

/**
 * Decodes one frame without its leading length field: `frame` = type/headerLength int32,
 * header, body. The body is a view into `frame` (no copy).
 */
export function decodeCommand(frame: Buffer): CommandDecodeResult {
  if (frame.length < 4) return { ok: false, reason: `frame of ${frame.length} bytes has no header length`, offset: 0 };
  const type = frame[0];
  const headerLen = frame.readUIntBE(1, 3);
  if (headerLen > frame.length - 4) {
    return { ok: false, reason: `header length ${headerLen} exceeds frame length ${frame.length}`, offset: 0 };
  }
  const headerEnd = 4 + headerLen;
  let res;
  if (type === SerializeType.JSON) res = decodeJsonHeader(frame, 4, headerEnd);
  else if (type === SerializeType.ROCKETMQ) res = decodeRocketmqHeader(frame, 4, headerEnd);
  else return { ok: false, reason: `unknown serialize type ${type}`, offset: 0 };
  if (!res.ok) return res;
  const cmd = res.cmd as RemotingCommand;
  if (headerEnd < frame.length) cmd.body = frame.subarray(headerEnd);
  return { ok: true, cmd };
}
