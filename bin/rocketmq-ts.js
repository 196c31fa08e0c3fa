#!/usr/bin/env node
'use strict';
// Entry of the `rocketmq-ts` CLI: subcommands namesrv | broker | standalone (see src/cli/main.ts).
// Built code lives in dist/; `npm start`, `npm run namesrv` and `npm run broker` build it first.
const path = require('path');
const entry = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
try {
  require.resolve(entry);
} catch {
  process.stderr.write('rocketmq-ts is not built yet: run `npm run setup` (or `npm start`) first\n');
  process.exit(1);
}
require(entry).main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : String(err)}\n`);
  process.exit(1);
});
