// Broker configuration: the keys of Java `BrokerConfig`, `MessageStoreConfig` and
// `NettyServerConfig` that a `broker.conf` may carry, with the Java defaults (5.x; 4.9 differences
// noted). One flat table, as `BrokerStartup` applies one Properties object to all three beans with
// `MixAll.properties2Object`. Unknown keys are reported (a warning for the caller to log), never fatal.
import * as os from 'node:os';
import * as path from 'node:path';

export type ConfigValue = string | number | boolean;

function localHostName(): string {
  try {
    return os.hostname() || 'DEFAULT_BROKER';
  } catch {
    return 'DEFAULT_BROKER';
  }
}

/** Java `RemotingUtil.getLocalAddress`: first non-loopback IPv4 address, else 127.0.0.1. */
export function localAddress(): string {
  const ifaces = os.networkInterfaces();
  let fallback: string | undefined;
  for (const list of Object.values(ifaces)) {
    for (const i of list ?? []) {
      if (i.family !== 'IPv4' || i.internal) continue;
      if (!i.address.startsWith('127.')) {
        if (i.address.startsWith('192.168.') || i.address.startsWith('10.') || i.address.startsWith('172.')) return i.address;
        fallback ??= i.address;
      }
    }
  }
  return fallback ?? '127.0.0.1';
}

