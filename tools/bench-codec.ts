// Codec micro-benchmark: encode + decode of a SEND_MESSAGE_V2 request with a 1 KiB body, in both
// header encodings, on one core. Reports frames/s (one frame = one encode and one decode).
//   npm run bench:codec            (or: node dist/tools/bench-codec.js [seconds])
import { decodeCommand, encodeCommandParts } from '../src/remoting/codec';
import { createRequest, SerializeType, type RemotingCommand } from '../src/remoting/command';

function sendV2(serializeType: SerializeType): RemotingCommand {
  return createRequest(310, {
    serializeType,
    body: Buffer.alloc(1024, 0x61),
    extFields: {
      a: 'please_rename_unique_group_name', b: 'TopicTest', c: 'TBW102', d: '4', e: '3', f: '0',
      g: String(Date.now()), h: '0',
      i: 'KEYS\u0001OrderID188\u0002UNIQ_KEY\u00017F0000010F3C18B4AAC2672A2D0E0000\u0002WAIT\u0001true\u0002TAGS\u0001TagA\u0002',
      j: '0', k: 'false', m: 'false', bname: 'broker-a',
    },
  });
}

function run(serializeType: SerializeType, seconds: number): number {
  const cmd = sendV2(serializeType);
  let n = 0;
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  let sink = 0;
  while (process.hrtime.bigint() < deadline) {
    for (let i = 0; i < 1000; i++) {
      cmd.opaque = n + i;
      const parts = encodeCommandParts(cmd);
      // what arrives from the socket: one contiguous frame (without the length field)
      const frame = parts.length === 1 ? parts[0].subarray(4) : Buffer.concat(parts).subarray(4);
      const d = decodeCommand(frame);
      if (!d.ok) throw new Error(d.reason);
      sink += d.cmd.opaque;
    }
    n += 1000;
  }
  if (sink === -1) console.log(sink);
  return n / seconds;
}

const seconds = Number(process.argv[2] ?? 3);
run(SerializeType.JSON, 0.5);
run(SerializeType.ROCKETMQ, 0.5);
const json = run(SerializeType.JSON, seconds);
const rmq = run(SerializeType.ROCKETMQ, seconds);
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
console.log(JSON.stringify({ frame: 'SEND_MESSAGE_V2, 1 KiB body', seconds, jsonFramesPerSec: Math.round(json), rocketmqFramesPerSec: Math.round(rmq) }));
console.log(`JSON:     ${fmt(json)} frames/s (encode+decode)`);
console.log(`ROCKETMQ: ${fmt(rmq)} frames/s (encode+decode)`);
