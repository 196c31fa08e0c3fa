// Requests brokers send to the NameServer (Java DefaultRequestProcessor): REGISTER_BROKER,
// UNREGISTER_BROKER, BROKER_HEARTBEAT, QUERY_DATA_VERSION, GET_BROKER_MEMBER_GROUP,
// REGISTER_TOPIC_IN_NAMESRV. Facts: requests.md §1.1–1.3.
import { bodyCrc32 } from '../../common/crc32';
import { decodeDataVersion, encodeDataVersion } from '../../protocol/body/data-version';
import { encodeGetBrokerMemberGroupResponseBody } from '../../protocol/body/broker-member-group';
import { parseJson } from '../../protocol/body/json';
import { decodeRegisterBrokerBody, registerBrokerBodyFromJson, type RegisterBrokerBody } from '../../protocol/body/register-broker-body';
import { decodeTopicRouteData } from '../../protocol/body/route';
import { encodeHeader } from '../../protocol/header';
import {
  BrokerHeartbeatRequestHeader, GetBrokerMemberGroupRequestHeader, NAMESPACE_ORDER_TOPIC_CONFIG,
  QueryDataVersionRequestHeader, QueryDataVersionResponseHeader, RegisterBrokerRequestHeader,
  RegisterBrokerResponseHeader, RegisterTopicRequestHeader, UnRegisterBrokerRequestHeader, ZONE_NAME,
} from '../../protocol/headers/namesrv';
import { ResponseCode } from '../../protocol/response-code';
import { MQVersion } from '../../protocol/version';
import { createResponse, type RemotingCommand } from '../../remoting/command';
import type { Connection } from '../../remoting/connection';
import { RemotingError } from '../../remoting/errors';
import type { NamesrvContext } from '../namesrv-context';
import { lenientHeader, strictHeader } from './request-util';

const DECODE_FAILED = 'org.apache.rocketmq.remoting.exception.RemotingCommandException: Failed to decode RegisterBrokerBody';

export class BrokerRequestProcessor {
  constructor(private readonly ctx: NamesrvContext) {}

