// RouteInfoManager (Java namesrv/.../routeinfo/RouteInfoManager.java, 5.3.3 semantics): the route
// tables a NameServer builds from broker registrations, broker liveness, and the views clients read.
// Node runs this on one thread, so Java's read/write lock has no counterpart, and unregistration
// (a queue drained by a thread in Java) happens at once.
import type { Logger } from '../common/logger';
import type { DataVersion } from '../protocol/body/data-version';
import { dataVersionEquals, newDataVersion } from '../protocol/body/data-version';
import type { JsonValue } from '../protocol/body/json';
import type { TopicConfigSerializeWrapper } from '../protocol/body/register-broker-body';
import {
  cloneBrokerData, MASTER_ID, queueDataEquals, sortedBrokerAddrs,
  type BrokerData, type QueueData, type TopicRouteData,
} from '../protocol/body/route';
import { isWriteable, PermName, TopicSysFlag, type TopicConfig } from '../protocol/body/topic-config';
import type { Connection } from '../remoting/connection';

/** Java `DEFAULT_BROKER_CHANNEL_EXPIRED_TIME`: 2 minutes. */
export const DEFAULT_BROKER_CHANNEL_EXPIRED_TIME = 120_000;
/** `TopicValidator.SYNC_BROKER_MEMBER_GROUP_PREFIX`. */
const SYNC_BROKER_MEMBER_GROUP_PREFIX = 'rmq_sys_SYNC_BROKER_MEMBER_';

export interface BrokerLiveInfo {
  clusterName: string;
  brokerAddr: string;
  lastUpdateTimestamp: number;
  heartbeatTimeoutMillis: number;
  dataVersion: DataVersion;
  conn: Connection | undefined;
  haServerAddr: string | undefined;
}

export interface RegisterBrokerArgs {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
  haServerAddr: string | undefined;
  zoneName: string | undefined;
  timeoutMillis: number | undefined;
  /** `undefined` marks an old (4.x) broker. */
  enableActingMaster: boolean | undefined;
  topicConfigWrapper: TopicConfigSerializeWrapper;
  filterServerList: string[] | undefined;
  conn: Connection | undefined;
}

export interface RegisterBrokerResult {
  haServerAddr?: string;
  masterAddr?: string;
}

export interface UnRegisterRequest {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
}

export interface RouteInfoOptions {
  deleteTopicWithBrokerRegistration: () => boolean;
  supportActingMaster: () => boolean;
  now?: () => number;
}

function liveKey(clusterName: string, brokerAddr: string): string {
  return `${clusterName}\u0000${brokerAddr}`;
}

function minKey(m: ReadonlyMap<number, string>): number {
  let min = Infinity;
  for (const k of m.keys()) if (k < min) min = k;
  return min;
}

export class RouteInfoManager {
  readonly topicQueueTable = new Map<string, Map<string, QueueData>>();
  readonly brokerAddrTable = new Map<string, BrokerData>();
  readonly clusterAddrTable = new Map<string, Set<string>>();
  readonly brokerLiveTable = new Map<string, BrokerLiveInfo>();
  readonly filterServerTable = new Map<string, string[]>();
  readonly topicQueueMappingInfoTable = new Map<string, Map<string, JsonValue>>();
  /** Bumped on every change of the tables that make up route data (route caches key on it). */
  version = 0;
  private readonly now: () => number;

  constructor(private readonly opts: RouteInfoOptions, private readonly log: Logger) {
    this.now = opts.now ?? Date.now;
  }

  // ---- registration -------------------------------------------------------------------------

