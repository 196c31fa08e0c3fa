// The processor table: request code → processor, with a default for unknown codes
// (Java `NettyRemotingAbstract.processorTable` + `defaultRequestProcessor`). Dispatch rules:
// shared/protocol/remoting.md §10.
import { ResponseCode } from '../protocol/response-code';
import { createResponse, type RemotingCommand } from './command';
import type { Connection } from './connection';

export type ProcessResult = RemotingCommand | null | Promise<RemotingCommand | null>;

/**
 * Handles one request code family. Returns the response (its opaque and flag are set by the
 * dispatcher), or null to answer later by `conn.send` (long polling) or never (oneway).
 * Throw `RemotingError` to answer with a specific response code.
 */
export interface RequestProcessor {
  processRequest(conn: Connection, request: RemotingCommand): ProcessResult;
  /** Java `rejectRequest()`: when true the request is answered SYSTEM_BUSY without processing. */
  rejectRequest?(): boolean;
}

export type RequestHandler = (conn: Connection, request: RemotingCommand) => ProcessResult;

/** Java's remark for an unsupported code: note the leading space (remoting.md §10). */
export function unsupportedRemark(code: number): string {
  return ` request type ${code} not supported`;
}

export class ProcessorTable {
  private readonly table = new Map<number, RequestProcessor>();
  private fallback: RequestProcessor | undefined;

  register(code: number, processor: RequestProcessor | RequestHandler): this {
    this.table.set(code, typeof processor === 'function' ? { processRequest: processor } : processor);
    return this;
  }

  registerDefault(processor: RequestProcessor | RequestHandler): this {
    this.fallback = typeof processor === 'function' ? { processRequest: processor } : processor;
    return this;
  }

  has(code: number): boolean {
    return this.table.has(code);
  }

  get(code: number): RequestProcessor | undefined {
    return this.table.get(code) ?? this.fallback;
  }
}

export const rejectProcessor: RequestProcessor = {
  processRequest(_conn, request) {
    return createResponse(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, { remark: unsupportedRemark(request.code) });
  },
};
