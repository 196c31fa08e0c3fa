// Check-back of unresolved half messages (store.md §11.3; Java TransactionalMessageCheckService,
// TransactionalMessageServiceImpl.check, DefaultTransactionalMessageCheckListener). Every
// `transactionCheckInterval` the half queue is scanned from the CID_RMQ_SYS_TRANS consume offset:
// offsets named by op records are resolved; a half message older than `transactionTimeOut` (or its
// CHECK_IMMUNITY_TIME_IN_SECONDS) is re-appended with TRANSACTION_CHECK_TIMES + 1 and a
// CHECK_TRANSACTION_STATE for the new copy goes oneway to one live connection of its PGROUP; after
// `transactionCheckMax` checks it is moved to TRANS_CHECK_MAX_TIME_TOPIC. The scan stops at the
// first message still too young (later ones are younger). Simplification: a message inside its
// immunity window also stops the scan (Java re-appends it with TRAN_PREPARED_QUEUE_OFFSET).
import type { Logger } from '../../common/logger';
import { CheckTransactionStateRequestHeader } from '../../protocol/headers/broker-admin';
import { encodeHeader } from '../../protocol/header';
import { RequestCode } from '../../protocol/request-code';
import { createRequest } from '../../remoting/command';
import { decodeProperties, decodeRecord, encodeRecord, recordMessageId, type StoredRecord } from '../../store/message-codec';
import { GetMessageStatus, PutMessageStatus, type PutMessageInput } from '../../store/message-store';
import type { BrokerContext } from '../broker-context';
import { PermName } from '../mixall';
import { MessageConst } from '../schedule/delay-level';
import {
  CID_SYS_RMQ_TRANS, parseOpBody, renewHalfMessageInner, RMQ_SYS_TRANS_HALF_TOPIC, RMQ_SYS_TRANS_OP_HALF_TOPIC, TRANS_CHECK_MAX_TIME_TOPIC,
} from './transactional-message-util';

const MAX_PROCESS_TIME_LIMIT = 60_000;
const READ_BATCH = 32;

export interface CheckServiceOptions {
  /** Default: config.transactionTimeOut (6 s). */
  readonly transactionTimeOut?: number;
  /** Default: config.transactionCheckMax (15). */
  readonly transactionCheckMax?: number;
  readonly now?: () => number;
}

interface HalfEntry {
  readonly queueOffset: number;
  readonly record: StoredRecord;
}

export class TransactionalMessageCheckService {
  private running: Promise<void> | null = null;
  private readonly logger: Logger;
  private readonly now: () => number;
  /** Checks sent (for tests and runtime info). */
  checksSent = 0;

  constructor(private readonly ctx: BrokerContext, private readonly opts: CheckServiceOptions = {}) {
    this.logger = ctx.logger.child({ component: 'transaction-check' });
    this.now = opts.now ?? Date.now;
  }

  /** One pass; overlapping calls share the running pass. */
  check(): Promise<void> {
    if (!this.running) {
      this.running = this.checkQueue(0).catch((err: unknown) => this.logger.error({ err: String(err) }, 'Check error'))
        .finally(() => { this.running = null; });
    }
    return this.running;
  }

  private fetchConsumeOffset(topic: string, queueId: number): number {
    const off = this.ctx.consumerOffsetManager.queryOffset(CID_SYS_RMQ_TRANS, topic, queueId);
    if (off >= 0) return off;
    const min = this.ctx.store.getMinOffsetInQueue(topic, queueId);
    this.ctx.consumerOffsetManager.commitOffset(CID_SYS_RMQ_TRANS, topic, queueId, min);
    return min;
  }

