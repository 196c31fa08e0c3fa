import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { messageStoreConformance } from './conformance';
import { DefaultMessageStore } from './default-message-store';
import { defaultStoreConfig, FlushDiskType } from './store-config';
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

for (const flushDiskType of [FlushDiskType.ASYNC_FLUSH, FlushDiskType.SYNC_FLUSH]) {
  messageStoreConformance(`DefaultMessageStore ${flushDiskType} (tiny segments)`, async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-store-'));
    const cfg = tinyConfig(root, { flushDiskType });
    let current = new DefaultMessageStore(cfg);
    return {
      store: current,
      reopen: async () => {
        await current.shutdown();
        current = new DefaultMessageStore(cfg);
        return current;
      },
      cleanup: async () => {
        await current.shutdown();
        fs.rmSync(root, { recursive: true, force: true });
      },
    };
  });
}
