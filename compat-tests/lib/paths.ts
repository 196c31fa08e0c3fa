// Where the compat harness keeps things. Everything downloaded or built lives under compat-tests/.cache
// (git-ignored): the Maven repository, the driver builds, Go caches, per-run results and server logs.
import * as path from 'path';

export const COMPAT_DIR = path.resolve(__dirname, '..');
export const REPO_ROOT = path.resolve(COMPAT_DIR, '..');
export const CACHE_DIR = path.join(COMPAT_DIR, '.cache');
export const M2_REPO = path.join(CACHE_DIR, 'm2');
export const JAVA_DIR = path.join(COMPAT_DIR, 'java');
export const GO_DIR = path.join(COMPAT_DIR, 'go');
export const RUNS_DIR = path.join(CACHE_DIR, 'runs');
export const RESULTS_DIR = path.join(CACHE_DIR, 'results');
