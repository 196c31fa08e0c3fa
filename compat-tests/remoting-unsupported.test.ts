// The official Java remoting library (NettyRemotingClient of rocketmq-client 4.9.8 and 5.3.3, in
// both header encodings) sends an unknown request code; the server must answer
// REQUEST_CODE_NOT_SUPPORTED with Java's remark, echo the opaque, and stay silent for a oneway
// request. Target `ours`: our RemotingServer with no processors (the remoting layer alone), and our
// NameServer + Broker when they run. Target `java`: the official NameServer and Broker.
// Observed on the reference (2026-11-24): the 4.9.7 NameServer sends NO response to an unknown code
// (its DefaultRequestProcessor returns null; the client times out), while the 5.3.3 NameServer and
// both brokers answer code 3. shared/protocol/codes.md says every Java NameServer answers 3; the 4.9
// source disagrees. Ours answers 3 everywhere, as 5.x does: a client never waits for a timeout.
import { execFile } from 'child_process';
import { driverCommand, type Client } from './lib/driver';
import { record } from './lib/matrix';
import { selectedJavaVersions, selectedTargetKind, startJavaReference, type ReferenceServers } from './lib/targets';
import { RemotingServer } from '../src/remoting/server';

jest.setTimeout(300_000);

const CLIENTS: Client[] = ['java-4.9.8', 'java-5.3.3'];
const ENCODINGS = ['JSON', 'ROCKETMQ'] as const;

interface CallResult { ok: boolean; code?: number; remark?: string; opaque?: number; requestOpaque?: number; flag?: number; error?: string }

async function remotingCall(client: Client, encoding: string, addr: string, code: number, oneway = false): Promise<CallResult> {
  const { cmd, args } = await driverCommand(client);
  const jvm = args.slice(0, -1); // drop the Driver main class
  const argv = [...jvm.filter((a) => !a.startsWith('-Drocketmq.serialize.type')), `-Drocketmq.serialize.type=${encoding}`,
    'org.rocketmqts.compat.RemotingCall', '--addr', addr, '--code', String(code), ...(oneway ? ['--oneway'] : [])];
  return new Promise((resolve) => {
    execFile(cmd, argv, { timeout: 60_000 }, (_err, stdout) => {
      const line = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      resolve(line ? (JSON.parse(line) as CallResult) : { ok: false, error: `no output: ${stdout}` });
    });
  });
}

const kind = selectedTargetKind();

describe(`remoting: unknown request code from the official Java remoting client @ ${kind}`, () => {
  const servers: { label: string; addr: string }[] = [];
  let ourServer: RemotingServer | undefined;
  let onewaySeen = 0;
  const refs: ReferenceServers[] = [];

  beforeAll(async () => {
    if (kind === 'ours') {
      ourServer = new RemotingServer({ port: 0, host: '127.0.0.1' });
      ourServer.on('connect', (c) => c.socket.on('data', () => undefined));
      ourServer.registerProcessor(424242, () => { onewaySeen++; return null; });
      const port = await ourServer.start();
      servers.push({ label: 'ours-remoting', addr: `127.0.0.1:${port}` });
    } else if (kind === 'java') {
      for (const v of selectedJavaVersions()) {
        const ref = await startJavaReference(v, { heap: '512m' });
        refs.push(ref);
        servers.push({ label: `java-${v}-namesrv`, addr: ref.namesrvAddr }, { label: `java-${v}-broker`, addr: ref.brokerAddr });
      }
    }
  }, 600_000);

  afterAll(async () => {
    await ourServer?.shutdown();
    await Promise.all(refs.map((r) => r.stop()));
  });

  if (kind === 'testcontainers') {
    test.skip('no Docker engine here: see the scenario suites', () => undefined);
    return;
  }

  for (const client of CLIENTS) {
    for (const encoding of ENCODINGS) {
      // The binary header carries the code as a Java short (99999 would arrive as -31073).
      const code = encoding === 'JSON' ? 99999 : 9999;
      test(`${client} ${encoding}: code ${code} → REQUEST_CODE_NOT_SUPPORTED`, async () => {
        const t0 = Date.now();
        for (const s of servers) {
          const r = await remotingCall(client, encoding, s.addr, code);
          try {
            if (s.label === 'java-4.9.7-namesrv') {
              expect(r).toMatchObject({ ok: false });
              expect(r.error).toMatch(/RemotingTimeoutException/);
            } else {
              expect(r).toMatchObject({ ok: true, code: 3, remark: ` request type ${code} not supported`, flag: 1 });
              expect(r.opaque).toBe(r.requestOpaque);
            }
            record({ file: 'remoting-unsupported', order: 0, scenario: `unsupported-code-${encoding.toLowerCase()}@${s.label}`, client, target: kind, status: 'pass', ms: Date.now() - t0 });
          } catch (e) {
            record({ file: 'remoting-unsupported', order: 0, scenario: `unsupported-code-${encoding.toLowerCase()}@${s.label}`, client, target: kind, status: 'fail', ms: Date.now() - t0, detail: JSON.stringify(r) });
            throw e;
          }
        }
      });
    }
  }

  if (kind === 'ours') {
    test('a oneway request reaches the processor and gets no response', async () => {
      const before = onewaySeen;
      const r = await remotingCall('java-5.3.3', 'JSON', servers[0].addr, 424242, true);
      expect(r.ok).toBe(true);
      expect(onewaySeen).toBe(before + 1);
    });
  }
});
