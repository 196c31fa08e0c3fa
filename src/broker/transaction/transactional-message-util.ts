// Half and op messages of transactions (store.md §11; Java TransactionalMessageBridge,
// TransactionalMessageUtil, EndTransactionProcessor.endMessageTransaction). Pure functions over
// PutMessageInput / decoded records; the services that store them live beside this file.
import { tagsString2tagsCode } from '../../common/java-hash';
import { decodeProperties, encodeProperties, getProperty, MessageSysFlag, transactionType, type StoredRecord } from '../../store/message-codec';
import type { HostAddress, PutMessageInput } from '../../store/message-store';
import { MessageConst } from '../schedule/delay-level';

export const RMQ_SYS_TRANS_HALF_TOPIC = 'RMQ_SYS_TRANS_HALF_TOPIC';
export const RMQ_SYS_TRANS_OP_HALF_TOPIC = 'RMQ_SYS_TRANS_OP_HALF_TOPIC';
export const TRANS_CHECK_MAX_TIME_TOPIC = 'TRANS_CHECK_MAX_TIME_TOPIC';
/** The group whose offsets on the half and op topics record the check progress. */
export const CID_SYS_RMQ_TRANS = 'CID_RMQ_SYS_TRANS';
/** Op message tag (TransactionalMessageUtil.REMOVE_TAG). */
export const REMOVE_TAG = 'd';

export function resetTransactionValue(sysFlag: number, type: number): number {
  return (sysFlag & ~0xc) | type;
}

/** A SEND of a half message: TRAN_MSG=true and the PREPARED sysFlag bits. */
export function isHalfMessage(msg: PutMessageInput): boolean {
  return transactionType(msg.sysFlag) === MessageSysFlag.TRANSACTION_PREPARED_TYPE
    && getProperty(msg.properties, MessageConst.TRAN_MSG)?.toLowerCase() === 'true';
}

/**
 * TransactionalMessageBridge.parseHalfMessageInner: park the message in RMQ_SYS_TRANS_HALF_TOPIC
 * queue 0 with REAL_TOPIC / REAL_QID / __transactionId__ and NOT_TYPE transaction bits (so it is
 * dispatched to the half queue and the SEND response carries its half-queue offset).
 */
export function parseHalfMessageInner(msg: PutMessageInput): PutMessageInput {
  const props = decodeProperties(msg.properties);
  const uniq = props.get(MessageConst.UNIQ_KEY);
  if (uniq !== undefined) props.set(MessageConst.TRANSACTION_ID, uniq);
  props.set(MessageConst.REAL_TOPIC, msg.topic);
  props.set(MessageConst.REAL_QID, String(msg.queueId));
  return {
    ...msg,
    topic: RMQ_SYS_TRANS_HALF_TOPIC,
    queueId: 0,
    sysFlag: resetTransactionValue(msg.sysFlag, MessageSysFlag.TRANSACTION_NOT_TYPE),
    properties: encodeProperties(props),
  };
}

/**
 * EndTransactionProcessor.endMessageTransaction + the COMMIT settings: the real message, back in
 * REAL_TOPIC/REAL_QID with COMMIT bits, `preparedTransactionOffset` = the half's commit-log offset,
 * REAL_TOPIC/REAL_QID/TRAN_MSG removed. Null when REAL_TOPIC/REAL_QID are missing.
 */
export function endMessageTransaction(half: StoredRecord): PutMessageInput | null {
  const props = decodeProperties(half.properties);
  const topic = props.get(MessageConst.REAL_TOPIC);
  const qid = props.get(MessageConst.REAL_QID);
  if (topic === undefined || qid === undefined || !/^\d+$/.test(qid)) return null;
  props.delete(MessageConst.REAL_TOPIC);
  props.delete(MessageConst.REAL_QID);
  props.delete(MessageConst.TRAN_MSG);
  return {
    topic,
    queueId: Number(qid),
    flag: half.flag,
    body: half.body,
    properties: encodeProperties(props),
    bornTimestamp: half.bornTimestamp,
    bornHost: half.bornHost,
    storeHost: half.storeHost,
    sysFlag: resetTransactionValue(half.sysFlag, MessageSysFlag.TRANSACTION_COMMIT_TYPE),
    reconsumeTimes: half.reconsumeTimes,
    preparedTransactionOffset: half.physicalOffset,
    tagsCode: tagsString2tagsCode(props.get(MessageConst.TAGS)),
    waitStoreMsgOK: false,
  };
}

/** The op record marking half-queue offset(s) as resolved (tag `d`, body "off1,off2,"). */
export function makeOpMessage(halfQueueOffsets: readonly number[], queueId: number, storeHost: HostAddress, now = Date.now()): PutMessageInput {
  const properties = encodeProperties({ TAGS: REMOVE_TAG, WAIT: 'false' });
  return {
    topic: RMQ_SYS_TRANS_OP_HALF_TOPIC,
    queueId,
    flag: 0,
    body: Buffer.from(halfQueueOffsets.map((o) => `${o},`).join(''), 'utf8'),
    properties,
    bornTimestamp: now,
    bornHost: storeHost,
    storeHost,
    sysFlag: 0,
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    tagsCode: tagsString2tagsCode(REMOVE_TAG),
    waitStoreMsgOK: false,
  };
}

/** Half-queue offsets named by an op record body (4.9 "123", 5.x "1,2,3,"). */
export function parseOpBody(body: Buffer): number[] {
  const out: number[] = [];
  for (const part of body.toString('utf8').split(',')) {
    const s = part.trim();
    if (/^\d+$/.test(s)) out.push(Number(s));
  }
  return out;
}

/** renewHalfMessageInner: a copy of a half message for the check-back put-back (check times given). */
export function renewHalfMessageInner(half: StoredRecord, checkTimes: number): PutMessageInput {
  const props = decodeProperties(half.properties);
  props.set(MessageConst.TRANSACTION_CHECK_TIMES, String(checkTimes));
  return {
    topic: half.topic,
    queueId: half.queueId,
    flag: half.flag,
    body: half.body,
    properties: encodeProperties(props),
    bornTimestamp: half.bornTimestamp,
    bornHost: half.bornHost,
    storeHost: half.storeHost,
    sysFlag: half.sysFlag,
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    tagsCode: tagsString2tagsCode(props.get(MessageConst.TAGS)),
    waitStoreMsgOK: false,
  };
}
