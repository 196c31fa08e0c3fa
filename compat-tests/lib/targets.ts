// Targets the scenarios run against: the official Java NameServer + Broker (reference), our nodes
// (bin/rocketmq-ts.js) started with the same generated config files, or the apache/rocketmq images.
import * as fs from 'fs';
import * as path from 'path';
import { CACHE_DIR, REPO_ROOT } from './paths';
import { freePort, freePortBlock, isListening } from './ports';
import { waitForBrokerRegistered } from './probe';
import { Proc, startProc } from './proc';
import { buildServerClasspath, JavaServerVersion } from './setup';

export const CLUSTER = 'DefaultCluster';
export const BROKER_NAME = 'broker-a';

export interface Target {
  /** java-5.3.3 | java-4.9.7 | ours | testcontainers */
  label: string;
  namesrvAddr: string;
  brokerAddr: string;
  clusterName: string;
  brokerName: string;
  /** Where configs, store and logs of this target live. */
  dir: string;
  stop(): Promise<void>;
  /**
   * Stops the broker with `signal` (SIGTERM: clean shutdown, SIGKILL: crash), waits for it to exit,
   * starts it again with the same broker.conf (same store directory and ports) and resolves once it
   * booted and registered at the NameServer again. Undefined where the target cannot do it (containers).
   */
  restartBroker?(signal: BrokerStopSignal): Promise<BrokerRestart>;
}

export type BrokerStopSignal = 'SIGTERM' | 'SIGKILL';

export interface BrokerRestart {
  signal: BrokerStopSignal;
  /** Exit code of the stopped broker (null when a signal ended it). */
  exitCode: number | null;
  /** From the signal to the old process' exit. */
  stopMs: number;
  /** From the new process' spawn until it booted and registered. */
  startMs: number;
}

/** Per test file target settings (compatSuite's options). */
export interface TargetOptions {
  /** broker.conf keys (Java names) overriding or added to the shared ones, e.g. flushDiskType=SYNC_FLUSH. */
  brokerConf?: Record<string, string>;
}

export type TargetKind = 'java' | 'ours' | 'testcontainers';

export function selectedTargetKind(): TargetKind {
  const t = (process.env.COMPAT_TARGET ?? 'ours').toLowerCase();
  if (t === 'java' || t === 'ours' || t === 'testcontainers') return t;
  throw new Error(`COMPAT_TARGET must be java | ours | testcontainers, not '${t}'`);
}

/** COMPAT_JAVA_VERSION=5.3.3 | 4.9 | both (default 5.3.3): which reference versions a java run covers. */
export function selectedJavaVersions(): JavaServerVersion[] {
  const v = (process.env.COMPAT_JAVA_VERSION ?? '5.3.3').toLowerCase();
  if (v === 'both' || v === 'all') return ['5.3.3', '4.9.7'];
  if (v.startsWith('4.9')) return ['4.9.7'];
  if (v.startsWith('5')) return ['5.3.3'];
  throw new Error(`COMPAT_JAVA_VERSION must be 5.3.3 | 4.9 | both, not '${v}'`);
}

/** Labels of the targets this run covers, in order. */
export function selectedTargetLabels(): string[] {
  const kind = selectedTargetKind();
  if (kind === 'java') return selectedJavaVersions().map((v) => `java-${v}`);
  return [kind];
}

export interface Ports {
  namesrv: number;
  broker: number;
}

/**
 * broker.conf with Java key names, shared by every target. Short delay levels (levels 2 and 4 = 3 s, the rest 1 s: retries wait 1 s, then 3 s)
 * keep retry and DLQ scenarios quick; transaction checks start after 3 s.
 */
export function brokerConf(dir: string, ports: Ports, extra: Record<string, string> = {}): string {
  const store = path.join(dir, 'store');
  const lines = [
    `brokerClusterName=${CLUSTER}`,
    `brokerName=${BROKER_NAME}`,
    'brokerId=0',
    'brokerRole=ASYNC_MASTER',
    'flushDiskType=ASYNC_FLUSH',
    `listenPort=${ports.broker}`,
    'brokerIP1=127.0.0.1',
    `namesrvAddr=127.0.0.1:${ports.namesrv}`,
    `storePathRootDir=${store}`,
    `storePathCommitLog=${path.join(store, 'commitlog')}`,
    'autoCreateTopicEnable=true',
    'autoCreateSubscriptionGroup=true',
    'enablePropertyFilter=true',
    'mappedFileSizeCommitLog=67108864',
    'transactionCheckInterval=3000',
    'transactionTimeOut=3000',
    'waitTimeMillsInSendQueue=5000',
    'messageDelayLevel=1s 3s 1s 3s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s',
  ];
  // extra keys replace a shared line in place or are appended
  const rest = new Map(Object.entries(extra));
  const out = lines.map((l) => {
    const k = l.slice(0, l.indexOf('='));
    const v = rest.get(k);
    if (v === undefined) return l;
    rest.delete(k);
    return `${k}=${v}`;
  });
  for (const [k, v] of rest) out.push(`${k}=${v}`);
  return [...out, ''].join('\n');
}

