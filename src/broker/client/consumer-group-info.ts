// Java `ConsumerGroupInfo`: the live channels and subscriptions of one consumer group.
import type { Connection } from '../../remoting/connection';
import type { SubscriptionData } from '../../protocol/body/heartbeat';
import type { ClientChannelInfo } from './client-channel-info';

export class ConsumerGroupInfo {
  readonly subscriptionTable = new Map<string, SubscriptionData>();
  readonly channelInfoTable = new Map<Connection, ClientChannelInfo>();
  lastUpdateTimestamp = Date.now();

  constructor(
    readonly groupName: string,
    public consumeType: string,
    public messageModel: string,
    public consumeFromWhere: string,
  ) {}

  findChannel(clientId: string): ClientChannelInfo | undefined {
    for (const c of this.channelInfoTable.values()) if (c.clientId === clientId) return c;
    return undefined;
  }

  allChannels(): Connection[] {
    return [...this.channelInfoTable.keys()];
  }

  allClientIds(): string[] {
    return [...this.channelInfoTable.values()].map((c) => c.clientId);
  }

  /** Java updateChannel: true when the channel is new (membership changed). */
  updateChannel(info: ClientChannelInfo, consumeType: string, messageModel: string, consumeFromWhere: string): boolean {
    this.consumeType = consumeType;
    this.messageModel = messageModel;
    this.consumeFromWhere = consumeFromWhere;
    const old = this.channelInfoTable.get(info.conn);
    let updated = false;
    if (!old) {
      this.channelInfoTable.set(info.conn, info);
      updated = true;
    } else if (old.clientId !== info.clientId) {
      this.channelInfoTable.set(info.conn, info);
    } else {
      old.lastUpdateTimestamp = Date.now();
    }
    this.lastUpdateTimestamp = Date.now();
    return updated;
  }

  /** Java updateSubscription: true when a topic was added or removed, or an expression changed. */
  updateSubscription(subList: readonly SubscriptionData[]): boolean {
    let updated = false;
    const topics = new Set<string>();
    for (const sub of subList) {
      topics.add(sub.topic);
      const old = this.subscriptionTable.get(sub.topic);
      if (!old) {
        this.subscriptionTable.set(sub.topic, sub);
        updated = true;
      } else if (sub.subVersion > old.subVersion) {
        if (old.subString !== sub.subString || old.expressionType !== sub.expressionType) updated = true;
        this.subscriptionTable.set(sub.topic, sub);
      }
    }
    for (const topic of [...this.subscriptionTable.keys()]) {
      if (!topics.has(topic)) {
        this.subscriptionTable.delete(topic);
        updated = true;
      }
    }
    this.lastUpdateTimestamp = Date.now();
    return updated;
  }

  findSubscriptionData(topic: string): SubscriptionData | undefined {
    return this.subscriptionTable.get(topic);
  }

  /** Removes a channel; true if it was there. */
  removeChannel(conn: Connection): ClientChannelInfo | undefined {
    const info = this.channelInfoTable.get(conn);
    if (info) this.channelInfoTable.delete(conn);
    return info;
  }
}
