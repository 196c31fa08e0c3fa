// Captures golden remoting frames between the official RocketMQ clients and the official Java
// NameServer + Broker 5.3.3, and writes them to fixtures/wire/ (tools/capture/README.md).
//
//   npm run build && node dist/tools/capture/capture.js [--variants id,id] [--out DIR] [--raw DIR]
//
// Address arrangement (why two loopback addresses):
//   * NameServer: the Java NameServer listens on 0.0.0.0:NS; the namesrv tee listens on
//     127.0.0.1:T and forwards to 127.0.0.1:NS. The broker and every client are given 127.0.0.1:T
//     as their NameServer, so REGISTER_BROKER and route queries all cross the tee.
//   * Broker: clients connect to the address the broker registered (brokerIP1:listenPort), not to
//     an address we hand them. So the broker gets listenPort=P, bindAddress=127.0.0.1 (it listens
//     on 127.0.0.1:P, and 127.0.0.1:P-2 for its "fast" port) and brokerIP1=127.0.0.2: it
//     advertises 127.0.0.2:P, where the broker tee listens and forwards to 127.0.0.1:P. (On Linux
//     the whole 127/8 is loopback, so 127.0.0.2 needs no set-up.)
// A fresh NameServer + Broker pair (fresh store) is started for each client variant, so every
// frame of a variant comes from that variant's client, its mqadmin call, or the two servers.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TcpTee, type CapturedFrame } from './tee';
import { inspectFrame, type FrameExpectation } from './inspect';
import { freeBrokerPort, freePort, killAll, run, sleep, startUntil, stop, type RunResult, type Started } from './procs';
import { requestCodeName } from '../../src/protocol/request-code';
import { responseCodeName } from '../../src/protocol/response-code';

type Serialize = 'JSON' | 'ROCKETMQ';

export interface Variant {
  id: string;
  client: 'java' | 'go';
  /** Human description of the client library. */
  clientName: string;
  clientVersion: string;
  /** The `version` ordinal the client puts in its requests (remoting.md §9). */
  versionOrdinal: number;
  language: 'JAVA' | 'GO';
  /** Header encoding the client is run with. */
  serialize: Serialize;
  /** Header encoding the Java NameServer, broker and mqadmin are run with (their responses). */
  serverSerialize: Serialize;
}

const SERVER_VERSION = '5.3.3';
const SERVER_VERSION_ORDINAL = 479;
const GO_MODULE = 'github.com/apache/rocketmq-client-go/v2';

export const VARIANTS: readonly Variant[] = [
  { id: 'java-4.9.8-json', client: 'java', clientName: 'org.apache.rocketmq:rocketmq-client', clientVersion: '4.9.8', versionOrdinal: 409, language: 'JAVA', serialize: 'JSON', serverSerialize: 'JSON' },
  { id: 'java-4.9.8-rocketmq', client: 'java', clientName: 'org.apache.rocketmq:rocketmq-client', clientVersion: '4.9.8', versionOrdinal: 409, language: 'JAVA', serialize: 'ROCKETMQ', serverSerialize: 'ROCKETMQ' },
  { id: 'java-5.3.3-json', client: 'java', clientName: 'org.apache.rocketmq:rocketmq-client', clientVersion: '5.3.3', versionOrdinal: 479, language: 'JAVA', serialize: 'JSON', serverSerialize: 'JSON' },
  { id: 'java-5.3.3-rocketmq', client: 'java', clientName: 'org.apache.rocketmq:rocketmq-client', clientVersion: '5.3.3', versionOrdinal: 479, language: 'JAVA', serialize: 'ROCKETMQ', serverSerialize: 'ROCKETMQ' },
  { id: 'go-v2-json', client: 'go', clientName: GO_MODULE, clientVersion: '', versionOrdinal: 317, language: 'GO', serialize: 'JSON', serverSerialize: 'JSON' },
];

