// Per-test results of a run and the matrix built from them: scenario × client × target →
// pass / fail / expected gap / unexpected pass / not available. Each test appends one JSON line to
// .cache/results/<run>/<target>.jsonl; compat-tests/matrix-<target>.md is rewritten from those lines
// as the run goes (after every test file), and the whole matrix is printed at the end.
import * as fs from 'fs';
import * as path from 'path';
import { COMPAT_DIR, RESULTS_DIR } from './paths';

export const STATUSES = ['pass', 'fail', 'expected-gap', 'unexpected-pass', 'not-available', 'skipped'] as const;
export type Status = (typeof STATUSES)[number];

export interface ResultRecord {
  file: string;
  order: number;
  scenario: string;
  client: string;
  target: string;
  status: Status;
  ms: number;
  detail?: string;
  at: string;
}

/** One id per jest run: set by globalSetup when wired, else the jest parent process of this worker. */
export function runKey(): string {
  if (process.env.COMPAT_RUN_ID) return process.env.COMPAT_RUN_ID;
  const key = String(typeof process.send === 'function' ? process.ppid : process.pid);
  process.env.COMPAT_RUN_ID = key;
  return key;
}

function runDir(): string {
  return path.join(RESULTS_DIR, runKey());
}

export function record(r: Omit<ResultRecord, 'at'>): void {
  fs.mkdirSync(runDir(), { recursive: true });
  const line = JSON.stringify({ ...r, at: new Date().toISOString() });
  fs.appendFileSync(path.join(runDir(), `${r.target}.jsonl`), `${line}\n`);
}

export function readResults(target: string, key = runKey()): ResultRecord[] {
  const f = path.join(RESULTS_DIR, key, `${target}.jsonl`);
  if (!fs.existsSync(f)) return [];
  return fs
    .readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as ResultRecord);
}

const CELL: Record<Status, string> = {
  pass: 'pass',
  fail: '**FAIL**',
  'expected-gap': 'expected gap',
  'unexpected-pass': '**unexpected pass**',
  'not-available': 'n/a',
  skipped: 'skipped',
};

export function matrixMarkdown(target: string, rows: ResultRecord[]): string {
  const clients = [...new Set(rows.map((r) => r.client))].sort();
  const byScenario = new Map<string, { file: string; order: number; cells: Map<string, ResultRecord> }>();
  for (const r of rows) {
    const e = byScenario.get(r.scenario) ?? { file: r.file, order: r.order, cells: new Map<string, ResultRecord>() };
    e.cells.set(r.client, r);
    byScenario.set(r.scenario, e);
  }
  const scen = [...byScenario.entries()].sort((a, b) => a[1].file.localeCompare(b[1].file) || a[1].order - b[1].order);
  const counts = new Map<Status, number>();
  for (const r of rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const out: string[] = [];
  out.push(`# Compat matrix — target \`${target}\``);
  out.push('');
  out.push(`Written by the compat suite (compat-tests/lib/matrix.ts) during run ${runKey()}, ${new Date().toISOString()}.`);
  out.push(`Totals: ${STATUSES.filter((s) => counts.get(s)).map((s) => `${s} ${counts.get(s)}`).join(', ') || 'no results'}.`);
  out.push('');
  out.push(`| scenario | file | ${clients.join(' | ')} |`);
  out.push(`|---|---|${clients.map(() => '---').join('|')}|`);
  for (const [name, e] of scen) {
    const cells = clients.map((c) => {
      const r = e.cells.get(c);
      return r ? `${CELL[r.status]} (${(r.ms / 1000).toFixed(1)}s)` : '—';
    });
    out.push(`| ${name} | ${e.file} | ${cells.join(' | ')} |`);
  }
  const notes = rows.filter((r) => r.detail && r.status !== 'pass');
  if (notes.length) {
    out.push('');
    out.push('## Details');
    out.push('');
    for (const r of notes) {
      out.push(`- ${r.scenario} [${r.client}] ${r.status}: ${r.detail?.split('\n')[0].slice(0, 300)}`);
    }
  }
  out.push('');
  return out.join('\n');
}

export function matrixFile(target: string): string {
  return path.join(COMPAT_DIR, `matrix-${target}.md`);
}

/** Rewrites compat-tests/matrix-<target>.md from this run's results; returns the markdown. */
export function writeMatrix(target: string): string {
  const md = matrixMarkdown(target, readResults(target));
  fs.writeFileSync(matrixFile(target), md);
  return md;
}

/** Targets with results in this run. */
export function targetsInRun(key = runKey()): string[] {
  const d = path.join(RESULTS_DIR, key);
  if (!fs.existsSync(d)) return [];
  return fs
    .readdirSync(d)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => f.slice(0, -'.jsonl'.length));
}
