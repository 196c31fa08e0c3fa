// `ClusterInfo` (GET_BROKER_CLUSTER_INFO body, requests.md §1.5): brokerName → BrokerData and
// cluster → broker names. The Java NameServer writes it with default fastjson (unquoted brokerAddrs
// keys) whatever the client version; only Java parses it and fastjson takes either form.
import { BodyFormatError, decodeWith, isJsonObject, jsonString, parseJsonObject, toFastJson, type DecodeResult, type FastJsonOptions } from './json';
import { brokerDataFromJson, brokerDataToInput, type BrokerData } from './route';

export interface ClusterInfo {
  brokerAddrTable: Map<string, BrokerData>;
  clusterAddrTable: Map<string, Set<string>>;
}

export function encodeClusterInfo(ci: ClusterInfo, opts: FastJsonOptions = {}): Buffer {
  const brokers = new Map([...ci.brokerAddrTable.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => [k, brokerDataToInput(v)] as const));
  const clusters = new Map([...ci.clusterAddrTable.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => [k, [...v].sort()] as const));
  return Buffer.from(toFastJson({ brokerAddrTable: brokers, clusterAddrTable: clusters }, opts), 'utf8');
}

export function decodeClusterInfo(body: Uint8Array): DecodeResult<ClusterInfo> {
  return decodeWith(() => {
    const o = parseJsonObject(body);
    const brokerAddrTable = new Map<string, BrokerData>();
    const clusterAddrTable = new Map<string, Set<string>>();
    if (isJsonObject(o.brokerAddrTable)) {
      for (const k of Object.keys(o.brokerAddrTable)) brokerAddrTable.set(k, brokerDataFromJson(o.brokerAddrTable[k]));
    } else if (o.brokerAddrTable !== undefined && o.brokerAddrTable !== null) {
      throw new BodyFormatError('brokerAddrTable is not an object');
    }
    if (isJsonObject(o.clusterAddrTable)) {
      for (const k of Object.keys(o.clusterAddrTable)) {
        const names = o.clusterAddrTable[k];
        if (!Array.isArray(names)) throw new BodyFormatError(`clusterAddrTable.${k} is not an array`);
        clusterAddrTable.set(k, new Set(names.map((n) => jsonString(n) ?? '')));
      }
    }
    return { brokerAddrTable, clusterAddrTable };
  });
}
