// Java `SubscriptionGroupManager`: consumer group configs, persisted as config/subscriptionGroup.json,
// auto-created with the defaults on first use when `autoCreateSubscriptionGroup` (store.md §8.2).
import * as path from 'node:path';
import type { BrokerConfig } from './broker-config';
import { loadConfigFile, persistConfigFile, toFastjsonPretty, type JsonLike } from './config-file';
import { DataVersion, type DataVersionJson } from './data-version';
import { SystemGroup } from './mixall';

/** Java SubscriptionGroupConfig (5.x fields). */
export interface SubscriptionGroupConfig {
  groupName: string;
  consumeEnable: boolean;
  consumeFromMinEnable: boolean;
  consumeBroadcastEnable: boolean;
  consumeMessageOrderly: boolean;
  retryQueueNums: number;
  retryMaxTimes: number;
  groupRetryPolicy: { type: string; [k: string]: unknown };
  brokerId: number;
  whichBrokerWhenConsumeSlowly: number;
  notifyConsumerIdsChangedEnable: boolean;
  groupSysFlag: number;
  consumeTimeoutMinute: number;
  attributes: Record<string, string>;
}

export function newSubscriptionGroupConfig(groupName: string, init: Partial<Omit<SubscriptionGroupConfig, 'groupName'>> = {}): SubscriptionGroupConfig {
  return {
    groupName,
    consumeEnable: init.consumeEnable ?? true,
    consumeFromMinEnable: init.consumeFromMinEnable ?? true,
    consumeBroadcastEnable: init.consumeBroadcastEnable ?? true,
    consumeMessageOrderly: init.consumeMessageOrderly ?? false,
    retryQueueNums: init.retryQueueNums ?? 1,
    retryMaxTimes: init.retryMaxTimes ?? 16,
    groupRetryPolicy: init.groupRetryPolicy ?? { type: 'CUSTOMIZED' },
    brokerId: init.brokerId ?? 0,
    whichBrokerWhenConsumeSlowly: init.whichBrokerWhenConsumeSlowly ?? 1,
    notifyConsumerIdsChangedEnable: init.notifyConsumerIdsChangedEnable ?? true,
    groupSysFlag: init.groupSysFlag ?? 0,
    consumeTimeoutMinute: init.consumeTimeoutMinute ?? 15,
    attributes: init.attributes ?? {},
  };
}

/** Parses a group config from JSON (4.9 or 5.x file, or an admin request body); missing fields get defaults. */
export function subscriptionGroupConfigFromJson(name: string, j: unknown): SubscriptionGroupConfig | undefined {
  if (typeof j !== 'object' || j === null) return undefined;
  const o = j as Record<string, unknown>;
  const b = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
  const n = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const policy = typeof o.groupRetryPolicy === 'object' && o.groupRetryPolicy !== null
    ? (o.groupRetryPolicy as { type: string }) : undefined;
  const attrs: Record<string, string> = {};
  if (typeof o.attributes === 'object' && o.attributes !== null) {
    for (const [k, v] of Object.entries(o.attributes as Record<string, unknown>)) attrs[k] = String(v);
  }
  return newSubscriptionGroupConfig(typeof o.groupName === 'string' ? o.groupName : name, {
    consumeEnable: b(o.consumeEnable),
    consumeFromMinEnable: b(o.consumeFromMinEnable),
    consumeBroadcastEnable: b(o.consumeBroadcastEnable),
    consumeMessageOrderly: b(o.consumeMessageOrderly),
    retryQueueNums: n(o.retryQueueNums),
    retryMaxTimes: n(o.retryMaxTimes),
    groupRetryPolicy: policy,
    brokerId: n(o.brokerId),
    whichBrokerWhenConsumeSlowly: n(o.whichBrokerWhenConsumeSlowly),
    notifyConsumerIdsChangedEnable: b(o.notifyConsumerIdsChangedEnable),
    groupSysFlag: n(o.groupSysFlag),
    consumeTimeoutMinute: n(o.consumeTimeoutMinute),
    attributes: attrs,
  });
}

