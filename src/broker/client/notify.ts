// NOTIFY_CONSUMER_IDS_CHANGED (Java Broker2Client.notifyConsumerIdsChanged): a one-way request telling
// a consumer to rebalance now, sent when its group's membership changes (and, beyond Java, when a queue
// it was refused is unlocked: processors/lock.ts).
import { RequestCode } from '../../protocol/request-code';
import { createRequest } from '../../remoting/command';
import type { Connection } from '../../remoting/connection';
import type { BrokerContext } from '../broker-context';

/** The broker's notifyConsumerIdsChangedEnable and the group's own flag (true for an unknown group). */
export function notifyConsumerIdsChangedEnabled(ctx: Pick<BrokerContext, 'config' | 'subscriptionGroupManager'>, group: string): boolean {
  if (!ctx.config.notifyConsumerIdsChangedEnable) return false;
  return ctx.subscriptionGroupManager.getSubscriptionGroupConfig(group)?.notifyConsumerIdsChangedEnable ?? true;
}

export function notifyConsumerIdsChanged(conn: Connection, group: string): void {
  conn.invokeOneway(createRequest(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, { extFields: { consumerGroup: group } }));
}
