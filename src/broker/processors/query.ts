// QUERY_MESSAGE (12) and VIEW_MESSAGE_BY_ID (33) (requests.md §6; Java QueryMessageProcessor).
// QUERY_MESSAGE: index lookup of `topic#key`; `_UNIQUE_KEY_QUERY=true` forces maxNum to
// defaultQueryMaxNum; maxNum is capped at maxMsgsNumBatch; the response header carries the index
// progress; the body is the concatenated stored records (clients filter hash collisions).
// VIEW_MESSAGE_BY_ID: the one record at a commit-log offset (clients derive it from an offset msgId).
import { encodeHeader } from '../../protocol/header';
import { QueryMessageRequestHeader, QueryMessageResponseHeader, requireHeader, ViewMessageRequestHeader } from '../../protocol/headers/broker-admin';
import { RequestCode } from '../../protocol/request-code';
import { ResponseCode } from '../../protocol/response-code';
import { createResponse, type RemotingCommand } from '../../remoting/command';
import type { BrokerContext } from '../broker-context';

/** MixAll.UNIQUE_MSG_QUERY_FLAG. */
export const UNIQUE_MSG_QUERY_FLAG = '_UNIQUE_KEY_QUERY';

/**
 * Java longs beyond 2^53 (admin tools query up to Long.MAX_VALUE) are clamped to the nearest safe
 * integer, which is exact for any real timestamp; the generic header codec would reject them.
 */
export function clampLongFields(request: RemotingCommand, names: readonly string[]): RemotingCommand {
  const ext = request.extFields;
  if (!ext) return request;
  let out: Record<string, string> | undefined;
  for (const n of names) {
    const v = ext[n];
    if (v === undefined || !/^[+-]?\d{16,}$/.test(v)) continue;
    const num = Number(v);
    if (Number.isSafeInteger(num)) continue;
    out ??= { ...ext };
    out[n] = String(num > 0 ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER);
  }
  return out ? { ...request, extFields: out } : request;
}

export async function queryMessage(ctx: BrokerContext, request: RemotingCommand): Promise<RemotingCommand> {
  const h = requireHeader(QueryMessageRequestHeader, clampLongFields(request, ['beginTimestamp', 'endTimestamp']));
  let maxNum = h.maxNum;
  if (request.extFields?.[UNIQUE_MSG_QUERY_FLAG] === 'true') maxNum = ctx.config.defaultQueryMaxNum;
  maxNum = Math.min(maxNum, ctx.config.maxMsgsNumBatch);
  const r = await ctx.store.queryMessage(h.topic, h.key, maxNum, h.beginTimestamp, h.endTimestamp);
  const extFields = encodeHeader(QueryMessageResponseHeader, {
    indexLastUpdateTimestamp: r.indexLastUpdateTimestamp,
    indexLastUpdatePhyoffset: r.indexLastUpdatePhyoffset,
  });
  if (r.messages.length > 0) {
    return createResponse(request, ResponseCode.SUCCESS, { extFields, body: Buffer.concat(r.messages) });
  }
  return createResponse(request, ResponseCode.QUERY_NOT_FOUND, { extFields, remark: 'can not find message, maybe time range not correct' });
}

export async function viewMessageById(ctx: BrokerContext, request: RemotingCommand): Promise<RemotingCommand> {
  const h = requireHeader(ViewMessageRequestHeader, request);
  const rec = h.offset >= 0 ? await ctx.store.lookMessageByOffset(h.offset) : null;
  if (rec) return createResponse(request, ResponseCode.SUCCESS, { body: rec });
  return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: `can not find message by the offset, ${h.offset}` });
}

export function registerQuery(ctx: BrokerContext): void {
  ctx.registerProcessor(RequestCode.QUERY_MESSAGE, (_c, r) => queryMessage(ctx, r));
  ctx.registerProcessor(RequestCode.VIEW_MESSAGE_BY_ID, (_c, r) => viewMessageById(ctx, r));
}
