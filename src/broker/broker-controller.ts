// BrokerController (Java broker/.../BrokerController.java): wires the remoting servers (listenPort
// and the VIP port listenPort − 2), the managers, the store, the processors and the periodic
// tasks (offset persistence, client housekeeping, NameServer registration), and shuts them down in
// order: unregister, stop taking requests, finish in-flight work, flush, persist.
import { BrokerStatsManager, SAMPLE_PERIOD_MS } from './broker-stats';
import * as path from 'node:path';
import { getLogger, type Logger } from '../common/logger';
import type { RemotingCommand } from '../remoting/command';
import { RemotingClient } from '../remoting/client';
import type { Connection } from '../remoting/connection';
import type { ProcessResult, RequestHandler, RequestProcessor } from '../remoting/processor';
import { RemotingServer } from '../remoting/server';
import { DefaultMessageStore } from '../store/default-message-store';
import type { HostAddress, MessageStore, PutMessageInput, PutMessageResult } from '../store/message-store';
import { getProperty } from '../store/message-codec';
import { tagsString2tagsCode } from '../common/java-hash';
import { defaultStoreConfig, FlushDiskType } from '../store/store-config';
import { brokerAddr, brokerConfigPersistPath, type BrokerConfig } from './broker-config';
import type { BrokerContext, PutMessageHook } from './broker-context';
import { notifyConsumerIdsChanged, notifyConsumerIdsChangedEnabled } from './client/notify';
import { BrokerOuterAPI, parseNamesrvAddrList, type BrokerIdentity } from './broker-outer-api';
import { ConsumerGroupEvent, ConsumerManager } from './client/consumer-manager';
import { ProducerManager } from './client/producer-manager';
import { ConsumerOffsetManager } from './consumer-offset-manager';
import { ClientManageProcessor } from './processors/client-manage';
import { ConsumerManageProcessor } from './processors/consumer-manage';
import { PullMessageProcessor } from './processors/pull';
import { SendMessageProcessor } from './processors/send';
import { SubscriptionGroupManager } from './subscription-group-manager';
import { TopicConfigManager } from './topic-config-manager';
import { UniqIdGenerator } from './uniq-id';
import { computeDeliverTimestamp, parseDelayLevel, SCHEDULE_TOPIC } from './schedule/delay-level';
// ---- feature modules (broker-features) ----
import { registerSchedule } from './schedule';
import { registerSendBack } from './processors/send-back';
import { registerLock } from './processors/lock';
import { registerQuery } from './processors/query';
import { registerAdmin } from './processors/admin';
import { registerTransaction } from './transaction';

export interface BrokerControllerOptions {
  /** Use this store instead of the file store under storePathRootDir (tests: MemoryMessageStore). */
  store?: MessageStore;
  /** Host to bind (default: config bindAddress, 0.0.0.0). */
  host?: string;
  /** Registration period; default Java's clamp of registerNameServerPeriod to [10 s, 60 s]. */
  registerPeriodMs?: number;
  /** Client housekeeping period (Java 10 s). */
  housekeepingPeriodMs?: number;
  /** The broker.conf given with -c: UPDATE_BROKER_CONFIG rewrites it, as the Java broker does. */
  configFile?: string;
  /** Longest wait for in-flight requests at shutdown. */
  shutdownDrainMs?: number;
  logger?: Logger;
}

interface ScheduledTask {
  timer: NodeJS.Timeout;
}

export class BrokerController implements BrokerContext {
  readonly config: BrokerConfig;
  readonly logger: Logger;
  readonly topicConfigManager: TopicConfigManager;
  readonly subscriptionGroupManager: SubscriptionGroupManager;
  readonly consumerOffsetManager: ConsumerOffsetManager;
  readonly consumerManager: ConsumerManager;
  readonly producerManager: ProducerManager;
  readonly brokerStatsManager = new BrokerStatsManager();
  get brokerConfigPersistPath(): string {
    return brokerConfigPersistPath(this.config, this.opts.configFile);
  }
  readonly remotingServer: RemotingServer;
  readonly fastRemotingServer: RemotingServer;
  readonly remotingClient: RemotingClient;
  readonly outerAPI: BrokerOuterAPI;
  private storeImpl: MessageStore | undefined;
  private storeHostImpl: HostAddress = { address: '127.0.0.1', port: 0 };
  private readonly hooks: PutMessageHook[] = [];
  private readonly shutdownTasks: (() => void | Promise<void>)[] = [];
  private readonly tasks: ScheduledTask[] = [];
  private pullProcessor: PullMessageProcessor | undefined;
  private inflight = 0;
  private rejecting = false;
  private shuttingDownFlag = false;
  private started = false;
  private registering: Promise<void> | null = null;
  private registerAgain = false;
  private lastRegisterOk = false;

