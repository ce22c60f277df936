import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type JsonLine, runCli } from './helpers/cli.js';
import { plantDuplicates } from './helpers/planted-duplicates.js';
import { tempDir, writeTree } from './helpers/temp-tree.js';

interface Result { groups: Array<{ files: string[] }>; hashed_bytes: number; cache_hits: number; files_scanned: number }
const resultOf = (lines: JsonLine[]): Result => lines.at(-1) as never;
const sortedGroups = (result: Result): string[][] => result.groups.map((group) => group.files).sort((a, b) => (a[0] as string).localeCompare(b[0] as string));

function search(dataDir: string, root: string, env: NodeJS.ProcessEnv = {}) {
  return runCli(['--data-dir', dataDir, 'dupes', root, '--json'], { env });
}

describe('the hash cache', () => {
  // A big search (200k files and more) waits for the cache write before building its groups.
  it.each([
    ['', {}],
    [' (run as a big search is: FILEORG_BIG_SEARCH_FILES=1)', { FILEORG_BIG_SEARCH_FILES: '1' }],
  ] as Array<[string, NodeJS.ProcessEnv]>)('a second search over an unchanged tree reads no file and finds the same groups%s', async (_how, env) => {
    const root = tempDir();
    const dataDir = tempDir('fileorg-data-');
    const planted = plantDuplicates(root, 5);
    const first = resultOf((await search(dataDir, root, env)).lines);
    expect(first.cache_hits).toBe(0);
    expect(first.hashed_bytes).toBeGreaterThan(0);

    const again = await search(dataDir, root, env);
    const second = resultOf(again.lines);
    expect(second.hashed_bytes).toBe(0);
    expect(second.cache_hits).toBeGreaterThan(planted.groups.flat().length); // the decoys' digests came from the cache too
    expect(sortedGroups(second)).toEqual(sortedGroups(first));
    // Nothing was left for the reading stages.
    const progress = again.lines.filter((line) => line.type === 'progress');
    expect(progress.filter((line) => line.stage === 'cache').at(-1)).toMatchObject({ files_done: second.cache_hits });
    for (const stage of ['prefix', 'suffix', 'full']) expect(progress.filter((line) => line.stage === stage).at(-1)).toMatchObject({ files_total: 0 });
  });

  it('catches an edit whose mtime was put back (by ctime), and a file replaced by another of the same size and time', async () => {
    const root = tempDir();
    const dataDir = tempDir('fileorg-data-');
    const body = 'a'.repeat(10_000);
    writeTree(root, { 'one.txt': body, 'two.txt': body, 'three.txt': 'b'.repeat(10_000), 'four.txt': 'c'.repeat(10_000), 'five.txt': 'c'.repeat(10_000) });
    const file = (name: string): string => path.join(root, name);
    // Whole-second times, which utimes puts back exactly (as rsync -t or an archive would).
    const restore = (name: string): void => fs.utimesSync(file(name), 1_600_000_000, 1_600_000_000);
    for (const name of ['one.txt', 'two.txt', 'three.txt', 'four.txt', 'five.txt']) restore(name);
    expect(sortedGroups(resultOf((await search(dataDir, root)).lines))).toEqual([[file('five.txt'), file('four.txt')], [file('one.txt'), file('two.txt')]]);

    // two.txt edited in the middle (same size, same first and last 4 KiB), its mtime restored: only ctime moved.
    const seen = fs.statSync(file('two.txt'));
    const edited = Buffer.from(body);
    edited[5000] = 0x7a;
    fs.writeFileSync(file('two.txt'), edited);
    restore('two.txt');
    expect(fs.statSync(file('two.txt')).mtimeMs).toBe(seen.mtimeMs);
    // three.txt becomes a copy of one.txt, mtime restored: it must join one.txt's group.
    fs.writeFileSync(file('three.txt'), body);
    restore('three.txt');
    // five.txt is replaced by another file (another inode) with different content, same size and times.
    fs.writeFileSync(file('five.new'), 'd'.repeat(10_000));
    restore('five.new');
    fs.renameSync(file('five.new'), file('five.txt'));

    const after = resultOf((await search(dataDir, root)).lines);
    expect(sortedGroups(after)).toEqual([[file('one.txt'), file('three.txt')]]);
    expect(after.cache_hits).toBe(2); // one.txt and four.txt, the only ones untouched
    expect(after.hashed_bytes).toBeGreaterThan(0);
  });

  it('a cache written with native narrowing reads serves a JavaScript-only run (and back) without mixing their digests', async () => {
    const root = tempDir();
    const dataDir = tempDir('fileorg-data-');
    const planted = plantDuplicates(root, 8);
    const native = resultOf((await search(dataDir, root)).lines);
    const javascript = resultOf((await search(dataDir, root, { FILEORG_NATIVE: 'off' })).lines);
    const nativeAgain = resultOf((await search(dataDir, root)).lines);
    for (const result of [native, javascript, nativeAgain]) {
      expect(sortedGroups(result)).toEqual([...planted.groups].sort((a, b) => (a[0] as string).localeCompare(b[0] as string)));
    }
    // Whole-file hashes are BLAKE3 either way, so each run reads only the 4 KiB parts the other kind left.
    expect(javascript.cache_hits).toBeGreaterThanOrEqual(planted.groups.flat().length);
    expect(javascript.hashed_bytes).toBeLessThan(native.hashed_bytes / 2);
    expect(nativeAgain.hashed_bytes).toBeLessThan(native.hashed_bytes / 2);
  });

  const shm = '/dev/shm';
  const shmIsAnotherDevice = fs.existsSync(shm) && fs.statSync(shm).dev !== fs.statSync(tempDir()).dev;
  // The writer sorts each device's files by inode into buckets of its own: one search over two devices must
  // leave both remembered.
  it.skipIf(!shmIsAnotherDevice)('(needs /dev/shm on its own device) remembers the files of a search over two devices, each under its own device', async () => {
    const here = tempDir();
    const there = tempDir('fileorg-shm-', shm);
    const dataDir = tempDir('fileorg-data-');
    const body = 'q'.repeat(9_000);
    writeTree(here, { 'a.bin': body, 'b.bin': 'r'.repeat(9_000), 'c.bin': 's'.repeat(9_000) });
    writeTree(there, { 'a.bin': body, 'b.bin': 't'.repeat(9_000), 'c.bin': 's'.repeat(9_000) });
    const expected = sortedGroups({ groups: [['a.bin'], ['c.bin']].map(([name]) => ({ files: [path.join(here, name as string), path.join(there, name as string)].sort() })) } as Result);
    const first = resultOf((await runCli(['--data-dir', dataDir, 'dupes', here, there, '--json'])).lines);
    expect(sortedGroups(first)).toEqual(expected);
    const second = resultOf((await runCli(['--data-dir', dataDir, 'dupes', here, there, '--json'])).lines);
    expect(sortedGroups(second)).toEqual(expected);
    expect(second).toMatchObject({ hashed_bytes: 0, cache_hits: 6 });
  });
});
