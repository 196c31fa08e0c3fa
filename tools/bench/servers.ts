// Our NameServer + Broker or the official Java 5.3.3 ones, started from the same generated broker.conf
// (compat-tests/lib's brokerConf, with flushDiskType set per phase) on free loopback ports. The broker
// can be stopped and started again on the same store; each start reports the time from spawning the
// broker process to its first accepted send.
import * as fs from 'fs';
import * as path from 'path';
import { CACHE_DIR, REPO_ROOT } from '../../compat-tests/lib/paths';
import { freePort, freePortBlock, isListening } from '../../compat-tests/lib/ports';
import { waitForBrokerRegistered } from '../../compat-tests/lib/probe';
import { Proc, startProc } from '../../compat-tests/lib/proc';
import { buildServerClasspath } from '../../compat-tests/lib/setup';
import { brokerConf, JDK17_FLAGS, namesrvConf, rocketmqHome } from '../../compat-tests/lib/targets';
import { untilFirstSend } from './remoting-probe';

export type Kind = 'ours' | 'java';
export type FlushDiskType = 'ASYNC_FLUSH' | 'SYNC_FLUSH';

/** Heap of the Java broker (fair small heap, fixed): -Xms1g -Xmx1g. The Java NameServer gets 256m. */
export const JAVA_BROKER_HEAP = ['-Xms1g', '-Xmx1g'];
const JAVA_NAMESRV_HEAP = ['-Xms256m', '-Xmx256m'];

export interface StartTiming {
  /** spawn of the broker process → first SEND_MESSAGE answered SUCCESS, ms */
  firstSendMs: number;
  /** spawn → broker visible in the NameServer's cluster info, ms */
  registeredMs: number;
}

let oursRoot = REPO_ROOT;

/**
 * Copies bin/ and dist/src/ (our build) under the bench's directory and runs our nodes from that copy,
 * so that a concurrent `npm run setup` elsewhere in the checkout cannot rewrite modules under a
 * starting broker. Dependencies still resolve from the checkout's node_modules (a parent directory).
 */
export function snapshotOurBuild(): string {
  const snap = path.join(BENCH_RUN_DIR, 'ours-build');
  fs.rmSync(snap, { recursive: true, force: true });
  fs.mkdirSync(path.join(snap, 'dist'), { recursive: true });
  fs.cpSync(path.join(REPO_ROOT, 'bin'), path.join(snap, 'bin'), { recursive: true });
  fs.cpSync(path.join(REPO_ROOT, 'dist', 'src'), path.join(snap, 'dist', 'src'), { recursive: true });
  oursRoot = snap;
  return snap;
}

export class Cluster {
  namesrv: Proc | undefined;
  broker: Proc | undefined;
  readonly namesrvAddr: string;
  readonly brokerAddr: string;
  private flush: FlushDiskType = 'ASYNC_FLUSH';
  private brokerStarts = 0;

  private constructor(
    readonly kind: Kind,
    readonly dir: string,
    readonly ports: { namesrv: number; broker: number },
    private readonly classpath: string,
    private readonly nodeArgs: string[],
  ) {
    this.namesrvAddr = `127.0.0.1:${ports.namesrv}`;
    this.brokerAddr = `127.0.0.1:${ports.broker}`;
  }

  static async create(kind: Kind, runDir: string, opts: { nodeArgs?: string[] } = {}): Promise<Cluster> {
    const classpath = kind === 'java' ? (await buildServerClasspath('5.3.3')).classpath : '';
    fs.mkdirSync(runDir, { recursive: true });
    const dir = fs.mkdtempSync(path.join(runDir, `${kind}-`));
    fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
    const ports = { namesrv: await freePort(), broker: await freePortBlock(-2, 1) };
    return new Cluster(kind, dir, ports, classpath, opts.nodeArgs ?? []);
  }

  get storeDir(): string {
    return path.join(this.dir, 'store');
  }

  get brokerPid(): number | undefined {
    return this.broker?.child.pid;
  }

  private javaArgs(heap: string[]): string[] {
    const home = rocketmqHome(this.dir);
    return [...heap, ...JDK17_FLAGS, `-Duser.home=${home}`, `-Drocketmq.home.dir=${home}`, '-Drocketmq.namesrv.addr=', '-cp', this.classpath];
  }

