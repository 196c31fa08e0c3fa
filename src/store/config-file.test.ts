import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfigFile, persistConfigFile, persistConfigFileAsync, stableJson } from './config-file';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-cfg-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const parse = (t: string): unknown => JSON.parse(t);

test('persist keeps the previous version as .bak and leaves no temp file', async () => {
  const f = path.join(dir, 'config', 'topics.json');
  persistConfigFile(f, stableJson({ b: 1, a: { d: 2, c: 3 } }));
  expect(fs.readFileSync(f, 'utf8')).toBe('{"a":{"c":3,"d":2},"b":1}');
  expect(fs.existsSync(`${f}.bak`)).toBe(false);
  await persistConfigFileAsync(f, '{"v":2}');
  expect(fs.readFileSync(f, 'utf8')).toBe('{"v":2}');
  expect(fs.readFileSync(`${f}.bak`, 'utf8')).toBe('{"a":{"c":3,"d":2},"b":1}');
  expect(fs.readdirSync(path.dirname(f)).sort()).toEqual(['topics.json', 'topics.json.bak']);
  expect(loadConfigFile(f, parse)).toEqual({ ok: true, value: { v: 2 }, from: 'file' });
});

test('load falls back to .bak when the main file is missing, empty or unparseable', () => {
  const f = path.join(dir, 'consumerOffset.json');
  expect(loadConfigFile(f, parse)).toMatchObject({ ok: false, reason: 'MISSING' });
  persistConfigFile(f, '{"v":1}');
  persistConfigFile(f, '{"v":2}');
  fs.writeFileSync(f, '{"v":'); // torn by something else
  expect(loadConfigFile(f, parse)).toEqual({ ok: true, value: { v: 1 }, from: 'bak' });
  fs.writeFileSync(f, '');
  expect(loadConfigFile(f, parse)).toEqual({ ok: true, value: { v: 1 }, from: 'bak' });
  fs.rmSync(f);
  expect(loadConfigFile(f, parse)).toEqual({ ok: true, value: { v: 1 }, from: 'bak' });
  fs.writeFileSync(`${f}.bak`, 'garbage');
  expect(loadConfigFile(f, parse)).toMatchObject({ ok: false, reason: 'UNPARSEABLE' });
});

test('a stale temp file from an interrupted persist does not matter', () => {
  const f = path.join(dir, 'delayOffset.json');
  persistConfigFile(f, '{"v":1}');
  fs.writeFileSync(`${f}.tmp`, '{"half');
  expect(loadConfigFile(f, parse)).toEqual({ ok: true, value: { v: 1 }, from: 'file' });
  persistConfigFile(f, '{"v":2}');
  expect(loadConfigFile(f, parse)).toEqual({ ok: true, value: { v: 2 }, from: 'file' });
  expect(fs.existsSync(`${f}.tmp`)).toBe(false);
});
