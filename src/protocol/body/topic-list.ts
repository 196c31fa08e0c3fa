// `TopicList` (GET_ALL_TOPIC_LIST_FROM_NAMESERVER, GET_TOPICS_BY_CLUSTER, system/unit topic lists;
// broker GET_SYSTEM_TOPIC_LIST_FROM_BROKER): `{"brokerAddr":"…","topicList":["a","b"]}`, brokerAddr
// omitted when absent. Go decodes it with encoding/json, so it must stay standard JSON (it is).
import { decodeWith, jsonString, parseJsonObject, toFastJson, type DecodeResult } from './json';

export interface TopicList {
  topicList: Iterable<string>;
  brokerAddr?: string;
}

export function encodeTopicList(tl: TopicList): Buffer {
  return Buffer.from(toFastJson({ brokerAddr: tl.brokerAddr, topicList: [...tl.topicList] }), 'utf8');
}

export function decodeTopicList(body: Uint8Array): DecodeResult<{ topicList: string[]; brokerAddr?: string }> {
  return decodeWith(() => {
    const o = parseJsonObject(body);
    const list = Array.isArray(o.topicList) ? o.topicList.map((t) => jsonString(t) ?? '') : [];
    const brokerAddr = jsonString(o.brokerAddr ?? undefined);
    return brokerAddr === undefined ? { topicList: list } : { topicList: list, brokerAddr };
  });
}
