// Errors that carry a RocketMQ response code. A processor throws `RemotingError` to answer with
// that code and remark; anything else thrown becomes SYSTEM_ERROR (remoting.md §10).
import { ResponseCode } from '../protocol/response-code';

export class RemotingError extends Error {
  readonly code: number;
  constructor(code: number, remark: string) {
    super(remark);
    this.name = 'RemotingError';
    this.code = code;
  }
}

/** A call we made got no response in time (client side; never on the wire). */
export class RemotingTimeoutError extends Error {
  constructor(addr: string, code: number, timeoutMs: number) {
    super(`wait response on the channel <${addr}> timeout, ${timeoutMs}(ms), request code ${code}`);
    this.name = 'RemotingTimeoutError';
  }
}

/** The connection failed or closed before a response arrived. */
export class RemotingConnectError extends Error {
  constructor(addr: string, reason: string) {
    super(`connect to <${addr}> failed: ${reason}`);
    this.name = 'RemotingConnectError';
  }
}

/** The peer answered with a non-success code where success was required. */
export class RemotingResponseError extends Error {
  readonly code: number;
  constructor(code: number, remark: string | undefined) {
    super(`CODE: ${code}  DESC: ${remark ?? ''}`);
    this.name = 'RemotingResponseError';
    this.code = code;
  }
}

export { ResponseCode };
