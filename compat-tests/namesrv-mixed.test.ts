// Mixed cluster: the official Java Broker (5.3.3 and the 4.9 reference, 4.9.7) registered with OUR
// NameServer (in-process NamesrvController), official Java 4.9.8 / 5.3.3 and Go clients through it,
// mqadmin outputs against ours vs against the Java NameServer (addresses, ports, timestamps and
// figures masked), broker death (kill -9: connection close; SIGSTOP: the expiry window), two
// NameServers with one stopped.
//
// Runs with the default compat target (`ours`); NAMESRV_MIXED_VERSIONS=5.3.3,4.9.7 (default) picks
// the broker versions. Issue 4 ("NameServer: a drop-in for the Java NameServer").
import * as fs from 'fs';
import * as path from 'path';
import pino from 'pino';
import { NamesrvConfig, NamesrvController } from '../src/namesrv';
import { decodeTopicRouteData } from '../src/protocol/body/route';
import { RequestCode } from '../src/protocol/request-code';
import { RemotingClient } from '../src/remoting/client';
import { createRequest } from '../src/remoting/command';
import { check, type Received, type Sent } from './lib/checks';
import { clientAvailable, readReport, reportFile, runDriver, selectedClients, startDriver, type Client, type DriverResult, type RunningDriver } from './lib/driver';
import { runMqadmin } from './lib/mqadmin';
import { CACHE_DIR } from './lib/paths';
import { freePort, freePortBlock } from './lib/ports';
import { waitForBrokerRegistered } from './lib/probe';
import { startProc, type Proc } from './lib/proc';
import { buildServerClasspath, type JavaServerVersion } from './lib/setup';
import { brokerConf, JDK17_FLAGS, rocketmqHome, selectedTargetKind } from './lib/targets';

jest.setTimeout(300_000);

const VERSIONS = (process.env.NAMESRV_MIXED_VERSIONS ?? '5.3.3,4.9.7').split(',').map((s) => s.trim()) as JavaServerVersion[];
const enabled = selectedTargetKind() === 'ours';
const CLIENTS = selectedClients().filter(clientAvailable);

interface OurNamesrv {
  controller: NamesrvController;
  addr: string;
  port: number;
  stop(): Promise<void>;
}

function workDir(label: string): string {
  const base = path.join(CACHE_DIR, 'servers');
  fs.mkdirSync(base, { recursive: true });
  return fs.mkdtempSync(path.join(base, `namesrv-mixed-${label}-`));
}

async function startOurNamesrv(dir: string, props: Record<string, string | number | boolean> = {}): Promise<OurNamesrv> {
  fs.mkdirSync(dir, { recursive: true });
  const config = new NamesrvConfig({
    listenPort: 0,
    kvConfigPath: path.join(dir, 'kvConfig.json'),
    configStorePath: path.join(dir, 'namesrv.properties'),
    ...props,
  }, dir);
  const logger = pino({ level: 'info' }, pino.destination({ dest: path.join(dir, 'namesrv.log'), sync: true }));
  const controller = new NamesrvController(config, { host: '127.0.0.1', logger });
  const port = await controller.start();
  return { controller, port, addr: `127.0.0.1:${port}`, stop: () => controller.shutdown() };
}

function jvm(version: JavaServerVersion, home: string, heap: string, classpath: string): string[] {
  void version;
  return [`-Xmx${heap}`, `-Xms${heap === '1g' ? '256m' : heap}`, ...JDK17_FLAGS, `-Duser.home=${home}`, `-Drocketmq.home.dir=${home}`, '-cp', classpath];
}

interface JavaNode {
  proc: Proc;
  port: number;
  addr: string;
  stop(): Promise<void>;
}

