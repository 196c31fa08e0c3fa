// Java `ConsumerOffsetManager`: committed offsets per `topic@group` and queue id, persisted as
// config/consumerOffset.json every `flushConsumerOffsetInterval` (5 s) and at shutdown (store.md §8.3).
import * as path from 'node:path';
import type { BrokerConfig } from './broker-config';
import { IntKeyMap, loadConfigFile, persistConfigFile, toFastjsonPretty, type JsonLike } from './config-file';
import { DataVersion, type DataVersionJson } from './data-version';

export const TOPIC_GROUP_SEPARATOR = '@';

function setOffset(table: Map<string, Map<number, number>>, key: string, queueId: number, offset: number): void {
  let m = table.get(key);
  if (!m) {
    m = new Map();
    table.set(key, m);
  }
  m.set(queueId, offset);
}

export class ConsumerOffsetManager {
  /** `topic@group` → queueId → next offset to consume. */
  readonly offsetTable = new Map<string, Map<number, number>>();
  /** `topic@group` → queueId → nextBeginOffset of the group's last pull (not persisted, as in Java). */
  private readonly pullOffsetTable = new Map<string, Map<number, number>>();
  readonly dataVersion = new DataVersion();
  private readonly file: string;
  private dirty = false;

  constructor(config: BrokerConfig, storeRoot: string = config.storePathRootDir) {
    this.file = path.join(storeRoot, 'config', 'consumerOffset.json');
  }

  get configFilePath(): string {
    return this.file;
  }

  static key(topic: string, group: string): string {
    return topic + TOPIC_GROUP_SEPARATOR + group;
  }

  load(): void {
    const j = loadConfigFile(this.file) as { offsetTable?: Record<string, Record<string, unknown>>; dataVersion?: Partial<DataVersionJson> } | undefined;
    if (!j) return;
    for (const [key, queues] of Object.entries(j.offsetTable ?? {})) {
      if (typeof queues !== 'object' || queues === null) continue;
      const m = new Map<number, number>();
      for (const [q, off] of Object.entries(queues)) {
        const qid = Number(q);
        if (Number.isInteger(qid) && typeof off === 'number' && Number.isFinite(off)) m.set(qid, off);
      }
      this.offsetTable.set(key, m);
    }
    this.dataVersion.assign(j.dataVersion);
  }

  /** Writes the file (Java shape: dataVersion, groupTopicMap, offsetTable with unquoted queue ids). */
  persist(): void {
    const offsetTable: Record<string, JsonLike> = {};
    const groupTopicMap: Record<string, string[]> = {};
    for (const [key, queues] of this.offsetTable) {
      offsetTable[key] = new IntKeyMap([...queues.entries()].sort((a, b) => a[0] - b[0]));
      const i = key.indexOf(TOPIC_GROUP_SEPARATOR);
      if (i > 0) (groupTopicMap[key.slice(i + 1)] ??= []).push(key.slice(0, i));
    }
    persistConfigFile(this.file, toFastjsonPretty({
      dataVersion: { ...this.dataVersion.toJSON() }, groupTopicMap, offsetTable,
    }));
    this.dirty = false;
  }

  /** Persist only if something was committed since the last write (periodic task). */
  persistIfDirty(): void {
    if (this.dirty) this.persist();
  }

  commitOffset(group: string, topic: string, queueId: number, offset: number): void {
    setOffset(this.offsetTable, ConsumerOffsetManager.key(topic, group), queueId, offset);
    this.dataVersion.nextVersion();
    this.dirty = true;
  }

  /** Records the next offset a pull of this group will ask for (Java commitPullOffset; memory only). */
  commitPullOffset(group: string, topic: string, queueId: number, offset: number): void {
    setOffset(this.pullOffsetTable, ConsumerOffsetManager.key(topic, group), queueId, offset);
  }

  /** The last pull's next offset, else the committed offset, else -1 (Java queryPullOffset). */
  queryPullOffset(group: string, topic: string, queueId: number): number {
    return this.pullOffsetTable.get(ConsumerOffsetManager.key(topic, group))?.get(queueId) ?? this.queryOffset(group, topic, queueId);
  }

  /** The committed offset, or -1 when none (Java queryOffset). */
  queryOffset(group: string, topic: string, queueId: number): number {
    return this.offsetTable.get(ConsumerOffsetManager.key(topic, group))?.get(queueId) ?? -1;
  }

  /** queueId → offset of one topic@group (empty map when none). */
  queryOffsets(group: string, topic: string): ReadonlyMap<number, number> {
    return this.offsetTable.get(ConsumerOffsetManager.key(topic, group)) ?? new Map();
  }

  /** Topics a group has offsets for (Java whichTopicByConsumer). */
  whichTopicByConsumer(group: string): Set<string> {
    const out = new Set<string>();
    for (const key of this.offsetTable.keys()) {
      const i = key.indexOf(TOPIC_GROUP_SEPARATOR);
      if (i > 0 && key.slice(i + 1) === group) out.add(key.slice(0, i));
    }
    return out;
  }

  /** Groups that have offsets for a topic (Java whichGroupByTopic). */
  whichGroupByTopic(topic: string): Set<string> {
    const out = new Set<string>();
    for (const key of this.offsetTable.keys()) {
      const i = key.indexOf(TOPIC_GROUP_SEPARATOR);
      if (i > 0 && key.slice(0, i) === topic) out.add(key.slice(i + 1));
    }
    return out;
  }

  /** Every `topic@group` key. */
  keys(): string[] {
    return [...this.offsetTable.keys()];
  }

  removeOffset(group: string): void {
    for (const key of [...this.offsetTable.keys()]) {
      const i = key.indexOf(TOPIC_GROUP_SEPARATOR);
      if (i > 0 && key.slice(i + 1) === group) this.offsetTable.delete(key);
    }
    for (const key of [...this.pullOffsetTable.keys()]) {
      const i = key.indexOf(TOPIC_GROUP_SEPARATOR);
      if (i > 0 && key.slice(i + 1) === group) this.pullOffsetTable.delete(key);
    }
    this.dataVersion.nextVersion();
    this.dirty = true;
  }

  cleanOffsetByTopic(topic: string): void {
    for (const key of [...this.offsetTable.keys()]) {
      if (key.startsWith(topic + TOPIC_GROUP_SEPARATOR)) this.offsetTable.delete(key);
    }
    for (const key of [...this.pullOffsetTable.keys()]) {
      if (key.startsWith(topic + TOPIC_GROUP_SEPARATOR)) this.pullOffsetTable.delete(key);
    }
    this.dataVersion.nextVersion();
    this.dirty = true;
  }
}
