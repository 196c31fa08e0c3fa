// NameServer request/response headers (5.x remoting/.../protocol/header/namesrv/*, plus
// GetTopicsByClusterRequestHeader and GetBrokerMemberGroupRequestHeader). `required` = @CFNotNull.
// Field facts: shared/protocol/requests.md §1.
import { defineHeader } from '../header';

export const RegisterBrokerRequestHeader = defineHeader('RegisterBrokerRequestHeader', {
  brokerName: { type: 'string', required: true },
  brokerAddr: { type: 'string', required: true },
  clusterName: { type: 'string', required: true },
  haServerAddr: { type: 'string', required: true },
  brokerId: { type: 'long', required: true },
  heartbeatTimeoutMillis: { type: 'long' },
  enableActingMaster: { type: 'boolean' },
  compressed: { type: 'boolean' },
  bodyCrc32: { type: 'int' },
});

export const RegisterBrokerResponseHeader = defineHeader('RegisterBrokerResponseHeader', {
  haServerAddr: { type: 'string' },
  masterAddr: { type: 'string' },
});

export const UnRegisterBrokerRequestHeader = defineHeader('UnRegisterBrokerRequestHeader', {
  brokerName: { type: 'string', required: true },
  brokerAddr: { type: 'string', required: true },
  clusterName: { type: 'string', required: true },
  brokerId: { type: 'long', required: true },
});

export const BrokerHeartbeatRequestHeader = defineHeader('BrokerHeartbeatRequestHeader', {
  clusterName: { type: 'string', required: true },
  brokerAddr: { type: 'string', required: true },
  brokerName: { type: 'string', required: true },
  brokerId: { type: 'long' },
  epoch: { type: 'int' },
  maxOffset: { type: 'long' },
  confirmOffset: { type: 'long' },
  heartbeatTimeoutMills: { type: 'long' },
  electionPriority: { type: 'int' },
});

export const QueryDataVersionRequestHeader = defineHeader('QueryDataVersionRequestHeader', {
  brokerName: { type: 'string', required: true },
  brokerAddr: { type: 'string', required: true },
  clusterName: { type: 'string', required: true },
  brokerId: { type: 'long', required: true },
});

export const QueryDataVersionResponseHeader = defineHeader('QueryDataVersionResponseHeader', {
  changed: { type: 'boolean', required: true },
});

export const GetRouteInfoRequestHeader = defineHeader('GetRouteInfoRequestHeader', {
  topic: { type: 'string', required: true },
  acceptStandardJsonOnly: { type: 'boolean' },
});

export const DeleteTopicFromNamesrvRequestHeader = defineHeader('DeleteTopicFromNamesrvRequestHeader', {
  topic: { type: 'string', required: true },
  clusterName: { type: 'string' },
});

export const RegisterTopicRequestHeader = defineHeader('RegisterTopicRequestHeader', {
  topic: { type: 'string', required: true },
});

export const GetTopicsByClusterRequestHeader = defineHeader('GetTopicsByClusterRequestHeader', {
  cluster: { type: 'string', required: true },
});

export const WipeWritePermOfBrokerRequestHeader = defineHeader('WipeWritePermOfBrokerRequestHeader', {
  brokerName: { type: 'string', required: true },
});

export const WipeWritePermOfBrokerResponseHeader = defineHeader('WipeWritePermOfBrokerResponseHeader', {
  wipeTopicCount: { type: 'int', required: true },
});

export const AddWritePermOfBrokerRequestHeader = defineHeader('AddWritePermOfBrokerRequestHeader', {
  brokerName: { type: 'string', required: true },
});

export const AddWritePermOfBrokerResponseHeader = defineHeader('AddWritePermOfBrokerResponseHeader', {
  addTopicCount: { type: 'int', required: true },
});

export const PutKVConfigRequestHeader = defineHeader('PutKVConfigRequestHeader', {
  namespace: { type: 'string', required: true },
  key: { type: 'string', required: true },
  value: { type: 'string', required: true },
});

export const GetKVConfigRequestHeader = defineHeader('GetKVConfigRequestHeader', {
  namespace: { type: 'string', required: true },
  key: { type: 'string', required: true },
});

export const GetKVConfigResponseHeader = defineHeader('GetKVConfigResponseHeader', {
  value: { type: 'string' },
});

export const DeleteKVConfigRequestHeader = defineHeader('DeleteKVConfigRequestHeader', {
  namespace: { type: 'string', required: true },
  key: { type: 'string', required: true },
});

export const GetKVListByNamespaceRequestHeader = defineHeader('GetKVListByNamespaceRequestHeader', {
  namespace: { type: 'string', required: true },
});

export const GetBrokerMemberGroupRequestHeader = defineHeader('GetBrokerMemberGroupRequestHeader', {
  clusterName: { type: 'string', required: true },
  brokerName: { type: 'string', required: true },
});

/** NOTIFY_MIN_BROKER_ID_CHANGE (905), NameServer → broker (only with notifyMinBrokerIdChanged). */
export const NotifyMinBrokerIdChangeRequestHeader = defineHeader('NotifyMinBrokerIdChangeRequestHeader', {
  minBrokerId: { type: 'long' },
  brokerName: { type: 'string' },
  minBrokerAddr: { type: 'string' },
  offlineBrokerAddr: { type: 'string' },
  haBrokerAddr: { type: 'string' },
});

/** Namespace of the order-topic KV entries (`NamesrvUtil.NAMESPACE_ORDER_TOPIC_CONFIG`). */
export const NAMESPACE_ORDER_TOPIC_CONFIG = 'ORDER_TOPIC_CONFIG';
/** extFields keys of the zone feature (`MixAll.ZONE_NAME`, `MixAll.ZONE_MODE`). */
export const ZONE_NAME = '__ZONE_NAME';
export const ZONE_MODE = '__ZONE_MODE';
