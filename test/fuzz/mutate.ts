// Deterministic mutators for fuzzing frames (a small xorshift PRNG so a failing seed replays).
export class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0 || 1; }
  next(): number {
    let x = this.s;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    this.s = x;
    return x;
  }
  int(n: number): number { return this.next() % n; }
  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = this.next() & 0xff;
    return b;
  }
}

export type Mutation = (f: Buffer, r: Rng) => Buffer;

const setInt = (f: Buffer, off: number, v: number): Buffer => {
  const c = Buffer.from(f);
  if (c.length >= off + 4) c.writeInt32BE(v | 0, off);
  return c;
};

export const MUTATIONS: [string, Mutation][] = [
  ['flip-bit', (f, r) => { const c = Buffer.from(f); const i = r.int(c.length); c[i] ^= 1 << r.int(8); return c; }],
  ['random-byte', (f, r) => { const c = Buffer.from(f); c[r.int(c.length)] = r.int(256); return c; }],
  ['random-bytes', (f, r) => { const c = Buffer.from(f); for (let k = 0; k < 1 + r.int(8); k++) c[r.int(c.length)] = r.int(256); return c; }],
  ['truncate', (f, r) => f.subarray(0, r.int(f.length))],
  ['oversize-length', (f) => setInt(f, 0, 0x7fffffff)],
  ['negative-length', (f, r) => setInt(f, 0, -1 - r.int(1000))],
  ['small-length', (f, r) => setInt(f, 0, r.int(4))],
  ['length-minus', (f, r) => setInt(f, 0, f.readInt32BE(0) - 1 - r.int(8))],
  ['header-length', (f, r) => setInt(f, 4, (f[4] << 24) | r.int(0xffffff))],
  ['serialize-type', (f, r) => { const c = Buffer.from(f); c[4] = r.int(256); return c; }],
  ['rocketmq-ext-length', (f, r) => {
    if (f[4] !== 1) return f;
    const remarkLen = f.readInt32BE(8 + 13);
    return setInt(f, 8 + 17 + Math.max(0, remarkLen), r.next() | 0);
  }],
  ['bad-json', (f, r) => {
    if (f[4] !== 0) return f;
    const hl = f.readUIntBE(5, 3);
    const text = f.toString('latin1', 8, 8 + hl);
    const cut = text.slice(0, r.int(text.length)) + ['"', '{', ']', ':', ',', '\\', 'nul'][r.int(7)];
    const h = Buffer.from(cut, 'latin1');
    const out = Buffer.alloc(8 + h.length);
    out.writeInt32BE(4 + h.length, 0);
    out.writeInt32BE(h.length, 4);
    h.copy(out, 8);
    return out;
  }],
  ['random-frame', (_f, r) => { const n = r.int(64); const b = r.bytes(8 + n); b.writeInt32BE(4 + n, 0); return b; }],
  ['random-bytes-only', (_f, r) => r.bytes(1 + r.int(64))],
];
