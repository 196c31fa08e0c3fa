// The frame decoder over every chunking: each seed stream split at every byte (and at random
// triples) yields exactly the frames of the unsplit stream.
import { FrameDecoder } from '../../src/remoting/frame-decoder';
import { Rng } from './mutate';
import { seedFrames } from './seeds';

const frames = (chunks: Buffer[]): string[] => {
  const d = new FrameDecoder();
  const out: string[] = [];
  for (const c of chunks) for (const r of d.push(c)) out.push(r.ok ? r.frame.toString('hex') : `ERR ${r.reason}`);
  return out;
};

test('every seed split at every byte decodes to the same frames', () => {
  const seeds = seedFrames();
  const stream = Buffer.concat(seeds);
  const expected = frames([stream]);
  expect(expected).toHaveLength(seeds.length);
  for (const seed of seeds) {
    const whole = frames([seed]);
    for (let i = 0; i <= seed.length; i++) {
      expect(frames([seed.subarray(0, i), seed.subarray(i)])).toEqual(whole);
    }
  }
  const r = new Rng(7);
  for (let k = 0; k < 2000; k++) {
    const a = r.int(stream.length + 1);
    const b = r.int(stream.length + 1);
    const [x, y] = a < b ? [a, b] : [b, a];
    expect(frames([stream.subarray(0, x), stream.subarray(x, y), stream.subarray(y)])).toEqual(expected);
  }
  // byte by byte
  expect(frames([...stream].map((b) => Buffer.from([b])))).toEqual(expected);
});
