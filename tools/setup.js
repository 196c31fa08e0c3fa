#!/usr/bin/env node
'use strict';
// One set-up step shared by `npm start`, `npm run namesrv|broker` and `npm test`:
// installs npm packages when node_modules is missing or older than the lock file, then
// compiles TypeScript into dist/ (incremental, so a warm run costs well under a second).
const { execSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const run = (cmd) => execSync(cmd, { cwd: root, stdio: 'inherit' });
const mtime = (p) => { try { return fs.statSync(path.join(root, p)).mtimeMs; } catch { return 0; } };

const marker = 'node_modules/.package-lock.json';
if (!fs.existsSync(path.join(root, 'node_modules')) || mtime(marker) < mtime('package-lock.json')) {
  run('npm ci --no-audit --no-fund');
}
run(`"${process.execPath}" node_modules/typescript/bin/tsc -p tsconfig.build.json`);
