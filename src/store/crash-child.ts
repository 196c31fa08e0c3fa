// Child process of the crash test (crash.test.ts) and the benchmark: opens a store and appends from
// N concurrent writers until SIGKILLed, printing one line per acknowledged message to stdout
// ("A <queueId> <body>"), written synchronously so every printed ack is in the pipe before the kill.
//   argv: <root> <ASYNC_FLUSH|SYNC_FLUSH> <writers> <cycle>
import * as fs from 'node:fs';
import { DefaultMessageStore } from './default-message-store';
import { PutMessageStatus } from './message-store';
import { crashStoreConfig, CRASH_QUEUES, CRASH_TOPIC, crashMessage } from './crash-support';
import { defaultStoreConfig } from './store-config';
import type { FlushDiskType } from './store-config';

/** Synchronous write to stdout; the pipe is non-blocking, so spin on EAGAIN (test child only). */
function out(line: string): void {
  const b = Buffer.from(line);
  let off = 0;
  while (off < b.length) {
    try {
      off += fs.writeSync(1, b, off, b.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

async function main(): Promise<void> {
  const [root, mode, writersArg, cycle] = process.argv.slice(2);
  if (!root || !mode || !writersArg || !cycle) throw new Error('usage: crash-child <root> <mode> <writers> <cycle>');
  // CRASH_CHILD_GEOMETRY=default: Java file sizes (benchmark); else the small crash-test geometry
  const cfg = process.env.CRASH_CHILD_GEOMETRY === 'default'
    ? defaultStoreConfig(root, { flushDiskType: mode as FlushDiskType })
    : crashStoreConfig(root, mode as FlushDiskType);
  const store = new DefaultMessageStore(cfg);
  const bodySize = Number(process.env.CRASH_CHILD_BODY_BYTES ?? 0);
  const pad = bodySize > 0 ? Buffer.alloc(bodySize, 0x61) : undefined;
  await store.start();
  out(`READY ${JSON.stringify(store.lastRecovery)}\n`);
  const writers = Number(writersArg);
  const loops: Promise<void>[] = [];
  for (let w = 0; w < writers; w++) {
    loops.push((async () => {
      const queueId = w % CRASH_QUEUES;
      for (let seq = 1; ; seq++) {
        const body = `${cycle}:${w}:${seq}`;
        const r = await store.putMessage(crashMessage(CRASH_TOPIC, queueId, body, pad));
        if (r.status !== PutMessageStatus.PUT_OK) {
          out(`E ${r.status}\n`);
          return;
        }
        out(`A ${queueId} ${body}\n`);
        // ASYNC puts resolve without I/O: yield like a network-driven broker would
        if (seq % 16 === 0) await new Promise((r) => setImmediate(r));
      }
    })());
  }
  await Promise.all(loops);
}

main().catch((e: unknown) => {
  fs.writeSync(2, `crash-child failed: ${String(e)}\n`);
  process.exit(1);
});
