// Glue between jest and the scenarios: one describe per target in the run, one NameServer + Broker
// per test file (started in beforeAll, stopped in afterAll), one test per scenario × client, and the
// expected-gap rule. Scenarios get a Ctx with unique names and driver helpers.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Client, clientAvailable, driverCommand, DriverResult, readReport, reportFile, RunningDriver, runDriver, selectedClients, startDriver } from './driver';
import { expectedGap } from './gaps';
import { record, runKey, writeMatrix } from './matrix';
import { RESULTS_DIR } from './paths';
import { stopAll } from './proc';
import { selectedTargetLabels, startTarget, Target, TargetOptions, TargetSkipped } from './targets';

export type Opts = Record<string, string | number | boolean | undefined>;

/** Thrown when a driver answers {"unsupported":true}: the client library has no call for the step. */
export class Unsupported extends Error {}

/**
 * Known client × reference-broker limits of the official software itself (not of ours): the step is
 * still run, and only when it fails on exactly that pairing is it reported as n/a with the reason.
 */
export function referenceLimit(ctx: Ctx, step: string): string | undefined {
  if ((step === 'topic-stats' || step === 'consumer-progress') && ctx.client === 'java-5.3.3' && ctx.target.label === 'java-4.9.7') {
    return `5.3.3 admin's ${step === 'topic-stats' ? 'examineTopicStats' : 'examineConsumeStats'} also asks each broker for GET_TOPIC_CONFIG (351), a 5.x-only request the 4.9 broker rejects`;
  }
  if (step === 'lite-pull' && ctx.client === 'java-5.3.3' && ctx.target.label === 'java-4.9.7') {
    return '5.3.3 DefaultLitePullConsumer pulls with LITE_PULL_MESSAGE (361), a request code 4.9 brokers do not register';
  }
  return undefined;
}

export interface Scenario {
  /** Stable id used in the matrix and in expected-gaps.json patterns, e.g. `send-sync`. */
  id: string;
  /** Clients this scenario applies to (default: all). */
  clients?: readonly Client[];
  timeoutMs?: number;
  run(ctx: Ctx): Promise<void>;
}

export interface Ctx {
  target: Target;
  client: Client;
  namesrv: string;
  /** A topic/group name unique to this test: `<prefix>_<client>_<random>`. */
  name(prefix: string): string;
  /** Runs a driver command of this scenario's client (or of `as`) to completion. */
  run(cmd: string[], opts?: Opts, as?: Client): Promise<DriverResult>;
  /** Same, throwing with the driver's error unless it answered ok. */
  ok(cmd: string[], opts?: Opts, as?: Client): Promise<DriverResult>;
  /** Starts a long-running driver command (a consumer); it is stopped at the end of the test. */
  start(cmd: string[], opts?: Opts, as?: Client): Promise<RunningDriver>;
  /** A fresh --report file path. */
  report(label: string): string;
  read<T = Record<string, unknown>>(file: string): T[];
  /** The Java client used for set-up steps (creating topics): the same line as the reference target. */
  setupClient: Client;
}

function toArgs(opts: Opts = {}): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(opts)) {
    if (v === undefined || v === false) continue;
    out.push(`--${k}`);
    if (v !== true) out.push(String(v));
  }
  return out;
}

let dockerNote: string | undefined | null = null;
/**
 * Synchronous (jest definitions are) check whether testcontainers finds a container runtime; done once
 * per run (the answer is kept beside the run's results) and announced in one line.
 */
function dockerMissing(): string | undefined {
  if (dockerNote !== null) return dockerNote;
  const memo = path.join(RESULTS_DIR, runKey(), 'docker.json');
  if (fs.existsSync(memo)) {
    dockerNote = (JSON.parse(fs.readFileSync(memo, 'utf8')) as { reason?: string }).reason;
    return dockerNote;
  }
  const script =
    "require('testcontainers').getContainerRuntimeClient().then(()=>process.exit(0),e=>{console.error(String(e&&e.message||e).split('\\n')[0]);process.exit(3)})";
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
  dockerNote = r.status === 0 ? undefined : `no Docker engine answers (${(r.stderr || r.error?.message || 'timeout').trim().split('\n').pop()})`;
  fs.mkdirSync(path.dirname(memo), { recursive: true });
  fs.writeFileSync(memo, JSON.stringify({ reason: dockerNote }));
  if (dockerNote) process.stderr.write(`compat: testcontainers target skipped: ${dockerNote}\n`);
  return dockerNote;
}

/** Scenarios of one file run at once (COMPAT_CONCURRENCY, default 3): most of their time is waiting. */
export function concurrency(): number {
  const n = Number(process.env.COMPAT_CONCURRENCY ?? 3);
  return Number.isFinite(n) && n >= 1 ? Math.floor(n) : 1;
}

class Semaphore {
  private free: number;
  private readonly queue: Array<() => void> = [];
  constructor(n: number) {
    this.free = n;
  }
  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.queue.push(r));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next) next();
      else this.free++;
    };
  }
}

const short: Record<Client, string> = { 'java-4.9.8': 'j49', 'java-5.3.3': 'j53', go: 'go' };

/** Per file options of compatSuite. */
export interface SuiteOptions extends TargetOptions {
  /**
   * Run this file's tests one after the other whatever COMPAT_CONCURRENCY says (scenarios that
   * disturb the shared target, e.g. by restarting its broker).
   */
  serial?: boolean;
}

