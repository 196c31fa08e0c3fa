// NameServer configuration: Java `NamesrvConfig` + `NettyServerConfig` field names and defaults
// (5.3.3), read from the `-c` properties file the way `NamesrvStartup` does
// (`MixAll.properties2Object`: known keys parsed by type, a bad value ignored; every key of the file
// is remembered and shown by GET_NAMESRV_CONFIG, as Java's `Configuration.registerConfig(properties)`).
import * as os from 'node:os';
import * as path from 'node:path';

type Scalar = string | number | boolean;

function defaults(home: string): Record<string, Scalar | undefined> {
  return {
    // NamesrvConfig
    rocketmqHome: process.env.ROCKETMQ_HOME,
    kvConfigPath: path.join(home, 'namesrv', 'kvConfig.json'),
    configStorePath: path.join(home, 'namesrv', 'namesrv.properties'),
    productEnvName: 'center',
    clusterTest: false,
    orderMessageEnable: false,
    returnOrderTopicConfigToBroker: true,
    clientRequestThreadPoolNums: 8,
    defaultThreadPoolNums: 16,
    clientRequestThreadPoolQueueCapacity: 50000,
    defaultThreadPoolQueueCapacity: 10000,
    scanNotActiveBrokerInterval: 5000,
    unRegisterBrokerQueueCapacity: 3000,
    supportActingMaster: false,
    enableAllTopicList: true,
    enableTopicList: true,
    notifyMinBrokerIdChanged: false,
    enableControllerInNamesrv: false,
    needWaitForService: false,
    waitSecondsForService: 45,
    deleteTopicWithBrokerRegistration: false,
    configBlackList: 'configBlackList;configStorePath;kvConfigPath',
    // NettyServerConfig (listenPort: NamesrvStartup sets 9876 before reading the file)
    bindAddress: '0.0.0.0',
    listenPort: 9876,
    serverWorkerThreads: 8,
    serverCallbackExecutorThreads: 0,
    serverSelectorThreads: 3,
    serverOnewaySemaphoreValue: 256,
    serverAsyncSemaphoreValue: 64,
    serverChannelMaxIdleTimeSeconds: 120,
    serverSocketSndBufSize: 0,
    serverSocketRcvBufSize: 0,
    writeBufferHighWaterMark: 0,
    writeBufferLowWaterMark: 0,
    serverSocketBacklog: 1024,
    serverNettyWorkerGroupEnable: true,
    serverPooledByteBufAllocatorEnable: true,
    enableShutdownGracefully: false,
    shutdownWaitTimeSeconds: 30,
    useEpollNativeSelector: false,
  };
}

/** Keys the Java side refuses to change at runtime (`DefaultRequestProcessor.initConfigBlackList`). */
const FIXED_BLACKLIST = ['configBlackList', 'configStorePath', 'kvConfigPath', 'rocketmqHome'];

/** Keys that change our behaviour; the rest are accepted and reported but have no effect here. */
export const EFFECTIVE_KEYS = new Set([
  'rocketmqHome', 'kvConfigPath', 'configStorePath', 'orderMessageEnable', 'returnOrderTopicConfigToBroker',
  'scanNotActiveBrokerInterval', 'supportActingMaster', 'enableAllTopicList', 'enableTopicList',
  'needWaitForService', 'waitSecondsForService', 'deleteTopicWithBrokerRegistration', 'configBlackList',
  'bindAddress', 'listenPort', 'serverChannelMaxIdleTimeSeconds',
]);

export class NamesrvConfig {
  /** Typed values of the known keys. */
  private readonly values: Record<string, Scalar | undefined>;
  /** Every key ever given (file or UPDATE_NAMESRV_CONFIG), as text: Java's `allConfigs`. */
  private readonly extra = new Map<string, string>();

  constructor(init: Partial<Record<string, Scalar>> = {}, home = os.homedir()) {
    this.values = defaults(home);
    for (const [k, v] of Object.entries(init)) if (v !== undefined) this.values[k] = v;
  }

  /** `MixAll.properties2Object` + `registerConfig(properties)`: returns the keys whose value was ignored. */
  applyProperties(props: Iterable<[string, string]>): string[] {
    const bad: string[] = [];
    for (const [k, raw] of props) {
      this.extra.set(k, raw);
      if (!(k in this.values)) continue;
      const cur = this.values[k];
      const parsed = parseLike(cur, raw, k);
      if (parsed === undefined) bad.push(k);
      else this.values[k] = parsed;
    }
    return bad;
  }

  /** Keys an UPDATE_NAMESRV_CONFIG may not touch. */
  get blackList(): Set<string> {
    return new Set([...FIXED_BLACKLIST, ...this.str('configBlackList').split(';').filter((s) => s !== '')]);
  }

  /**
   * Java `Configuration.update`: only keys already known (fields or earlier properties) change;
   * returns whether anything was applied.
   */
  update(props: Map<string, string>): void {
    const known = new Map([...props].filter(([k]) => k in this.values || this.extra.has(k)));
    this.applyProperties(known);
  }

  /** Keys given by the file or by UPDATE_NAMESRV_CONFIG. */
  givenKeys(): string[] {
    return [...this.extra.keys()];
  }

  /** Whether `key` is a Java NamesrvConfig/NettyServerConfig field. */
  isKnown(key: string): boolean {
    return key in this.values;
  }

  get(key: string): Scalar | undefined {
    return this.values[key];
  }

  str(key: string): string {
    const v = this.values[key];
    return v === undefined ? '' : String(v);
  }

  num(key: string): number {
    return Number(this.values[key]);
  }

  bool(key: string): boolean {
    return this.values[key] === true;
  }

  set(key: string, value: Scalar): void {
    this.values[key] = value;
  }

  /** `Configuration.getAllConfigsFormatString`: every key, sorted, `k=v\n` (null values omitted). */
  toPropertiesText(): string {
    const all = new Map<string, string>(this.extra);
    for (const [k, v] of Object.entries(this.values)) if (v !== undefined) all.set(k, String(v));
    return [...all.keys()].sort().map((k) => `${k}=${all.get(k) ?? ''}\n`).join('');
  }
}

/** Parses `raw` with the type of the current value, like `properties2Object` (String values trimmed). */
function parseLike(cur: Scalar | undefined, raw: string, key: string): Scalar | undefined {
  if (typeof cur === 'boolean') return raw.toLowerCase() === 'true'; // Boolean.parseBoolean (untrimmed)
  if (typeof cur === 'number') {
    const t = raw.trim() === raw ? raw : undefined; // Integer.parseInt rejects surrounding spaces
    if (t === undefined || !/^[+-]?\d+$/.test(t)) return undefined;
    const n = Number(t);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  if (cur === undefined && key !== 'rocketmqHome') return raw;
  return raw.trim();
}
