// Seed frames for the fuzzers: the golden vectors of shared/protocol/remoting.md, frames captured
// from official peers in fixtures/wire/ (every `*.json` with a `hex` field), and frames of every
// header shape made by our encoder.
import fs from 'node:fs';
import path from 'node:path';
import { encodeCommand } from '../../src/remoting/codec';
import { createRequest, FLAG_ONEWAY, SerializeType } from '../../src/remoting/command';

const golden = [
  '00000087000000837b22636f6465223a3130352c226578744669656c6473223a7b22746f706963223a22546f70696354657374227d2c22666c6167223a302c226c616e6775616765223a224a415641222c226f7061717565223a372c2273657269616c697a655479706543757272656e74525043223a224a534f4e222c2276657273696f6e223a3437397d',
  '0000002d010000290069000' + '1df0000000700000000000000000000001400057' + '46f7069630000000954' + '6f70696354657374',
  '000000190100001500000001df000000010000000100000000' + '00000000',
];

function fixtureFrames(): Buffer[] {
  const dir = path.join(__dirname, '..', '..', 'fixtures', 'wire');
  const out: Buffer[] = [];
  if (!fs.existsSync(dir)) return out;
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json') && e.name !== 'manifest.json') {
        try {
          const j = JSON.parse(fs.readFileSync(p, 'utf8')) as { hex?: unknown };
          if (typeof j.hex === 'string' && j.hex.length <= 2 * 64 * 1024) out.push(Buffer.from(j.hex, 'hex'));
        } catch {
          // not a frame fixture
        }
      }
    }
  };
  walk(dir);
  return out;
}

export function seedFrames(): Buffer[] {
  const made: Buffer[] = [];
  for (const serializeType of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
    made.push(encodeCommand(createRequest(105, { extFields: { topic: 'TopicTest' }, serializeType })));
    made.push(encodeCommand(createRequest(310, {
      extFields: { a: 'PG', b: 'TopicTest', c: 'TBW102', d: '4', e: '1', f: '0', g: '1732400000000', h: '0', i: 'KEYS\u0001k1\u0002TAGS\u0001TagA\u0002', j: '0', k: 'false', m: 'false' },
      body: Buffer.alloc(200, 0x61),
      serializeType,
    })));
    const oneway = createRequest(15, { extFields: { consumerGroup: 'g', topic: 't', queueId: '0', commitOffset: '12' }, serializeType });
    oneway.flag |= FLAG_ONEWAY;
    made.push(encodeCommand(oneway));
    made.push(encodeCommand(createRequest(34, { body: Buffer.from('{"clientID":"x","consumerDataSet":[],"producerDataSet":[]}'), serializeType })));
    made.push(encodeCommand(createRequest(99999, { remark: 'r', serializeType })));
  }
  const goHeader = Buffer.from('{"code":34,"language":"GO","version":317,"opaque":1,"flag":0,"remark":"","extFields":{}}');
  const go = Buffer.alloc(8 + goHeader.length);
  go.writeInt32BE(4 + goHeader.length, 0);
  go.writeInt32BE(goHeader.length, 4);
  goHeader.copy(go, 8);
  made.push(go);
  return [...golden.map((h) => Buffer.from(h, 'hex')), ...made, ...fixtureFrames()];
}
