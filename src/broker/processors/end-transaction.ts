// END_TRANSACTION (37), usually oneway (requests.md §3.1; Java EndTransactionProcessor): COMMIT
// re-stores the half message in its real topic with COMMIT bits and writes an op record; ROLLBACK
// writes only the op record; NOT_TYPE (unknown) is ignored without a response.
import { EndTransactionRequestHeader, requireHeader } from '../../protocol/headers/broker-admin';
import { RequestCode } from '../../protocol/request-code';
import { ResponseCode } from '../../protocol/response-code';
import { createResponse, type RemotingCommand } from '../../remoting/command';
import { decodeRecord, getProperty, MessageSysFlag } from '../../store/message-codec';
import { PutMessageStatus } from '../../store/message-store';
import { isSlave } from '../broker-config';
import type { BrokerContext } from '../broker-context';
import { MessageConst } from '../schedule/delay-level';
import { endMessageTransaction, makeOpMessage } from '../transaction/transactional-message-util';

export async function endTransaction(ctx: BrokerContext, request: RemotingCommand): Promise<RemotingCommand | null> {
  const h = requireHeader(EndTransactionRequestHeader, request);
  const reply = (code: number, remark?: string): RemotingCommand => createResponse(request, code, { remark });
  if (isSlave(ctx.config)) return reply(ResponseCode.SLAVE_NOT_AVAILABLE, 'Slave broker can not process EndTransaction request');
  const type = h.commitOrRollback;
  if (type !== MessageSysFlag.TRANSACTION_COMMIT_TYPE && type !== MessageSysFlag.TRANSACTION_ROLLBACK_TYPE) return null;

  const raw = await ctx.store.lookMessageByOffset(h.commitLogOffset);
  const d = raw ? decodeRecord(raw, 0, { checkCRC: false }) : undefined;
  if (!d || d.kind !== 'MESSAGE') return reply(ResponseCode.SYSTEM_ERROR, 'Find prepared transaction message failed');
  const half = d.record;
  if (rejectCommitOrRollback(ctx, h.fromTransactionCheck === true, half.properties, half.bornTimestamp)) {
    return reply(ResponseCode.ILLEGAL_OPERATION);
  }
  if (getProperty(half.properties, MessageConst.PGROUP) !== h.producerGroup) return reply(ResponseCode.SYSTEM_ERROR, 'The producer group wrong');
  if (half.queueOffset !== h.tranStateTableOffset) return reply(ResponseCode.SYSTEM_ERROR, 'The transaction state table offset wrong');
  if (half.physicalOffset !== h.commitLogOffset) return reply(ResponseCode.SYSTEM_ERROR, 'The commit log offset wrong');

  if (type === MessageSysFlag.TRANSACTION_COMMIT_TYPE) {
    const inner = endMessageTransaction(half);
    if (!inner) return reply(ResponseCode.SYSTEM_ERROR, 'Find prepared transaction message failed');
    const res = await ctx.putMessage(inner);
    const ok = res.status === PutMessageStatus.PUT_OK || res.status === PutMessageStatus.FLUSH_DISK_TIMEOUT
      || res.status === PutMessageStatus.FLUSH_SLAVE_TIMEOUT || res.status === PutMessageStatus.SLAVE_NOT_AVAILABLE;
    if (!ok) return reply(ResponseCode.SYSTEM_ERROR, `store putMessage return ${res.status}`);
  }
  const op = await ctx.store.putMessage(makeOpMessage([half.queueOffset], half.queueId, ctx.storeHost));
  if (op.status !== PutMessageStatus.PUT_OK) ctx.logger.error({ status: op.status }, 'write transaction op message failed');
  return reply(ResponseCode.SUCCESS);
}

/**
 * 5.x rejectCommitOrRollback: a commit/rollback not answering a check, for a half message with
 * CHECK_IMMUNITY_TIME_IN_SECONDS, is refused once that window (at least transactionTimeOut) passed.
 */
export function rejectCommitOrRollback(ctx: BrokerContext, fromCheck: boolean, properties: string, bornTimestamp: number, now = Date.now()): boolean {
  if (fromCheck) return false;
  const s = getProperty(properties, MessageConst.CHECK_IMMUNITY_TIME_IN_SECONDS);
  if (s === undefined || s === '') return false;
  const secs = /^[+-]?\d+$/.test(s) ? Number(s) : NaN;
  const immunity = Number.isFinite(secs) ? Math.max(secs * 1000, ctx.config.transactionTimeOut) : ctx.config.transactionTimeOut;
  return now - bornTimestamp > immunity;
}

export function registerEndTransaction(ctx: BrokerContext): void {
  ctx.registerProcessor(RequestCode.END_TRANSACTION, (_c, r) => endTransaction(ctx, r));
}
