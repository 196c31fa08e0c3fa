// Big-endian helpers for int64 values carried as JS numbers (exact up to 2^53).
// Commit-log offsets, timestamps and tags codes all fit; used on hot store paths
// because Buffer.readBigInt64BE plus Number() conversion is measurably slower.

const TWO_32 = 4294967296;

/** Reads a signed big-endian int64 as a number. Precondition: pos + 8 <= buf.length. */
export function readInt64BE(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4);
}

/** Writes `value` (an integer, |value| < 2^53) as a signed big-endian int64. */
export function writeInt64BE(buf: Buffer, value: number, pos: number): number {
  const hi = Math.floor(value / TWO_32);
  const lo = value - hi * TWO_32;
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(lo, pos + 4);
  return pos + 8;
}

const HEX = '0123456789ABCDEF';

/** Upper-case hex, as Java UtilAll.bytes2string. */
export function toHexUpper(buf: Buffer): string {
  let s = '';
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i] as number;
    s += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return s;
}
