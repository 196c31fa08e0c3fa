import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { messageStoreConformance } from './conformance';
import { DefaultMessageStore } from './default-message-store';
import { tinyConfig } from './default-message-store.test.helpers';
import { FlushDiskType } from './store-config';

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