const TOPIC = 'CaptureTopic';
const GROUP = 'CaptureGroup';
/** A topic nothing is sent to, consumed by its own group: every pull is held, then not found. */
const IDLE_TOPIC = 'CaptureIdleTopic';
const IDLE_GROUP = 'CaptureIdleGroup';
const CLUSTER = 'CaptureCluster';
const BROKER_NAME = 'capture-broker';
const TEE_BROKER_HOST = '127.0.0.2';
/** Frames above this are not kept as fixtures (a later, smaller frame of the kind is used). */
const MAX_FIXTURE_FRAME = 24 * 1024;
/** Codes only a broker sends to a NameServer: identifies the broker's own connections. */
const BROKER_TO_NAMESRV = new Set([103, 104, 322, 904]);

// ---------------------------------------------------------------------------------------------
// Paths and prerequisites

function findRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj) && (JSON.parse(fs.readFileSync(pj, 'utf8')) as { name?: string }).name === 'rocketmq-ts') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the rocketmq-ts root');
    dir = up;
  }
}

const ROOT = findRoot();
const CACHE = path.join(ROOT, 'compat-tests', '.cache');

function readClasspath(file: string): string {
  return fs.readFileSync(file, 'utf8').trim();
}

/** Builds (through the compat harness's Maven poms) whatever Java artefact is missing. */
async function ensureJava(): Promise<void> {
  const m2 = path.join(CACHE, 'm2');
  const server = path.join(CACHE, 'java', `server-${SERVER_VERSION}`, 'classpath.txt');
  if (!fs.existsSync(server)) {
    const r = await run('mvn', ['-q', '-B', `-Dmaven.repo.local=${m2}`, '-P', `server-${SERVER_VERSION}`, 'dependency:build-classpath'], 600_000, { cwd: path.join(ROOT, 'compat-tests', 'java', 'server') });
    if (r.code !== 0) throw new Error(`building the server classpath failed:\n${r.stdout}${r.stderr}`);
  }
  for (const v of ['4.9.8', '5.3.3']) {
    if (fs.existsSync(javaDriverJar(v)) && fs.existsSync(path.join(CACHE, 'java', v, 'classpath.txt'))) continue;
    const r = await run('mvn', ['-q', '-B', `-Dmaven.repo.local=${m2}`, '-P', `rmq-${v}`, 'package', 'dependency:build-classpath'], 600_000, { cwd: path.join(ROOT, 'compat-tests', 'java') });
    if (r.code !== 0) throw new Error(`building the Java driver ${v} failed:\n${r.stdout}${r.stderr}`);
  }
}

function javaDriverJar(version: string): string {
  return path.join(CACHE, 'java', version, 'target', 'compat-driver-0.1.0.jar');
}

/** Private copies of the Java driver jars, by client version (see snapshotJavaDrivers). */
const driverJars = new Map<string, string>();

/**
 * Copies each Java driver jar to `dir` and checks the copy runs (`Driver version`): the compat
 * harness may rebuild compat-tests/.cache/java/<v>/target while a capture runs, and a half-written
 * jar fails in the middle of a variant.
 */
async function snapshotJavaDrivers(dir: string): Promise<void> {
  for (const v of ['4.9.8', '5.3.3']) {
    const copy = path.join(dir, `compat-driver-${v}.jar`);
    for (let attempt = 1; ; attempt++) {
      fs.copyFileSync(javaDriverJar(v), copy);
      const cp = [copy, readClasspath(path.join(CACHE, 'java', v, 'classpath.txt'))].join(path.delimiter);
      const r = await run('java', ['-cp', cp, 'org.rocketmqts.compat.Driver', 'version'], 60_000, { env: javaEnv() });
      if (r.result?.ok === true) break;
      if (attempt >= 10) throw new Error(`the Java driver ${v} does not run:\n${r.stdout}${r.stderr}`);
      await sleep(5000);
    }
    driverJars.set(v, copy);
  }
}

async function ensureGo(): Promise<string> {
  const bin = path.join(CACHE, 'bin', 'go-driver');
  const r = await run('bash', [path.join(ROOT, 'compat-tests', 'go', 'build.sh')], 600_000);
  if (r.code !== 0) throw new Error(`building the Go driver failed:\n${r.stdout}${r.stderr}`);
  return bin;
}

