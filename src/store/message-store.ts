// The MessageStore interface the broker calls (Java: org.apache.rocketmq.store.MessageStore /
// DefaultMessageStore). Two implementations pass the shared conformance suite (conformance.ts):
// MemoryMessageStore (fast tests) and the file store (CommitLog + ConsumeQueue + IndexFile).
import type { MessageRecordFields } from './message-codec';

export type { HostAddress } from './message-codec';

/** Java PutMessageStatus. */
export const PutMessageStatus = {
  PUT_OK: 'PUT_OK',
  FLUSH_DISK_TIMEOUT: 'FLUSH_DISK_TIMEOUT',
  FLUSH_SLAVE_TIMEOUT: 'FLUSH_SLAVE_TIMEOUT',
  SLAVE_NOT_AVAILABLE: 'SLAVE_NOT_AVAILABLE',
  SERVICE_NOT_AVAILABLE: 'SERVICE_NOT_AVAILABLE',
  CREATE_MAPPED_FILE_FAILED: 'CREATE_MAPPED_FILE_FAILED',
  MESSAGE_ILLEGAL: 'MESSAGE_ILLEGAL',
  PROPERTIES_SIZE_EXCEEDED: 'PROPERTIES_SIZE_EXCEEDED',
  OS_PAGE_CACHE_BUSY: 'OS_PAGE_CACHE_BUSY',
  UNKNOWN_ERROR: 'UNKNOWN_ERROR',
} as const;
export type PutMessageStatus = (typeof PutMessageStatus)[keyof typeof PutMessageStatus];

/** Java AppendMessageStatus. */
export const AppendMessageStatus = {
  PUT_OK: 'PUT_OK',
  END_OF_FILE: 'END_OF_FILE',
  MESSAGE_SIZE_EXCEEDED: 'MESSAGE_SIZE_EXCEEDED',
  PROPERTIES_SIZE_EXCEEDED: 'PROPERTIES_SIZE_EXCEEDED',
  UNKNOWN_ERROR: 'UNKNOWN_ERROR',
} as const;
export type AppendMessageStatus = (typeof AppendMessageStatus)[keyof typeof AppendMessageStatus];

/** Java AppendMessageResult (fields the broker uses for the SEND response). */
export interface AppendMessageResult {
  readonly status: AppendMessageStatus;
  /** Physical (commit-log) offset of the first record. */
  readonly wroteOffset: number;
  readonly wroteBytes: number;
  /** Offset msgId(s) (message.md §5.1); comma-joined for a batch. */
  readonly msgId: string;
  readonly storeTimestamp: number;
  /** Queue offset of the (first) message: the SEND response `queueOffset`. */
  readonly logicsOffset: number;
  readonly msgNum: number;
}

export interface PutMessageResult {
  readonly status: PutMessageStatus;
  /** Present when the append happened (also with FLUSH_DISK_TIMEOUT: the data is in the log). */
  readonly appendResult?: AppendMessageResult;
}

/**
 * MessageExtBrokerInner: one message as the broker stores it — the record's fields
 * (MessageRecordFields, message-codec.ts; storeHost = brokerIP1 + listenPort, the address in offset
 * msgIds) plus what only the store needs.
 */
export interface PutMessageInput extends MessageRecordFields {
  /** Consume-queue tags code: String.hashCode(TAGS) or 0; the deliver timestamp for SCHEDULE_TOPIC_XXXX. */
  readonly tagsCode: number;
  /** For SYNC_FLUSH: wait for durability before resolving (property WAIT, default true). */
  readonly waitStoreMsgOK?: boolean;
}

/** MessageExtBatch: body is the batch encoding (message.md §6); one record is stored per element. */
export interface PutMessagesInput extends Omit<PutMessageInput, 'body' | 'tagsCode'> {
  readonly body: Buffer;
  /** Batch-level property string appended to each element's properties (MessageExtEncoder). */
  readonly properties: string;
}

/** Java GetMessageStatus. */
export const GetMessageStatus = {
  FOUND: 'FOUND',
  NO_MATCHED_MESSAGE: 'NO_MATCHED_MESSAGE',
  MESSAGE_WAS_REMOVING: 'MESSAGE_WAS_REMOVING',
  OFFSET_FOUND_NULL: 'OFFSET_FOUND_NULL',
  OFFSET_OVERFLOW_BADLY: 'OFFSET_OVERFLOW_BADLY',
  OFFSET_OVERFLOW_ONE: 'OFFSET_OVERFLOW_ONE',
  OFFSET_TOO_SMALL: 'OFFSET_TOO_SMALL',
  NO_MATCHED_LOGIC_QUEUE: 'NO_MATCHED_LOGIC_QUEUE',
  NO_MESSAGE_IN_QUEUE: 'NO_MESSAGE_IN_QUEUE',
} as const;
export type GetMessageStatus = (typeof GetMessageStatus)[keyof typeof GetMessageStatus];

