// KVConfigManager (Java namesrv/.../kvconfig/KVConfigManager.java): namespace → key → value,
// persisted after every change to `kvConfigPath` in the Java shape
// `{"configTable":{"ns":{"k":"v"}}}` (fastjson, compact), written atomically.
import type { Logger } from '../common/logger';
import { encodeKVTable } from '../protocol/body/kv-table';
import { isJsonObject, jsonString, parseJson, toFastJson } from '../protocol/body/json';
import { readFileIfExists, writeFileAtomicSync } from './atomic-file';

export class KVConfigManager {
  private readonly configTable = new Map<string, Map<string, string>>();
  /** Bumped on every change; route caches that include KV data (orderTopicConf) key on it. */
  version = 0;

  constructor(private readonly kvConfigPath: () => string, private readonly log: Logger) {}

  /** Loads the file if it exists. A file that is not valid JSON is an error (Java fails to start). */
  load(): void {
    const file = this.kvConfigPath();
    const text = readFileIfExists(file);
    if (text === undefined) return;
    const r = parseJson(text);
    if (!r.ok) throw new Error(`cannot parse ${file} at offset ${r.offset}: ${r.reason}`);
    if (r.value === null) return;
    if (!isJsonObject(r.value)) throw new Error(`${file} is not a JSON object`);
    const table = r.value.configTable;
    if (isJsonObject(table)) {
      for (const ns of Object.keys(table)) {
        const kv = table[ns];
        if (!isJsonObject(kv)) continue;
        const m = new Map<string, string>();
        for (const k of Object.keys(kv)) {
          const v = jsonString(kv[k]);
          if (v !== undefined) m.set(k, v);
        }
        this.configTable.set(ns, m);
      }
    }
    this.version++;
    this.log.info({ file, namespaces: this.configTable.size }, 'load KV config table OK');
  }

  putKVConfig(namespace: string, key: string, value: string): void {
    let kv = this.configTable.get(namespace);
    if (!kv) {
      kv = new Map();
      this.configTable.set(namespace, kv);
      this.log.info({ namespace }, 'putKVConfig create new Namespace');
    }
    const prev = kv.get(key);
    kv.set(key, value);
    this.version++;
    this.log.info({ namespace, key, value }, prev !== undefined ? 'putKVConfig update config item' : 'putKVConfig create new config item');
    this.persist();
  }

  deleteKVConfig(namespace: string, key: string): void {
    const kv = this.configTable.get(namespace);
    if (kv) {
      const value = kv.get(key);
      kv.delete(key);
      this.version++;
      this.log.info({ namespace, key, value }, 'deleteKVConfig delete a config item');
    }
    this.persist();
  }

  getKVConfig(namespace: string, key: string): string | undefined {
    return this.configTable.get(namespace)?.get(key);
  }

  /** `KVTable` JSON of a namespace, or `undefined` if the namespace was never created. */
  getKVListByNamespace(namespace: string): Buffer | undefined {
    const kv = this.configTable.get(namespace);
    return kv ? encodeKVTable(kv) : undefined;
  }

  /** The file content: `KVConfigSerializeWrapper.toJson()`. */
  toJson(): string {
    return toFastJson({ configTable: this.configTable });
  }

  persist(): void {
    const file = this.kvConfigPath();
    try {
      writeFileAtomicSync(file, this.toJson());
    } catch (e) {
      this.log.error({ file, err: e instanceof Error ? e.message : String(e) }, 'persist kvconfig failed');
    }
  }
}
