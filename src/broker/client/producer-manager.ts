// Java `ProducerManager`: producer groups → connections, from HEART_BEAT; used to find a channel
// for CHECK_TRANSACTION_STATE and for GET_PRODUCER_CONNECTION_LIST.
import type { Connection } from '../../remoting/connection';
import type { ClientChannelInfo } from './client-channel-info';

export class ProducerManager {
  readonly groupChannelTable = new Map<string, Map<Connection, ClientChannelInfo>>();
  private readonly channelExpiredTimeoutMs: number;
  private rr = 0;

  constructor(opts: { channelExpiredTimeoutMs?: number } = {}) {
    this.channelExpiredTimeoutMs = opts.channelExpiredTimeoutMs ?? 120_000;
  }

  registerProducer(group: string, info: ClientChannelInfo): void {
    let m = this.groupChannelTable.get(group);
    if (!m) {
      m = new Map();
      this.groupChannelTable.set(group, m);
    }
    const old = m.get(info.conn);
    if (old && old.clientId === info.clientId) old.lastUpdateTimestamp = Date.now();
    else m.set(info.conn, info);
  }

  unregisterProducer(group: string, conn: Connection): void {
    const m = this.groupChannelTable.get(group);
    if (!m) return;
    m.delete(conn);
    if (m.size === 0) this.groupChannelTable.delete(group);
  }

  doChannelCloseEvent(conn: Connection): void {
    for (const group of [...this.groupChannelTable.keys()]) this.unregisterProducer(group, conn);
  }

  /** Java getAvailableChannel: a live connection of the group, round-robin. */
  getAvailableChannel(group: string): Connection | undefined {
    const m = this.groupChannelTable.get(group);
    if (!m || m.size === 0) return undefined;
    const live = [...m.keys()].filter((c) => !c.isClosed);
    if (live.length === 0) return undefined;
    this.rr = (this.rr + 1) % 0x7fffffff;
    return live[this.rr % live.length];
  }

  getConnections(group: string): ClientChannelInfo[] {
    return [...(this.groupChannelTable.get(group)?.values() ?? [])];
  }

  findChannel(clientId: string): Connection | undefined {
    for (const m of this.groupChannelTable.values()) {
      for (const info of m.values()) if (info.clientId === clientId) return info.conn;
    }
    return undefined;
  }

  scanNotActiveChannel(now = Date.now()): Connection[] {
    const expired: Connection[] = [];
    for (const m of this.groupChannelTable.values()) {
      for (const info of m.values()) if (now - info.lastUpdateTimestamp > this.channelExpiredTimeoutMs) expired.push(info.conn);
    }
    return expired;
  }
}
