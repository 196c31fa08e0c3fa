// Golden frames (fixtures/wire, captured between official peers and the official 5.3.3 NameServer):
// the captured broker REGISTER_BROKER frames are fed to our NameServer as they are, and our answers
// to GET_ROUTEINFO_BY_TOPIC (success and TOPIC_NOT_EXIST) and REGISTER_BROKER are compared with what
// the Java NameServer answered — byte for byte where the Java NameServer answered in JSON (our
// encoding), field by field where it was configured for the ROCKETMQ encoding.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeCommand, encodeCommand } from '../../src/remoting/codec';
import { SerializeType, type RemotingCommand } from '../../src/remoting/command';
import { decodeRegisterBrokerBody, encodeRegisterBrokerBody } from '../../src/protocol/body/register-broker-body';
import { newTopicConfig } from '../../src/protocol/body/topic-config';
import { connectRaw, type RawPeer } from '../remoting/helpers';
import { startNamesrv, type TestNamesrv } from './helpers';

const WIRE = path.join(__dirname, '..', '..', 'fixtures', 'wire');
const VARIANTS = ['java-5.3.3-json', 'java-4.9.8-json', 'go-v2-json', 'java-5.3.3-rocketmq', 'java-4.9.8-rocketmq']
  .filter((v) => fs.existsSync(path.join(WIRE, v, 'broker-request-REGISTER_BROKER.json')));

interface Fixture {
  frame: Buffer;
  cmd: RemotingCommand;
}

function load(variant: string, kind: string): Fixture {
  const j = JSON.parse(fs.readFileSync(path.join(WIRE, variant, `${kind}.json`), 'utf8')) as { frameHex: string };
  const frame = Buffer.from(j.frameHex, 'hex');
  const d = decodeCommand(frame.subarray(4));
  if (!d.ok) throw new Error(`${variant}/${kind}: ${d.reason}`);
  return { frame, cmd: d.cmd };
}

async function ask(peer: RawPeer, req: RemotingCommand | Buffer): Promise<RemotingCommand> {
  peer.socket.write(Buffer.isBuffer(req) ? req : encodeCommand(req));
  return peer.next(3000);
}

/** Our answer, re-encoded with the opaque of the Java answer, vs the Java answer's bytes. */
function expectSameFrame(ours: RemotingCommand, java: Fixture): void {
  if (java.cmd.serializeType === SerializeType.JSON) {
    expect(encodeCommand({ ...ours, opaque: java.cmd.opaque }).toString('latin1')).toBe(java.frame.toString('latin1'));
  } else {
    // The Java NameServer ran with the ROCKETMQ encoding; ours answers in JSON (a Java node's default).
    expect({ code: ours.code, remark: ours.remark, ext: ours.extFields ?? {}, body: ours.body?.toString() })
      .toEqual({ code: java.cmd.code, remark: java.cmd.remark, ext: java.cmd.extFields ?? {}, body: java.cmd.body?.toString() });
  }
}

describe.each(VARIANTS)('%s', (variant) => {
  let ns: TestNamesrv;
  let peer: RawPeer;

  beforeAll(async () => {
    ns = await startNamesrv();
    peer = await connectRaw(ns.controller.port);
  });

  afterAll(async () => {
    peer.socket.destroy();
    await ns.stop();
  });

  test('REGISTER_BROKER: the captured broker frame, as is, is accepted like the Java NameServer did', async () => {
    const reg = load(variant, 'broker-request-REGISTER_BROKER');
    // The captured frame is a one-topic registration (the broker's registerSingleTopicAll after
    // mqadmin created the topic); before it the broker registered all its topics: do that first.
    const body = decodeRegisterBrokerBody(reg.cmd.body, false, reg.cmd.version);
    expect(body.ok).toBe(true);
    if (!body.ok) return;
    body.value.topicConfigSerializeWrapper.topicConfigTable.set('GoldenFiller', newTopicConfig('GoldenFiller'));
    const full = await ask(peer, {
      ...reg.cmd, opaque: 1000, serializeType: SerializeType.JSON,
      extFields: { ...reg.cmd.extFields, bodyCrc32: '0' }, body: encodeRegisterBrokerBody(body.value),
    });
    expect(full.code).toBe(0);
    const single = await ask(peer, reg.frame);
    expectSameFrame(single, load(variant, 'namesrv-response-REGISTER_BROKER-SUCCESS'));
  });

  test('GET_ROUTEINFO_BY_TOPIC: the same route bytes as the Java NameServer (form chosen by the request version)', async () => {
    const req = load(variant, 'client-request-GET_ROUTEINFO_BY_TOPIC');
    const route = await ask(peer, { ...req.cmd, extFields: { ...req.cmd.extFields, topic: 'CaptureTopic' } });
    const java = load(variant, 'namesrv-response-GET_ROUTEINFO_BY_TOPIC-SUCCESS');
    expect(route.body?.toString()).toBe(java.cmd.body?.toString());
    expectSameFrame(route, java);
  });

  test('GET_ROUTEINFO_BY_TOPIC for an unknown topic: the Java TOPIC_NOT_EXIST answer', async () => {
    const req = load(variant, 'client-request-GET_ROUTEINFO_BY_TOPIC');
    const java = load(variant, 'namesrv-response-GET_ROUTEINFO_BY_TOPIC-TOPIC_NOT_EXIST');
    const topic = /topic: (\S+)\n/.exec(java.cmd.remark ?? '')?.[1] ?? '';
    expect(topic).not.toBe('');
    const resp = await ask(peer, { ...req.cmd, extFields: { ...req.cmd.extFields, topic } });
    expectSameFrame(resp, java);
  });
});