/** Defaults computed once per process (host name and address). */
function buildDefaults() {
  const home = os.homedir();
  const ip = localAddress();
  return {
    // ---- BrokerConfig ----
    rocketmqHome: process.env.ROCKETMQ_HOME ?? '',
    namesrvAddr: process.env.NAMESRV_ADDR ?? '',
    brokerIP1: ip,
    brokerIP2: ip,
    brokerName: localHostName(),
    brokerClusterName: 'DefaultCluster',
    /** Where UPDATE_BROKER_CONFIG persists the whole configuration; '' = the -c file, else ~/store/config/broker.properties (Java null). */
    brokerConfigPath: '',
    /** Keys UPDATE_BROKER_CONFIG refuses (Java BrokerConfig.configBlackList). */
    configBlackList: 'configBlackList;brokerConfigPath',
    brokerId: 0,
    brokerPermission: 6,
    defaultTopicQueueNums: 8,
    autoCreateTopicEnable: true,
    clusterTopicEnable: true,
    brokerTopicEnable: true,
    autoCreateSubscriptionGroup: true,
    messageStorePlugIn: '',
    msgTraceTopicName: 'RMQ_SYS_TRACE_TOPIC',
    traceTopicEnable: false,
    rejectTransactionMessage: false,
    fetchNamesrvAddrByAddressServer: false,
    flushConsumerOffsetInterval: 5000,
    flushConsumerOffsetHistoryInterval: 60000,
    registerBrokerTimeoutMills: 24000,
    registerNameServerPeriod: 30000,
    brokerNotActiveTimeoutMillis: 10000,
    slaveReadEnable: false,
    disableConsumeIfConsumerReadSlowly: false,
    consumerFallbehindThreshold: 17179869184,
    longPollingEnable: true,
    shortPollingTimeMills: 1000,
    notifyConsumerIdsChangedEnable: true,
    highSpeedMode: false,
    commercialEnable: true,
    transferMsgByHeap: true,
    maxDelayTime: 40,
    regionId: 'DefaultRegion',
    traceOn: true,
    enablePropertyFilter: false,
    filterSupportRetry: false,
    compressedRegister: false,
    forceRegister: true,
    transactionTimeOut: 6000,
    transactionCheckMax: 15,
    transactionCheckInterval: 30000,
    aclEnable: false,
    storeReplyMessageEnable: true,
    autoDeleteUnusedStats: false,
    isolateLogEnable: false,
    enableDetailStat: true,
    enableSlaveActingMaster: false,
    enableControllerMode: false,
    brokerHeartbeatInterval: 1000,
    brokerNotActiveTimeoutMills: 10000,
    channelExpiredTimeout: 120000,
    subscriptionExpiredTimeout: 600000,
    sendMessageThreadPoolNums: 4,
    pullMessageThreadPoolNums: 16,
    adminBrokerThreadPoolNums: 16,
    clientManageThreadPoolNums: 32,
    consumerManageThreadPoolNums: 32,
    heartbeatThreadPoolNums: 4,
    endTransactionThreadPoolNums: 16,
    queryMessageThreadPoolNums: 8,
    processReplyMessageThreadPoolNums: 16,
    sendThreadPoolQueueCapacity: 10000,
    pullThreadPoolQueueCapacity: 100000,
    waitTimeMillsInSendQueue: 200,
    waitTimeMillsInPullQueue: 5000,
    startAcceptSendRequestTimeStamp: 0,
    useTLS: false,
    // ---- NettyServerConfig (BrokerStartup sets listenPort 10911) ----
    listenPort: 10911,
    bindAddress: '0.0.0.0',
    serverWorkerThreads: 8,
    serverCallbackExecutorThreads: 0,
    serverSelectorThreads: 3,
    serverOnewaySemaphoreValue: 256,
    serverAsyncSemaphoreValue: 64,
    serverChannelMaxIdleTimeSeconds: 120,
    serverSocketSndBufSize: 0,
    serverSocketRcvBufSize: 0,
    serverPooledByteBufAllocatorEnable: true,
    useEpollNativeSelector: false,
    // ---- MessageStoreConfig ----
    storePathRootDir: path.join(home, 'store'),
    storePathCommitLog: '',
    mappedFileSizeCommitLog: 1024 * 1024 * 1024,
    mappedFileSizeConsumeQueue: 300000 * 20,
    enableConsumeQueueExt: false,
    flushIntervalCommitLog: 500,
    commitIntervalCommitLog: 200,
    useReentrantLockWhenPutMessage: true,
    flushCommitLogTimed: true,
    flushIntervalConsumeQueue: 1000,
    cleanResourceInterval: 10000,
    deleteCommitLogFilesInterval: 100,
    deleteConsumeQueueFilesInterval: 100,
    destroyMapedFileIntervalForcibly: 120000,
    redeleteHangedFileInterval: 120000,
    deleteWhen: '04',
    diskMaxUsedSpaceRatio: 75,
    fileReservedTime: 72,
    putMsgIndexHightWater: 600000,
    maxMessageSize: 4 * 1024 * 1024,
    checkCRCOnRecover: true,
    flushCommitLogLeastPages: 4,
    commitCommitLogLeastPages: 4,
    flushLeastPagesWhenWarmMapedFile: 4096,
    flushConsumeQueueLeastPages: 2,
    flushCommitLogThoroughInterval: 10000,
    commitCommitLogThoroughInterval: 200,
    flushConsumeQueueThoroughInterval: 60000,
    maxTransferBytesOnMessageInMemory: 256 * 1024,
    maxTransferCountOnMessageInMemory: 32,
    maxTransferBytesOnMessageInDisk: 64 * 1024,
    maxTransferCountOnMessageInDisk: 8,
    accessMessageInMemoryMaxRatio: 40,
    messageIndexEnable: true,
    maxHashSlotNum: 5000000,
    maxIndexNum: 5000000 * 4,
    maxMsgsNumBatch: 64,
    messageIndexSafe: false,
    haListenPort: 10912,
    haSendHeartbeatInterval: 5000,
    haHousekeepingInterval: 20000,
    haTransferBatchSize: 32 * 1024,
    haMasterAddress: '',
    haMaxGapNotInSync: 256 * 1024 * 1024,
    brokerRole: 'ASYNC_MASTER',
    flushDiskType: 'ASYNC_FLUSH',
    syncFlushTimeout: 5000,
    messageDelayLevel: '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h',
    flushDelayOffsetInterval: 10000,
    cleanFileForciblyEnable: true,
    warmMapedFileEnable: false,
    offsetCheckInSlave: false,
    debugLockEnable: false,
    duplicationEnable: false,
    diskFallRecorded: true,
    osPageCacheBusyTimeOutMills: 1000,
    defaultQueryMaxNum: 32,
    transientStorePoolEnable: false,
    transientStorePoolSize: 5,
    fastFailIfNoBufferInStorePool: false,
    enableDLegerCommitLog: false,
    autoMessageVersionOnTopicLen: true,
    enabledAppendPropCRC: false,
    timerWheelEnable: true,
    diskSpaceWarningLevelRatio: 90,
    diskSpaceCleanForciblyRatio: 85,
  };
}

