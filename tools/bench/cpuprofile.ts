// Summaries of V8 .cpuprofile files (node --cpu-prof): top functions by self time and by total time,
// and a flame graph (SVG, widths = time, root at the bottom; hover shows the frame).
import * as fs from 'fs';
import * as path from 'path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface FnTime {
  name: string;
  selfMs: number;
  totalMs: number;
}

function frameName(cf: CallFrame, root: string): string {
  const fn = cf.functionName || '(anonymous)';
  if (!cf.url) return fn;
  let u = cf.url.replace(/^file:\/\//, '');
  if (u.startsWith(root)) u = u.slice(root.length + 1);
  u = u.replace(/^.*node_modules\//, 'node_modules/');
  return `${fn} ${u}:${cf.lineNumber + 1}`;
}

export function analyse(p: CpuProfile, root: string): { totalMs: number; fns: FnTime[]; selfById: Map<number, number>; byId: Map<number, ProfileNode> } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfById = new Map<number, number>();
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const dt = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
    selfById.set(samples[i], (selfById.get(samples[i]) ?? 0) + dt);
  }
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const [id, ms] of selfById) {
    const n = byId.get(id);
    if (!n) continue;
    const name = frameName(n.callFrame, root);
    self.set(name, (self.get(name) ?? 0) + ms);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const cn = byId.get(cur);
      if (!cn) break;
      const nm = frameName(cn.callFrame, root);
      if (seen.has(nm)) continue;
      seen.add(nm);
      total.set(nm, (total.get(nm) ?? 0) + ms);
    }
  }
  const fns = [...total.keys()].map((name) => ({ name, selfMs: self.get(name) ?? 0, totalMs: total.get(name) ?? 0 }));
  const totalMs = [...selfById.values()].reduce((a, b) => a + b, 0);
  return { totalMs, fns, selfById, byId };
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Flame graph of one profile, (idle) removed. */
export function flameSvg(p: CpuProfile, root: string, title: string): string {
  const { selfById, byId } = analyse(p, root);
  const inclusive = new Map<number, number>();
  const incl = (id: number): number => {
    const n = byId.get(id);
    if (!n) return 0;
    if (n.callFrame.functionName === '(idle)') return 0;
    let t = selfById.get(id) ?? 0;
    for (const c of n.children ?? []) t += incl(c);
    inclusive.set(id, t);
    return t;
  };
  const rootNode = p.nodes[0];
  const all = incl(rootNode.id);
  const W = 1600;
  const rowH = 16;
  const rects: string[] = [];
  let maxDepth = 0;
  const draw = (id: number, x: number, depth: number): void => {
    const n = byId.get(id);
    const t = inclusive.get(id) ?? 0;
    if (!n || t <= 0) return;
    const w = (t / all) * W;
    if (w < 0.3) return;
    maxDepth = Math.max(maxDepth, depth);
    const name = frameName(n.callFrame, root);
    const hue = n.callFrame.url.includes('/src/') ? 20 : n.callFrame.url.includes('node_modules') ? 200 : n.callFrame.url ? 50 : 0;
    rects.push(
      `<g><title>${esc(name)} — ${t.toFixed(0)} ms (${((100 * t) / all).toFixed(1)} %)</title><rect x="${x.toFixed(1)}" y="DEPTH${depth}" width="${Math.max(0.3, w - 0.3).toFixed(1)}" height="${rowH - 1}" fill="hsl(${hue},70%,${60 + (depth % 4) * 5}%)"/>` +
        (w > 40 ? `<text x="${(x + 3).toFixed(1)}" y="TEXT${depth}" font-size="11">${esc(name.slice(0, Math.floor(w / 6.5)))}</text>` : '') +
        '</g>',
    );
    let cx = x;
    for (const c of n.children ?? []) {
      draw(c, cx, depth + 1);
      cx += ((inclusive.get(c) ?? 0) / all) * W;
    }
  };
  draw(rootNode.id, 0, 0);
  const H = (maxDepth + 1) * rowH + 40;
  const body = rects
    .join('\n')
    .replace(/y="DEPTH(\d+)"/g, (_, d: string) => `y="${H - (Number(d) + 1) * rowH}"`)
    .replace(/y="TEXT(\d+)"/g, (_, d: string) => `y="${H - (Number(d) + 1) * rowH + 12}"`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans Mono, monospace"><rect width="100%" height="100%" fill="white"/><text x="4" y="16" font-size="14">${esc(title)} — ${all.toFixed(0)} ms on CPU (idle removed); orange = src/, blue = node_modules, yellow = node internals</text>\n${body}\n</svg>`;
}

/** Markdown summary of a profile: top `n` by self time and top `n` by total time. */
export function summary(file: string, root: string, n = 25): string {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const { totalMs, fns } = analyse(p, root);
  const idle = fns.find((f) => f.name === '(idle)')?.selfMs ?? 0;
  const busy = totalMs - idle;
  const lines = [`### ${path.basename(file)}`, '', `wall ${((p.endTime - p.startTime) / 1e6).toFixed(1)} s, on CPU ${(busy / 1000).toFixed(1)} s (idle ${(idle / 1000).toFixed(1)} s)`, ''];
  lines.push('| self ms | self % of busy | function |', '|---:|---:|---|');
  for (const f of [...fns].filter((x) => x.name !== '(idle)').sort((a, b) => b.selfMs - a.selfMs).slice(0, n)) {
    lines.push(`| ${f.selfMs.toFixed(0)} | ${((100 * f.selfMs) / busy).toFixed(1)} | \`${f.name}\` |`);
  }
  lines.push('', '| total ms | total % of busy | function (src/ only) |', '|---:|---:|---|');
  for (const f of [...fns].filter((x) => x.name.includes(' src/') || x.name.includes(' dist/src/')).sort((a, b) => b.totalMs - a.totalMs).slice(0, n)) {
    lines.push(`| ${f.totalMs.toFixed(0)} | ${((100 * f.totalMs) / busy).toFixed(1)} | \`${f.name}\` |`);
  }
  lines.push('');
  return lines.join('\n');
}