async function startJavaNamesrv(version: JavaServerVersion, dir: string): Promise<JavaNode> {
  const { classpath } = await buildServerClasspath(version);
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  const port = await freePort();
  const conf = path.join(dir, 'namesrv.properties');
  fs.writeFileSync(conf, `listenPort=${port}\nkvConfigPath=${path.join(dir, 'namesrv', 'kvConfig.json')}\nconfigStorePath=${conf}\n`);
  const home = rocketmqHome(dir);
  const proc = startProc(`java-namesrv-${version}`, 'java', [...jvm(version, home, '256m', classpath), 'org.apache.rocketmq.namesrv.NamesrvStartup', '-c', conf], {
    cwd: dir, env: { ...process.env, ROCKETMQ_HOME: home, NAMESRV_ADDR: '' }, logFile: path.join(dir, 'logs', 'namesrv.out'),
  });
  await proc.waitForLine((l) => l.includes('boot success'), 120_000);
  return { proc, port, addr: `127.0.0.1:${port}`, stop: () => proc.stop(5000) };
}

async function startJavaBroker(version: JavaServerVersion, dir: string, namesrvAddr: string, opts: { brokerName?: string; extra?: string[] } = {}): Promise<JavaNode> {
  const { classpath } = await buildServerClasspath(version);
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  const port = await freePortBlock(-2, 1);
  const firstNs = Number(namesrvAddr.split(';')[0].split(':')[1]);
  let conf = brokerConf(dir, { namesrv: firstNs, broker: port }).replace(/^namesrvAddr=.*$/m, `namesrvAddr=${namesrvAddr}`);
  if (opts.brokerName) conf = conf.replace(/^brokerName=.*$/m, `brokerName=${opts.brokerName}`);
  conf += (opts.extra ?? []).join('\n') + '\n';
  const file = path.join(dir, 'broker.conf');
  fs.writeFileSync(file, conf);
  const home = rocketmqHome(dir);
  const proc = startProc(`java-broker-${version}-${opts.brokerName ?? 'broker-a'}`, 'java',
    [...jvm(version, home, '1g', classpath), 'org.apache.rocketmq.broker.BrokerStartup', '-c', file, '-n', namesrvAddr], {
      cwd: dir, env: { ...process.env, ROCKETMQ_HOME: home, NAMESRV_ADDR: '' }, logFile: path.join(dir, 'logs', 'broker.out'),
    });
  await proc.waitForLine((l) => l.includes('boot success'), 180_000);
  const addr = `127.0.0.1:${port}`;
  for (const ns of namesrvAddr.split(';')) {
    await waitForBrokerRegistered(Number(ns.split(':')[1]), addr, 90_000, () => {
      const c = proc.exitCode();
      return c === undefined ? undefined : `broker exited (${c}): ${proc.stderrTail().slice(-1500)}`;
    });
  }
  return { proc, port, addr, stop: () => proc.stop(5000) };
}

/** Sends a signal to the JVM (startProc runs it as its own process group). */
function signal(p: Proc, sig: NodeJS.Signals): void {
  const pid = p.child.pid;
  if (pid === undefined) throw new Error('no pid');
  try {
    process.kill(-pid, sig);
  } catch {
    process.kill(pid, sig);
  }
}

async function routeCode(client: RemotingClient, nsAddr: string, topic: string): Promise<{ code: number; brokers: string[] }> {
  const resp = await client.invoke(nsAddr, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic } }), 3000);
  if (resp.code !== 0 || !resp.body) return { code: resp.code, brokers: [] };
  const d = decodeTopicRouteData(resp.body);
  return { code: 0, brokers: d.ok ? d.value.queueDatas.filter((q) => (q.perm & 2) !== 0).map((q) => q.brokerName).sort() : [] };
}

async function waitUntil(pred: () => Promise<boolean>, ms: number, step = 100): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await pred()) return Date.now() - t0;
    if (Date.now() - t0 > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, step));
  }
}

function isConnectToNull(r: DriverResult): boolean {
  return /RemotingConnectException: connect to null failed/.test(String(r.error ?? ''));
}