type Defaults = ReturnType<typeof buildDefaults>;
/** Every known key with its Java default type. */
export type BrokerConfig = { -readonly [K in keyof Defaults]: Defaults[K] };
export type BrokerConfigKey = keyof BrokerConfig;

export function defaultBrokerConfig(): BrokerConfig {
  return buildDefaults();
}

export interface ConfigLoadResult {
  config: BrokerConfig;
  /** Human-readable warnings (unknown keys, unparsable values); the caller logs them. */
  warnings: string[];
}

/** Applies `key=value` pairs (Properties already parsed) onto the defaults, Java-style. */
export function applyProperties(config: BrokerConfig, props: Iterable<[string, string]>): string[] {
  const warnings: string[] = [];
  const target = config as unknown as Record<string, ConfigValue>;
  for (const [rawKey, rawValue] of props) {
    const key = rawKey.trim();
    const value = rawValue.trim();
    if (!Object.prototype.hasOwnProperty.call(target, key)) {
      warnings.push(`unknown broker config key "${key}" ignored`);
      continue;
    }
    const current = target[key];
    if (typeof current === 'number') {
      const n = Number(value);
      if (value === '' || !Number.isFinite(n)) {
        warnings.push(`config key "${key}": "${value}" is not a number, keeping ${current}`);
        continue;
      }
      target[key] = n;
    } else if (typeof current === 'boolean') {
      target[key] = value.toLowerCase() === 'true'; // Boolean.parseBoolean
    } else {
      target[key] = value;
    }
  }
  if (config.storePathCommitLog === '') config.storePathCommitLog = path.join(config.storePathRootDir, 'commitlog');
  return warnings;
}

export function loadBrokerConfig(props: Iterable<[string, string]>, overrides: Iterable<[string, string]> = []): ConfigLoadResult {
  const config = defaultBrokerConfig();
  const warnings = applyProperties(config, [...props, ...overrides]);
  return { config, warnings };
}

/** Java `MixAll.properties2String` of every key, sorted (GET_BROKER_CONFIG body). */
export function brokerConfigEntries(config: BrokerConfig): [string, string][] {
  const c = config as unknown as Record<string, ConfigValue>;
  // Java object2Properties skips null fields: brokerConfigPath is null unless set.
  return Object.keys(config).sort().filter((k) => !(k === 'brokerConfigPath' && c[k] === '')).map((k) => [k, String(c[k])]);
}

/**
 * The file UPDATE_BROKER_CONFIG rewrites (Java Configuration storePath): brokerConfigPath when set,
 * else the file given with -c (BrokerStartup sets BrokerPathConfigHelper to it), else
 * ~/store/config/broker.properties.
 */
export function brokerConfigPersistPath(config: BrokerConfig, configFile?: string): string {
  if (config.brokerConfigPath !== '') return config.brokerConfigPath;
  return configFile ?? path.join(os.homedir(), 'store', 'config', 'broker.properties');
}

/** `brokerIP1:listenPort`: what clients and the NameServer use. */
export function brokerAddr(config: BrokerConfig): string {
  return `${config.brokerIP1}:${config.listenPort}`;
}

export const BrokerRole = { ASYNC_MASTER: 'ASYNC_MASTER', SYNC_MASTER: 'SYNC_MASTER', SLAVE: 'SLAVE' } as const;

export function isSlave(config: BrokerConfig): boolean {
  return config.brokerRole === BrokerRole.SLAVE;
}
