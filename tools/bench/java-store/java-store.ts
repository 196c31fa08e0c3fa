// The Java side of `npm run bench:store`: compiles StoreBench.java (beside this file) against the RocketMQ 5.3.3
// broker's Maven classpath and runs it, one JVM per measurement. The classpath comes from compat-tests/lib
// (`buildServerClasspath('5.3.3')`, Maven repository in compat-tests/.cache); that module resolves its cache
// relative to its source file, so it is loaded from source through @swc/core (as tools/bench/run.js does),
// not from dist/. The classes land in compat-tests/.cache/java/store-bench-5.3.3/<hash of source + classpath>.
import { spawn, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as PathsModule from '../../../compat-tests/lib/paths';
import type * as SetupModule from '../../../compat-tests/lib/setup';
import type * as TargetsModule from '../../../compat-tests/lib/targets';

/** Heap and direct memory of every StoreBench JVM (the store maps 1 GiB files; those are not heap). */
export const JAVA_STORE_HEAP = ['-Xms2g', '-Xmx2g', '-XX:MaxDirectMemorySize=1g'];
/** Seconds every Java append run writes before its measured window (each run is a fresh JVM; ours runs warm). */
const WARMUP = Number(process.env.BENCH_JAVA_WARMUP ?? 1);

export interface JavaAppend {
  flush: string;
  writers: number;
  seconds: number;
  putOk: number;
  /** Statuses other than PUT_OK (and exceptions), by name. */
  notOk: Record<string, number>;
  msgsPerSec: number;
  payloadMiBps: number;
  recordMiBps: number;
  maxPhyOffset: number;
  /** load() + start() of the fresh store, ms (outside the measured window). */
  openMs: number;
}

export interface JavaFill {
  /** the 64 writers' time */
  writeSeconds: number;
  /** ... + the flush of the commit log's dirty rest */
  seconds: number;
  putOk: number;
  notOk: Record<string, number>;
  maxPhyOffset: number;
  cleanShutdown: boolean;
}

export interface JavaStart {
  /** The abort file was there before load(): the store takes its abnormal-recovery path. */
  abortFile: boolean;
  /** constructor + load() of an empty sibling store first (class loading and static init), ms */
  warmMs: number;
  /** constructor + load() (recovery), ms from the constructor call */
  loadMs: number;
  /** ... + start() returned, ms */
  startMs: number;
  /** ... + the reput service dispatched everything to the consume queues and index, ms */
  dispatchedMs: number;
  behindAtStart: number;
  maxPhyOffset: number;
  /** JVM start → dispatch caught up (JVM start, class loading, the warm-up open included), ms */
  jvmReadyMs: number;
}

export interface JavaStore {
  /** One line for the bench header: versions and flags. */
  describe: string;
  append(root: string, flush: 'ASYNC_FLUSH' | 'SYNC_FLUSH', writers: number, seconds: number, uniqKey: boolean): Promise<JavaAppend>;
  fill(root: string, gib: number): Promise<JavaFill>;
  start(root: string): Promise<JavaStart>;
  /** Opens the store, appends from 64 writers (ASYNC_FLUSH) and SIGKILLs the JVM `afterMs` after it reported READY. */
  crash(root: string, afterMs: number): Promise<void>;
}

function has(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

/** require() of a compat-tests/lib TypeScript module from source (the swc hook is installed once). */
function requireTs<T>(file: string): T {
  const req = createRequire(__filename);
  const exts = req.extensions as NodeJS.RequireExtensions;
  if (!exts['.ts']) {
    const swc = req('@swc/core') as typeof import('@swc/core');
    exts['.ts'] = (module, filename) => {
      const out = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
        filename,
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      });
      (module as unknown as { _compile(code: string, file: string): void })._compile(out.code, filename);
    };
  }
  return req(file) as T;
}

/**
 * Builds StoreBench when needed; resolves with the runner, or with a one-line reason why the Java side
 * cannot run here (no java/javac/mvn, or the classpath or the compile failed).
 */