/** Java MessageFilter: tag check on the consume-queue unit, optional check on the stored record. */
export interface MessageFilter {
  isMatchedByConsumeQueue(tagsCode: number): boolean;
  /** `record` is the raw stored record; `properties` its property string. */
  isMatchedByCommitLog?(record: Buffer, properties: string): boolean;
}

export interface GetMessageResult {
  readonly status: GetMessageStatus;
  readonly nextBeginOffset: number;
  readonly minOffset: number;
  readonly maxOffset: number;
  /** Raw stored records (message.md §1), in queue order; slices of store buffers where possible. */
  readonly messages: Buffer[];
  /** Queue offset of each returned message. */
  readonly queueOffsets: number[];
  readonly bufferTotalSize: number;
  /** Java: pulled data is older than the in-memory window (accessMessageInMemoryMaxRatio). */
  readonly suggestPullingFromSlave: boolean;
}

export interface GetMessageRequest {
  readonly group: string;
  readonly topic: string;
  readonly queueId: number;
  readonly offset: number;
  readonly maxMsgNums: number;
  /** Defaults to 128 MiB as in Java (the in-memory/disk transfer limits still apply). */
  readonly maxTotalMsgSize?: number;
  readonly filter?: MessageFilter;
}

export interface QueryMessageResult {
  /** Raw stored records, newest first (Java order). */
  readonly messages: Buffer[];
  readonly indexLastUpdateTimestamp: number;
  readonly indexLastUpdatePhyoffset: number;
}

/** What the dispatcher saw: passed to arrival listeners (long polling) after the CQ entry exists. */
export interface DispatchRequest {
  readonly topic: string;
  readonly queueId: number;
  /** Queue offset of this message. */
  readonly consumeQueueOffset: number;
  readonly commitLogOffset: number;
  readonly msgSize: number;
  readonly tagsCode: number;
  readonly storeTimestamp: number;
  readonly properties: string;
  readonly sysFlag: number;
}

export type MessageArrivingListener = (req: DispatchRequest) => void;

export interface StoreStats {
  readonly commitLogMinOffset: number;
  readonly commitLogMaxOffset: number;
  readonly dispatchBehindBytes: number;
  readonly putMessageTimes: number;
  readonly getMessageTimes: number;
}

export interface MessageStore {
  /** Load + recover (normal or abnormal), then accept writes. */
  start(): Promise<void>;
  /** Flush everything, write the checkpoint, remove the abort file. */
  shutdown(): Promise<void>;
  /** Force all data and indexes to disk now. */
  flush(): Promise<void>;

  putMessage(msg: PutMessageInput): Promise<PutMessageResult>;
  putMessages(batch: PutMessagesInput): Promise<PutMessageResult>;

  getMessage(req: GetMessageRequest): Promise<GetMessageResult>;

  /** Next queue offset (= number of entries); 0 if the queue does not exist. */
  getMaxOffsetInQueue(topic: string, queueId: number): number;
  getMinOffsetInQueue(topic: string, queueId: number): number;
  /** Commit-log offset of the entry at `consumeQueueOffset`, or 0 if none. */
  getCommitLogOffsetInQueue(topic: string, queueId: number, consumeQueueOffset: number): Promise<number>;
  /** Java getOffsetInQueueByTime: first offset whose store time >= timestamp (max offset if none... see impl). */
  getOffsetInQueueByTime(topic: string, queueId: number, timestamp: number): Promise<number>;
  /** Store time of the first message in the queue, or -1. */
  getEarliestMessageTime(topic: string, queueId: number): Promise<number>;
  /** Store time of the message at `consumeQueueOffset`, or -1. */
  getMessageStoreTimeStamp(topic: string, queueId: number, consumeQueueOffset: number): Promise<number>;
  /** The raw record at a physical offset (VIEW_MESSAGE_BY_ID), or null. */
  lookMessageByOffset(commitLogOffset: number, size?: number): Promise<Buffer | null>;
  /** Index lookup of `topic#key` (UNIQ_KEY or a KEYS entry) within [begin, end] store time. */
  queryMessage(topic: string, key: string, maxNum: number, begin: number, end: number): Promise<QueryMessageResult>;

  getMinPhyOffset(): number;
  getMaxPhyOffset(): number;
  /** Queue ids that exist for a topic. */
  getQueueIds(topic: string): number[];
  /** Remove the consume queues of these topics (DELETE_TOPIC_IN_BROKER). */
  deleteTopics(topics: readonly string[]): Promise<void>;

  /** Registered listeners run synchronously after each dispatch. */
  addMessageArrivingListener(listener: MessageArrivingListener): void;
  removeMessageArrivingListener(listener: MessageArrivingListener): void;

  stats(): StoreStats;
}