  private env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, NAMESRV_ADDR: '' };
    delete env.NODE_OPTIONS;
    if (this.kind === 'java') env.ROCKETMQ_HOME = rocketmqHome(this.dir);
    return env;
  }

  private failure(p: Proc | undefined): string | undefined {
    if (!p) return undefined;
    const c = p.exitCode();
    return c === undefined ? undefined : `${p.name} exited with code ${c}; stderr tail:\n${p.stderrTail().slice(-1500)}`;
  }

  async startNamesrv(): Promise<void> {
    const file = path.join(this.dir, 'namesrv.properties');
    fs.writeFileSync(file, namesrvConf(this.dir, this.ports));
    const log = path.join(this.dir, 'logs', 'namesrv.out');
    this.namesrv =
      this.kind === 'java'
        ? startProc('java-namesrv', 'java', [...this.javaArgs(JAVA_NAMESRV_HEAP), 'org.apache.rocketmq.namesrv.NamesrvStartup', '-c', file], {
            cwd: this.dir,
            env: this.env(),
            logFile: log,
          })
        : startProc('ours-namesrv', process.execPath, [path.join(oursRoot, 'bin', 'rocketmq-ts.js'), 'namesrv', '-c', file], {
            cwd: this.dir,
            env: this.env(),
            logFile: log,
          });
    const end = Date.now() + 90_000;
    while (!(await isListening(this.ports.namesrv))) {
      const why = this.failure(this.namesrv);
      if (why) throw new Error(why);
      if (Date.now() > end) throw new Error(`${this.kind} namesrv not listening after 90 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Writes broker.conf for `flush` and starts the broker on the (kept) store. */
  async startBroker(flush: FlushDiskType): Promise<StartTiming> {
    this.flush = flush;
    const file = path.join(this.dir, 'broker.conf');
    const conf = brokerConf(this.dir, this.ports).replace(/^flushDiskType=.*$/m, `flushDiskType=${flush}`);
    fs.writeFileSync(file, conf);
    const log = path.join(this.dir, 'logs', `broker-${++this.brokerStarts}.out`);
    const env = this.env();
    const t0 = Date.now();
    this.broker =
      this.kind === 'java'
        ? startProc(
            'java-broker',
            'java',
            [...this.javaArgs(JAVA_BROKER_HEAP), 'org.apache.rocketmq.broker.BrokerStartup', '-c', file, '-n', this.namesrvAddr],
            { cwd: this.dir, env, logFile: log },
          )
        : startProc('ours-broker', process.execPath, [...this.nodeArgs, path.join(oursRoot, 'bin', 'rocketmq-ts.js'), 'broker', '-c', file, '-n', this.namesrvAddr], {
            cwd: this.dir,
            env,
            logFile: log,
          });
    const broker = this.broker;
    const sent = await untilFirstSend(this.ports.broker, 'bench_probe', 120_000, () => this.failure(broker));
    await waitForBrokerRegistered(this.ports.namesrv, this.brokerAddr, 60_000, () => this.failure(broker));
    return { firstSendMs: sent - t0, registeredMs: Date.now() - t0 };
  }

  get flushDiskType(): FlushDiskType {
    return this.flush;
  }

  /** SIGTERM to the broker (clean shutdown); resolves with the time it took to exit. */
  async stopBroker(graceMs = 30_000): Promise<number> {
    const b = this.broker;
    if (!b) return 0;
    const t0 = Date.now();
    await b.stop(graceMs);
    this.broker = undefined;
    return Date.now() - t0;
  }

  async stop(): Promise<void> {
    await this.stopBroker();
    await this.namesrv?.stop(5000);
    this.namesrv = undefined;
  }

  /** Bytes under the store directory. */
  storeBytes(): number {
    let total = 0;
    const walk = (d: string): void => {
      if (!fs.existsSync(d)) return;
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else total += fs.statSync(p).size;
      }
    };
    walk(this.storeDir);
    return total;
  }

  /** Bytes actually written to the commit log (allocated blocks, not preallocated file lengths). */
  commitLogDiskBytes(): number {
    const d = path.join(this.storeDir, 'commitlog');
    if (!fs.existsSync(d)) return 0;
    let total = 0;
    for (const f of fs.readdirSync(d)) total += fs.statSync(path.join(d, f)).blocks * 512;
    return total;
  }
}

export const BENCH_RUN_DIR = path.join(CACHE_DIR, 'bench');
