// Put-path rules shared by the MessageStore implementations (DefaultMessageStore.putMessage checks,
// CommitLog transaction handling, MessageExtEncoder batch expansion, IndexService key choice).
import { tagsString2tagsCode } from '../common/java-hash';
import { decodeBatchBody, getProperty, mergeBatchProperties, MessageSysFlag, prepareRecord, transactionType } from './message-codec';
import type { PreparedRecord } from './message-codec';
import { PutMessageStatus } from './message-store';
import type { PutMessageInput, PutMessagesInput, PutMessageResult } from './message-store';

export const MAX_TOPIC_LENGTH = 255;

/** PREPARED and ROLLBACK records get queue offset 0 and are neither queued nor (rollback) indexed. */
export function isDispatchedToQueue(sysFlag: number): boolean {
  const t = transactionType(sysFlag);
  return t === MessageSysFlag.TRANSACTION_NOT_TYPE || t === MessageSysFlag.TRANSACTION_COMMIT_TYPE;
}

export function failed(status: PutMessageStatus): PutMessageResult {
  return { status };
}

export interface PreparedPut {
  readonly input: PutMessageInput;
  readonly record: PreparedRecord;
}

/** Validates one message and sizes its record; a PutMessageResult means rejection. */
export function preparePut(msg: PutMessageInput, maxMessageSize: number): PreparedPut | PutMessageResult {
  if (msg.topic.length === 0 || msg.topic.length > MAX_TOPIC_LENGTH) return failed(PutMessageStatus.MESSAGE_ILLEGAL);
  if (!Number.isInteger(msg.queueId) || msg.queueId < 0) return failed(PutMessageStatus.MESSAGE_ILLEGAL);
  const record = prepareRecord(msg, maxMessageSize);
  if (record === 'MESSAGE_ILLEGAL') return failed(PutMessageStatus.MESSAGE_ILLEGAL);
  if (record === 'PROPERTIES_SIZE_EXCEEDED') return failed(PutMessageStatus.PROPERTIES_SIZE_EXCEEDED);
  return { input: msg, record };
}

/** Expands a batch into one input per element (properties merged, tags code from TAGS). */
export function expandBatch(batch: PutMessagesInput, maxMessageSize: number): PreparedPut[] | PutMessageResult {
  if (batch.body.length > maxMessageSize) return failed(PutMessageStatus.MESSAGE_ILLEGAL);
  if (transactionType(batch.sysFlag) !== MessageSysFlag.TRANSACTION_NOT_TYPE) return failed(PutMessageStatus.MESSAGE_ILLEGAL);
  const els = decodeBatchBody(batch.body);
  if (!els.ok || els.value.length === 0) return failed(PutMessageStatus.MESSAGE_ILLEGAL);
  const out: PreparedPut[] = [];
  for (const e of els.value) {
    const properties = mergeBatchProperties(e.properties, batch.properties);
    const input: PutMessageInput = {
      ...batch,
      flag: e.flag,
      body: e.body,
      properties,
      tagsCode: tagsString2tagsCode(getProperty(properties, 'TAGS')),
    };
    const p = preparePut(input, maxMessageSize);
    if (!('record' in p)) return p;
    out.push(p);
  }
  return out;
}

/** IndexService.buildIndex keys: topic#UNIQ_KEY and topic#k for every KEYS entry. */
const NO_KEYS: readonly string[] = [];

export function indexKeysOf(topic: string, properties: string, sysFlag: number): readonly string[] {
  // both property names contain "KEY": most messages without keys cost one scan
  if (properties.indexOf('KEY') < 0 || transactionType(sysFlag) === MessageSysFlag.TRANSACTION_ROLLBACK_TYPE) return NO_KEYS;
  const keys: string[] = [];
  const uniq = getProperty(properties, 'UNIQ_KEY');
  if (uniq) keys.push(topic + '#' + uniq);
  const k = getProperty(properties, 'KEYS');
  if (k) for (const one of k.split(' ')) if (one.length > 0) keys.push(topic + '#' + one);
  return keys;
}

/** True when a record's properties really carry `key` as UNIQ_KEY or one of its KEYS. */
export function recordHasKey(properties: string, key: string): boolean {
  if (getProperty(properties, 'UNIQ_KEY') === key) return true;
  const k = getProperty(properties, 'KEYS');
  return k !== undefined && k.split(' ').includes(key);
}