  private async read(topic: string, queueId: number, offset: number, max = READ_BATCH): Promise<HalfEntry[]> {
    const got = await this.ctx.store.getMessage({ group: CID_SYS_RMQ_TRANS, topic, queueId, offset, maxMsgNums: max });
    if (got.status !== GetMessageStatus.FOUND) return [];
    const out: HalfEntry[] = [];
    got.messages.forEach((buf, i) => {
      const d = decodeRecord(buf, 0, { checkCRC: false });
      if (d.kind === 'MESSAGE') out.push({ queueOffset: got.queueOffsets[i] ?? d.record.queueOffset, record: d.record });
    });
    return out;
  }

  private async checkQueue(queueId: number): Promise<void> {
    const c = this.ctx.config;
    const timeout = this.opts.transactionTimeOut ?? c.transactionTimeOut;
    const checkMax = this.opts.transactionCheckMax ?? c.transactionCheckMax;
    const startTime = this.now();
    const store = this.ctx.store;
    if (!store.getQueueIds(RMQ_SYS_TRANS_HALF_TOPIC).includes(queueId)) return;
    const halfOffset = this.fetchConsumeOffset(RMQ_SYS_TRANS_HALF_TOPIC, queueId);
    const opOffset = this.fetchConsumeOffset(RMQ_SYS_TRANS_OP_HALF_TOPIC, queueId);

    // Every op record from the op consume offset: which half offsets are resolved.
    const resolved = new Set<number>();
    const ops: Array<{ queueOffset: number; offsets: number[] }> = [];
    const opMax = store.getMaxOffsetInQueue(RMQ_SYS_TRANS_OP_HALF_TOPIC, queueId);
    for (let o = opOffset; o < opMax;) {
      const batch = await this.read(RMQ_SYS_TRANS_OP_HALF_TOPIC, queueId, o);
      if (batch.length === 0) break;
      for (const e of batch) {
        const offsets = parseOpBody(e.record.body);
        ops.push({ queueOffset: e.queueOffset, offsets });
        for (const x of offsets) resolved.add(x);
      }
      o = (batch[batch.length - 1] as HalfEntry).queueOffset + 1;
    }

    let newOffset = halfOffset;
    const halfMax = store.getMaxOffsetInQueue(RMQ_SYS_TRANS_HALF_TOPIC, queueId);
    scan: for (let i = halfOffset; i < halfMax;) {
      const batch = await this.read(RMQ_SYS_TRANS_HALF_TOPIC, queueId, i);
      if (batch.length === 0) {
        newOffset = i + 1;
        i++;
        continue;
      }
      for (const e of batch) {
        if (this.now() - startTime > MAX_PROCESS_TIME_LIMIT) break scan;
        i = e.queueOffset;
        if (resolved.has(i)) {
          newOffset = ++i;
          continue;
        }
        const rec = e.record;
        const props = decodeProperties(rec.properties);
        const checkTimes = Number(props.get(MessageConst.TRANSACTION_CHECK_TIMES) ?? '0') || 0;
        if (checkTimes >= checkMax || this.now() - rec.storeTimestamp > c.fileReservedTime * 3_600_000) {
          if (checkTimes >= checkMax) await this.resolveDiscardMsg(rec);
          newOffset = ++i;
          continue;
        }
        if (rec.storeTimestamp >= startTime) break scan;
        const age = this.now() - rec.bornTimestamp;
        let immunity = timeout;
        const immunityStr = props.get(MessageConst.CHECK_IMMUNITY_TIME_IN_SECONDS);
        if (immunityStr !== undefined && /^\d+$/.test(immunityStr)) immunity = Math.max(timeout, Number(immunityStr) * 1000);
        if (age >= 0 && age <= immunity) break scan;
        if (!(await this.putBackAndCheck(rec, checkTimes + 1))) break scan;
        newOffset = ++i;
      }
    }

    if (newOffset !== halfOffset) this.ctx.consumerOffsetManager.commitOffset(CID_SYS_RMQ_TRANS, RMQ_SYS_TRANS_HALF_TOPIC, queueId, newOffset);
    // The op offset passes every op record whose half offsets are all behind the half offset.
    let newOpOffset = opOffset;
    for (const op of ops) {
      if (op.queueOffset !== newOpOffset || op.offsets.some((x) => x >= newOffset)) break;
      newOpOffset = op.queueOffset + 1;
    }
    if (newOpOffset !== opOffset) this.ctx.consumerOffsetManager.commitOffset(CID_SYS_RMQ_TRANS, RMQ_SYS_TRANS_OP_HALF_TOPIC, queueId, newOpOffset);
  }

