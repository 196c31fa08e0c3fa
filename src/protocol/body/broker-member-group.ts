// `GetBrokerMemberGroupResponseBody` / `BrokerMemberGroup` (5.x GET_BROKER_MEMBER_GROUP, 901):
// `{"brokerMemberGroup":{"brokerAddrs":{0:"h:p"},"brokerName":"b","cluster":"c"}}` (default fastjson).
import { toFastJson } from './json';
import { sortedBrokerAddrs } from './route';

export interface BrokerMemberGroup {
  cluster: string | undefined;
  brokerName: string | undefined;
  brokerAddrs: Map<number, string>;
}

export function encodeGetBrokerMemberGroupResponseBody(g: BrokerMemberGroup): Buffer {
  return Buffer.from(toFastJson({
    brokerMemberGroup: { brokerAddrs: sortedBrokerAddrs(g.brokerAddrs), brokerName: g.brokerName, cluster: g.cluster },
  }), 'utf8');
}
