// Shared by the crash test, its child process and the benchmark: store geometry and message shape.
import type { PutMessageInput } from './message-store';
import { defaultStoreConfig } from './store-config';
import type { FlushDiskType, MessageStoreConfig } from './store-config';

export const CRASH_TOPIC = 'CrashTopic';
export const CRASH_QUEUES = 8;

export function crashStoreConfig(root: string, flushDiskType: FlushDiskType, over: Partial<MessageStoreConfig> = {}): MessageStoreConfig {
  return defaultStoreConfig(root, {
    flushDiskType,
    mappedFileSizeCommitLog: 1024 * 1024,
    consumeQueueUnitsPerFile: 1000,
    maxHashSlotNum: 1024,
    maxIndexNum: 8192,
    flushIntervalConsumeQueue: 200,
    ...over,
  });
}

export function crashMessage(topic: string, queueId: number, body: string, bodyBytes?: Buffer): PutMessageInput {
  return {
    topic, queueId, flag: 0, body: bodyBytes ?? Buffer.from(body), properties: `KEYS\u0001${body}\u0002`,
    bornTimestamp: Date.now(), bornHost: { address: '127.0.0.1', port: 50000 }, storeHost: { address: '127.0.0.1', port: 10911 },
    sysFlag: 0, reconsumeTimes: 0, preparedTransactionOffset: 0, tagsCode: 0,
  };
}