export async function prepareJavaStore(repoRoot: string, workDir: string): Promise<JavaStore | string> {
  for (const [cmd, arg] of [['java', '-version'], ['javac', '-version'], ['mvn', '-v']] as const) {
    if (!has(cmd, [arg])) return `${cmd} not found`;
  }
  const lib = path.join(repoRoot, 'compat-tests', 'lib');
  let classpath: string;
  let cacheDir: string;
  let jdkFlags: string[];
  try {
    const setup = requireTs<typeof SetupModule>(path.join(lib, 'setup.ts'));
    cacheDir = requireTs<typeof PathsModule>(path.join(lib, 'paths.ts')).CACHE_DIR;
    jdkFlags = requireTs<typeof TargetsModule>(path.join(lib, 'targets.ts')).JDK17_FLAGS;
    classpath = (await setup.buildServerClasspath('5.3.3')).classpath;
  } catch (e) {
    return `RocketMQ 5.3.3 classpath unavailable: ${String(e).split('\n')[0]}`;
  }
  const source = path.join(repoRoot, 'tools', 'bench', 'java-store', 'StoreBench.java');
  const hash = crypto.createHash('sha1').update(fs.readFileSync(source)).update(classpath).digest('hex').slice(0, 16);
  const base = path.join(cacheDir, 'java', 'store-bench-5.3.3');
  const classes = path.join(base, hash);
  if (!fs.existsSync(path.join(classes, 'StoreBench.class'))) {
    const tmp = `${classes}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    const r = spawnSync('javac', ['-nowarn', '-d', tmp, '-cp', classpath, source], { encoding: 'utf8' });
    if (r.status !== 0) return `javac StoreBench.java failed: ${(r.stdout + r.stderr).trim().split('\n').slice(0, 3).join(' | ')}`;
    try {
      fs.renameSync(tmp, classes);
    } catch {
      fs.rmSync(tmp, { recursive: true, force: true }); // a concurrent build won
    }
    // builds of older sources (a concurrent run may still use one for a while: keep those of the last hour)
    for (const d of fs.readdirSync(base)) {
      const p = path.join(base, d);
      if (p !== classes && Date.now() - fs.statSync(p).mtimeMs > 3600_000) fs.rmSync(p, { recursive: true, force: true });
    }
  }
  const home = path.join(workDir, 'java-home');
  fs.mkdirSync(home, { recursive: true });
  // -Duser.home: the store's logs go to <home>/logs/rocketmqlogs, not the real home
  const jvm = [...JAVA_STORE_HEAP, ...jdkFlags, `-Duser.home=${home}`, '-cp', `${classes}${path.delimiter}${classpath}`, 'StoreBench'];
  const version = (spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr ?? '').split('\n')[0]?.trim() ?? 'java';

  const run = <T>(args: string[]): Promise<T> =>
    new Promise((resolve, reject) => {
      const p = spawn('java', [...jvm, ...args], { cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      p.stdout.on('data', (c: Buffer) => {
        out += c.toString();
      });
      p.stderr.on('data', (c: Buffer) => {
        err = (err + c.toString()).slice(-4000);
      });
      p.on('error', reject);
      p.on('close', (code) => {
        const line = out.split('\n').find((l) => l.startsWith('{"mode"'));
        if (code !== 0 || !line) {
          reject(new Error(`StoreBench ${args.join(' ')} exited with ${code}: ${err.slice(-1500)}`));
          return;
        }
        resolve(JSON.parse(line) as T);
      });
    });

  return {
    describe: `Java store: org.apache.rocketmq.store.DefaultMessageStore 5.3.3, ${version}, ${JAVA_STORE_HEAP.join(' ')} (JDK 17 --add-opens flags), Java store defaults (1 GiB commit-log files), one JVM per run, ${WARMUP} s of writes before each measured window (BENCH_JAVA_WARMUP)`,
    append: (root, flush, writers, seconds, uniqKey) => run<JavaAppend>(['append', root, flush, String(writers), String(seconds), uniqKey ? '1' : '0', String(WARMUP)]),
    fill: (root, gib) => run<JavaFill>(['fill', root, String(gib)]),
    start: (root) => run<JavaStart>(['start', root]),
    crash: (root, afterMs) =>
      new Promise<void>((resolve, reject) => {
        const p = spawn('java', [...jvm, 'crash', root], { cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
        let ready = false;
        let out = '';
        let err = '';
        p.stderr.on('data', (c: Buffer) => {
          err = (err + c.toString()).slice(-2000);
        });
        p.stdout.on('data', (c: Buffer) => {
          if (ready) return;
          out = (out + c.toString()).slice(-4000);
          if (/^READY/m.test(out)) {
            ready = true;
            setTimeout(() => p.kill('SIGKILL'), afterMs);
          }
        });
        p.on('error', reject);
        p.on('close', () => (ready ? resolve() : reject(new Error(`StoreBench crash exited before READY: ${err}`))));
      }),
  };
}