/** runDriver, retried (at most 3 runs) only on the Java client's "connect to null" start-up failure. */
/**
 * A fresh Java client's first NameServer call fails with "connect to null" when the channel it picked
 * is not active yet (NettyRemotingClient.invokeSync with addr null: the connect is still in progress
 * on a loaded machine, or the NameServer it rotated to is down); a real application simply retries
 * later. A one-shot driver process is retried here, up to this many times.
 */
const CONNECT_TO_NULL_ATTEMPTS = 6;

async function retried(client: Client, args: string[]): Promise<DriverResult> {
  for (let attempt = 1; ; attempt++) {
    const r = await runDriver(client, args);
    if (r.ok || attempt >= CONNECT_TO_NULL_ATTEMPTS || !isConnectToNull(r)) return r;
    process.stderr.write(`namesrv-mixed two-ns: ${client} ${args[0]} attempt ${attempt}: ${String(r.error).slice(0, 160)}\n`);
  }
}

/** Both sides' masked mqadmin outputs, for a human to read after the run. */
const MQADMIN_LOG = path.join(CACHE_DIR, 'results', 'namesrv-mixed-mqadmin.txt');
fs.mkdirSync(path.dirname(MQADMIN_LOG), { recursive: true });

const uniq = (p: string): string => `${p}_${Math.random().toString(36).slice(2, 8)}`;

async function produceConsume(client: Client, namesrv: string, count = 10): Promise<{ sent: Sent[] }> {
  const topic = uniq(`nsmix_${client.replace(/[^a-z0-9]/gi, '')}`);
  const group = uniq('nsmixg');
  const runId = uniq('run');
  const sentFile = reportFile(`${topic}-sent`);
  const prod = await runDriver(client, ['produce', '--namesrv', namesrv, '--topic', topic, '--count', String(count), '--run-id', runId, '--report', sentFile]);
  check(prod.ok && prod.sent === count, `${client} produce through our NameServer: ${JSON.stringify(prod).slice(0, 800)}`);
  const recvFile = reportFile(`${topic}-recv`);
  const cons = await runDriver(client, ['consume', '--namesrv', namesrv, '--topic', topic, '--group', group, '--count', String(count),
    '--from', 'first', '--timeout-ms', '60000', '--run-id', runId, '--report', recvFile]);
  check(cons.ok, `${client} consume through our NameServer: ${JSON.stringify(cons).slice(0, 800)}`);
  const got = readReport<Received>(recvFile).filter((m) => m.runId === undefined || m.runId === runId);
  check(new Set(got.map((m) => m.i)).size === count, `${client}: received ${got.length} of ${count}`);
  return { sent: readReport<Sent>(sentFile) };
}

/** mqadmin output with what legitimately differs between two clusters masked. */
function mask(out: string): string {
  return out
    .split('\n')
    .filter((l) => !/^\s*$/.test(l) && !/SLF4J|logback|WARNING|RocketMQLog/.test(l))
    .map((l) => l
      .replace(/\d{1,3}(\.\d{1,3}){3}:\d+/g, 'ADDR')
      .replace(/\b\d{10,}\b/g, 'TS')
      .replace(/\d+\.\d+/g, 'N.N')
      .replace(/\s+$/g, ''))
    .join('\n');
}

