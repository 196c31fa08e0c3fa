// RemotingCommand: the logical frame of the remoting protocol (Java `RemotingCommand`,
// Go `internal/remote/codec.go`). Layout and field meaning: shared/protocol/remoting.md §2–§6.
import { CURRENT_VERSION } from '../protocol/version';
import type { LanguageName } from './language';

export const SerializeType = { JSON: 0, ROCKETMQ: 1 } as const;
export type SerializeType = (typeof SerializeType)[keyof typeof SerializeType];

/**
 * How a JSON header is laid out. `java`: fastjson, keys sorted, absent fields omitted,
 * `serializeTypeCurrentRPC` written. `go`: json-iterator, declaration order, every field written.
 * Decoding records which one a frame used, so that a captured frame re-encodes byte-identically.
 */
export type JsonStyle = 'java' | 'go';

/** Flag bits (Java `RemotingCommand.RPC_TYPE`, `RPC_ONEWAY`). */
export const FLAG_RESPONSE = 0x1;
export const FLAG_ONEWAY = 0x2;

export type ExtFields = Record<string, string>;

export interface RemotingCommand {
  code: number;
  language: LanguageName;
  version: number;
  opaque: number;
  flag: number;
  /** `undefined` when absent; JSON decode keeps `""`, ROCKETMQ decodes an empty remark as absent. */
  remark?: string;
  /** `undefined` when absent on the wire. */
  extFields?: ExtFields;
  /** `undefined` for an empty body (Java: null). */
  body?: Buffer;
  serializeType: SerializeType;
  /** Only for JSON: the layout the header had on the wire or should have. Default `java`. */
  jsonStyle?: JsonStyle;
  /**
   * Only for JSON `java` style: whether `serializeTypeCurrentRPC` was on the wire (Java always
   * writes it). Default true.
   */
  jsonSerializeTypeField?: boolean;
}

export function isResponse(cmd: RemotingCommand): boolean {
  return (cmd.flag & FLAG_RESPONSE) !== 0;
}

export function isOneway(cmd: RemotingCommand): boolean {
  return (cmd.flag & FLAG_ONEWAY) !== 0;
}

let nextOpaque = 0;

/** A process-wide request id, wrapping as a Java int (Java: static AtomicInteger from 0). */
export function createRequestId(): number {
  const id = nextOpaque;
  nextOpaque = (nextOpaque + 1) | 0;
  return id;
}

export interface CommandOptions {
  extFields?: ExtFields;
  body?: Buffer;
  remark?: string;
  serializeType?: SerializeType;
}

/** A request we originate: language JAVA (remoting.md §8) and our version, a fresh opaque. */
export function createRequest(code: number, opts: CommandOptions = {}): RemotingCommand {
  return {
    code,
    language: 'JAVA',
    version: CURRENT_VERSION,
    opaque: createRequestId(),
    flag: 0,
    remark: opts.remark,
    extFields: opts.extFields,
    body: opts.body,
    serializeType: opts.serializeType ?? SerializeType.JSON,
  };
}

/**
 * A response to `request` (Java `createResponseCommand` + `writeResponse`): same opaque,
 * flag = RESPONSE only, our language and version, our serialize type (JSON by default).
 */
export function createResponse(
  request: Pick<RemotingCommand, 'opaque'>,
  code: number,
  opts: CommandOptions = {},
): RemotingCommand {
  return {
    code,
    language: 'JAVA',
    version: CURRENT_VERSION,
    opaque: request.opaque,
    flag: FLAG_RESPONSE,
    remark: opts.remark,
    extFields: opts.extFields,
    body: opts.body,
    serializeType: opts.serializeType ?? SerializeType.JSON,
  };
}
