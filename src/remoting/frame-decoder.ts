// Splits a TCP byte stream into frames, whatever the chunking (Java `NettyDecoder`, a
// LengthFieldBasedFrameDecoder). Buffers with `bl`. A length below 4 or above the limit is a
// fatal error for the connection: the caller closes it, as the Java peer does.
import { BufferList } from 'bl';
import { DEFAULT_FRAME_MAX_LENGTH } from './codec';

export type FrameResult = { ok: true; frame: Buffer } | { ok: false; reason: string; offset: number };

export class FrameDecoder {
  private readonly list = new BufferList();
  private failed = false;
  /** Total bytes consumed so far (for error offsets). */
  private consumed = 0;

  constructor(private readonly frameMaxLength: number = DEFAULT_FRAME_MAX_LENGTH) {}

  /** Bytes buffered and not yet returned as a frame. */
  get buffered(): number {
    return this.list.length;
  }

  /**
   * Adds a chunk and returns the frames it completes (without their length field). After an error
   * result the decoder stays failed and returns nothing more.
   */
  push(chunk: Buffer): FrameResult[] {
    if (this.failed) return [];
    const out: FrameResult[] = [];
    this.list.append(chunk);
    while (this.list.length >= 4) {
      const frameLength = this.list.readInt32BE(0);
      if (frameLength < 4 || frameLength + 4 > this.frameMaxLength) {
        this.failed = true;
        this.list.consume(this.list.length);
        out.push({
          ok: false,
          reason: frameLength < 4
            ? `frame length ${frameLength} is below 4`
            : `frame length ${frameLength} exceeds the limit ${this.frameMaxLength - 4}`,
          offset: this.consumed,
        });
        return out;
      }
      if (this.list.length < 4 + frameLength) break;
      const frame = this.list.slice(4, 4 + frameLength);
      this.list.consume(4 + frameLength);
      this.consumed += 4 + frameLength;
      out.push({ ok: true, frame });
    }
    return out;
  }
}