/** Runs one mqadmin command against both NameServers and compares the masked outputs. */
async function sameOutput(args: string[], oursAddr: string, javaAddr: string, opts: { sortLines?: boolean; extraMask?: (s: string) => string } = {}): Promise<string> {
  const client: Client = 'java-5.3.3';
  const [a, b] = await Promise.all([runMqadmin(client, oursAddr, args), runMqadmin(client, javaAddr, args)]);
  const norm = (s: string): string => {
    let m = mask(s);
    if (opts.extraMask) m = opts.extraMask(m);
    return opts.sortLines ? m.split('\n').sort().join('\n') : m;
  };
  const ours = norm(a.stdout);
  const java = norm(b.stdout);
  fs.appendFileSync(MQADMIN_LOG, `=== mqadmin ${args.join(' ')}\n--- ours (masked)\n${ours}\n--- java (masked)\n${java}\n`);
  check(ours.trim().length > 0, `mqadmin ${args.join(' ')} printed nothing against ours; stderr:\n${a.stderr.slice(-1500)}`);
  expect(`${args.join(' ')}\n${ours}`).toBe(`${args.join(' ')}\n${java}`);
  check(!/Exception/.test(a.stdout + a.stderr), `mqadmin ${args.join(' ')} against ours failed:\n${a.stdout}\n${a.stderr.slice(-1500)}`);
  return ours;
}

const suite = enabled ? describe : describe.skip;
if (!enabled) process.stderr.write(`namesrv-mixed: skipped (COMPAT_TARGET=${selectedTargetKind()}; it runs with the default target 'ours')\n`);

suite.each(VERSIONS)('official Java broker %s with our NameServer', (version) => {
  let dir = '';
  let ours: OurNamesrv;
  let javaNs: JavaNode;
  let brokerOurs: JavaNode;
  let brokerRef: JavaNode;
  const rc = new RemotingClient();

  beforeAll(async () => {
    dir = workDir(version);
    ours = await startOurNamesrv(path.join(dir, 'ours-ns'));
    javaNs = await startJavaNamesrv(version, path.join(dir, 'java-ns'));
    [brokerOurs, brokerRef] = await Promise.all([
      startJavaBroker(version, path.join(dir, 'broker-ours'), ours.addr),
      startJavaBroker(version, path.join(dir, 'broker-ref'), javaNs.addr),
    ]);
  }, 600_000);

  afterAll(async () => {
    rc.shutdown();
    await Promise.all([brokerOurs?.stop(), brokerRef?.stop()]);
    await Promise.all([javaNs?.stop(), ours?.stop()]);
  }, 60_000);

  test('the broker registers; its system topics are routable', async () => {
    const live = [...ours.controller.routeInfoManager.brokerLiveTable.values()];
    expect(live.map((l) => l.brokerAddr)).toEqual([brokerOurs.addr]);
    expect((await routeCode(rc, ours.addr, 'TBW102')).brokers).toEqual(['broker-a']);
  });

  test('mqadmin clusterList / topicList / topicRoute give the same output as against the Java NameServer', async () => {
    // clusterList's figures (TPS, versions, disk) come from the broker; the masking hides numbers.
    await sameOutput(['clusterList'], ours.addr, javaNs.addr, { extraMask: (s) => s.replace(/\b\d+\b/g, 'N') });
    await sameOutput(['topicList'], ours.addr, javaNs.addr, { sortLines: true });
    await sameOutput(['topicRoute', '-t', 'TBW102'], ours.addr, javaNs.addr);
  });

  test('mqadmin updateKvConfig / deleteKvConfig / wipeWritePerm / addWritePerm match, and take effect', async () => {
    await sameOutput(['updateKvConfig', '-s', 'ORDER_TOPIC_CONFIG', '-k', 'nsmixKey', '-v', 'broker-a:4'], ours.addr, javaNs.addr);
    expect(ours.controller.kvConfigManager.getKVConfig('ORDER_TOPIC_CONFIG', 'nsmixKey')).toBe('broker-a:4');
    await sameOutput(['deleteKvConfig', '-s', 'ORDER_TOPIC_CONFIG', '-k', 'nsmixKey'], ours.addr, javaNs.addr);
    expect(ours.controller.kvConfigManager.getKVConfig('ORDER_TOPIC_CONFIG', 'nsmixKey')).toBeUndefined();
    await sameOutput(['wipeWritePerm', '-b', 'broker-a'], ours.addr, javaNs.addr);
    expect((await routeCode(rc, ours.addr, 'TBW102')).brokers).toEqual([]); // no writable queue data left
    await sameOutput(['addWritePerm', '-b', 'broker-a'], ours.addr, javaNs.addr);
    expect((await routeCode(rc, ours.addr, 'TBW102')).brokers).toEqual(['broker-a']);
  });

  for (const client of CLIENTS) {
    test(`${client} producer and consumer through the mixed cluster`, async () => {
      await produceConsume(client, ours.addr);
    });
  }

  test('kill -9 of the broker: its routes are gone at once (connection close), far inside the 120 s window', async () => {
    expect((await routeCode(rc, ours.addr, 'TBW102')).code).toBe(0);
    const t0 = Date.now();
    signal(brokerOurs.proc, 'SIGKILL');
    await waitUntil(async () => (await routeCode(rc, ours.addr, 'TBW102')).code === 17, 120_000, 50);
    const took = Date.now() - t0;
    process.stderr.write(`namesrv-mixed ${version}: routes gone ${took} ms after kill -9\n`);
    expect(took).toBeLessThan(5000);
    expect(ours.controller.routeInfoManager.brokerLiveTable.size).toBe(0);
  });
});

