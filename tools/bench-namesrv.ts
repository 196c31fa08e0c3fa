// GET_ROUTEINFO_BY_TOPIC throughput of our NameServer and of the official Java NameServer, in one run.
//
//   npm run build && node dist/tools/bench-namesrv.js [--topics 1000] [--brokers 10] [--seconds 10]
//     [--warmup 5] [--connections 8] [--inflight 32] [--version 479] [--java-version 5.3.3]
//     [--java-heap 256m] [--skip-java] [--skip-ours] [--rounds 1]
//
// Each NameServer runs as its own process (ours: bin/rocketmq-ts.js namesrv -c FILE; Java:
// org.apache.rocketmq.namesrv.NamesrvStartup from the Maven jars that compat-tests/lib resolves).
// `--brokers` brokers register over REGISTER_BROKER, each with every one of `--topics` topics (plus
// TBW102) in a JSON body built here, and keep their connections open. The load generator (this
// process) keeps `--inflight` requests outstanding on each of `--connections` connections, each a
// pre-encoded GET_ROUTEINFO_BY_TOPIC for a random topic, and only frames the answers (every 500th
// answer is fully decoded and must be SUCCESS with a route body). RSS is VmRSS/VmHWM from
// /proc/<pid>/status after the measured interval. Both servers share the machine with the load
// generator, which takes about one core.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { JavaServerVersion } from '../compat-tests/lib/setup';
import { JDK17_FLAGS, rocketmqHome } from '../compat-tests/lib/targets';
import { startProc, type Proc } from '../compat-tests/lib/proc';
import { freePort, isListening } from '../compat-tests/lib/ports';
import { encodeRegisterBrokerBody } from '../src/protocol/body/register-broker-body';
import { newTopicConfig, type TopicConfig } from '../src/protocol/body/topic-config';
import { RequestCode } from '../src/protocol/request-code';
import { decodeCommand, encodeCommand } from '../src/remoting/codec';
import { createRequest } from '../src/remoting/command';
import { RemotingClient } from '../src/remoting/client';

interface Options {
  topics: number;
  brokers: number;
  seconds: number;
  warmup: number;
  connections: number;
  inflight: number;
  version: number;
  javaVersion: JavaServerVersion;
  javaHeap: string;
  skipJava: boolean;
  skipOurs: boolean;
  /** Alternate ours/Java this many times and report the medians (a loaded machine is noisy). */
  rounds: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    topics: 1000, brokers: 10, seconds: 10, warmup: 5, connections: 8, inflight: 32, version: 479,
    javaVersion: '5.3.3', javaHeap: '256m', skipJava: false, skipOurs: false, rounds: 1,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = (): string => argv[++i] ?? '';
    switch (a) {
      case '--topics': o.topics = Number(v()); break;
      case '--brokers': o.brokers = Number(v()); break;
      case '--seconds': o.seconds = Number(v()); break;
      case '--warmup': o.warmup = Number(v()); break;
      case '--connections': o.connections = Number(v()); break;
      case '--inflight': o.inflight = Number(v()); break;
      case '--version': o.version = Number(v()); break;
      case '--java-version': o.javaVersion = v() as JavaServerVersion; break;
      case '--java-heap': o.javaHeap = v(); break;
      case '--skip-java': o.skipJava = true; break;
      case '--skip-ours': o.skipOurs = true; break;
      case '--rounds': o.rounds = Math.max(1, Number(v())); break;
      default: throw new Error(`unknown option ${a}`);
    }
  }
  return o;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..'); // run from dist/tools

const topicName = (i: number): string => `BenchTopic-${String(i).padStart(4, '0')}`;

interface Server {
  label: string;
  proc: Proc;
  port: number;
  pid: number;
}

