import fs from 'node:fs';
import path from 'node:path';
import { blake3 } from '@napi-rs/blake-hash';
import { describe, expect, it } from 'vitest';
import { type JsonLine, NOBODY, runCli, runsAsRoot } from './helpers/cli.js';
import { plantDuplicates } from './helpers/planted-duplicates.js';
import { tempDir, writeTree } from './helpers/temp-tree.js';

interface Group { size: number; hash: string; files: string[] }
const resultOf = (lines: JsonLine[]): JsonLine & { groups: Group[]; wasted_bytes: number; files_scanned: number; skipped: Array<{ path: string; reason: string }> } =>
  lines.at(-1) as never;
const dupes = (dirs: string[], extra: string[] = [], env: NodeJS.ProcessEnv = {}) => runCli(['--data-dir', tempDir('fileorg-data-'), 'dupes', ...dirs, '--json', ...extra], { env });

// The narrowing reads go through the native module where it is built; the JavaScript path must agree.
describe.each([
  { path: 'native reads', env: {} },
  { path: 'JavaScript reads (FILEORG_NATIVE=off)', env: { FILEORG_NATIVE: 'off' } },
  // Groups built after the cache write, memory released between stages: how a search of 200k files runs.
  { path: 'run as a big search is (FILEORG_BIG_SEARCH_FILES=1)', env: { FILEORG_BIG_SEARCH_FILES: '1' } },
])('fileorg dupes, $path', ({ env }) => {
  it('finds exactly the planted groups, not the decoys that share size and first and last 4 KiB', async () => {
    const root = tempDir();
    const planted = plantDuplicates(root, 11);
    const run = await dupes([root], [], env);
    expect(run.code, run.stderr).toBe(0);
    const result = resultOf(run.lines);
    expect(result).toMatchObject({ type: 'result', files_scanned: planted.files, cache_hits: 0, skipped: [] });
    expect(result.groups.map((group) => group.files).sort((a, b) => (a[0] as string).localeCompare(b[0] as string)))
      .toEqual([...planted.groups].sort((a, b) => (a[0] as string).localeCompare(b[0] as string)));
    for (const group of result.groups) {
      const content = fs.readFileSync(group.files[0] as string);
      expect(group.size).toBe(content.length);
      expect(group.hash).toBe(blake3(content).toString('hex'));
    }
    expect(result.wasted_bytes).toBe(result.groups.reduce((sum, group) => sum + group.size * (group.files.length - 1), 0));
    // Progress per stage came first, in stage order.
    const stages = run.lines.filter((line) => line.type === 'progress').map((line) => line.stage);
    expect([...new Set(stages)]).toEqual(['scan', 'prefix', 'suffix', 'full']);
    // Each stage's last line counts all it read (a big search reads a stage in slices: one count for all).
    for (const stage of ['prefix', 'suffix', 'full']) {
      const last = run.lines.filter((line) => line.type === 'progress' && line.stage === stage).at(-1);
      expect(last?.files_done, stage).toBe(last?.files_total);
      expect(last?.bytes_done, stage).toBe(last?.bytes_total);
      expect(last?.files_total, stage).toBeGreaterThan(0);
    }
  });
});

describe('fileorg dupes', () => {
  it('counts hard links as one file, never follows or groups symlinks, and leaves empty files out unless asked', async () => {
    const root = tempDir();
    writeTree(root, { 'one.txt': 'same words', 'two/copy.txt': 'same words', 'empty-a': '', 'b/empty-b': '' });
    fs.linkSync(path.join(root, 'one.txt'), path.join(root, 'one-linked.txt'));
    fs.symlinkSync(path.join(root, 'one.txt'), path.join(root, 'pointer.txt'));
    const outside = tempDir();
    writeTree(outside, { 'far.txt': 'same words' });
    fs.symlinkSync(outside, path.join(root, 'linked-folder'));

    const plain = resultOf((await dupes([root])).lines);
    expect(plain.groups).toHaveLength(1);
    const files = plain.groups[0]?.files ?? [];
    expect(files).toHaveLength(2);
    expect(files).toContain(path.join(root, 'two/copy.txt'));
    expect(files.filter((file) => file === path.join(root, 'one.txt') || file === path.join(root, 'one-linked.txt'))).toHaveLength(1);

    const withEmpty = resultOf((await dupes([root], ['--include-empty'])).lines);
    expect(withEmpty.groups.find((group) => group.size === 0)).toEqual({
      size: 0, hash: 'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262', files: [path.join(root, 'b/empty-b'), path.join(root, 'empty-a')],
    });
  });

  it('counts hard links as one file in a big same-size group too (sets, not pairwise compares)', async () => {
    const root = tempDir();
    // Twelve files of one size: two copies of one content, one of them with three more names, the rest unique.
    const tree: Record<string, string> = { 'a/copy-1.txt': 'content-AA', 'b/copy-2.txt': 'content-AA' };
    for (let index = 0; index < 10; index++) tree[`unique/u-${index}.txt`] = `content-${String(index).padStart(2, '0')}`;
    writeTree(root, tree);
    for (const name of ['x.txt', 'y.txt', 'z.txt']) fs.linkSync(path.join(root, 'a/copy-1.txt'), path.join(root, name));

    const result = resultOf((await dupes([root])).lines);
    expect(result.groups).toHaveLength(1);
    const files = result.groups[0]?.files ?? [];
    expect(files).toHaveLength(2); // one name of the linked file, and the other copy
    expect(files).toContain(path.join(root, 'b/copy-2.txt'));
    expect(files.filter((file) => ['a/copy-1.txt', 'x.txt', 'y.txt', 'z.txt'].some((name) => file === path.join(root, name)))).toHaveLength(1);
  });

  it('--min-size leaves smaller files out; paths print as given across several roots', async () => {
    const first = tempDir();
    const second = tempDir();
    writeTree(first, { 'small.txt': 'tiny', 'big.bin': 'x'.repeat(3000) });
    writeTree(second, { 'small.txt': 'tiny', 'big.bin': 'x'.repeat(3000) });
    const result = resultOf((await dupes([first, second], ['--min-size', '2K'])).lines);
    expect(result.groups).toEqual([{ size: 3000, hash: blake3(Buffer.from('x'.repeat(3000))).toString('hex'), files: [path.join(first, 'big.bin'), path.join(second, 'big.bin')].sort() }]);
    const bad = await dupes([first], ['--min-size', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.lines.at(-1)).toMatchObject({ type: 'error', code: 'E_USAGE', message: expect.stringContaining('--min-size') });
    const nested = await dupes([first, path.join(first, '.')]);
    expect(nested.code).toBe(2);
  });

  it('reports a file it may not read as skipped, never as a duplicate (the child runs as an unprivileged user)', async () => {
    const root = tempDir();
    const dataDir = tempDir('fileorg-data-');
    writeTree(root, { 'a.txt': 'twin', 'b.txt': 'twin', 'c.txt': 'twin' });
    fs.chmodSync(path.join(root, 'c.txt'), 0o000);
    if (runsAsRoot) for (const target of [root, dataDir, path.join(root, 'a.txt'), path.join(root, 'b.txt')]) fs.chownSync(target, NOBODY, NOBODY);
    const run = await runCli(['--data-dir', dataDir, 'dupes', root, '--json'], { asNobody: true });
    const result = resultOf(run.lines);
    expect(result.groups.map((group) => group.files)).toEqual([[path.join(root, 'a.txt'), path.join(root, 'b.txt')]]);
    expect(result.skipped).toEqual([{ path: path.join(root, 'c.txt'), reason: 'unreadable', detail: expect.stringContaining('EACCES') }]);
  });
});