/** The rocketmq-client-go version the Go driver is built against (from compat-tests/go/go.mod). */
function goClientVersion(): string {
  const mod = fs.readFileSync(path.join(ROOT, 'compat-tests', 'go', 'go.mod'), 'utf8');
  const m = new RegExp(`${GO_MODULE.replace(/[./]/g, '\\$&')}\\s+(\\S+)`).exec(mod);
  return m ? m[1] : 'unknown';
}

// ---------------------------------------------------------------------------------------------
// The servers

interface Servers {
  namesrv: Started;
  broker?: Started;
  nsTee: TcpTee;
  brokerTee: TcpTee;
  nsAddr: string;
  dir: string;
}

function javaEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.ROCKETMQ_SERIALIZE_TYPE;
  delete env.NAMESRV_ADDR;
  delete env.JAVA_TOOL_OPTIONS;
  return env;
}

function serverJvm(dir: string, serialize: Serialize, heap: string): string[] {
  return [
    `-Xmx${heap}`,
    `-Duser.home=${dir}`,
    `-Drocketmq.home.dir=${dir}`,
    `-Drocketmq.serialize.type=${serialize}`,
    '-cp',
    readClasspath(path.join(CACHE, 'java', `server-${SERVER_VERSION}`, 'classpath.txt')),
  ];
}

async function startServers(variant: Variant, dir: string): Promise<Servers> {
  const nsPort = await freePort();
  fs.writeFileSync(path.join(dir, 'namesrv.conf'), `listenPort=${nsPort}\n`);
  const namesrv = await startUntil(
    'java',
    [...serverJvm(dir, variant.serverSerialize, '256m'), 'org.apache.rocketmq.namesrv.NamesrvStartup', '-c', path.join(dir, 'namesrv.conf')],
    /The Name Server boot success/,
    60_000,
    { env: javaEnv() },
  );
  const nsTee = new TcpTee({ name: 'namesrv', listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: nsPort });
  let brokerTee: TcpTee | undefined;
  let nsAddr: string;
  let brokerPort: number;
  try {
    nsAddr = `127.0.0.1:${(await nsTee.listen()).port}`;
    brokerPort = await freeBrokerPort(TEE_BROKER_HOST);
    brokerTee = new TcpTee({ name: 'broker', listenHost: TEE_BROKER_HOST, listenPort: brokerPort, targetHost: '127.0.0.1', targetPort: brokerPort });
    await brokerTee.listen();
  } catch (e) {
    await stop(namesrv.child);
    await nsTee.close();
    await brokerTee?.close();
    throw e;
  }
  const store = path.join(dir, 'store');
  fs.rmSync(store, { recursive: true, force: true });
  fs.writeFileSync(
    path.join(dir, 'broker.conf'),
    [
      `brokerClusterName=${CLUSTER}`,
      `brokerName=${BROKER_NAME}`,
      'brokerId=0',
      `listenPort=${brokerPort}`,
      'bindAddress=127.0.0.1',
      `brokerIP1=${TEE_BROKER_HOST}`,
      `namesrvAddr=${nsAddr}`,
      `storePathRootDir=${store}`,
      `storePathCommitLog=${path.join(store, 'commitlog')}`,
      'mappedFileSizeCommitLog=67108864',
      'mappedFileSizeConsumeQueue=600000',
      'autoCreateTopicEnable=false',
      // Check back half messages after 1 s (defaults: 30 s interval, 6 s age), for tx-produce.
      'transactionCheckInterval=1000',
      'transactionTimeOut=1000',
      '',
    ].join('\n'),
  );
  const servers: Servers = { namesrv, nsTee, brokerTee, nsAddr, dir };
  nsTee.label = 'broker';
  try {
    servers.broker = await startUntil(
      'java',
      [...serverJvm(dir, variant.serverSerialize, '512m'), 'org.apache.rocketmq.broker.BrokerStartup', '-c', path.join(dir, 'broker.conf')],
      /The broker\[.*\] boot success/,
      90_000,
      { env: javaEnv() },
    );
  } catch (e) {
    await stopServers(servers);
    throw e;
  }
  return servers;
}