async function untilListening(p: Proc, port: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await isListening(port))) {
    if (p.exitCode() !== undefined) throw new Error(`${p.name} exited: ${p.stderrTail().slice(-2000)}`);
    if (Date.now() > end) throw new Error(`${p.name} not listening on ${port}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function startOurs(dir: string): Promise<Server> {
  const port = await freePort();
  const conf = path.join(dir, 'ours.properties');
  fs.writeFileSync(conf, `listenPort=${port}\nkvConfigPath=${path.join(dir, 'ours-kv.json')}\n`);
  const bin = path.join(REPO_ROOT, 'bin', 'rocketmq-ts.js');
  const proc = startProc('ours-namesrv', process.execPath, [bin, 'namesrv', '-c', conf], {
    env: { ...process.env, ROCKETMQ_TS_LOG_LEVEL: 'warn' }, logFile: path.join(dir, 'ours.log'),
  });
  await untilListening(proc, port, 20_000);
  return { label: 'ours', proc, port, pid: proc.child.pid ?? 0 };
}

/** The Java server classpath that compat-tests/lib (buildServerClasspath) resolved from Maven Central. */
function javaServerClasspath(version: JavaServerVersion): string {
  const file = path.join(REPO_ROOT, 'compat-tests', '.cache', 'java', `server-${version}`, 'classpath.txt');
  if (!fs.existsSync(file)) throw new Error(`${file} missing: run the compat tests once (npm run test:compat) to resolve the Java ${version} jars`);
  return fs.readFileSync(file, 'utf8').trim();
}

async function startJava(dir: string, version: JavaServerVersion, heap: string): Promise<Server> {
  const classpath = javaServerClasspath(version);
  const port = await freePort();
  const conf = path.join(dir, 'java.properties');
  fs.writeFileSync(conf, `listenPort=${port}\nkvConfigPath=${path.join(dir, 'java-kv.json')}\n`);
  const home = rocketmqHome(path.join(dir, 'java'));
  const args = [`-Xmx${heap}`, `-Xms${heap}`, ...JDK17_FLAGS, `-Duser.home=${home}`, `-Drocketmq.home.dir=${home}`, '-cp', classpath,
    'org.apache.rocketmq.namesrv.NamesrvStartup', '-c', conf];
  const proc = startProc(`java-namesrv-${version}`, 'java', args, {
    env: { ...process.env, ROCKETMQ_HOME: home }, logFile: path.join(dir, 'java.log'),
  });
  await proc.waitForLine((l) => l.includes('boot success'), 90_000);
  await untilListening(proc, port, 20_000);
  return { label: `java-${version} (-Xmx${heap})`, proc, port, pid: proc.child.pid ?? 0 };
}

/** Registers `brokers` brokers (one client each, connections kept open) with every topic. */
async function registerBrokers(port: number, o: Options): Promise<RemotingClient[]> {
  const clients: RemotingClient[] = [];
  const topics: TopicConfig[] = [newTopicConfig('TBW102', { readQueueNums: 8, writeQueueNums: 8, perm: 7 })];
  for (let i = 0; i < o.topics; i++) topics.push(newTopicConfig(topicName(i), { readQueueNums: 8, writeQueueNums: 8 }));
  for (let b = 0; b < o.brokers; b++) {
    const client = new RemotingClient();
    clients.push(client);
    const body = encodeRegisterBrokerBody({
      filterServerList: [],
      topicConfigSerializeWrapper: {
        dataVersion: { counter: 1, stateVersion: 0, timestamp: Date.now() },
        topicConfigTable: new Map(topics.map((t) => [t.topicName, t])),
        topicQueueMappingInfoMap: new Map(),
        topicQueueMappingDetailMap: new Map(),
        mappingDataVersion: { counter: 0, stateVersion: 0, timestamp: Date.now() },
      },
    });
    const req = createRequest(RequestCode.REGISTER_BROKER, {
      extFields: {
        brokerName: `bench-broker-${b}`, brokerAddr: `10.1.0.${b + 1}:10911`, clusterName: 'BenchCluster',
        haServerAddr: `10.1.0.${b + 1}:10912`, brokerId: '0', compressed: 'false', bodyCrc32: '0',
      },
      body,
    });
    const resp = await client.invoke(`127.0.0.1:${port}`, req, 30_000);
    if (resp.code !== 0) throw new Error(`REGISTER_BROKER failed: ${resp.code} ${resp.remark ?? ''}`);
  }
  return clients;
}

interface LoadResult {
  requests: number;
  seconds: number;
  errors: number;
  checked: number;
  bytes: number;
}

/** Runs the load for warmup + measured seconds; counts answers received during the measured part. */
function runLoad(port: number, o: Options): Promise<LoadResult> {
  const frames: Buffer[] = [];
  for (let i = 0; i < o.topics; i++) {
    const req = createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: topicName(i) } });
    req.version = o.version;
    req.opaque = i;
    frames.push(encodeCommand(req));
  }
  return new Promise((resolve, reject) => {
    let measuring = false;
    let stopped = false;
    let count = 0;
    let errors = 0;
    let checked = 0;
    let bytes = 0;
    let seen = 0;
    const sockets: net.Socket[] = [];
    const pick = (): Buffer => frames[(Math.random() * frames.length) | 0];
    for (let c = 0; c < o.connections; c++) {
      const s = net.connect({ host: '127.0.0.1', port, noDelay: true });
      sockets.push(s);
      let pending: Buffer = Buffer.alloc(0);
      s.on('error', (e) => { if (!stopped) reject(e); });
      s.on('connect', () => {
        const burst: Buffer[] = [];
        for (let i = 0; i < o.inflight; i++) burst.push(pick());
        s.write(Buffer.concat(burst));
      });
      s.on('data', (chunk: Buffer) => {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        let off = 0;
        const out: Buffer[] = [];
        while (pending.length - off >= 4) {
          const len = pending.readInt32BE(off);
          if (pending.length - off < 4 + len) break;
          seen++;
          if (seen % 500 === 0) {
            const d = decodeCommand(pending.subarray(off + 4, off + 4 + len));
            checked++;
            if (!d.ok || d.cmd.code !== 0 || !d.cmd.body || d.cmd.body.length < 100) errors++;
          }
          if (measuring) {
            count++;
            bytes += 4 + len;
          }
          off += 4 + len;
          if (!stopped) out.push(pick());
        }
        pending = pending.subarray(off);
        if (out.length > 0) s.write(out.length === 1 ? out[0] : Buffer.concat(out));
      });
    }
    setTimeout(() => {
      measuring = true;
      const t0 = process.hrtime.bigint();
      setTimeout(() => {
        measuring = false;
        stopped = true;
        const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
        for (const s of sockets) s.destroy();
        resolve({ requests: count, seconds, errors, checked, bytes });
      }, o.seconds * 1000);
    }, o.warmup * 1000);
  });
}

function procStatus(pid: number): { rssKiB: number; hwmKiB: number } {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => Number(/\d+/.exec(text.split('\n').find((l) => l.startsWith(name)) ?? '')?.[0] ?? NaN);
  return { rssKiB: field('VmRSS:'), hwmKiB: field('VmHWM:') };
}

function mib(kib: number): string {
  return (kib / 1024).toFixed(1);
}

interface Row {
  label: string;
  rps: number;
  rssKiB: number;
  hwmKiB: number;
  errors: number;
  checked: number;
  avgBody: number;
}

async function bench(start: () => Promise<Server>, o: Options): Promise<Row> {
  const server = await start();
  let brokers: RemotingClient[] = [];
  try {
    brokers = await registerBrokers(server.port, o);
    const load = await runLoad(server.port, o);
    const mem = procStatus(server.pid);
    return {
      label: server.label,
      rps: load.requests / load.seconds,
      rssKiB: mem.rssKiB,
      hwmKiB: mem.hwmKiB,
      errors: load.errors,
      checked: load.checked,
      avgBody: load.requests > 0 ? load.bytes / load.requests : 0,
    };
  } finally {
    for (const b of brokers) b.shutdown();
    await server.proc.stop(5000);
  }
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-namesrv-'));
  process.stdout.write(`GET_ROUTEINFO_BY_TOPIC: ${o.topics} topics on ${o.brokers} brokers, ${o.connections} connections x ${o.inflight} in flight, ` +
    `request version ${o.version}, warmup ${o.warmup} s, measured ${o.seconds} s, ${os.cpus().length} CPUs, node ${process.version}\n`);
  const all: Row[] = [];
  const print = (r: Row, prefix = ''): void => {
    process.stdout.write(`${prefix}${r.label.padEnd(28)} ${r.rps.toFixed(0).padStart(8)} req/s   RSS ${mib(r.rssKiB).padStart(7)} MiB (peak ${mib(r.hwmKiB)} MiB)   ` +
      `avg frame ${r.avgBody.toFixed(0)} B   sampled ${r.checked}, bad ${r.errors}   load ${os.loadavg()[0].toFixed(1)}\n`);
  };
  for (let round = 1; round <= o.rounds; round++) {
    if (!o.skipOurs) all.push(await bench(() => startOurs(dir), o));
    if (!o.skipOurs) print(all[all.length - 1], o.rounds > 1 ? `round ${round}: ` : '');
    if (!o.skipJava) all.push(await bench(() => startJava(dir, o.javaVersion, o.javaHeap), o));
    if (!o.skipJava) print(all[all.length - 1], o.rounds > 1 ? `round ${round}: ` : '');
  }
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const rows: Row[] = [...new Set(all.map((r) => r.label))].map((label) => {
    const rs = all.filter((r) => r.label === label);
    return {
      label, rps: median(rs.map((r) => r.rps)), rssKiB: median(rs.map((r) => r.rssKiB)), hwmKiB: median(rs.map((r) => r.hwmKiB)),
      errors: rs.reduce((a, r) => a + r.errors, 0), checked: rs.reduce((a, r) => a + r.checked, 0), avgBody: median(rs.map((r) => r.avgBody)),
    };
  });
  if (o.rounds > 1) for (const r of rows) print(r, 'median:  ');
  if (rows.length === 2) {
    const [ours, java] = rows;
    process.stdout.write(`ratio${o.rounds > 1 ? ' (medians)' : ''}: throughput ours/java = ${(ours.rps / java.rps).toFixed(2)}x, RSS ours/java = ${(ours.rssKiB / java.rssKiB).toFixed(2)} ` +
      `(peak ${(ours.hwmKiB / java.hwmKiB).toFixed(2)})\n`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  if (all.some((r) => r.errors > 0)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