  /** Returns `null` when the registration is refused (Java: "register broker failed"). */
  registerBroker(a: RegisterBrokerArgs): RegisterBrokerResult | null {
    const result: RegisterBrokerResult = {};
    const existing = this.brokerAddrTable.get(a.brokerName);
    // A single-topic registration (registerSingleTopicAll) before the broker's first full one is
    // refused. Java checks this after creating the cluster/broker entries; we check first so that
    // a refused request leaves the tables as they were.
    if (!(existing?.brokerAddrs.has(a.brokerId) ?? false) && a.topicConfigWrapper.topicConfigTable.size === 1) {
      this.log.warn({ brokerName: a.brokerName, brokerId: a.brokerId, brokerAddr: a.brokerAddr },
        "can't register a single topic config: the broker has not registered");
      return null;
    }
    this.version++;

    let brokerNames = this.clusterAddrTable.get(a.clusterName);
    if (!brokerNames) {
      brokerNames = new Set();
      this.clusterAddrTable.set(a.clusterName, brokerNames);
    }
    brokerNames.add(a.brokerName);

    let registerFirst = false;
    let brokerData = existing;
    if (!brokerData) {
      registerFirst = true;
      brokerData = { cluster: a.clusterName, brokerName: a.brokerName, brokerAddrs: new Map(), enableActingMaster: false };
      this.brokerAddrTable.set(a.brokerName, brokerData);
    }
    const isOldVersionBroker = a.enableActingMaster === undefined;
    brokerData.enableActingMaster = !isOldVersionBroker && a.enableActingMaster === true;
    if (a.zoneName === undefined) delete brokerData.zoneName;
    else brokerData.zoneName = a.zoneName;

    const addrs = brokerData.brokerAddrs;
    // Slave → master switch: one address keeps only one id.
    for (const [id, addr] of addrs) if (addr === a.brokerAddr && id !== a.brokerId) addrs.delete(id);

    const oldBrokerAddr = addrs.get(a.brokerId);
    if (oldBrokerAddr !== undefined && oldBrokerAddr !== a.brokerAddr) {
      const oldLive = this.brokerLiveTable.get(liveKey(a.clusterName, oldBrokerAddr));
      if (oldLive && oldLive.dataVersion.stateVersion > a.topicConfigWrapper.dataVersion.stateVersion) {
        this.log.warn({ clusterName: a.clusterName, brokerName: a.brokerName, brokerId: a.brokerId, oldBrokerAddr, brokerAddr: a.brokerAddr },
          'registering broker conflicts with the existing one (older state version), ignored');
        this.brokerLiveTable.delete(liveKey(a.clusterName, a.brokerAddr));
        return result;
      }
    }

    const oldAddr = addrs.get(a.brokerId);
    addrs.set(a.brokerId, a.brokerAddr);
    brokerData.brokerAddrs = sortedBrokerAddrs(addrs);
    registerFirst = registerFirst || oldAddr === undefined || oldAddr === '';

    const isMaster = a.brokerId === MASTER_ID;
    const isPrimeSlave = !isOldVersionBroker && !isMaster && a.brokerId === minKey(brokerData.brokerAddrs);
    const wrapper = a.topicConfigWrapper;

    if (isMaster || isPrimeSlave) {
      const tcTable = wrapper.topicConfigTable;
      const mappingInfo = wrapper.topicQueueMappingInfoMap ?? new Map<string, JsonValue>();
      if (this.opts.deleteTopicWithBrokerRegistration() && mappingInfo.size === 0) {
        for (const [topic, qdMap] of this.topicQueueTable) {
          if (!qdMap.has(a.brokerName) || tcTable.has(topic)) continue;
          qdMap.delete(a.brokerName);
          this.log.info({ brokerName: a.brokerName, topic }, 'deleteTopic, remove one broker\'s topic');
          if (qdMap.size === 0) this.topicQueueTable.delete(topic);
        }
      }
      const configChanged = this.isBrokerTopicConfigChanged(a.clusterName, a.brokerAddr, wrapper.dataVersion);
      for (const tc of tcTable.values()) {
        if (registerFirst || configChanged || this.isTopicMissingBroker(tc.topicName, a.brokerName)) {
          let perm = tc.perm;
          if (isPrimeSlave && brokerData.enableActingMaster) perm &= ~PermName.PERM_WRITE;
          this.createAndUpdateQueueData(a.brokerName, tc, perm);
        }
      }
      if (configChanged || registerFirst) {
        for (const [topic, info] of mappingInfo) {
          let m = this.topicQueueMappingInfoTable.get(topic);
          if (!m) {
            m = new Map();
            this.topicQueueMappingInfoTable.set(topic, m);
          }
          const bname = info !== null && typeof info === 'object' && !Array.isArray(info) && typeof info.bname === 'string'
            ? info.bname : a.brokerName;
          m.set(bname, info);
        }
      }
    }

    const key = liveKey(a.clusterName, a.brokerAddr);
    const prevLive = this.brokerLiveTable.get(key);
    this.brokerLiveTable.set(key, {
      clusterName: a.clusterName,
      brokerAddr: a.brokerAddr,
      lastUpdateTimestamp: this.now(),
      heartbeatTimeoutMillis: a.timeoutMillis ?? DEFAULT_BROKER_CHANNEL_EXPIRED_TIME,
      dataVersion: wrapper.dataVersion,
      conn: a.conn,
      haServerAddr: a.haServerAddr,
    });
    if (!prevLive) {
      this.log.info({ clusterName: a.clusterName, brokerAddr: a.brokerAddr, brokerName: a.brokerName, brokerId: a.brokerId, haServerAddr: a.haServerAddr },
        'new broker registered');
    }

    if (a.filterServerList !== undefined) {
      if (a.filterServerList.length === 0) this.filterServerTable.delete(key);
      else this.filterServerTable.set(key, a.filterServerList);
    }

    if (a.brokerId !== MASTER_ID) {
      const masterAddr = brokerData.brokerAddrs.get(MASTER_ID);
      if (masterAddr !== undefined) {
        const masterLive = this.brokerLiveTable.get(liveKey(a.clusterName, masterAddr));
        if (masterLive) {
          if (masterLive.haServerAddr !== undefined) result.haServerAddr = masterLive.haServerAddr;
          result.masterAddr = masterAddr;
        }
      }
    }
    return result;
  }