export function namesrvConf(dir: string, ports: Ports): string {
  return [
    `listenPort=${ports.namesrv}`,
    `kvConfigPath=${path.join(dir, 'namesrv', 'kvConfig.json')}`,
    `configStorePath=${path.join(dir, 'namesrv', 'namesrv.properties')}`,
    '',
  ].join('\n');
}

/** The kernel's ephemeral port range (Linux), where outgoing connections get their local ports. */
function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(lo) && Number.isInteger(hi)) return [lo, hi];
  } catch {
    // not Linux
  }
  return [32768, 60999];
}

/**
 * Broker ports (listenPort-2 .. listenPort+1) outside the ephemeral range. A broker that restarts
 * leaves its ports free for a while, and clients keep connecting to them meanwhile: a connect to a
 * closed loopback port in the ephemeral range can be given that very port as its local port and
 * connect to itself (TCP simultaneous open), holding the port, and the restarted broker fails
 * with "Address already in use". Seen once on the Java reference: the broker started after a
 * kill -9 could not bind listenPort while a producer kept retrying it; ports below the ephemeral
 * range rule this out.
 */
async function brokerPortBlock(): Promise<number> {
  const [lo, hi] = ephemeralRange();
  for (let i = 0; i < 100; i++) {
    const p = await freePortBlock(-2, 1);
    if (p + 1 < lo || p - 2 > hi) return p;
  }
  return freePortBlock(-2, 1);
}

async function allocate(label: string, extra: Record<string, string> = {}): Promise<{ dir: string; ports: Ports; namesrvFile: string; brokerFile: string }> {
  const base = path.join(CACHE_DIR, 'servers');
  fs.mkdirSync(base, { recursive: true });
  const dir = fs.mkdtempSync(path.join(base, `${label}-`));
  const ports = { namesrv: await freePort(), broker: await brokerPortBlock() };
  const namesrvFile = path.join(dir, 'namesrv.properties');
  const brokerFile = path.join(dir, 'broker.conf');
  fs.writeFileSync(namesrvFile, namesrvConf(dir, ports));
  fs.writeFileSync(brokerFile, brokerConf(dir, ports, extra));
  return { dir, ports, namesrvFile, brokerFile };
}

/** JDK 17 flags the 4.9/5.x servers need (reflection into NIO buffers, Netty). */
export const JDK17_FLAGS = [
  '--add-opens=java.base/java.lang=ALL-UNNAMED',
  '--add-opens=java.base/java.lang.reflect=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/java.util=ALL-UNNAMED',
  '--add-opens=java.base/java.util.concurrent=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED',
  '--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED',
  '--add-exports=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED',
  '--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED',
];

function logbackXml(file: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>${file}</file>
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5p [%t] %c{0} - %m%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
`;
}

/** ROCKETMQ_HOME for the Java processes: 4.9 reads conf/logback_*.xml from it; 5.x ships its own. */
export function rocketmqHome(dir: string): string {
  const home = path.join(dir, 'home');
  fs.mkdirSync(path.join(home, 'conf'), { recursive: true });
  for (const n of ['namesrv', 'broker', 'tools']) {
    fs.writeFileSync(path.join(home, 'conf', `logback_${n}.xml`), logbackXml(path.join(dir, 'logs', `${n}.log`)));
  }
  return home;
}

function describeFailure(p: Proc): string | undefined {
  const c = p.exitCode();
  return c === undefined ? undefined : `${p.name} exited with code ${c}; stderr tail:\n${p.stderrTail().slice(-1500)}\nlast stdout: ${p.lines.slice(-5).join('\n')}`;
}

async function untilListening(p: Proc, port: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const why = describeFailure(p);
    if (why) throw new Error(why);
    if (await isListening(port)) return;
    if (Date.now() > end) throw new Error(`${p.name}: port ${port} not listening after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export interface ReferenceServers {
  namesrvAddr: string;
  brokerAddr: string;
  clusterName: string;
  brokerName: string;
  dir: string;
  stop(): Promise<void>;
  /** See Target.restartBroker. */
  restartBroker?(signal: BrokerStopSignal): Promise<BrokerRestart>;
}

/**
 * A broker process that can be stopped with a chosen signal and started again with the same command
 * line (same broker.conf: store directory and ports). `spawn` starts one process; `up` resolves once
 * that process booted and registered (or throws why not).
 */
class RestartableBroker {
  proc: Proc;
  private restarting = false;
  constructor(
    private readonly spawn: () => Proc,
    private readonly up: (p: Proc) => Promise<void>,
  ) {
    this.proc = spawn();
  }

  async restart(signal: BrokerStopSignal, exitTimeoutMs = 90_000): Promise<BrokerRestart> {
    if (this.restarting) throw new Error('broker restart already under way');
    this.restarting = true;
    try {
      const old = this.proc;
      if (old.exitCode() !== undefined || old.child.pid === undefined) throw new Error(`${old.name} is not running (exit code ${String(old.exitCode())})`);
      const t0 = Date.now();
      // the whole process group, as Proc.stop does (the JVM / node process is the group leader)
      process.kill(-old.child.pid, signal);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        old.exited.then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), exitTimeoutMs))),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        await old.stop(0);
        throw new Error(`${old.name} did not exit within ${exitTimeoutMs} ms of ${signal}; killed`);
      }
      const stopMs = Date.now() - t0;
      const exitCode = old.exitCode() ?? null;
      const t1 = Date.now();
      this.proc = this.spawn();
      await this.up(this.proc);
      return { signal, exitCode, stopMs, startMs: Date.now() - t1 };
    } finally {
      this.restarting = false;
    }
  }
}

