// Java `TopicConfigManager`: the broker's topic table, persisted as config/topics.json, with the
// system topics a stock broker creates at start, auto-creation from TBW102 on send
// (`createTopicInSendMessageMethod`) and on send-back/heartbeat (retry and DLQ topics).
import * as path from 'node:path';
import type { BrokerConfig } from './broker-config';
import { loadConfigFile, persistConfigFile, toFastjsonPretty, type JsonLike } from './config-file';
import { DataVersion, type DataVersionJson } from './data-version';
import { isInherited, PermName, SystemTopic } from './mixall';

export const TopicFilterType = { SINGLE_TAG: 'SINGLE_TAG', MULTI_TAG: 'MULTI_TAG' } as const;
export type TopicFilterType = (typeof TopicFilterType)[keyof typeof TopicFilterType];

/** Java TopicConfig (JSON field names as fastjson writes them). */
export interface TopicConfig {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicFilterType: TopicFilterType;
  topicSysFlag: number;
  order: boolean;
  attributes: Record<string, string>;
}

/** TopicConfig defaults: 16 queues, perm RW. */
export function newTopicConfig(topicName: string, init: Partial<Omit<TopicConfig, 'topicName'>> = {}): TopicConfig {
  return {
    topicName,
    readQueueNums: init.readQueueNums ?? 16,
    writeQueueNums: init.writeQueueNums ?? 16,
    perm: init.perm ?? (PermName.PERM_READ | PermName.PERM_WRITE),
    topicFilterType: init.topicFilterType ?? TopicFilterType.SINGLE_TAG,
    topicSysFlag: init.topicSysFlag ?? 0,
    order: init.order ?? false,
    attributes: init.attributes ?? {},
  };
}

/** Reads a TopicConfig from parsed JSON, tolerating missing fields (4.9 files have no attributes). */
export function topicConfigFromJson(name: string, j: unknown): TopicConfig | undefined {
  if (typeof j !== 'object' || j === null) return undefined;
  const o = j as Record<string, unknown>;
  const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  const attrs: Record<string, string> = {};
  if (typeof o.attributes === 'object' && o.attributes !== null) {
    for (const [k, v] of Object.entries(o.attributes as Record<string, unknown>)) attrs[k] = String(v);
  }
  return newTopicConfig(typeof o.topicName === 'string' ? o.topicName : name, {
    readQueueNums: num(o.readQueueNums, 16),
    writeQueueNums: num(o.writeQueueNums, 16),
    perm: num(o.perm, 6),
    topicFilterType: o.topicFilterType === 'MULTI_TAG' ? 'MULTI_TAG' : 'SINGLE_TAG',
    topicSysFlag: num(o.topicSysFlag, 0),
    order: o.order === true,
    attributes: attrs,
  });
}

/** TopicConfigSerializeWrapper (REGISTER_BROKER body part, GET_ALL_TOPIC_CONFIG body). */
export interface TopicConfigSerializeWrapper {
  topicConfigTable: Record<string, TopicConfig>;
  dataVersion: DataVersionJson;
}

export type TopicChangeListener = () => void;

export class TopicConfigManager {
  readonly topicConfigTable = new Map<string, TopicConfig>();
  readonly dataVersion = new DataVersion();
  private readonly file: string;
  private readonly listeners: TopicChangeListener[] = [];
  /** System topics created at start; never deleted, always registered. */
  readonly systemTopics = new Set<string>();

  constructor(private readonly config: BrokerConfig, storeRoot: string = config.storePathRootDir) {
    this.file = path.join(storeRoot, 'config', 'topics.json');
    this.createSystemTopics();
  }

  get configFilePath(): string {
    return this.file;
  }

  private addSystem(tc: TopicConfig): void {
    this.topicConfigTable.set(tc.topicName, tc);
    this.systemTopics.add(tc.topicName);
  }

