// An independent, deliberately plain reading of one captured frame, used to write the decoded
// expectation of a golden fixture. It does not use src/remoting on purpose: the fixture test
// compares the project's codec against this reading, so the two must not share code.
// Layout: shared/protocol/remoting.md §2 (frame), §4 (JSON header), §5 (ROCKETMQ header).
import { createHash } from 'crypto';

export interface FrameExpectation {
  serializeType: 'JSON' | 'ROCKETMQ';
  code: number;
  language: string;
  version: number;
  opaque: number;
  flag: number;
  /** null when absent on the wire (JSON) or of length 0 (ROCKETMQ). */
  remark: string | null;
  /** null when absent on the wire (JSON) or of length 0 (ROCKETMQ). In wire order. */
  extFields: Record<string, string> | null;
  headerLength: number;
  bodyLength: number;
  /** Only when the body is at most BODY_HEX_MAX bytes (the whole frame is in the fixture anyway). */
  bodyHex?: string;
  /** SHA-256 of the body, when there is one. */
  bodySha256?: string;
}

export const BODY_HEX_MAX = 256;

const LANGUAGE_NAMES = [
  'JAVA', 'CPP', 'DOTNET', 'PYTHON', 'DELPHI', 'ERLANG', 'RUBY', 'OTHER', 'HTTP', 'GO', 'PHP', 'OMS', 'RUST', 'NODE_JS',
];

/** Reads a whole frame (with its 4-byte length). Throws on anything unexpected: capture-time only. */
export function inspectFrame(bytes: Buffer): FrameExpectation {
  const frameLength = bytes.readInt32BE(0);
  if (frameLength !== bytes.length - 4) throw new Error(`frame length ${frameLength} != ${bytes.length - 4}`);
  const type = bytes[4];
  const headerLength = (bytes[5] << 16) | (bytes[6] << 8) | bytes[7];
  const headerEnd = 8 + headerLength;
  if (headerEnd > bytes.length) throw new Error('header past end of frame');
  const body = bytes.subarray(headerEnd);
  const common = {
    headerLength,
    bodyLength: body.length,
    ...(body.length <= BODY_HEX_MAX ? { bodyHex: body.toString('hex') } : {}),
    ...(body.length > 0 ? { bodySha256: createHash('sha256').update(body).digest('hex') } : {}),
  };
  if (type === 0) return { ...readJson(bytes.toString('utf8', 8, headerEnd)), ...common };
  if (type === 1) return { ...readRocketmq(bytes.subarray(8, headerEnd)), ...common };
  throw new Error(`serialize type ${type}`);
}

type HeaderPart = Omit<FrameExpectation, 'headerLength' | 'bodyLength' | 'bodyHex'>;

function readJson(text: string): HeaderPart {
  const o = JSON.parse(text) as Record<string, unknown>;
  const num = (k: string): number => {
    const v = o[k];
    if (typeof v !== 'number') throw new Error(`JSON header field ${k} is ${typeof v}`);
    return v;
  };
  let language: string;
  if (typeof o.language === 'string') language = o.language;
  else if (typeof o.language === 'number') language = LANGUAGE_NAMES[o.language];
  else throw new Error('JSON header without language');
  let extFields: Record<string, string> | null = null;
  if (o.extFields !== undefined && o.extFields !== null) {
    extFields = {};
    for (const [k, v] of Object.entries(o.extFields as Record<string, unknown>)) {
      if (typeof v !== 'string') throw new Error(`extFields.${k} is ${typeof v}`);
      extFields[k] = v;
    }
  }
  return {
    serializeType: 'JSON',
    code: num('code'),
    language,
    version: num('version'),
    opaque: num('opaque'),
    flag: num('flag'),
    remark: typeof o.remark === 'string' ? o.remark : null,
    extFields,
  };
}

function readRocketmq(h: Buffer): HeaderPart {
  const code = h.readInt16BE(0);
  const language = LANGUAGE_NAMES[h[2]];
  const version = h.readInt16BE(3);
  const opaque = h.readInt32BE(5);
  const flag = h.readInt32BE(9);
  const remarkLen = h.readInt32BE(13);
  let p = 17;
  const remark = remarkLen > 0 ? h.toString('utf8', p, p + remarkLen) : null;
  p += remarkLen;
  const extLen = h.readInt32BE(p);
  p += 4;
  const end = p + extLen;
  if (end !== h.length) throw new Error(`ROCKETMQ header: map ends at ${end}, header is ${h.length}`);
  let extFields: Record<string, string> | null = null;
  if (extLen > 0) {
    extFields = {};
    while (p < end) {
      const kl = h.readInt16BE(p);
      const k = h.toString('utf8', p + 2, p + 2 + kl);
      p += 2 + kl;
      const vl = h.readInt32BE(p);
      const v = h.toString('utf8', p + 4, p + 4 + vl);
      p += 4 + vl;
      extFields[k] = v;
    }
  }
  return { serializeType: 'ROCKETMQ', code, language, version, opaque, flag, remark, extFields };
}