  constructor(config: BrokerConfig, private readonly opts: BrokerControllerOptions = {}) {
    this.config = config;
    if (config.storePathCommitLog === '') config.storePathCommitLog = path.join(config.storePathRootDir, 'commitlog');
    this.logger = opts.logger ?? getLogger('broker');
    this.topicConfigManager = new TopicConfigManager(config);
    this.subscriptionGroupManager = new SubscriptionGroupManager(config);
    this.consumerOffsetManager = new ConsumerOffsetManager(config);
    this.consumerManager = new ConsumerManager({ channelExpiredTimeoutMs: config.channelExpiredTimeout });
    this.producerManager = new ProducerManager({ channelExpiredTimeoutMs: config.channelExpiredTimeout });
    const host = opts.host ?? config.bindAddress;
    const idleTimeoutMs = config.serverChannelMaxIdleTimeSeconds * 1000;
    this.remotingServer = new RemotingServer({ port: config.listenPort, host, idleTimeoutMs, logger: this.logger });
    this.fastRemotingServer = new RemotingServer({ port: config.listenPort === 0 ? 0 : config.listenPort - 2, host, idleTimeoutMs, logger: this.logger });
    this.remotingClient = new RemotingClient({ logger: this.logger });
    this.outerAPI = new BrokerOuterAPI(this.remotingClient, this.logger);
  }

  // ---- BrokerContext ----

  get store(): MessageStore {
    if (!this.storeImpl) throw new Error('broker not started');
    return this.storeImpl;
  }

  get storeHost(): HostAddress {
    return this.storeHostImpl;
  }

  get brokerAddr(): string {
    return brokerAddr(this.config);
  }

  get shuttingDown(): boolean {
    return this.shuttingDownFlag;
  }

  /** Held long-polling requests (tests, runtime info). */
  get heldPullRequests(): number {
    return this.pullProcessor?.holdService.size ?? 0;
  }

  registerProcessor(code: number, processor: RequestProcessor | RequestHandler): void {
    const p: RequestProcessor = typeof processor === 'function' ? { processRequest: processor } : processor;
    const wrapped: RequestProcessor = {
      rejectRequest: () => this.rejecting || (p.rejectRequest?.() ?? false),
      processRequest: (conn: Connection, req: RemotingCommand): ProcessResult => {
        const r = p.processRequest(conn, req);
        if (r !== null && typeof (r as Promise<unknown>).then === 'function') {
          this.inflight++;
          return (r as Promise<RemotingCommand | null>).finally(() => { this.inflight--; });
        }
        return r;
      },
    };
    this.remotingServer.registerProcessor(code, wrapped);
    this.fastRemotingServer.registerProcessor(code, wrapped);
  }

  addPutMessageHook(hook: PutMessageHook): void {
    this.hooks.push(hook);
  }

  async putMessage(msg: PutMessageInput): Promise<PutMessageResult> {
    let m = msg;
    for (const hook of this.hooks) {
      const r = hook(m);
      if ('status' in r) return r;
      m = r;
    }
    return this.store.putMessage(m);
  }

  scheduleAtFixedRate(name: string, initialDelayMs: number, periodMs: number, task: () => void | Promise<void>): void {
    let running = false;
    const run = (): void => {
      if (running || this.shuttingDownFlag) return;
      running = true;
      Promise.resolve()
        .then(task)
        .catch((err: unknown) => this.logger.error({ task: name, err: (err as Error).message }, 'scheduled task failed'))
        .finally(() => { running = false; });
    };
    const t: ScheduledTask = { timer: setTimeout(() => {
      run();
      t.timer = setInterval(run, periodMs);
      t.timer.unref();
    }, initialDelayMs) };
    t.timer.unref();
    this.tasks.push(t);
  }

  onShutdown(task: () => void | Promise<void>): void {
    this.shutdownTasks.push(task);
  }