  /** The topics the Java TopicConfigManager constructor creates (store.md §8.1). */
  private createSystemTopics(): void {
    const c = this.config;
    const rwi = PermName.PERM_INHERIT | PermName.PERM_READ | PermName.PERM_WRITE;
    this.addSystem(newTopicConfig(SystemTopic.RMQ_SYS_SELF_TEST_TOPIC, { readQueueNums: 1, writeQueueNums: 1 }));
    if (c.autoCreateTopicEnable) {
      this.addSystem(newTopicConfig(SystemTopic.AUTO_CREATE_TOPIC_KEY_TOPIC, {
        readQueueNums: c.defaultTopicQueueNums, writeQueueNums: c.defaultTopicQueueNums, perm: rwi,
      }));
    }
    this.addSystem(newTopicConfig(SystemTopic.RMQ_SYS_BENCHMARK_TOPIC, { readQueueNums: 1024, writeQueueNums: 1024 }));
    {
      const tc = newTopicConfig(c.brokerClusterName, { readQueueNums: 16, writeQueueNums: 16 });
      tc.perm = c.clusterTopicEnable ? rwi : PermName.PERM_READ | PermName.PERM_WRITE;
      this.addSystem(tc);
    }
    {
      const tc = newTopicConfig(c.brokerName, { readQueueNums: 1, writeQueueNums: 1 });
      tc.perm = c.brokerTopicEnable ? rwi : PermName.PERM_READ | PermName.PERM_WRITE;
      this.addSystem(tc);
    }
    this.addSystem(newTopicConfig(SystemTopic.RMQ_SYS_OFFSET_MOVED_EVENT, { readQueueNums: 1, writeQueueNums: 1 }));
    this.addSystem(newTopicConfig(SystemTopic.RMQ_SYS_SCHEDULE_TOPIC, { readQueueNums: 18, writeQueueNums: 18 }));
    if (c.traceTopicEnable) {
      this.addSystem(newTopicConfig(c.msgTraceTopicName, { readQueueNums: 1, writeQueueNums: 1 }));
    }
    this.addSystem(newTopicConfig(`${c.brokerClusterName}_REPLY_TOPIC`, { readQueueNums: 1, writeQueueNums: 1 }));
    this.addSystem(newTopicConfig(SystemTopic.RMQ_SYS_TRANS_HALF_TOPIC, { readQueueNums: 1, writeQueueNums: 1 }));
    this.addSystem(newTopicConfig(SystemTopic.RMQ_SYS_TRANS_OP_HALF_TOPIC, { readQueueNums: 1, writeQueueNums: 1 }));
  }

  /** Loads config/topics.json (or .bak) over the system topics. */
  load(): void {
    const j = loadConfigFile(this.file) as { topicConfigTable?: Record<string, unknown>; dataVersion?: Partial<DataVersionJson> } | undefined;
    if (!j) return;
    for (const [name, v] of Object.entries(j.topicConfigTable ?? {})) {
      const tc = topicConfigFromJson(name, v);
      if (tc) this.topicConfigTable.set(name, tc);
    }
    this.dataVersion.assign(j.dataVersion);
  }

  persist(): void {
    const table: Record<string, JsonLike> = {};
    for (const [k, v] of this.topicConfigTable) table[k] = { ...v };
    persistConfigFile(this.file, toFastjsonPretty({ dataVersion: { ...this.dataVersion.toJSON() }, topicConfigTable: table }));
  }

  /** Called after any change that the NameServer must learn about (re-registration). */
  onChange(listener: TopicChangeListener): void {
    this.listeners.push(listener);
  }

  private changed(persist = true): void {
    this.dataVersion.nextVersion();
    // Listeners first: the NameServer registration is on the send path of a new topic.
    for (const l of this.listeners) l();
    if (persist) this.persist();
  }

  selectTopicConfig(topic: string): TopicConfig | undefined {
    return this.topicConfigTable.get(topic);
  }

  isSystemTopic(topic: string): boolean {
    return this.systemTopics.has(topic);
  }

