// Installs and builds what the compat suite needs, once, whichever jest worker asks first:
// mvn / java / go when absent (apt-get, as on a fresh machine), the Java driver for each client line,
// the reference server classpaths, and the Go driver when compat-tests/go exists.
// Everything lands in compat-tests/.cache; a stamp per build skips work that is up to date.
import { execFileSync, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { CACHE_DIR, GO_DIR, JAVA_DIR, M2_REPO } from './paths';

export const JAVA_CLIENT_VERSIONS = ['4.9.8', '5.3.3'] as const;
export type JavaClientVersion = (typeof JAVA_CLIENT_VERSIONS)[number];
/** Reference servers: 4.9.8's broker/namesrv jars are not on Maven Central; 4.9.7 is the newest 4.9.x that is. */
export const JAVA_SERVER_VERSIONS = ['5.3.3', '4.9.7'] as const;
export type JavaServerVersion = (typeof JAVA_SERVER_VERSIONS)[number];

function has(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status === 0;
}

let aptUpdated = false;
function aptInstall(pkgs: string[]): void {
  if (process.platform !== 'linux' || !has('apt-get', ['--version'])) {
    throw new Error(`cannot install ${pkgs.join(' ')}: no apt-get here; install them and retry`);
  }
  const sudo = process.getuid && process.getuid() !== 0 ? ['sudo'] : [];
  const run = (args: string[]): void => {
    const [cmd, ...rest] = [...sudo, ...args];
    execFileSync(cmd, rest, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  };
  if (!aptUpdated) {
    run(['apt-get', 'update', '-q']);
    aptUpdated = true;
  }
  run(['apt-get', 'install', '-y', '-q', '--no-install-recommends', ...pkgs]);
}

export function ensureJavaTools(): void {
  if (!has('java', ['-version'])) aptInstall(['openjdk-17-jdk-headless']);
  if (!has('mvn', ['-v'])) aptInstall(['maven']);
}

export function goBinary(): string | undefined {
  for (const c of ['go', '/usr/local/go/bin/go', '/usr/lib/go/bin/go']) {
    if (has(c, ['version'])) return c;
  }
  return undefined;
}

export function ensureGo(): string {
  const found = goBinary();
  if (found) return found;
  aptInstall(['golang-go']);
  const after = goBinary();
  if (!after) throw new Error('go still missing after apt-get install golang-go');
  return after;
}

/** Cross-process lock (mkdir is atomic); a lock whose holder died is taken over. */
export async function withLock<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const dir = path.join(CACHE_DIR, `${name}.lock`);
  for (;;) {
    try {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'pid'), String(process.pid));
      break;
    } catch {
      let holder = 0;
      try {
        holder = Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8'));
      } catch {
        // being created right now
      }
      if (holder > 0 && !alive(holder)) {
        fs.rmSync(dir, { recursive: true, force: true });
        continue;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A fingerprint of the files under `dir` (paths, sizes, mtimes), skipping build outputs. */
function fingerprint(files: string[]): string {
  const h = crypto.createHash('sha1');
  for (const f of files.sort()) {
    const st = fs.statSync(f);
    h.update(`${f}:${st.size}:${st.mtimeMs}\n`);
  }
  return h.digest('hex');
}

function walk(dir: string, skip: (p: string) => boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (skip(p)) continue;
    if (e.isDirectory()) out.push(...walk(p, skip));
    else out.push(p);
  }
  return out;
}

function mvn(cwd: string, args: string[]): void {
  const r = spawnSync('mvn', ['-q', '-B', `-Dmaven.repo.local=${M2_REPO}`, ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`mvn ${args.join(' ')} failed in ${cwd}:\n${(r.stdout + r.stderr).slice(-3000)}`);
  }
}

async function cachedBuild(name: string, inputs: string[], outputs: string[], build: () => void): Promise<void> {
  await withLock(`build-${name}`, () => {
    const stampFile = path.join(CACHE_DIR, `${name}.stamp`);
    const fp = fingerprint(inputs);
    const upToDate = outputs.every((o) => fs.existsSync(o)) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === fp;
    if (upToDate) return;
    build();
    fs.writeFileSync(stampFile, fp);
  });
}

export interface JavaBuild {
  /** The java classpath (driver classes + every dependency jar). */
  classpath: string;
}

/** Builds the Java driver against one client line (mvn package + dependency:build-classpath), when out of date. */
export async function buildJavaDriver(version: JavaClientVersion): Promise<JavaBuild> {
  ensureJavaTools();
  const out = path.join(CACHE_DIR, 'java', version);
  const cpFile = path.join(out, 'classpath.txt');
  const classes = path.join(out, 'target', 'classes');
  const inputs = [path.join(JAVA_DIR, 'pom.xml'), ...walk(path.join(JAVA_DIR, 'src'), () => false)];
  const current = path.join(out, 'current-classes.txt');
  await cachedBuild(`java-driver-${version}`, inputs, [cpFile, classes, current], () => {
    mvn(JAVA_DIR, ['-P', `rmq-${version}`, 'package', 'dependency:build-classpath']);
    // JVMs of a concurrent run may still load classes: give each build its own immutable copy
    const snap = path.join(out, `classes-${Date.now().toString(36)}`);
    fs.cpSync(classes, `${snap}.tmp`, { recursive: true });
    fs.renameSync(`${snap}.tmp`, snap);
    fs.writeFileSync(current, snap);
    for (const d of fs.readdirSync(out)) {
      const p = path.join(out, d);
      if (d.startsWith('classes-') && p !== snap && Date.now() - fs.statSync(p).mtimeMs > 3600_000) fs.rmSync(p, { recursive: true, force: true });
    }
  });
  const snapDir = fs.readFileSync(current, 'utf8').trim();
  return { classpath: `${snapDir}${path.delimiter}${fs.readFileSync(cpFile, 'utf8').trim()}` };
}

/** The classpath of the official NameServer + Broker of one version. */
export async function buildServerClasspath(version: JavaServerVersion): Promise<JavaBuild> {
  ensureJavaTools();
  const dir = path.join(JAVA_DIR, 'server');
  const cpFile = path.join(CACHE_DIR, 'java', `server-${version}`, 'classpath.txt');
  await cachedBuild(`java-server-${version}`, [path.join(dir, 'pom.xml')], [cpFile], () =>
    mvn(dir, ['-P', `server-${version}`, 'dependency:build-classpath']),
  );
  return { classpath: fs.readFileSync(cpFile, 'utf8').trim() };
}

export function goDriverPresent(): boolean {
  return fs.existsSync(path.join(GO_DIR, 'go.mod'));
}

/**
 * Builds the Go driver with compat-tests/go/build.sh (module cache inside compat-tests/.cache) when
 * compat-tests/go exists and changed; undefined when it does not exist.
 */
export async function buildGoDriver(): Promise<string | undefined> {
  if (!goDriverPresent()) return undefined;
  const bin = path.join(CACHE_DIR, 'bin', 'go-driver');
  const inputs = walk(GO_DIR, (p) => path.basename(p).startsWith('.') || p.endsWith(`${path.sep}bin`));
  await cachedBuild('go-driver', inputs, [bin], () => {
    const go = ensureGo();
    const env = { ...process.env, PATH: `${path.dirname(go)}${path.delimiter}${process.env.PATH ?? ''}` };
    const script = path.join(GO_DIR, 'build.sh');
    const r = fs.existsSync(script)
      ? spawnSync('bash', [script], { cwd: GO_DIR, env, encoding: 'utf8' })
      : spawnSync(go, ['build', '-o', bin, '.'], { cwd: GO_DIR, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`go driver build failed in ${GO_DIR}:\n${(r.stdout + r.stderr).slice(-3000)}`);
  });
  return bin;
}