async function stopServers(s: Servers): Promise<void> {
  if (s.broker) await stop(s.broker.child);
  // Give the NameServer a moment to answer the broker's UNREGISTER_BROKER before it goes.
  await sleep(500);
  await stop(s.namesrv.child);
  await s.nsTee.close();
  await s.brokerTee.close();
}

// ---------------------------------------------------------------------------------------------
// The client steps

interface StepLog {
  step: string;
  command: string;
  ok: boolean;
  result?: Record<string, unknown>;
  note?: string;
}

interface Ctx {
  variant: Variant;
  servers: Servers;
  goBin: string;
  steps: StepLog[];
}

function label(ctx: Ctx, step: string): void {
  ctx.servers.nsTee.label = step;
  ctx.servers.brokerTee.label = step;
}

type OkWhen = (r: RunResult) => boolean;

/** Drivers end with a JSON result line (driver contract); mqadmin prints a text line. */
const succeeded: OkWhen = (r) => r.code === 0 && (r.result ? r.result.ok === true : /success/i.test(r.stdout));

async function runStep(ctx: Ctx, step: string, cmd: string, args: string[], timeoutMs: number, okWhen: OkWhen = succeeded): Promise<RunResult> {
  label(ctx, step);
  const r = await run(cmd, args, timeoutMs, { env: javaEnv(), cwd: ctx.servers.dir });
  const ok = okWhen(r);
  const shown = args.map((a, i) => (args[i - 1] === '-cp' ? '<classpath>' : a.split(ctx.servers.dir).join('$CAPTURE_DIR')));
  const log: StepLog = { step, command: [path.basename(cmd), ...shown].join(' '), ok, result: brief(r.result) };
  if (!ok) log.note = `exit ${r.code}${r.timedOut ? ' (timed out)' : ''}: ${r.stderr.split('\n').filter(Boolean).slice(-5).join(' | ')}`;
  ctx.steps.push(log);
  console.error(`[capture] ${ctx.variant.id} ${step}: ${ok ? 'ok' : 'FAILED ' + (log.note ?? '')} ${r.result ? JSON.stringify(r.result).slice(0, 200) : ''}`);
  // Let oneway frames and late responses cross the tee before the next step relabels connections.
  await sleep(300);
  return r;
}

/** The parts of a driver's result line worth keeping in the manifest. */
function brief(result: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!result) return undefined;
  const keep = ['ok', 'sent', 'failed', 'received', 'checked', 'error'];
  return Object.fromEntries(Object.entries(result).filter(([k]) => keep.includes(k)));
}

function javaDriver(ctx: Ctx, extraJvm: string[] = []): [string, string[]] {
  const v = ctx.variant.clientVersion;
  const cp = [driverJars.get(v) ?? javaDriverJar(v), readClasspath(path.join(CACHE, 'java', v, 'classpath.txt'))].join(path.delimiter);
  return [
    'java',
    ['-Xmx256m', `-Duser.home=${ctx.servers.dir}`, `-Drocketmq.serialize.type=${ctx.variant.serialize}`, ...extraJvm, '-cp', cp, 'org.rocketmqts.compat.Driver'],
  ];
}

async function driver(
  ctx: Ctx,
  step: string,
  sub: string[],
  opts: { extraJvm?: string[]; timeoutMs?: number; okWhen?: OkWhen } = {},
): Promise<RunResult> {
  const common = ['--namesrv', ctx.servers.nsAddr, '--run-id', 'capture'];
  const limit = opts.timeoutMs ?? 60_000;
  if (ctx.variant.client === 'go') return runStep(ctx, step, ctx.goBin, [...sub, ...common], limit, opts.okWhen);
  const [cmd, pre] = javaDriver(ctx, opts.extraJvm);
  return runStep(ctx, step, cmd, [...pre, ...sub, ...common], limit, opts.okWhen);
}