  /**
   * Java createTopicInSendMessageMethod: creates `topic` from the template `defaultTopic` when the
   * template exists and carries the INHERIT bit. Returns the (possibly pre-existing) config or
   * undefined when it cannot be created.
   */
  createTopicInSendMessageMethod(topic: string, defaultTopic: string, clientDefaultTopicQueueNums: number, topicSysFlag: number): TopicConfig | undefined {
    const existing = this.topicConfigTable.get(topic);
    if (existing) return existing;
    const def = this.topicConfigTable.get(defaultTopic);
    if (!def) return undefined;
    let defPerm = def.perm;
    if (defaultTopic === SystemTopic.AUTO_CREATE_TOPIC_KEY_TOPIC && !this.config.autoCreateTopicEnable) {
      defPerm = PermName.PERM_READ | PermName.PERM_WRITE; // not inheritable any more
    }
    if (!isInherited(defPerm)) return undefined;
    const queueNums = Math.min(clientDefaultTopicQueueNums, def.writeQueueNums);
    const tc = newTopicConfig(topic, {
      readQueueNums: Math.max(queueNums, 0),
      writeQueueNums: Math.max(queueNums, 0),
      perm: defPerm & ~PermName.PERM_INHERIT,
      topicSysFlag,
      topicFilterType: def.topicFilterType,
    });
    this.topicConfigTable.set(topic, tc);
    this.changed();
    return tc;
  }

  /** Java createTopicInSendMessageBackMethod / createTopicIfAbsent: retry, DLQ and other broker topics. */
  createTopicIfAbsent(topic: string, queueNums: number, perm: number, topicSysFlag = 0): TopicConfig {
    const existing = this.topicConfigTable.get(topic);
    if (existing) return existing;
    const tc = newTopicConfig(topic, { readQueueNums: queueNums, writeQueueNums: queueNums, perm, topicSysFlag });
    this.topicConfigTable.set(topic, tc);
    this.changed();
    return tc;
  }

  /** Retry topic of a consumer group (HEART_BEAT, send-back): `retryQueueNums` queues, perm RW. */
  createRetryTopicIfAbsent(retryTopic: string, retryQueueNums: number): TopicConfig {
    return this.createTopicIfAbsent(retryTopic, retryQueueNums, PermName.PERM_READ | PermName.PERM_WRITE);
  }

  /** UPDATE_AND_CREATE_TOPIC. */
  updateTopicConfig(tc: TopicConfig): void {
    this.topicConfigTable.set(tc.topicName, { ...tc });
    this.changed();
  }

  deleteTopicConfig(topic: string): boolean {
    const had = this.topicConfigTable.delete(topic);
    if (had) this.changed();
    return had;
  }

  /** Java updateOrderTopicConfig: mark topics listed by the NameServer's ORDER_TOPIC_CONFIG. */
  updateOrderTopicConfig(orderTopics: ReadonlySet<string>): void {
    let any = false;
    for (const tc of this.topicConfigTable.values()) {
      const order = orderTopics.has(tc.topicName);
      if (tc.order !== order) {
        tc.order = order;
        any = true;
      }
    }
    if (any) this.changed();
  }

  /** The wrapper as it goes into REGISTER_BROKER, with the broker permission applied (Java registerBrokerAll). */
  buildSerializeWrapper(): TopicConfigSerializeWrapper {
    const brokerPerm = this.config.brokerPermission;
    const restrict = (brokerPerm & (PermName.PERM_READ | PermName.PERM_WRITE)) !== (PermName.PERM_READ | PermName.PERM_WRITE);
    const topicConfigTable: Record<string, TopicConfig> = {};
    for (const [k, v] of this.topicConfigTable) topicConfigTable[k] = restrict ? { ...v, perm: brokerPerm } : { ...v };
    return { topicConfigTable, dataVersion: this.dataVersion.toJSON() };
  }

  isOrderTopic(topic: string): boolean {
    return this.topicConfigTable.get(topic)?.order === true;
  }
}
