// NamesrvController (Java namesrv/.../NamesrvController.java): wires the remoting server, the
// processors, RouteInfoManager, KVConfigManager and the periodic broker scan. Embeddable: the
// `standalone` command starts one in the same process as a Broker.
import { getLogger, type Logger } from '../common/logger';
import { RequestCode } from '../protocol/request-code';
import { ResponseCode } from '../protocol/response-code';
import { createResponse, type RemotingCommand } from '../remoting/command';
import type { Connection } from '../remoting/connection';
import { unsupportedRemark } from '../remoting/processor';
import { RemotingServer } from '../remoting/server';
import { writeFileAtomicSync } from './atomic-file';
import { KVConfigManager } from './kv-config-manager';
import { NamesrvConfig } from './namesrv-config';
import type { NamesrvContext } from './namesrv-context';
import { BrokerRequestProcessor } from './processors/broker-request-processor';
import { ClientRequestProcessor } from './processors/client-request-processor';
import { ConfigProcessor } from './processors/config-processor';
import { KVConfigProcessor } from './processors/kv-config-processor';
import { TopicRequestProcessor } from './processors/topic-request-processor';
import { RouteInfoManager } from './route-info-manager';

export interface NamesrvControllerOptions {
  /** Host to bind; default: the `bindAddress` key (0.0.0.0). Tests pass 127.0.0.1. */
  host?: string;
  logger?: Logger;
  /** Clock for liveness (tests). */
  now?: () => number;
}

type Handler = (conn: Connection, request: RemotingCommand) => RemotingCommand;

export class NamesrvController implements NamesrvContext {
  readonly config: NamesrvConfig;
  readonly log: Logger;
  readonly routeInfoManager: RouteInfoManager;
  readonly kvConfigManager: KVConfigManager;
  readonly remotingServer: RemotingServer;
  private scanTimer: NodeJS.Timeout | undefined;
  private started = false;
  private stopped = false;

  constructor(config: NamesrvConfig = new NamesrvConfig(), opts: NamesrvControllerOptions = {}) {
    this.config = config;
    this.log = opts.logger ?? getLogger('namesrv');
    this.routeInfoManager = new RouteInfoManager({
      deleteTopicWithBrokerRegistration: () => this.config.bool('deleteTopicWithBrokerRegistration'),
      supportActingMaster: () => this.config.bool('supportActingMaster'),
      now: opts.now,
    }, this.log);
    this.kvConfigManager = new KVConfigManager(() => this.config.str('kvConfigPath'), this.log);
    this.remotingServer = new RemotingServer({
      port: config.num('listenPort'),
      host: opts.host ?? config.str('bindAddress'),
      idleTimeoutMs: config.num('serverChannelMaxIdleTimeSeconds') * 1000,
      logger: this.log,
    });
    this.registerProcessors();
    this.remotingServer.on('disconnect', (conn: Connection) => this.routeInfoManager.onChannelDestroy(conn));
  }

