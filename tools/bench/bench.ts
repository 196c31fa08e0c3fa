// `npm run bench`: our NameServer + Broker against the official Java 5.3.3 ones on this machine, in one
// run, alternating between them repetition by repetition (ours first in odd repetitions, Java first in
// even ones). Throughput from the official benchmark.Producer, send latency histograms from the compat
// Java driver, consume rate from draining a backlog, RSS/CPU from /proc, cold start and restart times.
// Writes tools/bench/results/{RESULTS.md,chart.png,chart.svg,run.json} (--quick: results/quick/).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildServerClasspath } from '../../compat-tests/lib/setup';
import { benchmarkClasspath, driverDrain, driverLatency, officialProducer, prepareDriver } from './clients';
import { BenchRun, FLUSHES, RepFigures, SendCell, SIZES, THREADS } from './model';
import { MachineLoad, ProcSampler, readProc } from './procstat';
import { Progress } from './progress';
import { totalMaxOffset } from './remoting-probe';
import { writeReport } from './report';
import { BENCH_RUN_DIR, Cluster, Kind, snapshotOurBuild } from './servers';

interface Options {
  quick: boolean;
  reps: number;
  seconds: number;
  latencyCount: (threads: number) => number;
  out: string;
  only: Kind[];
}

function parseArgs(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const val = (k: string): string | undefined => {
    const i = argv.indexOf(k);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const reps = Number(val('--reps') ?? (quick ? 1 : 3));
  const seconds = Number(val('--seconds') ?? (quick ? 12 : 13));
  if (seconds < 12) throw new Error('--seconds must be ≥ 12 (benchmark.Producer reports once it has 10 one-second snapshots)');
  const only = (val('--only') ?? 'ours,java').split(',').filter((k): k is Kind => k === 'ours' || k === 'java');
  const here = path.join(__dirname, 'results');
  return {
    quick,
    reps,
    seconds,
    latencyCount: (threads) => (quick ? 250 : 500) * (threads === 8 ? 8 : 16),
    out: val('--out') ?? (quick ? path.join(here, 'quick') : here),
    only,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function runRep(kind: Kind, rep: number, o: Options, bar: Progress, run: BenchRun, cp: string, load: MachineLoad): Promise<void> {
  const tag = `${kind} rep ${rep}`;
  const c = await Cluster.create(kind, BENCH_RUN_DIR);
  const samplers: ProcSampler[] = [];
  try {
    await bar.step(`${tag}: NameServer start`, kind === 'java' ? 5 : 1, () => c.startNamesrv());
    const cold = await bar.step(`${tag}: cold start (ASYNC_FLUSH, empty store)`, kind === 'java' ? 8 : 2, () => c.startBroker('ASYNC_FLUSH'));
    await sleep(1000);
    const idle = readProc(c.brokerPid ?? 0);
    samplers.push(new ProcSampler(c.brokerPid ?? 0));
    const figures: RepFigures = {
      broker: kind,
      rep,
      coldStartMs: cold.firstSendMs,
      coldRegisteredMs: cold.registeredMs,
      idleRssKb: idle?.rssKb ?? 0,
      peakRssKb: 0,
      peakRssAnonKb: 0,
      consume: undefined,
      stopMs: 0,
      restartMs: 0,
      storeMessages: 0,
      commitLogBytes: 0,
    };
    const topics: string[] = ['bench_probe'];
    for (const flush of FLUSHES) {
      if (flush !== c.flushDiskType) {
        samplers[samplers.length - 1].stop();
        await bar.step(`${tag}: restart with ${flush}`, kind === 'java' ? 10 : 3, async () => {
          await c.stopBroker();
          await c.startBroker(flush);
        });
        samplers.push(new ProcSampler(c.brokerPid ?? 0));
      }
      const sampler = samplers[samplers.length - 1];
      for (const size of SIZES) {
        for (const threads of THREADS) {
          const topic = `bench_${flush === 'ASYNC_FLUSH' ? 'async' : 'sync'}_${size}_${threads}`;
          topics.push(topic);
          const label = `${tag}: ${flush} ${size} B × ${threads} threads`;
          load.busySinceLast();
          const prod = await bar.step(`${label} (benchmark.Producer ${o.seconds} s)`, o.seconds + 3, () =>
            officialProducer(cp, { namesrv: c.namesrvAddr, topic, size, threads, seconds: o.seconds }).catch((e: Error) => {
              bar.note(`${label}: producer run failed: ${e.message.split('\n')[0]}`);
              return { tps: NaN, avgRtMs: NaN, maxRtMs: NaN, failed: 0, lines: 0, lastLineAt: Date.now() };
            }),
          );
          const machineBusy = load.busySinceLast();
          run.loadAvg.push(load.loadAvg1());
          const lat = await bar.step(`${label} (driver latency)`, 6, () =>
            driverLatency({ namesrv: c.namesrvAddr, topic, size, threads, count: o.latencyCount(threads) }).catch((e: Error) => {
              bar.note(`latency run failed: ${e.message.split('\n')[0]}`);
              return undefined;
            }),
          );
          const cell: SendCell = {
            broker: kind,
            rep,
            flush,
            size,
            threads,
            tps: prod.tps,
            avgRtMs: prod.avgRtMs,
            sendFailed: prod.failed,
            brokerCpuPct: sampler.cpuPercent(prod.lastLineAt - 9500, prod.lastLineAt),
            machineBusy,
            latency: lat ? { ...lat.latencyUs, tps: lat.tps, sent: lat.sent, failed: lat.failed } : undefined,
          };
          run.cells.push(cell);
          if (prod.failed > 0 || (lat && lat.failed > 0)) bar.note(`${label}: ${prod.failed} failed sends (producer), ${lat?.failed ?? '?'} (driver)`);
        }
      }
      if (flush === 'ASYNC_FLUSH') {
        const topic = 'bench_async_128_64';
        const backlog = await totalMaxOffset(c.ports.broker, topic, 8);
        const r = await bar.step(`${tag}: consume, draining ${backlog} messages`, 12, () =>
          driverDrain({ namesrv: c.namesrvAddr, topic, group: `bench_drain_${rep}`, count: backlog, timeoutMs: 120_000 }),
        );
        figures.consume = { tps: r.elapsedMs > 0 ? (r.received * 1000) / r.elapsedMs : 0, received: r.received, backlog, elapsedMs: r.elapsedMs, ok: r.ok };
      }
    }
    for (const s of samplers) s.stop();
    let peak = { rssKb: 0, rssAnonKb: 0 };
    for (const s of samplers) {
      const p = s.peak();
      peak = { rssKb: Math.max(peak.rssKb, p.rssKb), rssAnonKb: Math.max(peak.rssAnonKb, p.rssAnonKb) };
    }
    figures.peakRssKb = peak.rssKb;
    figures.peakRssAnonKb = peak.rssAnonKb;
    await bar.step(`${tag}: restart on the filled store`, kind === 'java' ? 12 : 4, async () => {
      for (const t of topics) figures.storeMessages += await totalMaxOffset(c.ports.broker, t, 8);
      figures.stopMs = await c.stopBroker();
      figures.commitLogBytes = c.commitLogDiskBytes();
      const t = await c.startBroker('SYNC_FLUSH');
      figures.restartMs = t.firstSendMs;
    });
    run.reps_.push(figures);
  } finally {
    for (const s of samplers) s.stop();
    await c.stop();
    fs.rmSync(c.dir, { recursive: true, force: true });
  }
}

function javaVersion(): string {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return `${r.stderr ?? ''}${r.stdout ?? ''}`.split('\n')[0].trim() || 'java';
}

export async function main(argv: string[]): Promise<void> {
  const o = parseArgs(argv);
  const load = new MachineLoad();
  process.stderr.write(`rocketmq-ts bench: ${o.quick ? 'quick, ' : ''}${o.reps} repetition(s), producer runs of ${o.seconds} s, output ${o.out}\n`);
  process.stderr.write('preparing: Java reference server classpath, benchmark programs, Java driver (cached after the first run)\n');
  const [, cp] = await Promise.all([buildServerClasspath('5.3.3'), benchmarkClasspath(), prepareDriver()]);
  snapshotOurBuild();
  const java = javaVersion();
  const git = (args: string[]): string => spawnSync('git', args, { cwd: path.join(__dirname, '..', '..'), encoding: 'utf8' }).stdout?.trim() ?? '';
  const dirty = git(['status', '--porcelain', '--', 'src']).split('\n').filter(Boolean).length;
  const revision = `${git(['rev-parse', '--short', 'HEAD'])}${dirty ? ` + ${dirty} uncommitted file(s) under src/` : ''}`;
  const run: BenchRun = {
    startedAt: new Date().toISOString(),
    finishedAt: '',
    quick: o.quick,
    reps: o.reps,
    producerSeconds: o.seconds,
    revision,
    host: {
      cpus: os.cpus().length,
      memGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      java,
      loadAvgStart: load.loadAvg1(),
      loadAvgEnd: 0,
    },
    loadAvg: [],
    cells: [],
    reps_: [],
  };
  const perRep = (k: Kind): number => {
    const j = k === 'java';
    return (j ? 5 : 1) + (j ? 8 : 2) + (j ? 10 : 3) + 8 * (o.seconds + 3 + 6) + 12 + (j ? 12 : 4);
  };
  const totalWeight = o.reps * o.only.reduce((a, k) => a + perRep(k), 0);
  const bar = new Progress(totalWeight, o.reps * o.only.length * 21);
  fs.mkdirSync(o.out, { recursive: true });
  try {
    for (let rep = 1; rep <= o.reps; rep++) {
      const order = rep % 2 === 1 ? o.only : [...o.only].reverse();
      for (const kind of order) {
        await runRep(kind, rep, o, bar, run, cp, load);
        fs.writeFileSync(path.join(o.out, 'run.json'), JSON.stringify(run, null, 1));
      }
    }
  } finally {
    bar.end();
  }
  run.finishedAt = new Date().toISOString();
  run.host.loadAvgEnd = load.loadAvg1();
  fs.writeFileSync(path.join(o.out, 'run.json'), JSON.stringify(run, null, 1));
  const files = await writeReport(run, o.out);
  process.stderr.write(`wrote ${files.join(', ')}\n`);
}

