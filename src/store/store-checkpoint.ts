// StoreCheckpoint (Java store/.../StoreCheckpoint.java): a 4096-byte file of big-endian int64s.
//   0 physicMsgTimestamp | 8 logicsMsgTimestamp | 16 indexMsgTimestamp | 24 masterFlushedOffset |
//   32 confirmPhyOffset
// rocketmq-ts extension (ignored by Java, which reads only the fields above):
//   40 dispatchedPhyOffset — every record before it is durably in the consume queues and index
//   48 magic "RMQTSCP1" — marks the extension as ours (absent in a Java-written checkpoint)
//   56 copy of physicMsgTimestamp — if a Java broker later flushed this store, its timestamp at 0
//      no longer matches and the extension is ignored
//   64 cleanEndPhyOffset — commit-log end at clean shutdown (-1 while running)
import * as fs from 'node:fs';
import { readInt64BE, writeInt64BE } from '../common/bytes';

export const CHECKPOINT_FILE_SIZE = 4096;
const TS_MAGIC = Buffer.from('RMQTSCP1', 'latin1');

export class StoreCheckpoint {
  physicMsgTimestamp = 0;
  logicsMsgTimestamp = 0;
  indexMsgTimestamp = 0;
  masterFlushedOffset = 0;
  confirmPhyOffset = 0;
  /** -1 when the file was not (last) written by rocketmq-ts. */
  dispatchedPhyOffset = -1;
  /** Commit-log end written at clean shutdown; -1 if unknown. */
  cleanEndPhyOffset = -1;
  private fd = -1;

  constructor(private readonly file: string) {}

  load(): void {
    const exists = fs.existsSync(this.file);
    this.fd = fs.openSync(this.file, exists ? 'r+' : 'w+');
    if (!exists) {
      fs.ftruncateSync(this.fd, CHECKPOINT_FILE_SIZE);
      return;
    }
    const b = Buffer.alloc(CHECKPOINT_FILE_SIZE);
    fs.readSync(this.fd, b, 0, CHECKPOINT_FILE_SIZE, 0);
    this.decode(b);
  }

  decode(b: Buffer): void {
    this.physicMsgTimestamp = readInt64BE(b, 0);
    this.logicsMsgTimestamp = readInt64BE(b, 8);
    this.indexMsgTimestamp = readInt64BE(b, 16);
    this.masterFlushedOffset = readInt64BE(b, 24);
    this.confirmPhyOffset = readInt64BE(b, 32);
    const ours = b.subarray(48, 56).equals(TS_MAGIC) && readInt64BE(b, 56) === this.physicMsgTimestamp;
    this.dispatchedPhyOffset = ours ? readInt64BE(b, 40) : -1;
    this.cleanEndPhyOffset = ours ? readInt64BE(b, 64) : -1;
  }

  encode(): Buffer {
    const b = Buffer.alloc(CHECKPOINT_FILE_SIZE);
    writeInt64BE(b, this.physicMsgTimestamp, 0);
    writeInt64BE(b, this.logicsMsgTimestamp, 8);
    writeInt64BE(b, this.indexMsgTimestamp, 16);
    writeInt64BE(b, this.masterFlushedOffset, 24);
    writeInt64BE(b, this.confirmPhyOffset, 32);
    if (this.dispatchedPhyOffset >= 0) {
      writeInt64BE(b, this.dispatchedPhyOffset, 40);
      TS_MAGIC.copy(b, 48);
      writeInt64BE(b, this.physicMsgTimestamp, 56);
      writeInt64BE(b, this.cleanEndPhyOffset, 64);
    }
    return b;
  }

  /** StoreCheckpoint.getMinTimestamp: min(physic, logics) - 3 s, clamped at 0. */
  get minTimestamp(): number {
    return Math.max(0, Math.min(this.physicMsgTimestamp, this.logicsMsgTimestamp) - 3000);
  }

  get minTimestampIndex(): number {
    return Math.min(this.minTimestamp, this.indexMsgTimestamp);
  }

  /** Writes the page and fdatasyncs it (a single 4 KiB page write). */
  flush(): void {
    if (this.fd < 0) return;
    fs.writeSync(this.fd, this.encode(), 0, CHECKPOINT_FILE_SIZE, 0);
    fs.fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}
