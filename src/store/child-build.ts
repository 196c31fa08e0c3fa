// Test/bench support: transpiles src/common and src/store (TypeScript) to CommonJS with @swc/core into
// node_modules/.cache so a plain `node` child process can run the store (jest transpiles only
// in-process code). Output sits under the repo so `pino` etc. resolve from node_modules.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function buildStoreForChild(repoRoot: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const swc = require('@swc/core') as { transformFileSync(file: string, opts: object): { code: string } };
  const out = path.join(repoRoot, 'node_modules', '.cache', 'rocketmq-ts-store-child');
  for (const sub of ['src/common', 'src/store']) {
    const srcDir = path.join(repoRoot, sub);
    const dst = path.join(out, sub);
    fs.mkdirSync(dst, { recursive: true });
    for (const f of fs.readdirSync(srcDir)) {
      if (!f.endsWith('.ts') || f.includes('.test.')) continue;
      const { code } = swc.transformFileSync(path.join(srcDir, f), {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
        sourceMaps: false,
      });
      fs.writeFileSync(path.join(dst, f.replace(/\.ts$/, '.js')), code);
    }
  }
  return out;
}