  /** Java `isTopicConfigChanged` minus the broker-level part: the topic has no queue data of this broker. */
  private isTopicMissingBroker(topic: string, brokerName: string): boolean {
    const qdMap = this.topicQueueTable.get(topic);
    return !qdMap || qdMap.size === 0 || !qdMap.has(brokerName);
  }

  private createAndUpdateQueueData(brokerName: string, tc: TopicConfig, perm: number): void {
    const qd: QueueData = {
      brokerName,
      readQueueNums: tc.readQueueNums,
      writeQueueNums: tc.writeQueueNums,
      perm,
      topicSysFlag: tc.topicSysFlag,
    };
    const qdMap = this.topicQueueTable.get(tc.topicName);
    if (!qdMap) {
      this.topicQueueTable.set(tc.topicName, new Map([[brokerName, qd]]));
      this.log.info({ topic: tc.topicName, brokerName }, 'new topic registered');
      return;
    }
    const existed = qdMap.get(brokerName);
    if (!existed || !queueDataEquals(existed, qd)) {
      if (existed) this.log.info({ topic: tc.topicName, old: existed, new: qd }, 'topic changed');
      qdMap.set(brokerName, qd);
    }
  }

  /** REGISTER_TOPIC_IN_NAMESRV: queue data for brokers that are registered, else nothing. */
  registerTopic(topic: string, queueDatas: QueueData[]): void {
    if (queueDatas.length === 0) return;
    for (const qd of queueDatas) {
      if (!this.brokerAddrTable.has(qd.brokerName)) {
        this.log.warn({ topic, brokerName: qd.brokerName }, 'register topic contains an unknown broker, ignored');
        return;
      }
    }
    let qdMap = this.topicQueueTable.get(topic);
    if (!qdMap) {
      qdMap = new Map();
      this.topicQueueTable.set(topic, qdMap);
    }
    for (const qd of queueDatas) qdMap.set(qd.brokerName, { ...qd });
    this.version++;
    this.log.info({ topic, brokers: queueDatas.map((q) => q.brokerName) }, 'register topic route');
  }

  // ---- liveness -------------------------------------------------------------------------------

  isBrokerTopicConfigChanged(clusterName: string, brokerAddr: string, dataVersion: DataVersion | undefined): boolean {
    const prev = this.queryBrokerTopicConfig(clusterName, brokerAddr);
    return prev === undefined || dataVersion === undefined || !dataVersionEquals(prev, dataVersion);
  }

  queryBrokerTopicConfig(clusterName: string, brokerAddr: string): DataVersion | undefined {
    return this.brokerLiveTable.get(liveKey(clusterName, brokerAddr))?.dataVersion;
  }

  updateBrokerInfoUpdateTimestamp(clusterName: string, brokerAddr: string): void {
    const live = this.brokerLiveTable.get(liveKey(clusterName, brokerAddr));
    if (live) live.lastUpdateTimestamp = this.now();
  }

  /** Drops brokers whose last registration/heartbeat is older than their timeout; returns how many. */
  scanNotActiveBroker(): number {
    const now = this.now();
    let expired = 0;
    for (const [key, live] of [...this.brokerLiveTable]) {
      if (live.lastUpdateTimestamp + live.heartbeatTimeoutMillis >= now) continue;
      if (this.brokerLiveTable.get(key) !== live) continue; // removed meanwhile
      expired++;
      this.log.warn({ clusterName: live.clusterName, brokerAddr: live.brokerAddr, timeoutMillis: live.heartbeatTimeoutMillis },
        'the broker channel expired');
      this.onBrokerGone(live.clusterName, live.brokerAddr);
      live.conn?.close('broker channel expired');
    }
    return expired;
  }