  /** putBackHalfMsgQueue + resolveHalfMsg: re-append the half message, then ask its producer. */
  private async putBackAndCheck(half: StoredRecord, checkTimes: number): Promise<boolean> {
    const copy = renewHalfMessageInner(half, checkTimes);
    const res = await this.ctx.store.putMessage(copy);
    if (res.status !== PutMessageStatus.PUT_OK || !res.appendResult) {
      this.logger.error({ status: res.status }, 'PutBackToHalfQueueReturnResult error');
      return false;
    }
    const a = res.appendResult;
    this.sendCheckMessage(copy, a.logicsOffset, a.wroteOffset, a.storeTimestamp);
    return true;
  }

  /** Java Broker2Client.checkProducerTransactionState via AbstractTransactionalMessageCheckListener.sendCheckMessage. */
  sendCheckMessage(copy: PutMessageInput, queueOffset: number, commitLogOffset: number, storeTimestamp: number): void {
    const props = decodeProperties(copy.properties);
    const group = props.get(MessageConst.PGROUP);
    const realTopic = props.get(MessageConst.REAL_TOPIC);
    const realQid = Number(props.get(MessageConst.REAL_QID) ?? '0');
    const uniq = props.get(MessageConst.UNIQ_KEY);
    const conn = group !== undefined ? this.ctx.producerManager.getAvailableChannel(group) : undefined;
    if (!conn) {
      this.logger.warn({ group, uniq }, 'Check transaction failed, channel is null');
      return;
    }
    const body = encodeRecord({ ...copy, topic: realTopic ?? copy.topic, queueId: realQid }, { queueOffset, physicalOffset: commitLogOffset, storeTimestamp });
    if (typeof body === 'string') return;
    const d = decodeRecord(body, 0, { checkCRC: false });
    const offsetMsgId = d.kind === 'MESSAGE' ? recordMessageId(d.record) : undefined;
    const extFields = encodeHeader(CheckTransactionStateRequestHeader, {
      topic: RMQ_SYS_TRANS_HALF_TOPIC,
      tranStateTableOffset: queueOffset,
      commitLogOffset,
      msgId: uniq,
      transactionId: props.get(MessageConst.TRANSACTION_ID) ?? uniq,
      offsetMsgId,
      bname: this.ctx.config.brokerName,
    });
    conn.invokeOneway(createRequest(RequestCode.CHECK_TRANSACTION_STATE, { extFields, body }));
    this.checksSent++;
  }

  /** DefaultTransactionalMessageCheckListener.resolveDiscardMsg: keep it in TRANS_CHECK_MAX_TIME_TOPIC. */
  private async resolveDiscardMsg(half: StoredRecord): Promise<void> {
    this.ctx.topicConfigManager.createTopicIfAbsent(TRANS_CHECK_MAX_TIME_TOPIC, 1, PermName.PERM_READ | PermName.PERM_WRITE);
    const copy = renewHalfMessageInner(half, Number(decodeProperties(half.properties).get(MessageConst.TRANSACTION_CHECK_TIMES) ?? '0') || 0);
    const res = await this.ctx.store.putMessage({ ...copy, topic: TRANS_CHECK_MAX_TIME_TOPIC, queueId: 0 });
    this.logger.warn({ uniq: decodeProperties(half.properties).get(MessageConst.UNIQ_KEY), status: res.status }, 'half message discarded after max checks');
  }
}
