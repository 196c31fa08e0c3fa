// LOCK_BATCH_MQ (41) / UNLOCK_BATCH_MQ (42) for ordered consumption (requests.md §5.7; Java
// AdminBrokerProcessor.lockBatchMQ / unlockBatchMQ over RebalanceLockManager). No header; the body
// names the group, the client and the queues. lockInStrictMode (quorum over replicas) is not
// supported: this broker has no replicas, so the local result is the answer, as Java's with quorum 1.
import { decodeLockBatchRequestBody, encodeLockBatchResponseBody } from '../../protocol/body/admin-bodies';
import { RequestCode } from '../../protocol/request-code';
import { ResponseCode } from '../../protocol/response-code';
import { createResponse, type RemotingCommand } from '../../remoting/command';
import { RemotingError } from '../../remoting/errors';
import type { BrokerContext } from '../broker-context';
import { notifyConsumerIdsChanged, notifyConsumerIdsChangedEnabled } from '../client/notify';
import { RebalanceLockManager } from '../rebalance-lock-manager';

const managers = new WeakMap<BrokerContext, RebalanceLockManager>();

/** The lock manager of this broker (created on first use). */
export function getRebalanceLockManager(ctx: BrokerContext): RebalanceLockManager {
  let m = managers.get(ctx);
  if (!m) {
    m = new RebalanceLockManager();
    managers.set(ctx, m);
  }
  return m;
}

function decodeBody(request: RemotingCommand): ReturnType<typeof decodeLockBatchRequestBody> & { ok: true } {
  const r = decodeLockBatchRequestBody(request.body);
  // Java: RemotingSerializable.decode of a bad body throws → SYSTEM_ERROR from the dispatcher.
  if (!r.ok) throw new RemotingError(ResponseCode.SYSTEM_ERROR, `bad lock batch body: ${r.error}`);
  return r;
}

export function lockBatchMQ(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const { value } = decodeBody(request);
  const locked = getRebalanceLockManager(ctx).tryLockBatch(value.consumerGroup, value.mqSet, value.clientId);
  return createResponse(request, ResponseCode.SUCCESS, { body: encodeLockBatchResponseBody(locked) });
}

/**
 * Beyond Java: the clients refused one of the unlocked queues get NOTIFY_CONSUMER_IDS_CHANGED, so they
 * rebalance (and retry the lock) now. A joining orderly consumer whose LOCK_BATCH_MQ arrives just
 * before the old owner's UNLOCK_BATCH_MQ would otherwise, with a 4.9 client, leave those queues
 * unconsumed until its next periodic rebalance, 20 s later (5.x clients retry after 1 s).
 */
export function unlockBatchMQ(ctx: BrokerContext, request: RemotingCommand): RemotingCommand {
  const { value } = decodeBody(request);
  const waiting = getRebalanceLockManager(ctx).unlockBatch(value.consumerGroup, value.mqSet, value.clientId);
  if (waiting.length > 0 && notifyConsumerIdsChangedEnabled(ctx, value.consumerGroup)) {
    for (const clientId of waiting) {
      const ch = ctx.consumerManager.findChannel(value.consumerGroup, clientId);
      if (ch) notifyConsumerIdsChanged(ch.conn, value.consumerGroup);
    }
  }
  return createResponse(request, ResponseCode.SUCCESS);
}

export function registerLock(ctx: BrokerContext): RebalanceLockManager {
  const m = getRebalanceLockManager(ctx);
  ctx.registerProcessor(RequestCode.LOCK_BATCH_MQ, (_c, r) => lockBatchMQ(ctx, r));
  ctx.registerProcessor(RequestCode.UNLOCK_BATCH_MQ, (_c, r) => unlockBatchMQ(ctx, r));
  return m;
}