  /** The connection closed (or failed, or idled out): unregister every broker registered on it. */
  onChannelDestroy(conn: Connection): void {
    for (const live of [...this.brokerLiveTable.values()]) {
      if (live.conn !== conn) continue;
      this.log.info({ clusterName: live.clusterName, brokerAddr: live.brokerAddr }, "the broker's channel destroyed, unregister it at once");
      this.onBrokerGone(live.clusterName, live.brokerAddr);
    }
  }

  private onBrokerGone(clusterName: string, brokerAddr: string): void {
    for (const bd of this.brokerAddrTable.values()) {
      if (bd.cluster !== clusterName) continue;
      for (const [id, addr] of bd.brokerAddrs) {
        if (addr === brokerAddr) {
          this.unRegisterBroker([{ clusterName, brokerAddr, brokerName: bd.brokerName, brokerId: id }]);
          return;
        }
      }
    }
    // Known to the live table only (its registration was refused): just forget it.
    this.brokerLiveTable.delete(liveKey(clusterName, brokerAddr));
    this.filterServerTable.delete(liveKey(clusterName, brokerAddr));
  }

  unRegisterBroker(requests: UnRegisterRequest[]): void {
    const removedBroker = new Set<string>();
    const reducedBroker = new Set<string>();
    this.version++;
    for (const r of requests) {
      const key = liveKey(r.clusterName, r.brokerAddr);
      const live = this.brokerLiveTable.get(key);
      this.brokerLiveTable.delete(key);
      this.filterServerTable.delete(key);
      this.log.info({ clusterName: r.clusterName, brokerAddr: r.brokerAddr, found: live !== undefined }, 'unregisterBroker, remove from brokerLiveTable');

      let removeBrokerName = false;
      const bd = this.brokerAddrTable.get(r.brokerName);
      if (bd) {
        for (const [id, addr] of bd.brokerAddrs) if (addr === r.brokerAddr) bd.brokerAddrs.delete(id);
        if (bd.brokerAddrs.size === 0) {
          this.brokerAddrTable.delete(r.brokerName);
          removeBrokerName = true;
        }
      }
      if (removeBrokerName) {
        const names = this.clusterAddrTable.get(r.clusterName);
        if (names) {
          names.delete(r.brokerName);
          if (names.size === 0) this.clusterAddrTable.delete(r.clusterName);
        }
        removedBroker.add(r.brokerName);
      } else {
        reducedBroker.add(r.brokerName);
      }
    }
    this.cleanTopicByUnRegisterRequests(removedBroker, reducedBroker);
  }

  private cleanTopicByUnRegisterRequests(removedBroker: Set<string>, reducedBroker: Set<string>): void {
    for (const [topic, qdMap] of this.topicQueueTable) {
      for (const name of removedBroker) qdMap.delete(name);
      if (qdMap.size === 0) {
        this.topicQueueTable.delete(topic);
        continue;
      }
      for (const name of reducedBroker) {
        const qd = qdMap.get(name);
        const bd = this.brokerAddrTable.get(name);
        if (qd && bd?.enableActingMaster && this.isNoMasterExists(name)) qd.perm &= ~PermName.PERM_WRITE;
      }
    }
  }

  private isNoMasterExists(brokerName: string): boolean {
    const bd = this.brokerAddrTable.get(brokerName);
    return !bd || bd.brokerAddrs.size === 0 || minKey(bd.brokerAddrs) > 0;
  }

  // ---- reads ----------------------------------------------------------------------------------

  /** Route data of a topic, or `undefined` when no queue data or no registered broker serves it. */
  pickupTopicRouteData(topic: string): TopicRouteData | undefined {
    const qdMap = this.topicQueueTable.get(topic);
    if (!qdMap) return undefined;
    const queueDatas = [...qdMap.values()].map((q) => ({ ...q })).sort((a, b) => (a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0));
    const brokerDatas: BrokerData[] = [];
    const filterServerTable = new Map<string, string[]>();
    for (const name of [...qdMap.keys()].sort()) {
      const bd = this.brokerAddrTable.get(name);
      if (!bd) continue;
      const clone = cloneBrokerData(bd);
      brokerDatas.push(clone);
      if (this.filterServerTable.size === 0) continue;
      for (const addr of clone.brokerAddrs.values()) {
        const list = this.filterServerTable.get(liveKey(clone.cluster, addr));
        if (list) filterServerTable.set(addr, list);
      }
    }
    if (brokerDatas.length === 0) return undefined;
    const route: TopicRouteData = { queueDatas, brokerDatas, filterServerTable };
    const mapping = this.topicQueueMappingInfoTable.get(topic);
    if (mapping) route.topicQueueMappingByBroker = mapping;
    if (this.opts.supportActingMaster() && !topic.startsWith(SYNC_BROKER_MEMBER_GROUP_PREFIX)) this.applyActingMaster(route);
    return route;
  }