export class SubscriptionGroupManager {
  readonly subscriptionGroupTable = new Map<string, SubscriptionGroupConfig>();
  /** 5.x forbiddenTable: group → topic → forbidden bits (kept for the file shape). */
  readonly forbiddenTable = new Map<string, Record<string, number>>();
  readonly dataVersion = new DataVersion();
  private readonly file: string;

  constructor(private readonly config: BrokerConfig, storeRoot: string = config.storePathRootDir) {
    this.file = path.join(storeRoot, 'config', 'subscriptionGroup.json');
    for (const g of Object.values(SystemGroup)) {
      const sgc = newSubscriptionGroupConfig(g);
      if (g === SystemGroup.TOOLS_CONSUMER_GROUP || g === SystemGroup.FILTERSRV_CONSUMER_GROUP || g === SystemGroup.SELF_TEST_CONSUMER_GROUP) {
        sgc.consumeBroadcastEnable = true;
      }
      this.subscriptionGroupTable.set(g, sgc);
    }
  }

  load(): void {
    const j = loadConfigFile(this.file) as {
      subscriptionGroupTable?: Record<string, unknown>; dataVersion?: Partial<DataVersionJson>; forbiddenTable?: Record<string, Record<string, number>>;
    } | undefined;
    if (!j) return;
    for (const [name, v] of Object.entries(j.subscriptionGroupTable ?? {})) {
      const g = subscriptionGroupConfigFromJson(name, v);
      if (g) this.subscriptionGroupTable.set(name, g);
    }
    for (const [g, t] of Object.entries(j.forbiddenTable ?? {})) this.forbiddenTable.set(g, { ...t });
    this.dataVersion.assign(j.dataVersion);
  }

  persist(): void {
    const table: Record<string, JsonLike> = {};
    for (const [k, v] of this.subscriptionGroupTable) table[k] = JSON.parse(JSON.stringify(v)) as JsonLike;
    const forbidden: Record<string, JsonLike> = {};
    for (const [k, v] of this.forbiddenTable) forbidden[k] = { ...v };
    persistConfigFile(this.file, toFastjsonPretty({
      dataVersion: { ...this.dataVersion.toJSON() }, forbiddenTable: forbidden, subscriptionGroupTable: table,
    }));
  }

  /** Java findSubscriptionGroupConfig: auto-creates with defaults when allowed; undefined otherwise. */
  findSubscriptionGroupConfig(group: string): SubscriptionGroupConfig | undefined {
    const existing = this.subscriptionGroupTable.get(group);
    if (existing) return existing;
    if (!this.config.autoCreateSubscriptionGroup) return undefined;
    const sgc = newSubscriptionGroupConfig(group);
    this.subscriptionGroupTable.set(group, sgc);
    this.dataVersion.nextVersion();
    this.persist();
    return sgc;
  }

  /** Lookup without auto-creation. */
  getSubscriptionGroupConfig(group: string): SubscriptionGroupConfig | undefined {
    return this.subscriptionGroupTable.get(group);
  }

  containsSubscriptionGroup(group: string): boolean {
    return this.subscriptionGroupTable.has(group);
  }

  /** UPDATE_AND_CREATE_SUBSCRIPTIONGROUP. */
  updateSubscriptionGroupConfig(cfg: SubscriptionGroupConfig): void {
    this.subscriptionGroupTable.set(cfg.groupName, { ...cfg });
    this.dataVersion.nextVersion();
    this.persist();
  }

  deleteSubscriptionGroupConfig(group: string): boolean {
    const had = this.subscriptionGroupTable.delete(group);
    this.forbiddenTable.delete(group);
    if (had) {
      this.dataVersion.nextVersion();
      this.persist();
    }
    return had;
  }
}