  private registerProcessors(): void {
    const broker = new BrokerRequestProcessor(this);
    const client = new ClientRequestProcessor(this);
    const topic = new TopicRequestProcessor(this);
    const kv = new KVConfigProcessor(this);
    const cfg = new ConfigProcessor(this);
    const table: Array<[number, Handler]> = [
      [RequestCode.PUT_KV_CONFIG, (c, r) => kv.putKVConfig(c, r)],
      [RequestCode.GET_KV_CONFIG, (c, r) => kv.getKVConfig(c, r)],
      [RequestCode.DELETE_KV_CONFIG, (c, r) => kv.deleteKVConfig(c, r)],
      [RequestCode.GET_KVLIST_BY_NAMESPACE, (c, r) => kv.getKVListByNamespace(c, r)],
      [RequestCode.QUERY_DATA_VERSION, (c, r) => broker.queryDataVersion(c, r)],
      [RequestCode.REGISTER_BROKER, (c, r) => broker.registerBroker(c, r)],
      [RequestCode.UNREGISTER_BROKER, (c, r) => broker.unregisterBroker(c, r)],
      [RequestCode.BROKER_HEARTBEAT, (c, r) => broker.brokerHeartbeat(c, r)],
      [RequestCode.GET_BROKER_MEMBER_GROUP, (c, r) => broker.getBrokerMemberGroup(c, r)],
      [RequestCode.REGISTER_TOPIC_IN_NAMESRV, (c, r) => broker.registerTopicToNamesrv(c, r)],
      [RequestCode.GET_ROUTEINFO_BY_TOPIC, (c, r) => client.getRouteInfoByTopic(c, r)],
      [RequestCode.GET_BROKER_CLUSTER_INFO, (c, r) => topic.getBrokerClusterInfo(c, r)],
      [RequestCode.WIPE_WRITE_PERM_OF_BROKER, (c, r) => topic.wipeWritePermOfBroker(c, r)],
      [RequestCode.ADD_WRITE_PERM_OF_BROKER, (c, r) => topic.addWritePermOfBroker(c, r)],
      [RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, (c, r) => topic.getAllTopicList(c, r)],
      [RequestCode.DELETE_TOPIC_IN_NAMESRV, (c, r) => topic.deleteTopicInNamesrv(c, r)],
      [RequestCode.GET_TOPICS_BY_CLUSTER, (c, r) => topic.getTopicsByCluster(c, r)],
      [RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS, (c, r) => topic.getSystemTopicList(c, r)],
      [RequestCode.GET_UNIT_TOPIC_LIST, (c, r) => topic.getUnitTopicList(c, r)],
      [RequestCode.GET_HAS_UNIT_SUB_TOPIC_LIST, (c, r) => topic.getHasUnitSubTopicList(c, r)],
      [RequestCode.GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST, (c, r) => topic.getHasUnitSubUnUnitTopicList(c, r)],
      [RequestCode.UPDATE_NAMESRV_CONFIG, (c, r) => cfg.updateConfig(c, r)],
      [RequestCode.GET_NAMESRV_CONFIG, (c, r) => cfg.getConfig(c, r)],
    ];
    for (const [code, handler] of table) this.remotingServer.registerProcessor(code, handler);
    this.remotingServer.registerDefaultProcessor((conn, request) => {
      this.log.warn({ remote: conn.remoteAddress, code: request.code }, 'request code not supported');
      return createResponse(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, { remark: unsupportedRemark(request.code) });
    });
  }

  /** Loads kvConfig.json, listens, starts the broker scan. Resolves with the bound port. */
  async start(): Promise<number> {
    if (this.started) return this.port;
    this.started = true;
    for (const key of ['clusterTest', 'enableControllerInNamesrv', 'notifyMinBrokerIdChanged']) {
      if (this.config.bool(key)) this.log.warn({ key }, 'not supported by rocketmq-ts, ignored');
    }
    this.kvConfigManager.load();
    const port = await this.remotingServer.start();
    this.config.set('listenPort', port);
    const interval = Math.max(1, this.config.num('scanNotActiveBrokerInterval') || 5000);
    const scan = (): void => {
      try {
        this.routeInfoManager.scanNotActiveBroker();
      } catch (e) {
        this.log.error({ err: e instanceof Error ? e.message : String(e) }, 'scanNotActiveBroker failed');
      }
    };
    this.scanTimer = setInterval(scan, interval);
    this.scanTimer.unref();
    this.log.info({ port, scanNotActiveBrokerInterval: interval }, 'The Name Server boot success');
    return port;
  }

  get port(): number {
    return this.remotingServer.port;
  }

  /** `persistConfig` for UPDATE_NAMESRV_CONFIG: all configs to `configStorePath`, atomically. */
  persistConfig(): void {
    const file = this.config.str('configStorePath');
    try {
      writeFileAtomicSync(file, this.config.toPropertiesText());
    } catch (e) {
      this.log.error({ file, err: e instanceof Error ? e.message : String(e) }, 'persist config failed');
    }
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.scanTimer) clearInterval(this.scanTimer);
    await this.remotingServer.shutdown();
    this.log.info('name server shut down');
  }
}