  /** Slave acting master: a master-less group whose queues are read-only shows its lowest id as 0. */
  private applyActingMaster(route: TopicRouteData): void {
    const needed = route.brokerDatas.some((b) => b.brokerAddrs.size !== 0 && !b.brokerAddrs.has(MASTER_ID));
    if (!needed) return;
    for (const bd of route.brokerDatas) {
      if (bd.brokerAddrs.size === 0 || bd.brokerAddrs.has(MASTER_ID) || !bd.enableActingMaster) continue;
      const qd = route.queueDatas.find((q) => q.brokerName === bd.brokerName);
      if (qd && !isWriteable(qd.perm)) {
        const minId = minKey(bd.brokerAddrs);
        const addr = bd.brokerAddrs.get(minId) ?? '';
        bd.brokerAddrs.delete(minId);
        bd.brokerAddrs = sortedBrokerAddrs(new Map([...bd.brokerAddrs, [MASTER_ID, addr]]));
      }
    }
  }

  getAllTopicList(): string[] {
    return [...this.topicQueueTable.keys()];
  }

  getTopicsByCluster(cluster: string | undefined): string[] {
    const names = cluster === undefined ? undefined : this.clusterAddrTable.get(cluster);
    if (!names) return []; // Java: NPE caught and logged, empty list
    const out = new Set<string>();
    for (const name of names) {
      for (const [topic, qdMap] of this.topicQueueTable) if (qdMap.has(name)) out.add(topic);
    }
    return [...out];
  }

  /** Cluster names and broker names, plus the first address of one broker. */
  getSystemTopicList(): { topicList: string[]; brokerAddr?: string } {
    const list = new Set<string>();
    for (const [cluster, names] of this.clusterAddrTable) {
      list.add(cluster);
      for (const n of names) list.add(n);
    }
    for (const bd of this.brokerAddrTable.values()) {
      const first = bd.brokerAddrs.values().next();
      if (!first.done) return { topicList: [...list], brokerAddr: first.value };
    }
    return { topicList: [...list] };
  }

  private topicsBySysFlag(pred: (flag: number) => boolean): string[] {
    const out: string[] = [];
    for (const [topic, qdMap] of this.topicQueueTable) {
      const first = qdMap.values().next();
      if (!first.done && pred(first.value.topicSysFlag)) out.push(topic);
    }
    return out;
  }

  getUnitTopics(): string[] {
    return this.topicsBySysFlag((f) => (f & TopicSysFlag.FLAG_UNIT) !== 0);
  }

  getHasUnitSubTopicList(): string[] {
    return this.topicsBySysFlag((f) => (f & TopicSysFlag.FLAG_UNIT_SUB) !== 0);
  }

  getHasUnitSubUnUnitTopicList(): string[] {
    return this.topicsBySysFlag((f) => (f & TopicSysFlag.FLAG_UNIT) === 0 && (f & TopicSysFlag.FLAG_UNIT_SUB) !== 0);
  }

  getBrokerMemberGroup(clusterName: string | undefined, brokerName: string | undefined): Map<number, string> {
    const bd = brokerName === undefined ? undefined : this.brokerAddrTable.get(brokerName);
    void clusterName;
    return bd ? new Map(bd.brokerAddrs) : new Map();
  }

  // ---- admin writes ---------------------------------------------------------------------------

  /** WIPE_WRITE_PERM_OF_BROKER / ADD_WRITE_PERM_OF_BROKER: returns the number of topics touched. */
  operateWritePermOfBroker(brokerName: string, wipe: boolean): number {
    let count = 0;
    for (const qdMap of this.topicQueueTable.values()) {
      const qd = qdMap.get(brokerName);
      if (!qd) continue;
      qd.perm = wipe ? qd.perm & ~PermName.PERM_WRITE : PermName.PERM_READ | PermName.PERM_WRITE;
      count++;
    }
    if (count > 0) this.version++;
    return count;
  }

  deleteTopic(topic: string, clusterName?: string): void {
    this.version++;
    if (clusterName === undefined || clusterName === '') {
      this.topicQueueTable.delete(topic);
      return;
    }
    const names = this.clusterAddrTable.get(clusterName);
    const qdMap = this.topicQueueTable.get(topic);
    if (!names || names.size === 0 || !qdMap) return;
    for (const n of names) qdMap.delete(n);
    if (qdMap.size === 0) this.topicQueueTable.delete(topic);
  }

  /** A DataVersion for brokers that registered without a body. */
  static emptyDataVersion(): DataVersion {
    return newDataVersion(0);
  }
}