suite('5.3.3 broker stopped with SIGSTOP (connection stays open): routes go within its heartbeat timeout', () => {
  let dir = '';
  let ours: OurNamesrv;
  let broker: JavaNode;
  const rc = new RemotingClient();

  beforeAll(async () => {
    dir = workDir('expiry');
    ours = await startOurNamesrv(path.join(dir, 'ours-ns'), { scanNotActiveBrokerInterval: 1000 });
    // enableSlaveActingMaster makes a 5.x broker send heartbeatTimeoutMillis (= brokerNotActiveTimeoutMillis)
    // in REGISTER_BROKER and BROKER_HEARTBEAT every second; without it the NameServer default, 120 s, applies.
    broker = await startJavaBroker('5.3.3', path.join(dir, 'broker'), ours.addr, {
      extra: ['enableSlaveActingMaster=true', 'brokerNotActiveTimeoutMillis=4000'],
    });
  }, 600_000);

  afterAll(async () => {
    rc.shutdown();
    if (broker) {
      signal(broker.proc, 'SIGCONT');
      await broker.stop();
    }
    await ours?.stop();
  }, 60_000);

  test('expiry after SIGSTOP', async () => {
    const live = [...ours.controller.routeInfoManager.brokerLiveTable.values()];
    expect(live.map((l) => l.heartbeatTimeoutMillis)).toEqual([4000]);
    const t0 = Date.now();
    signal(broker.proc, 'SIGSTOP');
    await waitUntil(async () => (await routeCode(rc, ours.addr, 'TBW102')).code === 17, 30_000, 100);
    const took = Date.now() - t0;
    process.stderr.write(`namesrv-mixed expiry: routes gone ${took} ms after SIGSTOP (timeout 4000 ms, scan 1000 ms)\n`);
    expect(took).toBeGreaterThanOrEqual(2500);
    expect(took).toBeLessThan(4000 + 1000 + 3000);
  });
});

