// Wiring of transactional messages: the half-message put hook, END_TRANSACTION and the periodic
// check-back (store.md §11).
import type { BrokerContext } from '../broker-context';
import { registerEndTransaction } from '../processors/end-transaction';
import { TransactionalMessageCheckService } from './transactional-message-check-service';
import { isHalfMessage, parseHalfMessageInner } from './transactional-message-util';

/** Register after registerSchedule so that the delay hook sees the message before it is parked. */
export function registerTransaction(ctx: BrokerContext): TransactionalMessageCheckService {
  ctx.addPutMessageHook((msg) => (isHalfMessage(msg) ? parseHalfMessageInner(msg) : msg));
  registerEndTransaction(ctx);
  const service = new TransactionalMessageCheckService(ctx);
  const interval = ctx.config.transactionCheckInterval;
  ctx.scheduleAtFixedRate('transactionalMessageCheck', interval, interval, () => service.check());
  return service;
}

export { TransactionalMessageCheckService } from './transactional-message-check-service';
