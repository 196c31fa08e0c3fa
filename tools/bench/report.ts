// RESULTS.md (both brokers, median with min–max, ratio ours/Java, the issue's goals) and a chart of send
// throughput and p99 per configuration (SVG drawn here, rendered to PNG by @resvg/resvg-js when installed).
import * as fs from 'fs';
import * as path from 'path';
import { BenchRun, FLUSHES, SendCell, SIZES, THREADS } from './model';
import { Kind } from './servers';
import { Spread, spread } from './stats';

interface Row {
  figure: string;
  unit: string;
  ours: Spread | undefined;
  java: Spread | undefined;
  /** goal on ours/Java: ≥ x (higher is better) or ≤ x */
  goal?: { op: '>=' | '<='; x: number };
  digits?: number;
}

const KINDS: Kind[] = ['ours', 'java'];

function fmt(v: number, digits = 0): string {
  if (!Number.isFinite(v)) return '–';
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function cellOf(s: Spread | undefined, digits = 0): string {
  if (!s) return 'n/a';
  return s.n > 1 ? `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})` : fmt(s.median, digits);
}

function ratio(r: Row): number | undefined {
  return r.ours && r.java && r.java.median !== 0 ? r.ours.median / r.java.median : undefined;
}

function verdict(r: Row): string {
  const q = ratio(r);
  if (!r.goal) return '';
  const target = `${r.goal.op === '>=' ? '≥' : '≤'} ${r.goal.x}`;
  if (q === undefined) return `${target}: n/a`;
  const met = r.goal.op === '>=' ? q >= r.goal.x : q <= r.goal.x;
  return `${target}: ${met ? 'met' : '**not met**'}`;
}

export const configName = (flush: string, size: number, threads: number): string =>
  `${flush === 'ASYNC_FLUSH' ? 'ASYNC' : 'SYNC'} ${size === 1024 ? '1 KiB' : `${size} B`} ×${threads}`;

export function rows(run: BenchRun): Row[] {
  const out: Row[] = [];
  const cells = (k: Kind, f: string, s: number, t: number): SendCell[] => run.cells.filter((c) => c.broker === k && c.flush === f && c.size === s && c.threads === t);
  const per = (pick: (c: SendCell) => number | undefined, f: string, s: number, t: number): Record<Kind, Spread | undefined> => {
    const r = {} as Record<Kind, Spread | undefined>;
    for (const k of KINDS) r[k] = spread(cells(k, f, s, t).map(pick).filter((x): x is number => x !== undefined));
    return r;
  };
  for (const f of FLUSHES) {
    for (const s of SIZES) {
      for (const t of THREADS) {
        const name = configName(f, s, t);
        const tps = per((c) => c.tps, f, s, t);
        out.push({ figure: `send TPS, ${name}`, unit: 'msg/s', ...tps, goal: { op: '>=', x: f === 'SYNC_FLUSH' && t === 64 ? 2 : 1.5 } });
        for (const [q, key] of [
          ['p50', 'p50'],
          ['p99', 'p99'],
          ['p99.9', 'p999'],
        ] as const) {
          const v = per((c) => (c.latency ? c.latency[key] / 1000 : undefined), f, s, t);
          out.push({ figure: `send ${q}, ${name}`, unit: 'ms', ...v, digits: 2, ...(q === 'p99' ? { goal: { op: '<=' as const, x: 0.5 } } : {}) });
        }
        out.push({ figure: `broker CPU during send, ${name}`, unit: '% of a core', ...per((c) => c.brokerCpuPct, f, s, t) });
        out.push({
          figure: `broker CPU per message, ${name}`,
          unit: 'µs/msg',
          ...per((c) => (c.brokerCpuPct !== undefined && c.brokerCpuPct !== null && c.tps > 0 ? (c.brokerCpuPct * 1e4) / c.tps : undefined), f, s, t),
          digits: 1,
        });
      }
    }
  }
  const rep = (pick: (r: BenchRun['reps_'][number]) => number | undefined): Record<Kind, Spread | undefined> => {
    const r = {} as Record<Kind, Spread | undefined>;
    for (const k of KINDS) r[k] = spread(run.reps_.filter((x) => x.broker === k).map(pick).filter((x): x is number => x !== undefined));
    return r;
  };
  out.push({ figure: 'consume TPS, draining the ASYNC 128 B ×64 backlog', unit: 'msg/s', ...rep((r) => r.consume?.tps), goal: { op: '>=', x: 1.5 } });
  out.push({ figure: 'backlog drained', unit: 'messages', ...rep((r) => r.consume?.backlog) });
  out.push({ figure: 'broker RSS peak under load (VmRSS)', unit: 'MiB', ...rep((r) => r.peakRssKb / 1024), goal: { op: '<=', x: 0.25 } });
  out.push({ figure: 'broker RssAnon peak (heap, no file pages)', unit: 'MiB', ...rep((r) => r.peakRssAnonKb / 1024) });
  out.push({ figure: 'broker RSS idle after start', unit: 'MiB', ...rep((r) => r.idleRssKb / 1024) });
  out.push({ figure: 'cold start: spawn → first accepted send', unit: 'ms', ...rep((r) => r.coldStartMs), goal: { op: '<=', x: 0.1 } });
  out.push({ figure: 'cold start: spawn → registered at NameServer', unit: 'ms', ...rep((r) => r.coldRegisteredMs) });
  out.push({ figure: 'clean stop (SIGTERM → exit)', unit: 'ms', ...rep((r) => r.stopMs) });
  out.push({ figure: 'restart on the filled store: spawn → first accepted send', unit: 'ms', ...rep((r) => r.restartMs) });
  out.push({ figure: 'messages in that store', unit: 'messages', ...rep((r) => r.storeMessages) });
  out.push({ figure: 'commit log on disk at restart', unit: 'MiB', ...rep((r) => r.commitLogBytes / 2 ** 20) });
  return out;
}

export function markdown(run: BenchRun): string {
  const rs = rows(run);
  const lines: string[] = [];
  const la = spread(run.loadAvg);
  lines.push(`# rocketmq-ts vs Apache RocketMQ 5.3.3 broker${run.quick ? ' (quick run)' : ''}`);
  lines.push('');
  lines.push(
    `Run ${run.startedAt} → ${run.finishedAt}; ${run.reps} repetition(s), alternating (ours first in odd repetitions, Java first in even ones)` +
      `${run.revision ? `; ours built from ${run.revision}` : ''}.`,
  );
  lines.push(
    `Machine: ${run.host.cpus} cores, ${run.host.memGiB} GiB, Node ${run.host.node}, ${run.host.java}. **Shared machine**: 1-min load average ${fmt(run.host.loadAvgStart, 1)} at start, ` +
      `${la ? `${fmt(la.median, 1)} median (${fmt(la.min, 1)}–${fmt(la.max, 1)}) during producer runs` : ''}, ${fmt(run.host.loadAvgEnd, 1)} at the end; ` +
      `median machine busy share during producer runs ${fmt(100 * (spread(run.cells.map((c) => c.machineBusy))?.median ?? NaN), 0)} % of all cores (bench clients and broker included).`,
  );
  lines.push('');
  lines.push(
    'Java: NameServer + Broker 5.3.3 from the Maven jars, broker heap `-Xms1g -Xmx1g` (NameServer 256m), JDK 17 defaults (G1). Both use the same generated `broker.conf` ' +
      '(compat-tests/lib `brokerConf`, 64 MiB commit-log files), with `flushDiskType` set per phase.',
  );
  lines.push(
    `Send TPS: official \`benchmark.Producer\` (5.3.3 sources), sync sends, run for ${run.producerSeconds} s, its last "Send TPS" report (trailing ≈9 s window). ` +
      'Latency: compat Java driver (5.3.3 client), sync sends, HdrHistogram, right after on the same topic. ' +
      'Consume: driver push consumer, new group from the first offset, until the whole backlog arrived (rate = received / elapsed, client start included). ' +
      'RSS/CPU: /proc of the broker process, 0.5 s samples. Cold start and restart: spawn of the broker process → first SEND_MESSAGE answered SUCCESS (raw request to the broker port, NameServer already up). ' +
      'Restart: clean SIGTERM stop, then start on the store the repetition filled (all send phases).',
  );
  lines.push('');
  lines.push('Cells: median (min–max) over repetitions. Ratio = ours / Java (medians).');
  lines.push('');
  lines.push('| figure | unit | ours | Java 5.3.3 | ours/Java | goal |');
  lines.push('|---|---|---:|---:|---:|---|');
  for (const r of rs) {
    const q = ratio(r);
    lines.push(`| ${r.figure} | ${r.unit} | ${cellOf(r.ours, r.digits)} | ${cellOf(r.java, r.digits)} | ${q === undefined ? 'n/a' : fmt(q, 2)} | ${verdict(r)} |`);
  }
  const failed = run.cells.filter((c) => c.sendFailed > 0 || (c.latency?.failed ?? 0) > 0);
  lines.push('');
  if (failed.length) {
    lines.push('Failed sends:');
    for (const c of failed) lines.push(`- ${c.broker} rep ${c.rep} ${configName(c.flush, c.size, c.threads)}: producer ${c.sendFailed}, driver ${c.latency?.failed ?? '?'}`);
  } else lines.push('No failed sends in any run.');
  const notOk = run.reps_.filter((r) => r.consume && !r.consume.ok);
  for (const r of notOk) lines.push(`- ${r.broker} rep ${r.rep}: drain got ${r.consume?.received} of ${r.consume?.backlog} before its timeout`);
  lines.push('');
  lines.push('![send TPS and p99 per configuration](chart.png)');
  lines.push('');
  return lines.join('\n');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

/** Two panels of grouped bars (ours, Java) with min–max whiskers: send TPS and send p99 per configuration. */
export function chartSvg(run: BenchRun): string {
  const configs: Array<{ f: string; s: number; t: number }> = [];
  for (const f of FLUSHES) for (const s of SIZES) for (const t of THREADS) configs.push({ f, s, t });
  const W = 1100;
  const panelH = 300;
  const top = 50;
  const left = 80;
  const plotW = W - left - 30;
  const colors: Record<Kind, string> = { ours: '#2b7bb9', java: '#e07b39' };
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${top + 2 * (panelH + 90)}" font-family="DejaVu Sans, sans-serif" font-size="12">`);
  parts.push(`<rect width="100%" height="100%" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="24" text-anchor="middle" font-size="16">rocketmq-ts (blue) vs RocketMQ 5.3.3 (orange): median, whiskers min–max${run.quick ? ' — quick run' : ''}</text>`);
  const panels: Array<{ title: string; pick: (c: SendCell) => number | undefined }> = [
    { title: 'send TPS (benchmark.Producer, msg/s, higher is better)', pick: (c) => c.tps },
    { title: 'send p99 latency (driver, ms, lower is better)', pick: (c) => (c.latency ? c.latency.p99 / 1000 : undefined) },
  ];
  panels.forEach((p, pi) => {
    const y0 = top + pi * (panelH + 90);
    const stats = configs.map((cf) =>
      KINDS.map((k) =>
        spread(
          run.cells
            .filter((c) => c.broker === k && c.flush === cf.f && c.size === cf.s && c.threads === cf.t)
            .map(p.pick)
            .filter((x): x is number => x !== undefined),
        ),
      ),
    );
    const rawMax = Math.max(1e-9, ...stats.flat().map((s) => s?.max ?? 0)) * 1.08;
    const mag = 10 ** Math.floor(Math.log10(rawMax / 6));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((st) => Math.ceil(rawMax / st) <= 6) ?? 10 * mag;
    const ticks = Math.ceil(rawMax / step);
    const maxV = step * ticks;
    parts.push(`<text x="${left}" y="${y0 + 4}" font-size="14">${esc(p.title)}</text>`);
    const yOf = (v: number): number => y0 + 20 + panelH - (v / maxV) * panelH;
    for (let i = 0; i <= ticks; i++) {
      const v = step * i;
      const y = yOf(v);
      parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
      parts.push(`<text x="${left - 6}" y="${y + 4}" text-anchor="end">${fmt(v, step < 1 ? 1 : 0)}</text>`);
    }
    const groupW = plotW / configs.length;
    const barW = groupW * 0.32;
    configs.forEach((cf, ci) => {
      const gx = left + ci * groupW + groupW * 0.16;
      KINDS.forEach((k, ki) => {
        const s = stats[ci][ki];
        const x = gx + ki * barW;
        if (!s) return;
        parts.push(`<rect x="${x}" y="${yOf(s.median)}" width="${barW - 2}" height="${yOf(0) - yOf(s.median)}" fill="${colors[k]}"/>`);
        const cx = x + barW / 2 - 1;
        parts.push(`<line x1="${cx}" x2="${cx}" y1="${yOf(s.min)}" y2="${yOf(s.max)}" stroke="black"/>`);
        parts.push(`<text x="${cx}" y="${yOf(s.median) - 4}" text-anchor="middle" font-size="10">${fmt(s.median, s.median < 10 ? 2 : 0)}</text>`);
      });
      parts.push(`<text x="${left + ci * groupW + groupW / 2}" y="${yOf(0) + 16}" text-anchor="middle">${esc(configName(cf.f, cf.s, cf.t))}</text>`);
    });
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${yOf(0)}" y2="${yOf(0)}" stroke="black"/>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

async function renderPng(svg: string): Promise<Buffer | undefined> {
  try {
    const mod = (await import('@resvg/resvg-js')) as typeof import('@resvg/resvg-js');
    const r = new mod.Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: 'white' });
    return Buffer.from(r.render().asPng());
  } catch (e) {
    process.stderr.write(`PNG not rendered (@resvg/resvg-js: ${(e as Error).message.split('\n')[0]}); chart.svg written\n`);
    return undefined;
  }
}

export async function writeReport(run: BenchRun, outDir: string): Promise<string[]> {
  fs.mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  const md = path.join(outDir, 'RESULTS.md');
  fs.writeFileSync(md, markdown(run));
  files.push(md);
  const svg = chartSvg(run);
  fs.writeFileSync(path.join(outDir, 'chart.svg'), svg);
  files.push(path.join(outDir, 'chart.svg'));
  const png = await renderPng(svg);
  if (png) {
    fs.writeFileSync(path.join(outDir, 'chart.png'), png);
    files.push(path.join(outDir, 'chart.png'));
  }
  return files;
}

/** `node tools/bench/run.js report [results/run.json]`: rewrites the table and chart from a saved run. */
export async function main(argv: string[]): Promise<void> {
  const file = argv[0] ?? path.join(__dirname, 'results', 'run.json');
  const run = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchRun;
  const f = await writeReport(run, path.dirname(file));
  process.stdout.write(`wrote ${f.join(', ')}\n`);
}
