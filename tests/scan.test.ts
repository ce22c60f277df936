import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanTree } from '../src-main/core/scan/scan-tree.js';
import { tempDir, writeTree } from './helpers/temp-tree.js';

async function scanPaths(root: string, threads: number): Promise<{ paths: string[]; folders: number; skipped: string[] }> {
  const stream = scanTree({ roots: [root], excludedFolders: [], includeHidden: false, batchSize: 7 }, threads);
  const paths: string[] = [];
  for await (const batch of stream.batches) paths.push(...batch.paths);
  const summary = await stream.summary;
  return { paths, folders: summary.folders, skipped: summary.skipped.map((entry) => entry.path) };
}

describe('the scanner', () => {
  it('hands out files in the same depth-first order whatever the number of walker threads', async () => {
    const root = tempDir();
    const files: Record<string, string> = {};
    // A lopsided tree: one folder near the top with a big subtree, others small, files at every level.
    for (let index = 0; index < 120; index++) files[`big/${'abcdefgh'[index % 8]}/${index % 5}/f${index}.txt`] = 'x';
    for (let index = 0; index < 30; index++) files[`${String.fromCharCode(97 + (index % 6))}${index % 3}/g${index}.dat`] = 'y';
    for (let index = 0; index < 5; index++) files[`top${index}.bin`] = 'z';
    files['big/only-child/deeper/still/file.txt'] = 'deep';
    writeTree(root, files);
    fs.mkdirSync(path.join(root, 'empty'));
    const single = await scanPaths(root, 1);
    expect(single.paths).toHaveLength(156);
    // depth first, names in code-unit order
    expect(single.paths.slice(0, 2)).toEqual([path.join(root, 'top0.bin'), path.join(root, 'top1.bin')]);
    for (const threads of [2, 3]) expect(await scanPaths(root, threads)).toEqual(single);
  });
});
