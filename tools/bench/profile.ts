// `node tools/bench/run.js profile [--seconds 20] [--out DIR]`: our broker under load with
// `node --cpu-prof` (on the broker process only; Node 20 refuses it in NODE_OPTIONS): ASYNC_FLUSH 128 B × 64 producer
// threads, then a backlog drain, then SYNC_FLUSH 1 KiB × 64 threads after a restart. Each broker process
// writes one .cpuprofile at its clean exit; the summary (top self/total time) goes to PROFILE.md and a
// flame graph per profile to flame-*.svg.
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../../compat-tests/lib/paths';
import { benchmarkClasspath, driverDrain, officialProducer, prepareDriver } from './clients';
import { flameSvg, summary } from './cpuprofile';
import { MachineLoad } from './procstat';
import { totalMaxOffset } from './remoting-probe';
import { BENCH_RUN_DIR, Cluster, snapshotOurBuild } from './servers';

export async function main(argv: string[]): Promise<void> {
  const val = (k: string): string | undefined => {
    const i = argv.indexOf(k);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const seconds = Number(val('--seconds') ?? 20);
  const out = val('--out') ?? path.join(__dirname, 'results', 'profile');
  const profDir = path.join(out, 'cpuprofiles');
  fs.rmSync(profDir, { recursive: true, force: true });
  fs.mkdirSync(profDir, { recursive: true });
  snapshotOurBuild();
  const cp = await benchmarkClasspath();
  await prepareDriver();
  const load = new MachineLoad();
  const c = await Cluster.create('ours', BENCH_RUN_DIR, { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] });
  const notes: string[] = [];
  const log = (s: string): void => {
    process.stderr.write(`${s}\n`);
    notes.push(`- ${s}`);
  };
  try {
    await c.startNamesrv();
    await c.startBroker('ASYNC_FLUSH');
    load.busySinceLast();
    const a = await officialProducer(cp, { namesrv: c.namesrvAddr, topic: 'prof_async_128_64', size: 128, threads: 64, seconds });
    log(`ASYNC_FLUSH 128 B × 64: send TPS ${a.tps}, avg RT ${a.avgRtMs} ms, failed ${a.failed}; machine busy ${(100 * load.busySinceLast()).toFixed(0)} %, load avg ${load.loadAvg1()}`);
    const backlog = await totalMaxOffset(c.ports.broker, 'prof_async_128_64', 8);
    const d = await driverDrain({ namesrv: c.namesrvAddr, topic: 'prof_async_128_64', group: 'prof_drain', count: backlog, timeoutMs: 120_000 });
    log(`drain of ${backlog}: received ${d.received} in ${d.elapsedMs} ms (${((d.received * 1000) / d.elapsedMs).toFixed(0)} msg/s)`);
    await c.stopBroker();
    await c.startBroker('SYNC_FLUSH');
    load.busySinceLast();
    const s = await officialProducer(cp, { namesrv: c.namesrvAddr, topic: 'prof_sync_1024_64', size: 1024, threads: 64, seconds });
    log(`SYNC_FLUSH 1 KiB × 64: send TPS ${s.tps}, avg RT ${s.avgRtMs} ms, failed ${s.failed}; machine busy ${(100 * load.busySinceLast()).toFixed(0)} %, load avg ${load.loadAvg1()}`);
  } finally {
    await c.stop();
    fs.rmSync(c.dir, { recursive: true, force: true });
  }
  const files = fs.readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')).sort();
  const md = [`# CPU profile of our broker under load (${new Date().toISOString()})`, '', ...notes, ''];
  const phases = ['ASYNC_FLUSH 128 B × 64 producer threads + backlog drain', 'SYNC_FLUSH 1 KiB × 64 producer threads'];
  files.forEach((f, i) => {
    const full = path.join(profDir, f);
    md.push(`## broker process ${i + 1}: ${phases[i] ?? '?'}`, '', summary(full, REPO_ROOT));
    const svg = flameSvg(JSON.parse(fs.readFileSync(full, 'utf8')), REPO_ROOT, `${f}: ${phases[i] ?? ''}`);
    fs.writeFileSync(path.join(out, `flame-${i + 1}.svg`), svg);
    md.push(`Flame graph: [flame-${i + 1}.svg](flame-${i + 1}.svg)`, '');
  });
  fs.writeFileSync(path.join(out, 'PROFILE.md'), md.join('\n'));
  process.stderr.write(`wrote ${path.join(out, 'PROFILE.md')} (${files.length} profiles)\n`);
}
