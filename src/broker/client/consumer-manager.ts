// Java `ConsumerManager` + `DefaultConsumerIdsChangeListener`: consumer groups registered by
// HEART_BEAT, removed on UNREGISTER_CLIENT, connection close or 120 s without a heartbeat; a change
// of a group's membership or subscriptions sends NOTIFY_CONSUMER_IDS_CHANGED to every member.
import type { Connection } from '../../remoting/connection';
import type { SubscriptionData } from '../../protocol/body/heartbeat';
import type { ClientChannelInfo } from './client-channel-info';
import { ConsumerGroupInfo } from './consumer-group-info';

export const ConsumerGroupEvent = {
  CHANGE: 'CHANGE',
  UNREGISTER: 'UNREGISTER',
  REGISTER: 'REGISTER',
  CLIENT_REGISTER: 'CLIENT_REGISTER',
  CLIENT_UNREGISTER: 'CLIENT_UNREGISTER',
} as const;
export type ConsumerGroupEvent = (typeof ConsumerGroupEvent)[keyof typeof ConsumerGroupEvent];

export type ConsumerIdsChangeListener = (event: ConsumerGroupEvent, group: string, channels: readonly Connection[]) => void;

export interface ConsumerManagerOptions {
  /** Java channelExpiredTimeout: 120 s. */
  channelExpiredTimeoutMs?: number;
}

export class ConsumerManager {
  readonly consumerTable = new Map<string, ConsumerGroupInfo>();
  /** Groups known only from pulls (5.x consumerCompensationTable). */
  readonly consumerCompensationTable = new Map<string, ConsumerGroupInfo>();
  private readonly listeners: ConsumerIdsChangeListener[] = [];
  private readonly channelExpiredTimeoutMs: number;

  constructor(opts: ConsumerManagerOptions = {}) {
    this.channelExpiredTimeoutMs = opts.channelExpiredTimeoutMs ?? 120_000;
  }

  addListener(l: ConsumerIdsChangeListener): void {
    this.listeners.push(l);
  }

  private fire(event: ConsumerGroupEvent, group: string, channels: readonly Connection[]): void {
    for (const l of this.listeners) l(event, group, channels);
  }

  /** Live group info; with `fromCompensationTable`, falls back to what pulls alone told us. */
  getConsumerGroupInfo(group: string, fromCompensationTable = false): ConsumerGroupInfo | undefined {
    const g = this.consumerTable.get(group);
    if (g || !fromCompensationTable) return g;
    return this.consumerCompensationTable.get(group);
  }

  /** 5.x compensateBasicConsumerInfo: remember a group seen only through pulls (no heartbeat). */
  compensateBasicConsumerInfo(group: string, consumeType: string, messageModel: string): void {
    let g = this.consumerCompensationTable.get(group);
    if (!g) {
      g = new ConsumerGroupInfo(group, consumeType, messageModel, 'CONSUME_FROM_LAST_OFFSET');
      this.consumerCompensationTable.set(group, g);
    }
    g.consumeType = consumeType;
    g.messageModel = messageModel;
  }

  /** 5.x compensateSubscribeData: the subscription a pull carried (FLAG_SUBSCRIPTION). */
  compensateSubscribeData(group: string, topic: string, sub: SubscriptionData): void {
    let g = this.consumerCompensationTable.get(group);
    if (!g) {
      g = new ConsumerGroupInfo(group, 'CONSUME_ACTIVELY', 'CLUSTERING', 'CONSUME_FROM_LAST_OFFSET');
      this.consumerCompensationTable.set(group, g);
    }
    g.subscriptionTable.set(topic, sub);
  }

  findChannel(group: string, clientId: string): ClientChannelInfo | undefined {
    return this.consumerTable.get(group)?.findChannel(clientId);
  }

  findSubscriptionData(group: string, topic: string): SubscriptionData | undefined {
    return this.consumerTable.get(group)?.findSubscriptionData(topic);
  }

  /**
   * Java registerConsumer. `notifyEnabled` = broker notifyConsumerIdsChangedEnable and the
   * group's own flag. Returns true when membership or subscriptions changed.
   */
  registerConsumer(
    group: string, info: ClientChannelInfo, consumeType: string, messageModel: string, consumeFromWhere: string,
    subList: readonly SubscriptionData[], notifyEnabled: boolean, updateSubscription = true,
  ): boolean {
    let g = this.consumerTable.get(group);
    if (!g) {
      g = new ConsumerGroupInfo(group, consumeType, messageModel, consumeFromWhere);
      this.consumerTable.set(group, g);
    }
    const r1 = g.updateChannel(info, consumeType, messageModel, consumeFromWhere);
    const r2 = updateSubscription ? g.updateSubscription(subList) : false;
    if ((r1 || r2) && notifyEnabled) this.fire(ConsumerGroupEvent.CHANGE, group, g.allChannels());
    this.fire(ConsumerGroupEvent.REGISTER, group, g.allChannels());
    return r1 || r2;
  }

  /** Java unregisterConsumer. */
  unregisterConsumer(group: string, conn: Connection, notifyEnabled: boolean): void {
    const g = this.consumerTable.get(group);
    if (!g) return;
    const removed = g.removeChannel(conn);
    if (!removed) return;
    if (g.channelInfoTable.size === 0) {
      this.consumerTable.delete(group);
      this.fire(ConsumerGroupEvent.UNREGISTER, group, []);
    }
    if (notifyEnabled) this.fire(ConsumerGroupEvent.CHANGE, group, g.allChannels());
  }

  /** Java doChannelCloseEvent: the connection is gone; returns the groups it belonged to. */
  doChannelCloseEvent(conn: Connection, notifyEnabled: (group: string) => boolean): string[] {
    const groups: string[] = [];
    for (const [group, g] of [...this.consumerTable]) {
      if (!g.removeChannel(conn)) continue;
      groups.push(group);
      if (g.channelInfoTable.size === 0) {
        this.consumerTable.delete(group);
        this.fire(ConsumerGroupEvent.UNREGISTER, group, []);
      }
      if (notifyEnabled(group)) this.fire(ConsumerGroupEvent.CHANGE, group, g.allChannels());
    }
    return groups;
  }

  /** Java scanNotActiveChannel: connections without a heartbeat for 120 s; returns them (closed by the caller). */
  scanNotActiveChannel(now = Date.now()): Connection[] {
    const expired: Connection[] = [];
    for (const g of this.consumerTable.values()) {
      for (const info of g.channelInfoTable.values()) {
        if (now - info.lastUpdateTimestamp > this.channelExpiredTimeoutMs) expired.push(info.conn);
      }
    }
    return expired;
  }

  /** Groups subscribing to a topic (QUERY_TOPIC_CONSUME_BY_WHO). */
  queryTopicConsumeByWho(topic: string): Set<string> {
    const out = new Set<string>();
    for (const [group, g] of this.consumerTable) if (g.subscriptionTable.has(topic)) out.add(group);
    return out;
  }

  /** Every group with at least one live connection. */
  groups(): string[] {
    return [...this.consumerTable.keys()];
  }
}
