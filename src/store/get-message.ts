// The pull read path shared by every MessageStore: DefaultMessageStore.getMessage (5.x) over an
// abstract consume queue and commit log. Status values, next-begin-offset corrections and the
// in-memory / on-disk batch limits follow the Java method.
import * as os from 'node:os';
import { GetMessageStatus } from './message-store';
import type { GetMessageRequest, GetMessageResult } from './message-store';
import { recordProperties } from './message-codec';

export interface CqUnit {
  readonly phyOffset: number;
  readonly size: number;
  readonly tagsCode: number;
}

export interface QueueAccess {
  readonly minOffset: number;
  readonly maxOffset: number;
  /** Unit at queue offset `offset`, or null when it cannot be read (beyond data / deleted file). */
  unitAt(offset: number): CqUnit | null;
}

export interface LogAccess {
  readonly maxPhyOffset: number;
  /** The record bytes at [phy, phy+size), or null if that data was removed. */
  read(phy: number, size: number): Buffer | null;
}

export interface TransferLimits {
  readonly maxTransferBytesOnMessageInMemory: number;
  readonly maxTransferCountOnMessageInMemory: number;
  readonly maxTransferBytesOnMessageInDisk: number;
  readonly maxTransferCountOnMessageInDisk: number;
  readonly accessMessageInMemoryMaxRatio: number;
}

export const DEFAULT_TRANSFER_LIMITS: TransferLimits = {
  maxTransferBytesOnMessageInMemory: 256 * 1024,
  maxTransferCountOnMessageInMemory: 32,
  maxTransferBytesOnMessageInDisk: 64 * 1024,
  maxTransferCountOnMessageInDisk: 8,
  accessMessageInMemoryMaxRatio: 40,
};

const MAX_PULL_MSG_SIZE = 128 * 1024 * 1024;
const CQ_STORE_UNIT_SIZE = 20;

function isTheBatchFull(sizePy: number, maxMsgNums: number, maxMsgSize: number, bufferTotal: number, messageTotal: number, isInMem: boolean, l: TransferLimits): boolean {
  if (bufferTotal === 0 || messageTotal === 0) return false;
  if (messageTotal + 1 > maxMsgNums) return true;
  if (bufferTotal + sizePy > maxMsgSize) return true;
  if (isInMem) {
    if (bufferTotal + sizePy > l.maxTransferBytesOnMessageInMemory) return true;
    return messageTotal > l.maxTransferCountOnMessageInMemory - 1;
  }
  if (bufferTotal + sizePy > l.maxTransferBytesOnMessageInDisk) return true;
  return messageTotal > l.maxTransferCountOnMessageInDisk - 1;
}

export function getMessageFrom(req: GetMessageRequest, cq: QueueAccess | undefined, log: LogAccess, limits: TransferLimits = DEFAULT_TRANSFER_LIMITS): GetMessageResult {
  const messages: Buffer[] = [];
  const queueOffsets: number[] = [];
  let bufferTotalSize = 0;
  let suggestPullingFromSlave = false;
  const offset = req.offset;
  if (!cq) {
    return { status: GetMessageStatus.NO_MATCHED_LOGIC_QUEUE, nextBeginOffset: 0, minOffset: 0, maxOffset: 0, messages, queueOffsets, bufferTotalSize, suggestPullingFromSlave };
  }
  const minOffset = cq.minOffset;
  const maxOffset = cq.maxOffset;
  let status: GetMessageStatus;
  let nextBeginOffset = offset;
  if (maxOffset === 0) {
    status = GetMessageStatus.NO_MESSAGE_IN_QUEUE;
    nextBeginOffset = 0;
  } else if (offset < minOffset) {
    status = GetMessageStatus.OFFSET_TOO_SMALL;
    nextBeginOffset = minOffset;
  } else if (offset === maxOffset) {
    status = GetMessageStatus.OFFSET_OVERFLOW_ONE;
  } else if (offset > maxOffset) {
    status = GetMessageStatus.OFFSET_OVERFLOW_BADLY;
    nextBeginOffset = maxOffset;
  } else {
    status = GetMessageStatus.NO_MATCHED_MESSAGE;
    const maxMsgNums = Math.max(1, req.maxMsgNums);
    const maxMsgSize = req.maxTotalMsgSize ?? MAX_PULL_MSG_SIZE;
    const maxFilterMessageSize = Math.max(16000, maxMsgNums * CQ_STORE_UNIT_SIZE);
    const memory = os.totalmem() * (limits.accessMessageInMemoryMaxRatio / 100);
    const maxOffsetPy = log.maxPhyOffset;
    let maxPhyOffsetPulling = 0;
    let first = true;
    for (let q = offset; q < maxOffset && (q - offset) * CQ_STORE_UNIT_SIZE < maxFilterMessageSize; q++) {
      const unit = cq.unitAt(q);
      if (!unit) {
        if (first) {
          status = GetMessageStatus.OFFSET_FOUND_NULL;
          nextBeginOffset = q + 1;
        }
        break;
      }
      first = false;
      const isInMem = maxOffsetPy - unit.phyOffset <= memory;
      if (isTheBatchFull(unit.size, maxMsgNums, maxMsgSize, bufferTotalSize, messages.length, isInMem, limits)) break;
      if (bufferTotalSize >= maxMsgSize) break;
      maxPhyOffsetPulling = unit.phyOffset;
      nextBeginOffset = q + 1;
      if (req.filter && !req.filter.isMatchedByConsumeQueue(unit.tagsCode)) {
        if (bufferTotalSize === 0) status = GetMessageStatus.NO_MATCHED_MESSAGE;
        continue;
      }
      const rec = log.read(unit.phyOffset, unit.size);
      if (!rec) {
        if (bufferTotalSize === 0) status = GetMessageStatus.MESSAGE_WAS_REMOVING;
        continue;
      }
      if (req.filter?.isMatchedByCommitLog && !req.filter.isMatchedByCommitLog(rec, recordProperties(rec))) {
        if (bufferTotalSize === 0) status = GetMessageStatus.NO_MATCHED_MESSAGE;
        continue;
      }
      messages.push(rec);
      queueOffsets.push(q);
      bufferTotalSize += rec.length;
      status = GetMessageStatus.FOUND;
    }
    suggestPullingFromSlave = maxOffsetPy - maxPhyOffsetPulling > memory && messages.length > 0;
  }
  return { status, nextBeginOffset, minOffset, maxOffset, messages, queueOffsets, bufferTotalSize, suggestPullingFromSlave };
}

/** First queue offset whose store time >= timestamp (binary search); maxOffset if none. */
export function offsetByTime(cq: QueueAccess, timestamp: number, storeTimeAt: (offset: number) => number): number {
  let lo = cq.minOffset;
  let hi = cq.maxOffset - 1;
  if (hi < lo) return cq.maxOffset;
  let ans = cq.maxOffset;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    const t = storeTimeAt(mid);
    if (t < 0) { lo = mid + 1; continue; }
    if (t >= timestamp) { ans = mid; hi = mid - 1; } else lo = mid + 1;
  }
  return ans;
}