  private identity(): BrokerIdentity {
    const c = this.config;
    return {
      clusterName: c.brokerClusterName, brokerName: c.brokerName, brokerAddr: this.brokerAddr,
      brokerId: c.brokerId, haServerAddr: `${c.brokerIP2}:${c.haListenPort}`,
    };
  }

  namesrvAddrs(): string[] {
    return parseNamesrvAddrList(this.config.namesrvAddr);
  }

  /** Registers with every NameServer; concurrent calls coalesce into one more round. */
  registerBrokerAll(): Promise<void> {
    if (this.registering) {
      this.registerAgain = true;
      return this.registering;
    }
    const round = async (): Promise<void> => {
      do {
        this.registerAgain = false;
        const namesrvs = this.namesrvAddrs();
        if (namesrvs.length === 0) return;
        const results = await this.outerAPI.registerBrokerAll(
          namesrvs, this.identity(), this.topicConfigManager.buildSerializeWrapper(), this.config.registerBrokerTimeoutMills,
        );
        this.lastRegisterOk = results.some((r) => r.ok);
        for (const r of results) {
          if (r.orderTopics) this.topicConfigManager.updateOrderTopicConfig(new Set(Object.keys(r.orderTopics)));
        }
      } while (this.registerAgain && !this.shuttingDownFlag);
    };
    this.registering = round().catch((err: unknown) => {
      this.logger.error({ err: (err as Error).message }, 'registerBrokerAll failed');
    }).finally(() => { this.registering = null; });
    return this.registering;
  }

  get registeredWithNamesrv(): boolean {
    return this.lastRegisterOk;
  }

  // ---- lifecycle ----

  private createStore(): MessageStore {
    if (this.opts.store) return this.opts.store;
    const c = this.config;
    const delay = parseDelayLevel(c.messageDelayLevel);
    const storeConfig = defaultStoreConfig(c.storePathRootDir, {
      storePathCommitLog: c.storePathCommitLog,
      mappedFileSizeCommitLog: c.mappedFileSizeCommitLog,
      consumeQueueUnitsPerFile: Math.max(1, Math.floor(c.mappedFileSizeConsumeQueue / 20)),
      maxHashSlotNum: c.maxHashSlotNum,
      maxIndexNum: c.maxIndexNum,
      messageIndexEnable: c.messageIndexEnable,
      flushDiskType: c.flushDiskType === FlushDiskType.SYNC_FLUSH ? FlushDiskType.SYNC_FLUSH : FlushDiskType.ASYNC_FLUSH,
      flushIntervalCommitLog: c.flushIntervalCommitLog,
      flushIntervalConsumeQueue: c.flushIntervalConsumeQueue,
      syncFlushTimeout: c.syncFlushTimeout,
      maxMessageSize: c.maxMessageSize,
      checkCRCOnRecover: c.checkCRCOnRecover,
      fileReservedTime: c.fileReservedTime,
      deleteWhen: c.deleteWhen,
      diskMaxUsedSpaceRatio: c.diskMaxUsedSpaceRatio,
      diskSpaceCleanForciblyRatio: c.diskSpaceCleanForciblyRatio,
      diskSpaceWarningLevelRatio: c.diskSpaceWarningLevelRatio,
    });
    return new DefaultMessageStore(storeConfig, {
      logger: this.logger.child({ component: 'store' }),
      // Recovery re-dispatch: schedule-topic units carry the deliver timestamp as tags code.
      tagsCodeOf: (topic, properties, storeTimestamp) => {
        if (topic === SCHEDULE_TOPIC && delay.ok) {
          const level = Number(getProperty(properties, 'DELAY') ?? '0');
          return computeDeliverTimestamp(delay.table, level, storeTimestamp);
        }
        return tagsString2tagsCode(getProperty(properties, 'TAGS'));
      },
    });
  }