suite('two of our NameServers, brokers a and b (5.3.3)', () => {
  let dir = '';
  let ns1: OurNamesrv;
  let ns2: OurNamesrv;
  let brokerA: JavaNode;
  let brokerB: JavaNode;
  const rc = new RemotingClient();
  let both = '';
  let ns1Up = true;
  const producer: Client = CLIENTS.includes('java-5.3.3') ? 'java-5.3.3' : CLIENTS[0];

  beforeAll(async () => {
    dir = workDir('two-ns');
    ns1 = await startOurNamesrv(path.join(dir, 'ns1'));
    ns2 = await startOurNamesrv(path.join(dir, 'ns2'));
    both = `${ns1.addr};${ns2.addr}`;
    [brokerA, brokerB] = await Promise.all([
      startJavaBroker('5.3.3', path.join(dir, 'broker-a'), both, { brokerName: 'broker-a' }),
      startJavaBroker('5.3.3', path.join(dir, 'broker-b'), both, { brokerName: 'broker-b' }),
    ]);
  }, 600_000);

  afterAll(async () => {
    rc.shutdown();
    await Promise.all([brokerA?.stop(), brokerB?.stop()]);
    await Promise.all([ns1Up ? ns1?.stop() : undefined, ns2?.stop()]);
  }, 60_000);

  test('each NameServer is a full replica of what the brokers tell it', async () => {
    for (const ns of [ns1, ns2]) expect((await routeCode(rc, ns.addr, 'TBW102')).brokers).toEqual(['broker-a', 'broker-b']);
  });

  test('kill -9 of broker-b: both NameServers drop it and a new official producer sends only to broker-a', async () => {
    const topic = uniq('nsmix_kill');
    const before = reportFile(`${topic}-before`);
    const r1 = await retried(producer, ['produce', '--namesrv', both, '--topic', topic, '--count', '16', '--report', before]);
    check(r1.ok, `produce before kill: ${JSON.stringify(r1).slice(0, 600)}`);
    const brokersBefore = new Set(readReport<Received>(before).map((m) => m.brokerName));
    signal(brokerB.proc, 'SIGKILL');
    for (const ns of [ns1, ns2]) {
      await waitUntil(async () => (await routeCode(rc, ns.addr, 'TBW102')).brokers.join() === 'broker-a', 10_000, 50);
    }
    const after = reportFile(`${topic}-after`);
    const r2 = await retried(producer, ['produce', '--namesrv', both, '--topic', topic, '--count', '16', '--report', after]);
    check(r2.ok && r2.sent === 16, `produce after kill: ${JSON.stringify(r2).slice(0, 600)}`);
    const brokersAfter = new Set(readReport<Received>(after).map((m) => m.brokerName));
    process.stderr.write(`namesrv-mixed two-ns: brokers used before kill ${[...brokersBefore]}, after ${[...brokersAfter]}\n`);
    expect([...brokersAfter]).toEqual(['broker-a']);
  });

  test('stopping one NameServer leaves running clients working, and new ones start through the other', async () => {
    // Phase 1, both NameServers up: per client a seed message and a running consumer.
    // Phase 2, one NameServer stopped: a fresh producer per client sends through the other, and the
    // consumer that was already running receives every acknowledged message.
    // A fresh Java 5.3.3 client given two NameServers, one of them down, fails its first route lookup
    // whenever it rotates to the dead one: its NettyRemotingClient picks one NameServer per call (4.9.8's
    // tries each in turn within the call), and MQClientInstance.updateTopicRouteInfoFromNameServer
    // rethrows the RemotingConnectException ("connect to null") as an IllegalStateException, so that
    // send fails without a retry (4.9.8 and Go start fine). A one-shot driver is re-run for it;
    // if every attempt fails, that is printed and not asserted for 5.3.3; everything else is.
    // (Until 2026-11-25 this test read the consumer's report while the driver ran, but the drivers
    // flushed reports only at exit, and the consumer exited at a count that a part-way failed producer
    // attempt could fill: the intermittent "running consumer did not receive" failure. Reports are now
    // flushed every 200 ms and the consumer runs until stopped.)
    const running: { client: Client; topic: string; runId: string; recv: string; consumer: RunningDriver }[] = [];
    try {
      for (const client of CLIENTS) {
        const topic = uniq(`nsmix_ha_${client.replace(/[^a-z0-9]/gi, '')}`);
        const runId = uniq('run');
        const seed = await retried(client, ['produce', '--namesrv', both, '--topic', topic, '--count', '1', '--run-id', `${runId}-seed`]);
        check(seed.ok, `${client} seed produce: ${JSON.stringify(seed).slice(0, 600)}`);
        // The seed auto-created the topic on broker-a, which tells the NameServers in the background;
        // a consumer that looked the route up before that only retries at its 30 s route poll.
        const routedMs = await waitUntil(async () => {
          for (const ns of [ns1, ns2]) if ((await routeCode(rc, ns.addr, topic)).brokers.join() !== 'broker-a') return false;
          return true;
        }, 30_000, 50);
        const recv = reportFile(`${topic}-recv`);
        const args = ['consume', '--namesrv', both, '--topic', topic, '--group', uniq('nsmixg'), '--count', '1000', '--from', 'first', '--timeout-ms', '240000', '--report', recv];
        let consumer = await startDriver(client, args);
        for (let attempt = 1; ; attempt++) {
          const ready = await consumer.ready(60_000).then(() => true, () => false);
          if (ready) break;
          const res = await consumer.result;
          if (attempt >= CONNECT_TO_NULL_ATTEMPTS || !isConnectToNull(res)) throw new Error(`${client} consumer did not start: ${JSON.stringify(res).slice(0, 600)}`);
          process.stderr.write(`namesrv-mixed two-ns: ${client} consumer start attempt ${attempt}: ${String(res.error).slice(0, 160)}\n`);
          consumer = await startDriver(client, args);
        }
        // "running" means consuming: the seed must have arrived before a NameServer goes away
        const seedMs = await waitUntil(async () => readReport<Received>(recv).some((m) => m.runId === `${runId}-seed`), 60_000, 100)
          .catch(() => { throw new Error(`${client} consumer did not receive the seed within 60 s with both NameServers up`); });
        process.stderr.write(`namesrv-mixed two-ns: ${client} topic routed by both NameServers after ${routedMs} ms, seed consumed ${seedMs} ms after the consumer was ready\n`);
        // (--count 1000: it never stops on its own — a producer attempt that failed part-way may have
        // stored some of the six already, and it must still be consuming when the last attempt's arrive)
        running.push({ client, topic, runId, recv, consumer });
      }
      await ns1.stop();
      ns1Up = false;
      for (const r of running) {
        const sentFile = reportFile(`${r.topic}-sent-after-stop`);
        const sent = await retried(r.client, ['produce', '--namesrv', both, '--topic', r.topic, '--count', '6', '--run-id', r.runId, '--report', sentFile]);
        const acked = new Set(readReport<Sent>(sentFile).map((m) => m.i));
        if (acked.size === 0 && r.client === 'java-5.3.3' && isConnectToNull(sent)) {
          process.stderr.write(`namesrv-mixed two-ns: java-5.3.3 fresh producer with one NameServer down: ${String(sent.error).slice(0, 160)} (known, not asserted)\n`);
          continue;
        }
        check(acked.size > 0, `${r.client} produce with one NameServer down sent nothing: ${JSON.stringify(sent).slice(0, 600)}`);
        if (!sent.ok) process.stderr.write(`namesrv-mixed two-ns: ${r.client} produce with one NameServer down: ${acked.size} of 6 acknowledged (${String(sent.error).slice(0, 120)})\n`);
        const received = (): Set<number> => new Set(readReport<Received>(r.recv).filter((m) => m.runId === r.runId).map((m) => m.i));
        const t0 = Date.now();
        await waitUntil(async () => [...acked].every((i) => received().has(i)), 90_000, 200).catch(() => {
          throw new Error(`${r.client}: the running consumer got ${[...received()].sort().join(',') || 'nothing'} of the acknowledged ${[...acked].sort().join(',')} within 90 s after ns1 stopped`);
        });
        process.stderr.write(`namesrv-mixed two-ns: ${r.client} running consumer got the ${acked.size} messages sent with ns1 down within ${Date.now() - t0} ms of their acknowledgement\n`);
      }
    } finally {
      await Promise.all(running.map((r) => r.consumer.stop()));
    }
  });
});
