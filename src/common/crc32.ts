// CRC-32 (zlib/IEEE, = java.util.zip.CRC32) through Node's native zlib.crc32 (Node >= 20.15).
import * as zlib from 'node:zlib';

export function crc32(data: Uint8Array): number {
  return zlib.crc32(data) >>> 0;
}

/** UtilAll.crc32 as used for BODYCRC: CRC32 masked to 31 bits. */
export function bodyCrc32(data: Uint8Array): number {
  return (zlib.crc32(data) & 0x7fffffff) >>> 0;
}
