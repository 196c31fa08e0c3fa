// `KVTable` body: `{"table":{"k":"v"}}` (GET_KVLIST_BY_NAMESPACE, REGISTER_BROKER response with the
// ORDER_TOPIC_CONFIG namespace, broker GET_BROKER_RUNTIME_INFO).
import { BodyFormatError, decodeWith, isJsonObject, jsonString, parseJsonObject, toFastJson, type DecodeResult } from './json';

export function encodeKVTable(table: ReadonlyMap<string, string>): Buffer {
  return Buffer.from(toFastJson({ table }), 'utf8');
}

export function decodeKVTable(body: Uint8Array): DecodeResult<Map<string, string>> {
  return decodeWith(() => {
    const o = parseJsonObject(body);
    const out = new Map<string, string>();
    if (o.table === undefined || o.table === null) return out;
    if (!isJsonObject(o.table)) throw new BodyFormatError('table is not an object');
    for (const k of Object.keys(o.table)) {
      const v = jsonString(o.table[k]);
      if (v !== undefined) out.set(k, v);
    }
    return out;
  });
}