export function compatSuite(file: string, scenarios: Scenario[], options: SuiteOptions = {}): void {
  const fileId = path.basename(file).replace(/\.test\.ts$/, '');
  for (const label of selectedTargetLabels()) {
    describe(`${fileId} @ ${label}`, () => {
      let target: Target | undefined;
      let startError: Error | undefined;
      const skipReason = label === 'testcontainers' ? dockerMissing() : undefined;
      const running: RunningDriver[] = [];
      // started once, by beforeAll or by whichever (concurrent) test asks first
      let starting: Promise<void> | undefined;
      const ensureTarget = (): Promise<void> => {
        starting ??= (async () => {
          // build the drivers (and install mvn/go on a fresh machine) before any scenario runs
          for (const c of selectedClients()) {
            if (clientAvailable(c)) await driverCommand(c).catch(() => undefined);
          }
          try {
            target = await startTarget(label, { brokerConf: options.brokerConf });
          } catch (e) {
            if (!(e instanceof TargetSkipped)) startError = e as Error;
          }
        })();
        return starting;
      };
      const parallel = options.serial ? 1 : concurrency();
      const slots = new Semaphore(parallel);

      beforeAll(async () => {
        if (!skipReason) await ensureTarget();
      }, 600_000);

      afterAll(async () => {
        await Promise.all(running.map((d) => d.stop()));
        await target?.stop();
        await stopAll();
        const md = writeMatrix(label);
        const own = md.split('\n').filter((l) => l.includes(`| ${fileId} |`));
        process.stderr.write(`compat matrix rows (${fileId} @ ${label}):\n${own.join('\n')}\n`);
      }, 120_000);

      scenarios.forEach((sc, order) => {
        for (const client of selectedClients()) {
          if (sc.clients && !sc.clients.includes(client)) continue;
          const testName = `${sc.id} [${client}]`;
          const base = { file: fileId, order, scenario: sc.id, client, target: label };
          if (skipReason) {
            record({ ...base, status: 'skipped', ms: 0, detail: skipReason });
            test.skip(`${testName} (${skipReason})`, () => undefined);
            continue;
          }
          if (!clientAvailable(client)) {
            record({ ...base, status: 'not-available', ms: 0, detail: 'driver not available (compat-tests/go missing)' });
            test.skip(`${testName} (driver not available)`, () => undefined);
            continue;
          }
          const testFn = parallel > 1 ? test.concurrent : test;
          testFn(
            testName,
            async () => {
              await ensureTarget();
              const release = await slots.acquire();
              const gap = expectedGap(label, sc.id, client);
              const t0 = Date.now();
              try {
                if (!target) throw new Error(`target ${label} is not up: ${startError?.message ?? 'unknown'}`);
                const t = target;
                const mine: RunningDriver[] = [];
                const ctx: Ctx = {
                  target: t,
                  client,
                  namesrv: t.namesrvAddr,
                  setupClient: label === 'java-4.9.7' ? 'java-4.9.8' : 'java-5.3.3',
                  name: (prefix) => `${prefix}_${short[client]}_${Math.random().toString(36).slice(2, 8)}`,
                  run: (cmd, opts, as) => runDriver(as ?? client, [...cmd, '--namesrv', t.namesrvAddr, ...toArgs(opts)]),
                  ok: async (cmd, opts, as) => {
                    const r = await runDriver(as ?? client, [...cmd, '--namesrv', t.namesrvAddr, ...toArgs(opts)]);
                    if (!r.ok && r.unsupported === true) throw new Unsupported(`${as ?? client} ${cmd.join(' ')}: ${r.error ?? 'unsupported'}`);
                    if (!r.ok) throw new Error(`${as ?? client} ${cmd.join(' ')} failed: ${r.error ?? JSON.stringify(r)}`);
                    return r;
                  },
                  start: async (cmd, opts, as) => {
                    const d = await startDriver(as ?? client, [...cmd, '--namesrv', t.namesrvAddr, ...toArgs(opts)]);
                    mine.push(d);
                    running.push(d);
                    return d;
                  },
                  report: (l) => reportFile(`${fileId}-${sc.id}-${client}-${l}`),
                  read: readReport,
                };
                try {
                  await sc.run(ctx);
                } finally {
                  await Promise.all(mine.map((d) => d.stop()));
                }
              } catch (e) {
                const detail = (e as Error).message ?? String(e);
                if (e instanceof Unsupported) {
                  record({ ...base, status: 'not-available', ms: Date.now() - t0, detail });
                  return;
                }
                if (gap) {
                  record({ ...base, status: 'expected-gap', ms: Date.now() - t0, detail: `${gap.reason} — ${detail}` });
                  return;
                }
                record({ ...base, status: 'fail', ms: Date.now() - t0, detail });
                throw e;
              } finally {
                release();
              }
              if (gap) {
                record({ ...base, status: 'unexpected-pass', ms: Date.now() - t0, detail: `listed as gap: ${gap.reason}` });
                process.stderr.write(`compat: UNEXPECTED PASS ${sc.id} [${client}] on ${label}: remove it from expected-gaps.json\n`);
              } else {
                record({ ...base, status: 'pass', ms: Date.now() - t0 });
              }
            },
            // the clock includes waiting for the target and for a concurrency slot
            (sc.timeoutMs ?? 150_000) + 600_000,
          );
        }
      });
    });
  }
}
