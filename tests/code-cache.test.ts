import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCacheFile } from '../src-main/cli/code-cache.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/temp-tree.js';

/**
 * What the bin said of its code cache (FILEORG_DEBUG), and whether the command itself worked. Every variable a
 * platform finds its cache folder by points into `cacheHome` (XDG_CACHE_HOME; HOME for ~/Library/Caches;
 * LOCALAPPDATA), so the test never touches the user's own.
 */
async function start(cacheHome: string, args: string[] = ['--help']): Promise<{ state: string; file: string; ok: boolean }> {
  const run = await runCli(args, { env: { XDG_CACHE_HOME: cacheHome, HOME: cacheHome, USERPROFILE: cacheHome, LOCALAPPDATA: cacheHome, FILEORG_DEBUG: '1' } });
  const said = /fileorg: code cache (\S+): (\w+)/.exec(run.stderr);
  return { file: said?.[1] ?? '', state: said?.[2] ?? `nothing said: ${run.stderr}`, ok: run.code === 0 && run.stdout.includes('usage: fileorg') };
}

describe('the CLI code cache', () => {
  it('is written by the first start and used by the next; a corrupt one is set aside and written again', async () => {
    const home = tempDir('fileorg-cache-home-');
    const first = await start(home);
    expect(first).toMatchObject({ state: 'absent', ok: true });
    expect(first.file.startsWith(home)).toBe(true);
    if (process.platform !== 'win32') expect(fs.statSync(first.file).mode & 0o777).toBe(0o600);
    expect(await start(home)).toMatchObject({ state: 'used', ok: true });

    fs.writeFileSync(first.file, Buffer.alloc(4096, 7));
    expect(await start(home)).toMatchObject({ state: 'rejected', ok: true });
    expect(await start(home)).toMatchObject({ state: 'used', ok: true });
  });

  it.skipIf(process.platform === 'win32')('(owner and mode are checked where POSIX has them: not on Windows) does not read a cache another user could have written: it writes its own in its place', async () => {
    const home = tempDir('fileorg-cache-home-');
    const { file } = await start(home);
    fs.chmodSync(file, 0o666);
    expect(await start(home)).toMatchObject({ state: 'absent', ok: true });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(await start(home)).toMatchObject({ state: 'used', ok: true });
  });
});

it('names a cache after the bundle as built and the command: a rebuild or another command never finds it', () => {
  const bundle = path.join(tempDir(), 'bundle.cjs');
  fs.writeFileSync(bundle, 'one build');
  const help = codeCacheFile(bundle, ['--help']);
  expect(codeCacheFile(bundle, ['--help'])).toBe(help);
  expect(codeCacheFile(bundle, ['--data-dir', '/x', 'dupes', '/tree'])).not.toBe(help);
  fs.utimesSync(bundle, new Date(2001, 0, 1), new Date(2001, 0, 1));
  expect(codeCacheFile(bundle, ['--help'])).not.toBe(help);
  expect(codeCacheFile(path.join(path.dirname(bundle), 'missing.cjs'), [])).toBeUndefined();
});
