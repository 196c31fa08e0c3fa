#!/usr/bin/env node
'use strict';
// Entry of the `rocketmq-ts` CLI: subcommands namesrv | broker | standalone (see src/cli/main.ts).
// Built code lives in dist/; `npm start`, `npm run namesrv` and `npm run broker` build it first.
const path = require('path');
// A node started from a test is a server, not a jest worker: it logs at its configured level
// (src/common/logger.ts goes silent inside jest workers, and children inherit their env).
delete process.env.JEST_WORKER_ID;
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