  registerBroker(conn: Connection, request: RemotingCommand): RemotingCommand {
    const { log, routeInfoManager, kvConfigManager, config } = this.ctx;
    const h = strictHeader(RegisterBrokerRequestHeader, request, conn, log);
    const crc = h.bodyCrc32 ?? 0;
    if (crc !== 0) {
      const actual = request.body ? bodyCrc32(request.body) : 0;
      if (actual !== crc) {
        log.warn({ remote: conn.remoteAddress, brokerName: h.brokerName, expected: crc, actual }, 'receive registerBroker request, crc32 not match');
        return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: 'crc32 not match' });
      }
    }
    let body: RegisterBrokerBody;
    let filterServerList: string[] | undefined;
    if (request.version >= MQVersion.V3_0_11) {
      const r = decodeRegisterBrokerBody(request.body, h.compressed === true, request.version);
      if (!r.ok) {
        log.warn({ remote: conn.remoteAddress, brokerName: h.brokerName, brokerAddr: h.brokerAddr, compressed: h.compressed === true, bodyLength: request.body?.length ?? 0, reason: r.reason },
          'failed to decode RegisterBrokerBody');
        throw new RemotingError(ResponseCode.SYSTEM_ERROR, DECODE_FAILED);
      }
      body = r.value;
      filterServerList = body.filterServerList;
    } else {
      // Brokers older than V3_0_11 send a bare TopicConfigSerializeWrapper.
      const parsed = request.body && request.body.length > 0 ? parseJson(request.body) : undefined;
      try {
        body = registerBrokerBodyFromJson(parsed === undefined ? {} : parsed.ok ? { topicConfigSerializeWrapper: parsed.value } : null);
      } catch (e) {
        log.warn({ remote: conn.remoteAddress, brokerName: h.brokerName, reason: e instanceof Error ? e.message : String(e) }, 'failed to decode TopicConfigSerializeWrapper');
        throw new RemotingError(ResponseCode.SYSTEM_ERROR, DECODE_FAILED);
      }
    }

    const result = routeInfoManager.registerBroker({
      clusterName: h.clusterName,
      brokerAddr: h.brokerAddr,
      brokerName: h.brokerName,
      brokerId: h.brokerId,
      haServerAddr: h.haServerAddr,
      zoneName: request.extFields?.[ZONE_NAME],
      timeoutMillis: h.heartbeatTimeoutMillis,
      enableActingMaster: h.enableActingMaster,
      topicConfigWrapper: body.topicConfigSerializeWrapper,
      filterServerList,
      conn,
    });
    if (result === null) return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: 'register broker failed' });

    const extFields = encodeHeader(RegisterBrokerResponseHeader, result);
    const respBody = config.bool('returnOrderTopicConfigToBroker') ? kvConfigManager.getKVListByNamespace(NAMESPACE_ORDER_TOPIC_CONFIG) : undefined;
    return createResponse(request, ResponseCode.SUCCESS, { extFields, body: respBody });
  }

  unregisterBroker(conn: Connection, request: RemotingCommand): RemotingCommand {
    const h = lenientHeader(UnRegisterBrokerRequestHeader, request, conn, this.ctx.log);
    if (h.clusterName !== undefined && h.brokerAddr !== undefined && h.brokerName !== undefined) {
      this.ctx.routeInfoManager.unRegisterBroker([{ clusterName: h.clusterName, brokerAddr: h.brokerAddr, brokerName: h.brokerName, brokerId: h.brokerId ?? -1 }]);
    }
    // Java queues the request and answers SUCCESS; a request with nulls fails later, in the queue.
    return createResponse(request, ResponseCode.SUCCESS);
  }

  brokerHeartbeat(conn: Connection, request: RemotingCommand): RemotingCommand {
    const h = strictHeader(BrokerHeartbeatRequestHeader, request, conn, this.ctx.log);
    this.ctx.routeInfoManager.updateBrokerInfoUpdateTimestamp(h.clusterName, h.brokerAddr);
    return createResponse(request, ResponseCode.SUCCESS);
  }

  queryDataVersion(conn: Connection, request: RemotingCommand): RemotingCommand {
    const { log, routeInfoManager } = this.ctx;
    const h = strictHeader(QueryDataVersionRequestHeader, request, conn, log);
    const dv = decodeDataVersion(request.body);
    if (!dv.ok) {
      log.warn({ remote: conn.remoteAddress, reason: dv.reason }, 'bad DataVersion body');
      throw new RemotingError(ResponseCode.SYSTEM_ERROR, `com.alibaba.fastjson.JSONException: ${dv.reason}`);
    }
    const changed = routeInfoManager.isBrokerTopicConfigChanged(h.clusterName, h.brokerAddr, dv.value);
    routeInfoManager.updateBrokerInfoUpdateTimestamp(h.clusterName, h.brokerAddr);
    const ours = routeInfoManager.queryBrokerTopicConfig(h.clusterName, h.brokerAddr);
    return createResponse(request, ResponseCode.SUCCESS, {
      extFields: encodeHeader(QueryDataVersionResponseHeader, { changed }),
      body: ours ? encodeDataVersion(ours) : undefined,
    });
  }

  getBrokerMemberGroup(conn: Connection, request: RemotingCommand): RemotingCommand {
    const h = lenientHeader(GetBrokerMemberGroupRequestHeader, request, conn, this.ctx.log);
    const brokerAddrs = this.ctx.routeInfoManager.getBrokerMemberGroup(h.clusterName, h.brokerName);
    return createResponse(request, ResponseCode.SUCCESS, {
      body: encodeGetBrokerMemberGroupResponseBody({ cluster: h.clusterName, brokerName: h.brokerName, brokerAddrs }),
    });
  }

  registerTopicToNamesrv(conn: Connection, request: RemotingCommand): RemotingCommand {
    const { log, routeInfoManager } = this.ctx;
    const h = strictHeader(RegisterTopicRequestHeader, request, conn, log);
    if (request.body && request.body.length > 0) {
      const r = decodeTopicRouteData(request.body);
      if (!r.ok) {
        log.warn({ remote: conn.remoteAddress, topic: h.topic, reason: r.reason }, 'bad TopicRouteData body');
        throw new RemotingError(ResponseCode.SYSTEM_ERROR, `com.alibaba.fastjson.JSONException: ${r.reason}`);
      }
      routeInfoManager.registerTopic(h.topic, r.value.queueDatas);
    }
    return createResponse(request, ResponseCode.SUCCESS);
  }
}
