// PUT/GET/DELETE_KV_CONFIG and GET_KVLIST_BY_NAMESPACE (Java DefaultRequestProcessor), requests.md §1.8.
import { encodeHeader } from '../../protocol/header';
import {
  DeleteKVConfigRequestHeader, GetKVConfigRequestHeader, GetKVConfigResponseHeader,
  GetKVListByNamespaceRequestHeader, PutKVConfigRequestHeader,
} from '../../protocol/headers/namesrv';
import { ResponseCode } from '../../protocol/response-code';
import { createResponse, type RemotingCommand } from '../../remoting/command';
import type { Connection } from '../../remoting/connection';
import type { NamesrvContext } from '../namesrv-context';
import { lenientHeader } from './request-util';

const nul = (s: string | undefined): string => s ?? 'null';

export class KVConfigProcessor {
  constructor(private readonly ctx: NamesrvContext) {}

  putKVConfig(conn: Connection, request: RemotingCommand): RemotingCommand {
    const h = lenientHeader(PutKVConfigRequestHeader, request, conn, this.ctx.log);
    if (h.namespace === undefined || h.key === undefined) {
      return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: 'namespace or key is null' });
    }
    if (h.value === undefined) {
      // Java stores a null value, which reads back as "not found"; refuse it instead.
      return createResponse(request, ResponseCode.SYSTEM_ERROR, { remark: 'the custom field <value> is null' });
    }
    this.ctx.kvConfigManager.putKVConfig(h.namespace, h.key, h.value);
    return createResponse(request, ResponseCode.SUCCESS);
  }

  getKVConfig(conn: Connection, request: RemotingCommand): RemotingCommand {
    const h = lenientHeader(GetKVConfigRequestHeader, request, conn, this.ctx.log);
    const value = h.namespace === undefined || h.key === undefined ? undefined : this.ctx.kvConfigManager.getKVConfig(h.namespace, h.key);
    if (value !== undefined) {
      return createResponse(request, ResponseCode.SUCCESS, { extFields: encodeHeader(GetKVConfigResponseHeader, { value }) });
    }
    return createResponse(request, ResponseCode.QUERY_NOT_FOUND, { remark: `No config item, Namespace: ${nul(h.namespace)} Key: ${nul(h.key)}` });
  }

  deleteKVConfig(conn: Connection, request: RemotingCommand): RemotingCommand {
    const h = lenientHeader(DeleteKVConfigRequestHeader, request, conn, this.ctx.log);
    if (h.namespace !== undefined && h.key !== undefined) this.ctx.kvConfigManager.deleteKVConfig(h.namespace, h.key);
    return createResponse(request, ResponseCode.SUCCESS);
  }

  getKVListByNamespace(conn: Connection, request: RemotingCommand): RemotingCommand {
    const h = lenientHeader(GetKVListByNamespaceRequestHeader, request, conn, this.ctx.log);
    const body = h.namespace === undefined ? undefined : this.ctx.kvConfigManager.getKVListByNamespace(h.namespace);
    if (body) return createResponse(request, ResponseCode.SUCCESS, { body });
    return createResponse(request, ResponseCode.QUERY_NOT_FOUND, { remark: `No config item, Namespace: ${nul(h.namespace)}` });
  }
}
