// MessageStoreConfig (Java store/.../config/MessageStoreConfig.java) — the settings this store uses,
// with the Java defaults. Sizes are configurable so tests can use tiny segments.
import * as path from 'node:path';

export const FlushDiskType = { ASYNC_FLUSH: 'ASYNC_FLUSH', SYNC_FLUSH: 'SYNC_FLUSH' } as const;
export type FlushDiskType = (typeof FlushDiskType)[keyof typeof FlushDiskType];

export interface MessageStoreConfig {
  readonly storePathRootDir: string;
  readonly storePathCommitLog: string;
  readonly mappedFileSizeCommitLog: number;
  /** Units (20 bytes each) per consume-queue file: 300 000 in Java (6 000 000-byte files). */
  readonly consumeQueueUnitsPerFile: number;
  readonly maxHashSlotNum: number;
  readonly maxIndexNum: number;
  readonly messageIndexEnable: boolean;
  readonly flushDiskType: FlushDiskType;
  readonly flushIntervalCommitLog: number;
  readonly flushIntervalConsumeQueue: number;
  readonly syncFlushTimeout: number;
  readonly maxMessageSize: number;
  readonly checkCRCOnRecover: boolean;
  /** Bytes of recent commit-log data kept in memory for reads (our own knob; Java relies on mmap). */
  readonly commitLogCacheBytes: number;
  /** Write buffer granularity (our own knob). */
  readonly commitLogSlabBytes: number;
  /**
   * ASYNC_FLUSH: acknowledge a put once its bytes are handed to the OS (a killed process loses nothing
   * acknowledged, like Java's write into the mmap page cache). false: acknowledge on append to memory.
   */
  readonly asyncAckAfterWrite: boolean;
  /**
   * Bytes of the current commit-log segment kept filled with durable zeros ahead of the write
   * position, in the background (our counterpart of Java's AllocateMappedFileService/warmMappedFile):
   * a group commit's fdatasync then has no block allocation to journal. 0 disables it; the default
   * is 64 MiB under SYNC_FLUSH and 0 under ASYNC_FLUSH (where it would only double the disk writes).
   */
  readonly commitLogZeroAheadBytes: number;
  readonly fileReservedTime: number;
  readonly deleteWhen: string;
  readonly diskMaxUsedSpaceRatio: number;
  readonly diskSpaceCleanForciblyRatio: number;
  readonly diskSpaceWarningLevelRatio: number;
  readonly cleanResourceInterval: number;
  /** Max commit-log files deleted per clean run (Java deletes in batches with pauses). */
  readonly deleteFilesBatchMax: number;
}

export function defaultStoreConfig(root: string, overrides: Partial<MessageStoreConfig> = {}): MessageStoreConfig {
  return {
    storePathRootDir: root,
    storePathCommitLog: overrides.storePathCommitLog ?? path.join(root, 'commitlog'),
    mappedFileSizeCommitLog: 1024 * 1024 * 1024,
    consumeQueueUnitsPerFile: 300000,
    maxHashSlotNum: 5000000,
    maxIndexNum: 5000000 * 4,
    messageIndexEnable: true,
    flushDiskType: FlushDiskType.ASYNC_FLUSH,
    flushIntervalCommitLog: 500,
    flushIntervalConsumeQueue: 1000,
    syncFlushTimeout: 5000,
    maxMessageSize: 4 * 1024 * 1024,
    checkCRCOnRecover: true,
    commitLogCacheBytes: 64 * 1024 * 1024,
    commitLogSlabBytes: 4 * 1024 * 1024,
    asyncAckAfterWrite: true,
    commitLogZeroAheadBytes: overrides.flushDiskType === FlushDiskType.SYNC_FLUSH ? 64 * 1024 * 1024 : 0,
    fileReservedTime: 72,
    deleteWhen: '04',
    diskMaxUsedSpaceRatio: 75,
    diskSpaceCleanForciblyRatio: 85,
    diskSpaceWarningLevelRatio: 90,
    cleanResourceInterval: 10000,
    deleteFilesBatchMax: 10,
    ...overrides,
  };
}

/** UtilAll.offset2FileName: 20-digit zero-padded decimal. */
export function offset2FileName(offset: number): string {
  return String(offset).padStart(20, '0');
}
