// Route data: `QueueData`, `BrokerData`, `TopicRouteData` (5.x remoting/.../protocol/route/).
// Wire form and the brokerAddrs key quirk: requests.md §1.4, README quirk 1.
//   default (fastjson):  {"brokerDatas":[{"brokerAddrs":{0:"h:p"},...}],...}   request version < V4_9_4
//   standard:            {"brokerDatas":[{"brokerAddrs":{"0":"h:p"},...}],...}  version >= V4_9_4 or acceptStandardJsonOnly
// Both always compact; the Go client splits `brokerAddrs` by hand and breaks on whitespace.
import {
  BodyFormatError, decodeWith, isJsonObject, jsonBool, jsonInt, jsonString, parseJsonObject, toFastJson,
  type DecodeResult, type FastJsonInput, type FastJsonOptions, type JsonValue,
} from './json';

export const MASTER_ID = 0;

export interface QueueData {
  brokerName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicSysFlag: number;
}

export interface BrokerData {
  cluster: string;
  brokerName: string;
  /** brokerId → "ip:port"; 0 is the master. Iteration order is the wire order (keep it ascending). */
  brokerAddrs: Map<number, string>;
  /** 5.x field, always written (false by default). */
  enableActingMaster: boolean;
  /** 5.x, omitted when absent. */
  zoneName?: string;
}

export interface TopicRouteData {
  orderTopicConf?: string;
  queueDatas: QueueData[];
  brokerDatas: BrokerData[];
  /** brokerAddr → filter server addresses; `{}` in practice. */
  filterServerTable: Map<string, string[]>;
  /** 5.x static topics: brokerName → TopicQueueMappingInfo (kept as parsed JSON). */
  topicQueueMappingByBroker?: Map<string, JsonValue>;
}

export function queueDataEquals(a: QueueData, b: QueueData): boolean {
  return a.brokerName === b.brokerName && a.perm === b.perm && a.readQueueNums === b.readQueueNums &&
    a.writeQueueNums === b.writeQueueNums && a.topicSysFlag === b.topicSysFlag;
}

export function cloneBrokerData(b: BrokerData): BrokerData {
  return { ...b, brokerAddrs: new Map(b.brokerAddrs) };
}

/** brokerAddrs in ascending id order (what Java's HashMap<Long,…> iteration gives for small ids). */
export function sortedBrokerAddrs(m: ReadonlyMap<number, string>): Map<number, string> {
  return new Map([...m.entries()].sort((a, b) => a[0] - b[0]));
}

export function queueDataToInput(q: QueueData): FastJsonInput {
  return {
    brokerName: q.brokerName,
    perm: q.perm,
    readQueueNums: q.readQueueNums,
    topicSysFlag: q.topicSysFlag,
    writeQueueNums: q.writeQueueNums,
  };
}

export function brokerDataToInput(b: BrokerData): FastJsonInput {
  return {
    brokerAddrs: sortedBrokerAddrs(b.brokerAddrs),
    brokerName: b.brokerName,
    cluster: b.cluster,
    enableActingMaster: b.enableActingMaster,
    zoneName: b.zoneName,
  };
}

export function topicRouteDataToInput(r: TopicRouteData): FastJsonInput {
  return {
    brokerDatas: r.brokerDatas.map(brokerDataToInput),
    filterServerTable: r.filterServerTable,
    orderTopicConf: r.orderTopicConf,
    queueDatas: r.queueDatas.map(queueDataToInput),
    topicQueueMappingByBroker: r.topicQueueMappingByBroker as ReadonlyMap<string, FastJsonInput> | undefined,
  };
}

/** `TopicRouteData.encode()` (default) or the standard form (`{ standard: true }`). */
export function encodeTopicRouteData(r: TopicRouteData, opts: FastJsonOptions = {}): Buffer {
  return Buffer.from(toFastJson(topicRouteDataToInput(r), opts), 'utf8');
}

// ---- decoding (fastjson accepts both key forms) ----------------------------------------------

function intField(o: Record<string, JsonValue>, name: string, what: string): number {
  const raw = o[name];
  if (raw === undefined || raw === null) return 0;
  const n = jsonInt(raw);
  if (n === undefined) throw new BodyFormatError(`${what}.${name} is not a number`);
  return n;
}

export function queueDataFromJson(v: JsonValue): QueueData {
  if (!isJsonObject(v)) throw new BodyFormatError('queue data is not an object');
  return {
    brokerName: jsonString(v.brokerName ?? undefined) ?? '',
    readQueueNums: intField(v, 'readQueueNums', 'queueData'),
    writeQueueNums: intField(v, 'writeQueueNums', 'queueData'),
    perm: intField(v, 'perm', 'queueData'),
    topicSysFlag: intField(v, 'topicSysFlag', 'queueData'),
  };
}

export function brokerAddrsFromJson(v: JsonValue | undefined): Map<number, string> {
  const out = new Map<number, string>();
  if (v === undefined || v === null) return out;
  if (!isJsonObject(v)) throw new BodyFormatError('brokerAddrs is not an object');
  for (const k of Object.keys(v)) {
    const id = jsonInt(k);
    const addr = jsonString(v[k] ?? undefined);
    if (id === undefined) throw new BodyFormatError(`brokerAddrs key ${JSON.stringify(k)} is not a number`);
    if (addr !== undefined) out.set(id, addr);
  }
  return sortedBrokerAddrs(out);
}

export function brokerDataFromJson(v: JsonValue): BrokerData {
  if (!isJsonObject(v)) throw new BodyFormatError('broker data is not an object');
  const b: BrokerData = {
    cluster: jsonString(v.cluster ?? undefined) ?? '',
    brokerName: jsonString(v.brokerName ?? undefined) ?? '',
    brokerAddrs: brokerAddrsFromJson(v.brokerAddrs),
    enableActingMaster: jsonBool(v.enableActingMaster ?? undefined) ?? false,
  };
  const zone = jsonString(v.zoneName ?? undefined);
  if (zone !== undefined) b.zoneName = zone;
  return b;
}

function arrayField(v: JsonValue | undefined, what: string): JsonValue[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new BodyFormatError(`${what} is not an array`);
  return v;
}

export function topicRouteDataFromJson(v: JsonValue): TopicRouteData {
  if (!isJsonObject(v)) throw new BodyFormatError('route data is not an object');
  const filterServerTable = new Map<string, string[]>();
  if (isJsonObject(v.filterServerTable)) {
    for (const k of Object.keys(v.filterServerTable)) {
      const list = v.filterServerTable[k];
      filterServerTable.set(k, Array.isArray(list) ? list.map((x) => jsonString(x) ?? '') : []);
    }
  }
  const r: TopicRouteData = {
    queueDatas: arrayField(v.queueDatas, 'queueDatas').map(queueDataFromJson),
    brokerDatas: arrayField(v.brokerDatas, 'brokerDatas').map(brokerDataFromJson),
    filterServerTable,
  };
  const otc = jsonString(v.orderTopicConf ?? undefined);
  if (otc !== undefined) r.orderTopicConf = otc;
  if (isJsonObject(v.topicQueueMappingByBroker)) {
    r.topicQueueMappingByBroker = new Map(Object.entries(v.topicQueueMappingByBroker));
  }
  return r;
}

export function decodeTopicRouteData(body: Uint8Array): DecodeResult<TopicRouteData> {
  return decodeWith(() => topicRouteDataFromJson(parseJsonObject(body)));
}