async function mqadmin(ctx: Ctx, step: string, args: string[]): Promise<RunResult> {
  const jvm = serverJvm(ctx.servers.dir, ctx.variant.serverSerialize, '256m');
  return runStep(ctx, step, 'java', [...jvm, 'org.apache.rocketmq.tools.command.MQAdminStartup', ...args, '-n', ctx.servers.nsAddr], 60_000);
}

function sentCount(r: RunResult): number {
  const n = r.result?.sent;
  return typeof n === 'number' ? n : 0;
}

async function runClientSteps(ctx: Ctx): Promise<void> {
  // The topic is created by the official mqadmin (2 queues keeps the pull traffic small).
  await mqadmin(ctx, 'mqadmin-update-topic', ['updateTopic', '-c', CLUSTER, '-t', TOPIC, '-r', '2', '-w', '2']);
  await mqadmin(ctx, 'mqadmin-update-idle-topic', ['updateTopic', '-c', CLUSTER, '-t', IDLE_TOPIC, '-r', '1', '-w', '1']);
  await sleep(1500);
  const produce = ['produce', '--topic', TOPIC, '--size', '32'];
  let sent = 0;
  sent += sentCount(await driver(ctx, 'produce-sync', [...produce, '--count', '2', '--mode', 'sync']));
  sent += sentCount(await driver(ctx, 'produce-batch', [...produce, '--count', '2', '--mode', 'batch', '--batch-size', '2']));
  sent += sentCount(await driver(ctx, 'produce-oneway', [...produce, '--count', '1', '--mode', 'oneway']));
  if (ctx.variant.client === 'java') {
    // SEND_MESSAGE (V1 header) from Java: only with sendSmartMsg=false (codes.md, SEND_MESSAGE).
    sent += sentCount(
      await driver(ctx, 'produce-sync-v1', [...produce, '--count', '1', '--mode', 'sync'], { extraJvm: ['-Dorg.apache.rocketmq.client.sendSmartMsg=false'] }),
    );
  }
  const consume = ['consume', '--topic', TOPIC, '--group', GROUP, '--from', 'first', '--timeout-ms', '30000'];
  await driver(ctx, 'consume', [...consume, '--count', String(Math.max(sent, 1))]);
  // A second round on the same group: QUERY_CONSUMER_OFFSET now finds a committed offset.
  const more = sentCount(await driver(ctx, 'produce-sync-2', [...produce, '--count', '1', '--mode', 'sync']));
  await driver(ctx, 'consume-2', [...consume, '--count', String(Math.max(more, 1))]);
  // A topic without messages: the broker holds each pull (Java asks 15 s, Go 20 s) and then answers
  // PULL_NOT_FOUND. The consumer is expected to end without a message.
  const idle = ['consume', '--topic', IDLE_TOPIC, '--group', IDLE_GROUP, '--from', 'first', '--timeout-ms', '26000', '--count', '1'];
  await driver(ctx, 'consume-idle', idle, {
    timeoutMs: 60_000,
    okWhen: (r) => r.result?.received === 0,
  });
  // Last, so its message does not disturb the counts above: a transactional send whose outcome
  // the broker asks back for (END_TRANSACTION, CHECK_TRANSACTION_STATE). The producer lives for
  // seconds, so it also sends the producer-only HEART_BEAT that short produce runs may not.
  await driver(ctx, 'tx-produce-check', ['tx-produce', '--topic', TOPIC, '--count', '1', '--size', '32', '--outcome', 'check-commit']);
}

// ---------------------------------------------------------------------------------------------
// From captured frames to fixtures

type Party = 'client' | 'broker' | 'namesrv' | 'mqadmin';

export interface FixtureFile {
  variant: string;
  kind: string;
  from: Party;
  to: Party;
  /** Which tee saw the frame and on which of its connections, in which capture order. */
  capture: { tee: string; conn: number; seq: number; timeMs: number; step: string };
  /** For a response: the request it answers. */
  inReplyTo?: { code: number; name: string };
  frameHex: string;
  expect: FrameExpectation;
}

