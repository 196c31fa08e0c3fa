// Helpers shared by the broker processors.
import { decodeHeader, type HeaderDef, type HeaderOf, type HeaderSpec } from '../../protocol/header';
import { ResponseCode } from '../../protocol/response-code';
import { MQVersion } from '../../protocol/version';
import type { RemotingCommand } from '../../remoting/command';
import type { Connection } from '../../remoting/connection';
import { RemotingError } from '../../remoting/errors';
import type { HostAddress } from '../../store/message-store';

/**
 * Decodes a request header or throws RemotingError(SYSTEM_ERROR) — Java answers a missing or
 * unparsable required field with SYSTEM_ERROR once the null is dereferenced (remoting.md §3).
 */
export function requireHeader<S extends HeaderSpec>(def: HeaderDef<S>, request: RemotingCommand): HeaderOf<S> {
  const r = decodeHeader(def, request.extFields);
  if (!r.ok) throw new RemotingError(ResponseCode.SYSTEM_ERROR, `${def.javaClass}: ${r.reason}`);
  return r.header;
}

/** How long a request that created a topic waits for the NameServers to learn it. */
const REGISTER_ON_CREATE_WAIT_MS = 3000;

/**
 * Java registers a topic it has just created (on send, on heartbeat for `%RETRY%group`, on
 * send-back) with the NameServers before answering, so that the client's next route lookup finds
 * it. Waits for that registration, at most REGISTER_ON_CREATE_WAIT_MS.
 */
export async function registerCreatedTopics(ctx: { registerBrokerAll(): Promise<void> }): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    ctx.registerBrokerAll(),
    new Promise((r) => { timer = setTimeout(r, REGISTER_ON_CREATE_WAIT_MS); }),
  ]);
  clearTimeout(timer);
}

/** The client's socket address (born host of what it sends). */
export function remoteHost(conn: Connection): HostAddress {
  return { address: conn.socket.remoteAddress ?? '0.0.0.0', port: conn.socket.remotePort ?? 0 };
}

/** Java FAQUrl.suggestTodo. */
export function suggestTodo(url: string): string {
  return `\nSee ${url} for further details.`;
}

export const FAQUrl = {
  APPLY_TOPIC_URL: 'https://rocketmq.apache.org/docs/bestPractice/06FAQ',
  SUBSCRIPTION_GROUP_NOT_EXIST: 'https://rocketmq.apache.org/docs/bestPractice/06FAQ',
  SAME_GROUP_DIFFERENT_TOPIC: 'https://rocketmq.apache.org/docs/bestPractice/06FAQ',
} as const;

export function randomQueueId(writeQueueNums: number): number {
  return Math.floor(Math.random() * Math.max(1, writeQueueNums));
}

/** The decoded header type of a header table. */
export type HeaderType<D> = D extends HeaderDef<infer S> ? HeaderOf<S> : never;

/**
 * INVALID_PARAMETER (29) exists only in 5.x (quirk 12): a client older than 5.0 gets what a 4.9
 * broker answers in the same place, SYSTEM_ERROR.
 */
export function invalidParameterCode(request: { version: number }): number {
  return request.version >= MQVersion.V5_0_0 ? ResponseCode.INVALID_PARAMETER : ResponseCode.SYSTEM_ERROR;
}
