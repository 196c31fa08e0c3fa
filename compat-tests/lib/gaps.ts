// The expected-gaps list (compat-tests/expected-gaps.json): scenario × client patterns per target
// that are known not to work yet. A gap scenario still runs; its failure is recorded as
// "expected gap" (the jest test passes) and its success as "unexpected pass" (so the list shrinks).
// Reference targets (java-*) never have gaps: a scenario failing there is a wrong scenario.
import * as fs from 'fs';
import * as path from 'path';
import { COMPAT_DIR } from './paths';

export interface Gap {
  /** Glob on the scenario id (`*` matches any run of characters). */
  scenario: string;
  /** Glob on the client (java-4.9.8 | java-5.3.3 | go). */
  client: string;
  reason: string;
}

export type GapList = Record<string, Gap[]>;

export const GAPS_FILE = path.join(COMPAT_DIR, 'expected-gaps.json');

function glob(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(value);
}

let cached: GapList | undefined;
export function loadGaps(): GapList {
  if (!cached) {
    const raw = JSON.parse(fs.readFileSync(GAPS_FILE, 'utf8')) as { targets?: GapList };
    cached = raw.targets ?? {};
  }
  return cached;
}

/** The gap entry covering scenario × client on a target, if any (only target `ours` may have gaps). */
export function expectedGap(target: string, scenario: string, client: string): Gap | undefined {
  if (target.startsWith('java-')) return undefined;
  const list = loadGaps()[target] ?? [];
  return list.find((g) => glob(g.scenario, scenario) && glob(g.client, client));
}
