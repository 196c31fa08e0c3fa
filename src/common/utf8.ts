// Fast UTF-8 helpers for the short strings of protocol headers. Node's Buffer#toString / #write
// cost more than the work itself for strings of a few bytes; short ASCII strings are handled here
// by hand, everything else by Node's own utf8Slice/utf8Write.

interface Utf8Buffer extends Buffer {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
  utf8Write(s: string, offset: number, length?: number): number;
}

const SHORT = 32;
/** Up to this length a string is built char by char (cheaper than a call into C++). */
const TINY = 6;

/** Decodes `buf[start, end)` as UTF-8. */
export function readUtf8(buf: Buffer, start: number, end: number): string {
  const n = end - start;
  if (n <= TINY) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = buf[i];
      if (c >= 0x80) return (buf as Utf8Buffer).utf8Slice(start, end);
      s += String.fromCharCode(c);
    }
    return s;
  }
  if (n <= SHORT) {
    for (let i = start; i < end; i++) if (buf[i] >= 0x80) return (buf as Utf8Buffer).utf8Slice(start, end);
    return (buf as Utf8Buffer).latin1Slice(start, end);
  }
  return (buf as Utf8Buffer).utf8Slice(start, end);
}

/** UTF-8 byte length of `s`. */
export function utf8Length(s: string): number {
  const n = s.length;
  if (n <= SHORT) {
    for (let i = 0; i < n; i++) if (s.charCodeAt(i) >= 0x80) return Buffer.byteLength(s, 'utf8');
    return n;
  }
  return Buffer.byteLength(s, 'utf8');
}

/** Writes `s` as UTF-8 at `offset` (the caller sized the buffer); returns the bytes written. */
export function writeUtf8(buf: Buffer, s: string, offset: number): number {
  const n = s.length;
  if (n <= SHORT) {
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[offset + i] = c;
    }
    if (i === n) return n;
  }
  return (buf as Utf8Buffer).utf8Write(s, offset);
}