  /** Loads configs, starts the store and the servers, registers with the NameServers. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const c = this.config;
    this.topicConfigManager.load();
    this.subscriptionGroupManager.load();
    this.consumerOffsetManager.load();

    const port = await this.remotingServer.start();
    c.listenPort = port;
    await this.fastRemotingServer.start();
    this.storeHostImpl = { address: c.brokerIP1, port };

    this.storeImpl = this.createStore();
    await this.storeImpl.start();

    const uniq = new UniqIdGenerator(c.brokerIP1);
    new SendMessageProcessor(this, uniq).register();
    this.pullProcessor = new PullMessageProcessor(this);
    this.pullProcessor.register();
    new ConsumerManageProcessor(this).register();
    new ClientManageProcessor(this).register();
    // ---- feature registration block (broker-features adds its one-line calls here) ----
    registerSchedule(this);
    registerSendBack(this);
    registerLock(this);
    registerQuery(this);
    registerAdmin(this);
    registerTransaction(this);
    // ---- end of feature registration block ----

    this.consumerManager.addListener((event, group, channels) => {
      if (event !== ConsumerGroupEvent.CHANGE || !this.config.notifyConsumerIdsChangedEnable) return;
      for (const conn of channels) notifyConsumerIdsChanged(conn, group);
    });
    const onDisconnect = (conn: Connection): void => {
      this.producerManager.doChannelCloseEvent(conn);
      this.consumerManager.doChannelCloseEvent(conn, (group) => notifyConsumerIdsChangedEnabled(this, group));
    };
    this.remotingServer.on('disconnect', onDisconnect);
    this.fastRemotingServer.on('disconnect', onDisconnect);
    this.topicConfigManager.onChange(() => { void this.registerBrokerAll(); });

    this.scheduleAtFixedRate('persistConsumerOffset', c.flushConsumerOffsetInterval, c.flushConsumerOffsetInterval,
      () => this.consumerOffsetManager.persistIfDirty());
    const hk = this.opts.housekeepingPeriodMs ?? 10_000;
    this.scheduleAtFixedRate('clientHousekeeping', hk, hk, () => this.scanNotActiveChannels());
    this.scheduleAtFixedRate('brokerStats.sample', SAMPLE_PERIOD_MS, SAMPLE_PERIOD_MS, () => this.brokerStatsManager.sample());
    const period = this.opts.registerPeriodMs ?? Math.max(10_000, Math.min(c.registerNameServerPeriod, 60_000));
    this.scheduleAtFixedRate('registerBrokerAll', period, period, () => this.registerBrokerAll());

    await this.registerBrokerAll();
    this.logger.info({ brokerName: c.brokerName, addr: this.brokerAddr, namesrv: c.namesrvAddr, store: c.storePathRootDir },
      `The broker[${c.brokerName}, ${this.brokerAddr}] boot success.`);
  }

  /** Java ClientHousekeepingService: close connections that stopped heartbeating. */
  scanNotActiveChannels(now = Date.now()): void {
    const expired = new Set([...this.consumerManager.scanNotActiveChannel(now), ...this.producerManager.scanNotActiveChannel(now)]);
    for (const conn of expired) {
      this.logger.warn({ remote: conn.remoteAddress }, 'client channel expired (no heartbeat), closing');
      conn.close('channel expired');
      // The 'disconnect' event does the clean-up; do it now too for connections not owned by our servers.
      this.producerManager.doChannelCloseEvent(conn);
      this.consumerManager.doChannelCloseEvent(conn, () => true);
    }
  }

  /** SIGTERM/SIGINT path: unregister, stop taking requests, drain, flush, persist. */
  async shutdown(): Promise<void> {
    if (this.shuttingDownFlag) return;
    this.shuttingDownFlag = true;
    for (const t of this.tasks) {
      clearTimeout(t.timer);
      clearInterval(t.timer);
    }
    if (this.started) {
      try {
        await this.registering;
        await this.outerAPI.unregisterBrokerAll(this.namesrvAddrs(), this.identity(), 3000);
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, 'unregister failed');
      }
    }
    this.rejecting = true;
    this.pullProcessor?.holdService.releaseAll();
    const deadline = Date.now() + (this.opts.shutdownDrainMs ?? 5000);
    while ((this.inflight > 0 || (this.pullProcessor?.pendingWakeups ?? 0) > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await this.remotingServer.shutdown();
    await this.fastRemotingServer.shutdown();
    this.remotingClient.shutdown();
    for (const task of [...this.shutdownTasks].reverse()) {
      try {
        await task();
      } catch (err) {
        this.logger.error({ err: (err as Error).message }, 'shutdown task failed');
      }
    }
    try {
      this.consumerOffsetManager.persist();
      this.topicConfigManager.persist();
      this.subscriptionGroupManager.persist();
    } catch (err) {
      this.logger.error({ err: (err as Error).message }, 'persist at shutdown failed');
    }
    if (this.storeImpl) await this.storeImpl.shutdown();
    this.logger.info('broker shut down');
  }
}