interface Tagged {
  tee: TcpTee;
  frame: CapturedFrame;
  exp: FrameExpectation;
  from: Party;
  to: Party;
  step: string;
  inReplyTo?: { code: number; name: string };
}

function codeName(code: number, response: boolean): string {
  const n = response ? responseCodeName(code) : requestCodeName(code);
  return n ?? `CODE_${code}`;
}

function connectionParty(tee: TcpTee, conn: number): { party: Party; step: string } {
  const step = tee.connLabels.get(conn) ?? '';
  if (tee.name === 'namesrv') {
    const first = tee.frames.find((f) => f.conn === conn && f.dir === 'c2s');
    if (first && BROKER_TO_NAMESRV.has(inspectFrame(first.bytes).code)) return { party: 'broker', step: 'broker' };
  }
  if (step === 'broker') return { party: 'broker', step };
  return { party: step.startsWith('mqadmin') ? 'mqadmin' : 'client', step };
}

function tagFrames(tee: TcpTee): Tagged[] {
  const out: Tagged[] = [];
  const requests = new Map<string, number>();
  for (const frame of tee.frames) {
    const exp = inspectFrame(frame.bytes);
    const { party, step } = connectionParty(tee, frame.conn);
    const server: Party = tee.name === 'namesrv' ? 'namesrv' : 'broker';
    const from = frame.dir === 'c2s' ? party : server;
    const to = frame.dir === 'c2s' ? server : party;
    const t: Tagged = { tee, frame, exp, from, to, step };
    const key = `${frame.conn}/${frame.dir === 'c2s' ? 'c2s' : 's2c'}/${exp.opaque}`;
    if ((exp.flag & 1) === 0) {
      requests.set(key, exp.code);
    } else {
      const reqKey = `${frame.conn}/${frame.dir === 'c2s' ? 's2c' : 'c2s'}/${exp.opaque}`;
      const reqCode = requests.get(reqKey);
      if (reqCode !== undefined) t.inReplyTo = { code: reqCode, name: codeName(reqCode, false) };
    }
    out.push(t);
  }
  return out;
}

