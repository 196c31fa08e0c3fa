// Black-box: `rocketmq-ts namesrv -c FILE` as a separate process (the built CLI in dist/): Java
// property names honoured, kvConfig.json where the file says, clean exit on SIGTERM and SIGINT.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { RequestCode } from '../../src/protocol/request-code';
import { RemotingClient } from '../../src/remoting/client';
import { call } from './helpers';

const root = path.join(__dirname, '..', '..');
const bin = path.join(root, 'bin', 'rocketmq-ts.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

beforeAll(() => {
  const built = path.join(root, 'dist', 'src', 'cli', 'main.js');
  const stale = !fs.existsSync(built) || fs.statSync(built).mtimeMs < Math.max(
    newestMtime(path.join(root, 'src', 'namesrv')), newestMtime(path.join(root, 'src', 'protocol')), newestMtime(path.join(root, 'src', 'cli')));
  if (stale) {
    execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  }
}, 180_000);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function waitForOutput(child: ChildProcess, pattern: RegExp, ms = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`no ${pattern} in output: ${out}`)), ms);
    const on = (chunk: Buffer) => {
      out += chunk.toString();
      if (pattern.test(out)) {
        clearTimeout(t);
        resolve(out);
      }
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
  });
}

function exitOf(child: ChildProcess, ms = 15_000): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('process did not exit')), ms);
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

test.each(['SIGTERM', 'SIGINT'] as const)('namesrv -c FILE serves on listenPort and exits 0 on %s', async (signal) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'namesrv-cli-'));
  const port = await freePort();
  const conf = path.join(dir, 'namesrv.conf');
  fs.writeFileSync(conf, [
    '# Java namesrv properties',
    `listenPort=${port}`,
    `kvConfigPath=${path.join(dir, 'kv', 'kvConfig.json')}`,
    `rocketmqHome=${dir}`,
    'scanNotActiveBrokerInterval=2000',
    'orderMessageEnable=true',
  ].join('\n'));
  const child = spawn(process.execPath, [bin, 'namesrv', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ROCKETMQ_TS_LOG_LEVEL: 'warn' } });
  const client = new RemotingClient();
  try {
    await waitForOutput(child, /The Name Server boot success/);
    const addr = `127.0.0.1:${port}`;
    const cfg = (await call(client, addr, RequestCode.GET_NAMESRV_CONFIG)).body?.toString() ?? '';
    expect(cfg).toContain(`listenPort=${port}\n`);
    expect(cfg).toContain('orderMessageEnable=true\n');
    expect(cfg).toContain('scanNotActiveBrokerInterval=2000\n');
    expect(cfg).toContain(`configStorePath=${conf}\n`);
    await call(client, addr, RequestCode.PUT_KV_CONFIG, { extFields: { namespace: 'ns', key: 'k', value: 'v' } });
    expect(fs.readFileSync(path.join(dir, 'kv', 'kvConfig.json'), 'utf8')).toBe('{"configTable":{"ns":{"k":"v"}}}');
    client.shutdown();
    const exited = exitOf(child);
    child.kill(signal);
    expect(await exited).toBe(0);
  } finally {
    client.shutdown();
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