/**
 * Starts the official Java NameServer + Broker (from the Maven jars) on free loopback ports with a
 * temporary store; resolves once the broker is registered at the NameServer. Exported for tools
 * (e.g. a golden-frame capture proxy) as well as for the java target.
 */
export async function startJavaReference(
  version: JavaServerVersion = '5.3.3',
  opts: { heap?: string; brokerConf?: Record<string, string> } = {},
): Promise<ReferenceServers> {
  const { classpath } = await buildServerClasspath(version);
  const { dir, ports, namesrvFile, brokerFile } = await allocate(`java-${version}`, opts.brokerConf);
  const home = rocketmqHome(dir);
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  const jvm = (heap: string): string[] => [
    `-Xmx${heap}`,
    `-Xms${heap === '1g' ? '256m' : heap}`,
    ...JDK17_FLAGS,
    `-Duser.home=${home}`,
    `-Drocketmq.home.dir=${home}`,
    '-Drocketmq.namesrv.addr=',
    '-cp',
    classpath,
  ];
  const env = { ...process.env, ROCKETMQ_HOME: home, NAMESRV_ADDR: '' };
  const brokerAddr = `127.0.0.1:${ports.broker}`;
  let ns: Proc | undefined;
  let broker: RestartableBroker | undefined;
  const stop = async (): Promise<void> => {
    await Promise.all([ns, broker?.proc].map((p) => p?.stop(5000)));
  };
  try {
    const nsProc = startProc(`namesrv-${version}`, 'java', [...jvm('256m'), 'org.apache.rocketmq.namesrv.NamesrvStartup', '-c', namesrvFile], {
      cwd: dir,
      env,
      logFile: path.join(dir, 'logs', 'namesrv.out'),
    });
    ns = nsProc;
    const up = async (p: Proc): Promise<void> => {
      await p.waitForLine((l) => l.includes('boot success'), 120_000);
      // the Java broker registers at the NameServer inside start(), before it prints boot success
      await waitForBrokerRegistered(ports.namesrv, brokerAddr, 60_000, () => describeFailure(nsProc) ?? describeFailure(p));
    };
    broker = new RestartableBroker(
      () =>
        startProc(
          `broker-${version}`,
          'java',
          [...jvm(opts.heap ?? '1g'), 'org.apache.rocketmq.broker.BrokerStartup', '-c', brokerFile, '-n', `127.0.0.1:${ports.namesrv}`],
          { cwd: dir, env, logFile: path.join(dir, 'logs', 'broker.out') },
        ),
      up,
    );
    await nsProc.waitForLine((l) => l.includes('boot success'), 90_000);
    await up(broker.proc);
    const b = broker;
    return {
      namesrvAddr: `127.0.0.1:${ports.namesrv}`,
      brokerAddr,
      clusterName: CLUSTER,
      brokerName: BROKER_NAME,
      dir,
      stop,
      restartBroker: (signal) => b.restart(signal),
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Our NameServer + Broker from bin/rocketmq-ts.js with the same config files; fails fast when they do not come up. */
export async function startOurs(opts: { brokerConf?: Record<string, string> } = {}): Promise<ReferenceServers> {
  const { dir, ports, namesrvFile, brokerFile } = await allocate('ours', opts.brokerConf);
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  const bin = path.join(REPO_ROOT, 'bin', 'rocketmq-ts.js');
  const brokerAddr = `127.0.0.1:${ports.broker}`;
  let ns: Proc | undefined;
  let broker: RestartableBroker | undefined;
  const stop = async (): Promise<void> => {
    await Promise.all([ns, broker?.proc].map((p) => p?.stop(3000)));
  };
  try {
    const nsProc = startProc('ours-namesrv', process.execPath, [bin, 'namesrv', '-c', namesrvFile], {
      cwd: dir,
      logFile: path.join(dir, 'logs', 'namesrv.out'),
    });
    ns = nsProc;
    await untilListening(nsProc, ports.namesrv, 15_000);
    let first = true;
    const up = async (p: Proc): Promise<void> => {
      if (first) {
        first = false;
        await untilListening(p, ports.broker, 15_000);
      } else {
        // after a kill -9 the NameServer still lists the old process: wait for the new one's boot line,
        // printed once it listens and registered (src/cli/broker.ts); recovery can take a while
        await p.waitForLine((l) => l.includes('boot success'), 60_000);
      }
      await waitForBrokerRegistered(ports.namesrv, brokerAddr, 15_000, () => describeFailure(nsProc) ?? describeFailure(p));
    };
    broker = new RestartableBroker(
      () =>
        startProc('ours-broker', process.execPath, [bin, 'broker', '-c', brokerFile, '-n', `127.0.0.1:${ports.namesrv}`], {
          cwd: dir,
          logFile: path.join(dir, 'logs', 'broker.out'),
        }),
      up,
    );
    await up(broker.proc);
    const b = broker;
    return {
      namesrvAddr: `127.0.0.1:${ports.namesrv}`,
      brokerAddr,
      clusterName: CLUSTER,
      brokerName: BROKER_NAME,
      dir,
      stop,
      restartBroker: (signal) => b.restart(signal),
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

export class TargetSkipped extends Error {}

/** Whether a Docker engine answers; the reason when not. */
export async function dockerAvailability(): Promise<string | undefined> {
  try {
    const tc = await import('testcontainers');
    const client = await Promise.race([
      tc.getContainerRuntimeClient(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 10 s')), 10_000)),
    ]);
    return client ? undefined : 'no container runtime';
  } catch (e) {
    return `no Docker engine answers (${(e as Error).message.split('\n')[0]})`;
  }
}

/** The apache/rocketmq image: namesrv and broker on host-mapped ports equal to the container ports. */
export async function startContainers(version = process.env.COMPAT_IMAGE_VERSION ?? '5.3.3', opts: TargetOptions = {}): Promise<ReferenceServers> {
  const why = await dockerAvailability();
  if (why) throw new TargetSkipped(`testcontainers target skipped: ${why}`);
  const tc = await import('testcontainers');
  const { dir, ports, brokerFile } = await allocate('testcontainers', opts.brokerConf);
  const image = `apache/rocketmq:${version}`;
  const conf = fs.readFileSync(brokerFile, 'utf8').replace(/^storePath.*$/gm, '').replace(/^namesrvAddr=.*$/m, `namesrvAddr=host.testcontainers.internal:${ports.namesrv}`);
  const ns = await new tc.GenericContainer(image)
    .withCommand(['sh', 'mqnamesrv'])
    .withExposedPorts({ container: 9876, host: ports.namesrv })
    .start();
  await tc.TestContainers.exposeHostPorts(ports.namesrv);
  const broker = await new tc.GenericContainer(image)
    .withCopyContentToContainer([{ content: conf, target: '/home/rocketmq/broker.conf' }])
    .withCommand(['sh', 'mqbroker', '-c', '/home/rocketmq/broker.conf'])
    .withExposedPorts(
      { container: ports.broker, host: ports.broker },
      { container: ports.broker - 2, host: ports.broker - 2 },
      { container: ports.broker + 1, host: ports.broker + 1 },
    )
    .start();
  const brokerAddr = `127.0.0.1:${ports.broker}`;
  await waitForBrokerRegistered(ports.namesrv, brokerAddr, 60_000, () => undefined);
  return {
    namesrvAddr: `127.0.0.1:${ports.namesrv}`,
    brokerAddr,
    clusterName: CLUSTER,
    brokerName: BROKER_NAME,
    dir,
    stop: async () => {
      await broker.stop();
      await ns.stop();
    },
  };
}

export async function startTarget(label: string, opts: TargetOptions = {}): Promise<Target> {
  let s: ReferenceServers;
  if (label === 'ours') s = await startOurs(opts);
  else if (label === 'testcontainers') s = await startContainers(undefined, opts);
  else if (label.startsWith('java-')) s = await startJavaReference(label.slice('java-'.length) as JavaServerVersion, opts);
  else throw new Error(`unknown target ${label}`);
  return { label, ...s };
}

