// GET_ROUTEINFO_BY_TOPIC (Java ClientRequestProcessor + ZoneRouteRPCHook): route data in the
// fastjson default form for request versions < V4_9_4 without acceptStandardJsonOnly, the standard
// form otherwise (requests.md §1.4). Encoded bodies are cached per topic until a route or KV change.
import { NAMESPACE_ORDER_TOPIC_CONFIG, GetRouteInfoRequestHeader, ZONE_MODE, ZONE_NAME } from '../../protocol/headers/namesrv';
import { encodeTopicRouteData, MASTER_ID, type TopicRouteData } from '../../protocol/body/route';
import { ResponseCode } from '../../protocol/response-code';
import { MQVersion } from '../../protocol/version';
import { createResponse, type RemotingCommand } from '../../remoting/command';
import type { Connection } from '../../remoting/connection';
import type { NamesrvContext } from '../namesrv-context';
import { lenientHeader } from './request-util';

const APPLY_TOPIC_URL = 'https://rocketmq.apache.org/docs/bestPractice/06FAQ';
const CACHE_LIMIT = 100_000;

interface CacheEntry {
  routeVersion: number;
  kvVersion: number;
  standard?: Buffer;
  fastjson?: Buffer;
}

export class ClientRequestProcessor {
  private readonly startupTime = Date.now();
  private readonly cache = new Map<string, CacheEntry>();

  constructor(private readonly ctx: NamesrvContext) {}

  getRouteInfoByTopic(conn: Connection, request: RemotingCommand): RemotingCommand {
    const { config, routeInfoManager, kvConfigManager, log } = this.ctx;
    const header = lenientHeader(GetRouteInfoRequestHeader, request, conn, log);
    if (config.bool('needWaitForService') && Date.now() - this.startupTime < config.num('waitSecondsForService') * 1000) {
      log.warn({ code: request.code }, 'name server not ready');
      return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: 'name server not ready' });
    }
    const topic = header.topic;
    const standard = request.version >= MQVersion.V4_9_4 || header.acceptStandardJsonOnly === true;
    const zoneName = request.extFields?.[ZONE_NAME];
    const zoneMode = (request.extFields?.[ZONE_MODE] ?? '').toLowerCase() === 'true' && zoneName !== undefined && zoneName.trim() !== '';

    let body: Buffer | undefined;
    if (topic !== undefined && !zoneMode) {
      const entry = this.cache.get(topic);
      if (entry && entry.routeVersion === routeInfoManager.version && entry.kvVersion === kvConfigManager.version) {
        body = standard ? entry.standard : entry.fastjson;
      }
    }
    if (!body) {
      const route = topic === undefined ? undefined : routeInfoManager.pickupTopicRouteData(topic);
      if (!route || topic === undefined) {
        return createResponse(request, ResponseCode.TOPIC_NOT_EXIST, {
          remark: `No topic route info in name server for the topic: ${topic ?? 'null'}\nSee ${APPLY_TOPIC_URL} for further details.`,
        });
      }
      if (config.bool('orderMessageEnable')) {
        const conf = kvConfigManager.getKVConfig(NAMESPACE_ORDER_TOPIC_CONFIG, topic);
        if (conf !== undefined) route.orderTopicConf = conf;
      }
      if (zoneMode && zoneName !== undefined) {
        // ZoneRouteRPCHook re-encodes the filtered route with default fastjson, whatever the version.
        body = encodeTopicRouteData(filterByZoneName(route, zoneName));
      } else {
        body = encodeTopicRouteData(route, { standard });
        this.remember(topic, standard, body);
      }
    }
    return createResponse(request, ResponseCode.SUCCESS, { body });
  }

  private remember(topic: string, standard: boolean, body: Buffer): void {
    const rv = this.ctx.routeInfoManager.version;
    const kv = this.ctx.kvConfigManager.version;
    let entry = this.cache.get(topic);
    if (!entry || entry.routeVersion !== rv || entry.kvVersion !== kv) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      entry = { routeVersion: rv, kvVersion: kv };
      this.cache.set(topic, entry);
    }
    if (standard) entry.standard = body;
    else entry.fastjson = body;
  }
}

/** ZoneRouteRPCHook.filterByZoneName: keep brokers of the zone, and brokers without a master. */
function filterByZoneName(route: TopicRouteData, zoneName: string): TopicRouteData {
  const removed = new Map<string, string[]>();
  const kept = route.brokerDatas.filter((bd) => {
    const keep = !bd.brokerAddrs.has(MASTER_ID) || (bd.zoneName ?? '').toLowerCase() === zoneName.toLowerCase();
    if (!keep) removed.set(bd.brokerName, [...bd.brokerAddrs.values()]);
    return keep;
  });
  const filterServerTable = new Map(route.filterServerTable);
  for (const addrs of removed.values()) for (const a of addrs) filterServerTable.delete(a);
  return {
    ...route,
    brokerDatas: kept,
    queueDatas: route.queueDatas.filter((q) => !removed.has(q.brokerName)),
    filterServerTable,
  };
}
