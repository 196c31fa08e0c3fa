// Cluster/topic views and admin writes (Java DefaultRequestProcessor): GET_BROKER_CLUSTER_INFO,
// GET_ALL_TOPIC_LIST_FROM_NAMESERVER, GET_TOPICS_BY_CLUSTER, GET_SYSTEM_TOPIC_LIST_FROM_NS, the unit
// topic lists, DELETE_TOPIC_IN_NAMESRV, WIPE/ADD_WRITE_PERM_OF_BROKER. requests.md §1.5–1.7.
import { encodeClusterInfo } from '../../protocol/body/cluster-info';
import { encodeTopicList } from '../../protocol/body/topic-list';
import { encodeHeader } from '../../protocol/header';
import {
  AddWritePermOfBrokerRequestHeader, AddWritePermOfBrokerResponseHeader, DeleteTopicFromNamesrvRequestHeader,
  GetTopicsByClusterRequestHeader, WipeWritePermOfBrokerRequestHeader, WipeWritePermOfBrokerResponseHeader,
} from '../../protocol/headers/namesrv';
import { ResponseCode } from '../../protocol/response-code';
import { createResponse, type RemotingCommand } from '../../remoting/command';
import type { Connection } from '../../remoting/connection';
import type { NamesrvContext } from '../namesrv-context';
import { lenientHeader } from './request-util';

export class TopicRequestProcessor {
  constructor(private readonly ctx: NamesrvContext) {}

  private disabled(request: RemotingCommand): RemotingCommand {
    return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: 'disable' });
  }

  getBrokerClusterInfo(_conn: Connection, request: RemotingCommand): RemotingCommand {
    const rim = this.ctx.routeInfoManager;
    return createResponse(request, ResponseCode.SUCCESS, {
      body: encodeClusterInfo({ brokerAddrTable: rim.brokerAddrTable, clusterAddrTable: rim.clusterAddrTable }),
    });
  }

  getAllTopicList(conn: Connection, request: RemotingCommand): RemotingCommand {
    const enabled = this.ctx.config.bool('enableAllTopicList');
    this.ctx.log.info({ remote: conn.remoteAddress, enabled }, 'getAllTopicListFromNameserver');
    if (!enabled) return this.disabled(request);
    return createResponse(request, ResponseCode.SUCCESS, { body: encodeTopicList({ topicList: this.ctx.routeInfoManager.getAllTopicList() }) });
  }

  getTopicsByCluster(conn: Connection, request: RemotingCommand): RemotingCommand {
    if (!this.ctx.config.bool('enableTopicList')) return this.disabled(request);
    const h = lenientHeader(GetTopicsByClusterRequestHeader, request, conn, this.ctx.log);
    return createResponse(request, ResponseCode.SUCCESS, {
      body: encodeTopicList({ topicList: this.ctx.routeInfoManager.getTopicsByCluster(h.cluster) }),
    });
  }

  getSystemTopicList(_conn: Connection, request: RemotingCommand): RemotingCommand {
    return createResponse(request, ResponseCode.SUCCESS, { body: encodeTopicList(this.ctx.routeInfoManager.getSystemTopicList()) });
  }

  private unitList(request: RemotingCommand, list: () => string[]): RemotingCommand {
    if (!this.ctx.config.bool('enableTopicList')) return this.disabled(request);
    return createResponse(request, ResponseCode.SUCCESS, { body: encodeTopicList({ topicList: list() }) });
  }

  getUnitTopicList(_conn: Connection, request: RemotingCommand): RemotingCommand {
    return this.unitList(request, () => this.ctx.routeInfoManager.getUnitTopics());
  }

  getHasUnitSubTopicList(_conn: Connection, request: RemotingCommand): RemotingCommand {
    return this.unitList(request, () => this.ctx.routeInfoManager.getHasUnitSubTopicList());
  }

  getHasUnitSubUnUnitTopicList(_conn: Connection, request: RemotingCommand): RemotingCommand {
    return this.unitList(request, () => this.ctx.routeInfoManager.getHasUnitSubUnUnitTopicList());
  }

  deleteTopicInNamesrv(conn: Connection, request: RemotingCommand): RemotingCommand {
    const h = lenientHeader(DeleteTopicFromNamesrvRequestHeader, request, conn, this.ctx.log);
    if (h.topic !== undefined) {
      this.ctx.routeInfoManager.deleteTopic(h.topic, h.clusterName);
      this.ctx.log.info({ remote: conn.remoteAddress, topic: h.topic, clusterName: h.clusterName }, 'delete topic in namesrv');
    }
    return createResponse(request, ResponseCode.SUCCESS);
  }

  wipeWritePermOfBroker(conn: Connection, request: RemotingCommand): RemotingCommand {
    const h = lenientHeader(WipeWritePermOfBrokerRequestHeader, request, conn, this.ctx.log);
    const wipeTopicCount = h.brokerName === undefined ? 0 : this.ctx.routeInfoManager.operateWritePermOfBroker(h.brokerName, true);
    this.ctx.log.info({ brokerName: h.brokerName, remote: conn.remoteAddress, wipeTopicCount }, 'wipe write perm of broker');
    return createResponse(request, ResponseCode.SUCCESS, { extFields: encodeHeader(WipeWritePermOfBrokerResponseHeader, { wipeTopicCount }) });
  }

  addWritePermOfBroker(conn: Connection, request: RemotingCommand): RemotingCommand {
    const h = lenientHeader(AddWritePermOfBrokerRequestHeader, request, conn, this.ctx.log);
    const addTopicCount = h.brokerName === undefined ? 0 : this.ctx.routeInfoManager.operateWritePermOfBroker(h.brokerName, false);
    this.ctx.log.info({ brokerName: h.brokerName, remote: conn.remoteAddress, addTopicCount }, 'add write perm of broker');
    return createResponse(request, ResponseCode.SUCCESS, { extFields: encodeHeader(AddWritePermOfBrokerResponseHeader, { addTopicCount }) });
  }
}
