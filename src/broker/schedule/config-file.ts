// Persisting a broker config file the way Java ConfigManager does, made atomic: the new content
// goes to `<file>.tmp` (fsynced), the current file is copied to `<file>.bak`, then the temp file
// is renamed over the file and the directory fsynced. Loading falls back to `.bak` when the file is
// missing, empty or rejected by the decoder (Java ConfigManager.load / loadBak).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export async function writeConfigFileAtomic(file: string, content: string): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const tmp = `${file}.tmp`;
  const fh = await fs.open(tmp, 'w');
  try {
    await fh.writeFile(content, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fs.copyFile(file, `${file}.bak`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await fs.rename(tmp, file);
  try {
    const d = await fs.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Directory fsync is best effort (not supported everywhere).
  }
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Reads `file` (or its `.bak`) and hands the text to `decode`, which returns false to reject it.
 * Resolves 'loaded' | 'loaded-bak' | 'absent' (neither exists) | 'failed' (both rejected).
 */
export async function loadConfigFile(file: string, decode: (text: string) => boolean): Promise<'loaded' | 'loaded-bak' | 'absent' | 'failed'> {
  const main = await readIfPresent(file);
  if (main !== undefined && main.length > 0 && decode(main)) return 'loaded';
  const bak = await readIfPresent(`${file}.bak`);
  if (bak !== undefined && bak.length > 0 && decode(bak)) return 'loaded-bak';
  return main === undefined && bak === undefined ? 'absent' : 'failed';
}