function kindOf(t: Tagged): string {
  const e = t.exp;
  if ((e.flag & 1) === 0) {
    let k = `${t.from}-request-${codeName(e.code, false)}`;
    if (e.code === 34) {
      // HEART_BEAT: a producer's and a consumer's bodies differ (consumerDataSet).
      const body = t.frame.bytes.toString('utf8', 8 + e.headerLength);
      k += /"consumerDataSet":\[\{/.test(body) ? '-consumer' : '-producer';
    }
    if (e.flag & 2) k += '-oneway';
    return k;
  }
  const req = t.inReplyTo ? t.inReplyTo.name : 'UNMATCHED';
  return `${t.from}-response-${req}-${codeName(e.code, true)}`;
}

interface VariantOutcome {
  fixtures: { file: string; kind: string; sha256: string; frameLength: number }[];
  kindsSeen: Record<string, number>;
  skipped: string[];
  teeErrors: string[];
}

function writeFixtures(variant: Variant, servers: Servers, outDir: string, rawDir?: string): VariantOutcome {
  const tagged = [...tagFrames(servers.nsTee), ...tagFrames(servers.brokerTee)].sort((a, b) => a.frame.timeMs - b.frame.timeMs);
  if (rawDir) {
    fs.mkdirSync(rawDir, { recursive: true });
    const lines = tagged.map((t) => JSON.stringify({ tee: t.tee.name, conn: t.frame.conn, seq: t.frame.seq, dir: t.frame.dir, step: t.step, kind: kindOf(t), hex: t.frame.bytes.toString('hex') }));
    fs.writeFileSync(path.join(rawDir, `${variant.id}.jsonl`), lines.join('\n') + '\n');
  }
  const vdir = path.join(outDir, variant.id);
  fs.rmSync(vdir, { recursive: true, force: true });
  fs.mkdirSync(vdir, { recursive: true });
  // One frame per kind: the smallest (the earliest among equals), to keep fixtures/ small.
  const chosen = new Map<string, Tagged>();
  const kindsSeen: Record<string, number> = {};
  const tooBig = new Set<string>();
  for (const t of tagged) {
    const kind = kindOf(t);
    kindsSeen[kind] = (kindsSeen[kind] ?? 0) + 1;
    if (t.frame.bytes.length > MAX_FIXTURE_FRAME) {
      tooBig.add(kind);
      continue;
    }
    const prev = chosen.get(kind);
    if (!prev || t.frame.bytes.length < prev.frame.bytes.length) chosen.set(kind, t);
  }
  const fixtures: VariantOutcome['fixtures'] = [];
  for (const [kind, t] of [...chosen].sort(([a], [b]) => a.localeCompare(b))) {
    const file: FixtureFile = {
      variant: variant.id,
      kind,
      from: t.from,
      to: t.to,
      capture: { tee: t.tee.name, conn: t.frame.conn, seq: t.frame.seq, timeMs: t.frame.timeMs, step: t.step },
      ...(t.inReplyTo ? { inReplyTo: t.inReplyTo } : {}),
      frameHex: t.frame.bytes.toString('hex'),
      expect: t.exp,
    };
    const rel = `${variant.id}/${kind}.json`;
    fs.writeFileSync(path.join(outDir, rel), JSON.stringify(file, null, 2) + '\n');
    fixtures.push({ file: rel, kind, sha256: crypto.createHash('sha256').update(t.frame.bytes).digest('hex'), frameLength: t.frame.bytes.length });
  }
  const skipped = [...tooBig].filter((k) => !chosen.has(k)).map((k) => `${k}: every frame over ${MAX_FIXTURE_FRAME} bytes`);
  const teeErrors = [...servers.nsTee.errors, ...servers.brokerTee.errors].map((e) => `${e.dir} conn ${e.conn}: ${e.reason}`);
  return { fixtures, kindsSeen, skipped, teeErrors };
}

// ---------------------------------------------------------------------------------------------
// Manifest

interface ManifestVariant extends Omit<Variant, 'id'> {
  server: string;
  serverVersionOrdinal: number;
  captureDate: string;
  steps: StepLog[];
  kindsSeen: Record<string, number>;
  skipped: string[];
}

export interface Manifest {
  tool: string;
  description: string;
  variants: Record<string, ManifestVariant>;
  fixtures: { file: string; variant: string; kind: string; sha256: string; frameLength: number }[];
}

function loadManifest(file: string): Manifest {
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  return {
    tool: 'tools/capture/capture.ts (rocketmq-ts): TCP tee between official peers, see tools/capture/README.md',
    description:
      'Golden remoting frames. One JSON file per frame kind per client variant: frameHex is the whole frame ' +
      '(with its 4-byte length), expect its independent decoding; sha256 is over the frame bytes.',
    variants: {},
    fixtures: [],
  };
}

/** Pretty JSON, except one line per fixture entry (the list is long). */
function formatManifest(m: Manifest): string {
  const { fixtures, ...rest } = m;
  const head = JSON.stringify(rest, null, 2).replace(/\n}$/, '');
  return `${head},\n  "fixtures": [\n${fixtures.map((f) => `    ${JSON.stringify(f)}`).join(',\n')}\n  ]\n}\n`;
}

// ---------------------------------------------------------------------------------------------
// Main

function parseArgs(argv: string[]): { variants: Variant[]; out: string; raw?: string } {
  let ids: string[] | undefined;
  let out = path.join(ROOT, 'fixtures', 'wire');
  let raw: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--variants') ids = argv[++i].split(',');
    else if (argv[i] === '--out') out = path.resolve(argv[++i]);
    else if (argv[i] === '--raw') raw = path.resolve(argv[++i]);
    else throw new Error(`unknown option ${argv[i]} (--variants id,id --out DIR --raw DIR)`);
  }
  const variants = ids ? ids.map((id) => {
    const v = VARIANTS.find((x) => x.id === id);
    if (!v) throw new Error(`unknown variant ${id}; known: ${VARIANTS.map((x) => x.id).join(', ')}`);
    return v;
  }) : [...VARIANTS];
  return { variants, out, raw };
}

