// `npm start` on a fresh checkout: the standalone NameServer + Broker accepts a stock Java producer's
// first send within 1 s of the process starting. A stock DefaultMQProducer (driver `first-send`) is
// started first, pointed at the NameServer's address while nothing listens there, and retries one
// send every 20 ms; then `node bin/rocketmq-ts.js standalone` (what `npm start` runs once the
// package is built) is spawned in an empty directory (fresh store) and the time from spawn to the
// producer's first SEND_OK is measured on the same clock. The 1 s bound is asserted here; the figure
// is printed and recorded in the matrix. Runs with the `ours` target only (the Java reference takes
// seconds to boot a JVM and is not held to this).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { check } from './lib/checks';
import { Client, selectedClients, startDriver } from './lib/driver';
import { record, writeMatrix } from './lib/matrix';
import { freePortBlock } from './lib/ports';
import { startProc } from './lib/proc';
import { selectedTargetKind } from './lib/targets';

const FILE_ID = 'standalone';
const CLIENTS: Client[] = ['java-4.9.8', 'java-5.3.3'];
const BIN = path.join(__dirname, '..', 'bin', 'rocketmq-ts.js');
const BOUND_MS = 1000;

const skip = selectedTargetKind() !== 'ours' ? `standalone runs with COMPAT_TARGET=ours only (target is ${selectedTargetKind()})` : undefined;

describe(`${FILE_ID} @ ours`, () => {
  afterAll(() => {
    if (!skip) writeMatrix('ours');
  });

  for (const client of CLIENTS) {
    const id = 'standalone-first-send-within-1s';
    const run = skip || !selectedClients().includes(client) ? test.skip : test;
    run(`${id} [${client}]`, async () => {
      const t0 = Date.now();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-standalone-'));
      const base = await freePortBlock(0, 3);
      const namesrvPort = base;
      const brokerPort = base + 3; // the VIP port listenPort − 2 = base + 1, HA listenPort + 1 = base + 4
      const producer = await startDriver(client, ['first-send', '--namesrv', `127.0.0.1:${namesrvPort}`, '--topic', `fs_${client.replace(/[^a-z0-9]/g, '')}_${Date.now() % 100000}`, '--deadline-ms', '60000']);
      let server: ReturnType<typeof startProc> | undefined;
      try {
        await producer.ready(90_000);
        // let the producer fail against the closed port for a moment, as it would before a deploy
        await new Promise((r) => setTimeout(r, 500));
        const spawnedAt = Date.now();
        server = startProc(`standalone-${client}`, process.execPath, [BIN, 'standalone'], {
          cwd: dir,
          env: { ...process.env, ROCKETMQ_TS_NAMESRV_PORT: String(namesrvPort), ROCKETMQ_TS_BROKER_PORT: String(brokerPort) },
          logFile: path.join(dir, 'standalone.out'),
        });
        const r = await producer.result;
        check(r.ok === true, `the producer never got SEND_OK: ${r.error ?? JSON.stringify(r)}`);
        const firstSendMs = Number(r.firstSendAt) - spawnedAt;
        const detail = `first SEND_OK ${firstSendMs} ms after spawning the standalone process (attempt ${String(r.attempts)}, last error before it: ${String(r.lastError)})`;
        process.stderr.write(`standalone [${client}]: ${detail}\n`);
        check(fs.existsSync(path.join(dir, 'store', 'commitlog')), 'no store directory was created under the working directory');
        check(firstSendMs <= BOUND_MS, `${detail}: more than ${BOUND_MS} ms`);
        record({ file: FILE_ID, order: 0, scenario: id, client, target: 'ours', status: 'pass', ms: Date.now() - t0, detail });
      } catch (e) {
        record({ file: FILE_ID, order: 0, scenario: id, client, target: 'ours', status: 'fail', ms: Date.now() - t0, detail: (e as Error).message });
        throw e;
      } finally {
        await producer.stop();
        await server?.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }, 180_000);
  }
});
