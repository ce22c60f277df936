import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentOnWalkers } from '../src-main/core/dupes/content-on-walkers.js';
import { createWalkerPool } from '../src-main/core/scan/walker-pool.js';
import { DIGEST_BYTES, HASHED } from '../src-worker/content-protocol.js';
import { tempDir, writeTree } from './helpers/temp-tree.js';

/** A hash task over `files` of the tree, as the duplicate search builds one. */
function hashTaskOf(root: string, files: string[]) {
  const stats = files.map((file) => fs.statSync(path.join(root, file)));
  return {
    part: 'full' as const,
    paths: files.map((file) => path.join(root, file)).join('\0'),
    sizes: Float64Array.from(stats, (stat) => stat.size),
    mtimesMs: Float64Array.from(stats, (stat) => stat.mtimeMs),
  };
}

describe('reading files on the walker threads (the duplicate search after its scan)', () => {
  it('hashes on the walkers, and gives them back to their pool for the next scan, not new threads', async () => {
    const root = tempDir();
    writeTree(root, { 'a.txt': 'same content', 'b.txt': 'same content', 'c.txt': 'other content' });
    const walkers = createWalkerPool();
    try {
      const [first] = walkers.acquire(1);
      walkers.release([first!]);
      const content = contentOnWalkers(walkers, 1);
      // More tasks than a walker is given at once: the rest wait for answers, none is lost.
      const results = await Promise.all(Array.from({ length: 9 }, () => content.hash(hashTaskOf(root, ['a.txt', 'b.txt', 'c.txt']))));
      content.release();
      for (const result of results) {
        expect([...result.status]).toEqual([HASHED, HASHED, HASHED]);
        const digest = (index: number): string => Buffer.from(result.digests.subarray(index * DIGEST_BYTES, (index + 1) * DIGEST_BYTES)).toString('hex');
        expect(digest(0)).toBe(digest(1));
        expect(digest(0)).not.toBe(digest(2));
      }
      expect(walkers.acquire(1)).toEqual([first]); // the same thread, idle again
    } finally {
      await walkers.close();
    }
  });

  it('fails the tasks of a walker that stops mid-search with a clear error, instead of leaving them waiting', async () => {
    const root = tempDir();
    const files: Record<string, string> = {};
    for (let index = 0; index < 200; index++) files[`f${index}.bin`] = 'x'.repeat(100_000 + index);
    writeTree(root, files);
    const walkers = createWalkerPool();
    try {
      const [walker] = walkers.acquire(1);
      walkers.release([walker!]);
      const content = contentOnWalkers(walkers, 1);
      const tasks = Array.from({ length: 8 }, () => content.hash(hashTaskOf(root, Object.keys(files))));
      await walker!.terminate();
      for (const task of tasks) await expect(task).rejects.toThrow(/walker thread stopped .* duplicate search/);
      await expect(content.hash(hashTaskOf(root, ['f0.bin']))).rejects.toThrow(/walker thread stopped/);
      content.release();
      // The pool goes on: a new walker takes the next scan.
      expect(walkers.acquire(1)[0]).not.toBe(walker);
    } finally {
      await walkers.close();
    }
  });
});