async function captureVariant(
  variant: Variant,
  goBin: string,
  outDir: string,
  rawDir?: string,
): Promise<Partial<VariantOutcome> & { steps: StepLog[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rmq-capture-${variant.id}-`));
  console.error(`[capture] ${variant.id}: starting NameServer + Broker ${SERVER_VERSION} (${variant.serverSerialize}) in ${dir}`);
  // Ports are checked free, then bound by Java a little later; other processes on the machine may
  // take one in between, so a failed start is retried with new ports.
  let servers: Servers | undefined;
  for (let attempt = 1; !servers; attempt++) {
    try {
      servers = await startServers(variant, dir);
    } catch (e) {
      if (attempt >= 3) throw e;
      console.error(`[capture] ${variant.id}: servers did not start (${String(e).split('\n')[0]}), retrying`);
    }
  }
  const ctx: Ctx = { variant, servers, goBin, steps: [] };
  try {
    // Wait for the broker's first REGISTER_BROKER to be answered.
    const deadline = Date.now() + 30_000;
    while (!servers.nsTee.frames.some((f) => f.dir === 's2c') && Date.now() < deadline) await sleep(200);
    await runClientSteps(ctx);
  } finally {
    label(ctx, 'shutdown');
    await stopServers(servers);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  // A failed step means missing frame kinds: keep the variant's previous fixtures instead.
  if (ctx.steps.some((s) => !s.ok)) return { steps: ctx.steps };
  return { ...writeFixtures(variant, servers, outDir, rawDir), steps: ctx.steps };
}

async function main(): Promise<void> {
  const { variants, out, raw } = parseArgs(process.argv.slice(2));
  await ensureJava();
  const jarDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-capture-jars-'));
  if (variants.some((v) => v.client === 'java')) await snapshotJavaDrivers(jarDir);
  const goBin = variants.some((v) => v.client === 'go') ? await ensureGo() : '';
  const goVersion = goClientVersion();
  fs.mkdirSync(out, { recursive: true });
  const manifestFile = path.join(out, 'manifest.json');
  const manifest = loadManifest(manifestFile);
  const failures: string[] = [];
  for (const variant of variants) {
    const v = variant.client === 'go' ? { ...variant, clientVersion: goVersion } : variant;
    const res = await captureVariant(v, goBin, out, raw);
    const { id, ...rest } = v;
    const failed = res.steps.filter((s) => !s.ok).map((s) => s.step);
    if (!res.fixtures) {
      failures.push(id);
      console.error(`[capture] ${id}: NOT written (failed steps: ${failed.join(', ')}); its previous fixtures are kept`);
      continue;
    }
    manifest.variants[id] = {
      ...rest,
      server: `Apache RocketMQ NameServer + Broker ${SERVER_VERSION} (official Maven jars)`,
      serverVersionOrdinal: SERVER_VERSION_ORDINAL,
      captureDate: new Date().toISOString(),
      steps: res.steps,
      kindsSeen: res.kindsSeen ?? {},
      skipped: [...(res.skipped ?? []), ...(res.teeErrors ?? []).map((e) => `tee decode error: ${e}`)],
    };
    manifest.fixtures = manifest.fixtures.filter((f) => f.variant !== id);
    manifest.fixtures.push(...res.fixtures.map((f) => ({ ...f, variant: id })));
    manifest.fixtures.sort((a, b) => a.file.localeCompare(b.file));
    fs.writeFileSync(manifestFile, formatManifest(manifest));
    console.error(`[capture] ${id}: ${res.fixtures.length} fixtures written`);
  }
  fs.rmSync(jarDir, { recursive: true, force: true });
  if (failures.length) throw new Error(`variants not captured: ${failures.join(', ')}`);
}

if (require.main === module) {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      killAll();
      process.exit(130);
    });
  }
  main().catch((e: unknown) => {
    console.error(e);
    killAll();
    process.exit(1);
  });
}
