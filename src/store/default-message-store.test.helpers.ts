// Test helper: a store config with tiny files so every roll-over path runs in unit tests.
import { defaultStoreConfig } from './store-config';
import type { MessageStoreConfig } from './store-config';

export function tinyConfig(root: string, over: Partial<MessageStoreConfig> = {}): MessageStoreConfig {
  return defaultStoreConfig(root, {
    mappedFileSizeCommitLog: 64 * 1024,
    consumeQueueUnitsPerFile: 16,
    maxHashSlotNum: 64,
    maxIndexNum: 64,
    commitLogSlabBytes: 8 * 1024,
    commitLogCacheBytes: 32 * 1024,
    flushIntervalConsumeQueue: 50,
    ...over,
  });
}

