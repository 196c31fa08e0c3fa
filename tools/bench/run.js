#!/usr/bin/env node
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS entry point */
// Entry of `npm run bench`: runs tools/bench/bench.ts from source through @swc/core (a dev dependency)
// so that compat-tests/lib finds its cache, Maven repository and drivers relative to the source tree.
// Our broker itself runs from dist/ (built by `npm run setup`, which the npm script runs first).
const fs = require('fs');
const path = require('path');
const swc = require('@swc/core');

require.extensions['.ts'] = function compileTs(module, filename) {
  const out = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(out.code, filename);
};

const sub = { report: './report.ts', profile: './profile.ts' }[process.argv[2]];
const entry = sub ?? './bench.ts';
const args = sub ? process.argv.slice(3) : process.argv.slice(2);
const mod = require(path.join(__dirname, entry));
Promise.resolve(mod.main(args)).then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`bench failed: ${e && e.stack ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
