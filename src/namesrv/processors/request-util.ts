// Header helpers shared by the NameServer processors. Java's header decoding logs and skips a
// missing @CFNotNull or unparsable field (the field stays null); what happens next depends on the
// request. `strictHeader` answers SYSTEM_ERROR at once (where Java would fail on the null later),
// `lenientHeader` hands the processor whatever parsed, so it can reproduce Java's null handling.
import type { Logger } from '../../common/logger';
import { decodeHeader, type FieldSpec, type HeaderDef, type HeaderOf, type HeaderSpec } from '../../protocol/header';
import { requestCodeName } from '../../protocol/request-code';
import { ResponseCode } from '../../protocol/response-code';
import type { RemotingCommand } from '../../remoting/command';
import type { Connection } from '../../remoting/connection';
import { RemotingError } from '../../remoting/errors';

export function strictHeader<S extends HeaderSpec>(def: HeaderDef<S>, request: RemotingCommand, conn: Connection, log: Logger): HeaderOf<S> {
  const r = decodeHeader(def, request.extFields);
  if (r.ok) return r.header;
  log.warn({ remote: conn.remoteAddress, code: request.code, request: requestCodeName(request.code), header: def.javaClass, field: r.field, reason: r.reason },
    'bad request header');
  throw new RemotingError(ResponseCode.SYSTEM_ERROR, r.reason);
}

const lenientDefs = new WeakMap<object, HeaderDef<HeaderSpec>>();

function lenientDef<S extends HeaderSpec>(def: HeaderDef<S>): HeaderDef<HeaderSpec> {
  let d = lenientDefs.get(def);
  if (!d) {
    const fields: Record<string, FieldSpec> = {};
    for (const [k, v] of Object.entries(def.fields)) fields[k] = { type: v.type };
    d = { javaClass: def.javaClass, fields };
    lenientDefs.set(def, d);
  }
  return d;
}

/** Every field optional; logs one line when a required field is missing or bad. */
export function lenientHeader<S extends HeaderSpec>(def: HeaderDef<S>, request: RemotingCommand, conn: Connection, log: Logger): Partial<HeaderOf<S>> {
  const strict = decodeHeader(def, request.extFields);
  if (strict.ok) return strict.header;
  log.warn({ remote: conn.remoteAddress, code: request.code, request: requestCodeName(request.code), header: def.javaClass, field: strict.field, reason: strict.reason },
    'bad request header');
  const r = decodeHeader(lenientDef(def), request.extFields);
  return (r.ok ? r.header : {}) as Partial<HeaderOf<S>>;
}
