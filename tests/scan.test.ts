import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanTree } from '../src-main/core/scan/scan-tree.js';
import { createWalkerPool } from '../src-main/core/scan/walker-pool.js';
import { tempDir, writeTree } from './helpers/temp-tree.js';

async function scanPaths(root: string, threads: number, slowReader = false): Promise<{ paths: string[]; folders: number; skipped: string[] }> {
  // A slow reader with one file a batch holds the walkers back (backpressure) many times over.
  const stream = scanTree({ roots: [root], excludedFolders: [], includeHidden: false, batchSize: slowReader ? 1 : 7 }, { threads });
  const paths: string[] = [];
  for await (const batch of stream.batches) {
    paths.push(...batch.paths);
    if (slowReader) await new Promise((resolve) => setTimeout(resolve, 1));
  }
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
    expect(await scanPaths(root, 2, true)).toEqual(single);
  });

  it('reuses its walker threads across scans, and a scan abandoned halfway leaves the next one whole', async () => {
    const root = tempDir();
    const files: Record<string, string> = {};
    for (let index = 0; index < 400; index++) files[`d${index % 20}/e${index % 3}/f${index}.txt`] = String(index);
    writeTree(root, files);
    const walkers = createWalkerPool();
    try {
      const scan = async (): Promise<string[]> => {
        const stream = scanTree({ roots: [root], excludedFolders: [], includeHidden: false, batchSize: 16 }, { walkers });
        const paths: string[] = [];
        for await (const batch of stream.batches) paths.push(...batch.paths);
        await stream.summary;
        return paths;
      };
      const first = await scan();
      expect(first).toHaveLength(400);
      const threadIds = (): number[] => {
        const taken = walkers.acquire(2);
        walkers.release(taken);
        return taken.map((worker) => worker.threadId).sort();
      };
      const afterFirst = threadIds();
      expect(await scan()).toEqual(first);
      expect(threadIds()).toEqual(afterFirst); // the same two threads, none started

      // The reader stops after one batch (as the planner does on Ctrl-C): its summary says so.
      const abandoned = scanTree({ roots: [root], excludedFolders: [], includeHidden: false, batchSize: 16 }, { walkers });
      for await (const batch of abandoned.batches) { expect(batch.paths.length).toBeGreaterThan(0); break; }
      await expect(abandoned.summary).rejects.toThrow(/abandoned/);
      expect(await scan()).toEqual(first);
    } finally {
      await walkers.close();
    }
  });
});
