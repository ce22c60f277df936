import fs from 'node:fs';
import path from 'node:path';
import { isInside } from '../scan/is-inside.js';
import { type ScanBatch, type ScanSkip, type ScanSummary } from '../scan/scan-types.js';

/**
 * The planner's files when they are named rather than walked: the watcher's batches (files that settled, or
 * those its catch-up pass listed). Each is looked at again now with lstat, as a walk would: a name that is gone
 * is left out (`vanished`), anything but a regular file (a symlink, a folder put in its place) is left alone, and a
 * file below an excluded folder (the data folder, a destination) is never planned. Batches come in the order given.
 */
export function listedFiles(request: { roots: readonly string[]; files: readonly string[]; excludedFolders: readonly string[]; batchSize: number }): {
  batches: AsyncIterable<ScanBatch>;
  summary: Promise<ScanSummary>;
} {
  const summary: ScanSummary = { files: 0, bytes: 0, folders: 0, symlinks: 0, special: 0, hidden: 0, skipped: [] };
  const skipped: ScanSkip[] = summary.skipped;
  const rootOf = (file: string): number => request.roots.findIndex((root) => isInside(file, root));
  // A folder excluded only below the roots: a destination that holds a root (~/ for ~/Downloads) excludes
  // nothing of it, as a walk that starts at the root never meets it.
  const excluded = request.excludedFolders.filter((folder) => !request.roots.some((root) => root === folder || isInside(root, folder)));
  async function* batches(): AsyncGenerator<ScanBatch> {
    let batch = emptyBatch();
    for (const file of request.files) {
      const root = rootOf(file);
      if (root < 0 || excluded.some((folder) => isInside(file, folder))) continue;
      let stats: fs.Stats | undefined;
      try {
        stats = fs.lstatSync(file, { throwIfNoEntry: false });
      } catch (error) {
        skipped.push({ path: file, reason: 'unreadable', detail: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); check its permissions` });
        continue;
      }
      if (!stats) { skipped.push({ path: file, reason: 'vanished', detail: 'gone before it was planned' }); continue; }
      if (stats.isSymbolicLink()) { summary.symlinks++; continue; }
      if (!stats.isFile()) { summary.special++; continue; }
      summary.files++;
      summary.bytes += Number(stats.size);
      batch.paths.push(path.normalize(file));
      batch.sizes.push(Number(stats.size));
      // As the walk reads it (Node's mtimeMs from the same stat), so the row action's identity check agrees.
      batch.mtimes.push(stats.mtimeMs);
      // Exact decimal identities: past 2^53 a float cannot hold them, so those are read again as bigint.
      const wide = Number.isSafeInteger(stats.dev) && Number.isSafeInteger(stats.ino) ? undefined : fs.lstatSync(file, { bigint: true, throwIfNoEntry: false });
      batch.devs.push((wide?.dev ?? stats.dev).toString());
      batch.inos.push((wide?.ino ?? stats.ino).toString());
      batch.roots.push(root);
      if (batch.paths.length >= request.batchSize) {
        yield packed(batch);
        batch = emptyBatch();
      }
    }
    if (batch.paths.length > 0) yield packed(batch);
  }
  const iterable = batches();
  let finish!: (value: ScanSummary) => void;
  const done = new Promise<ScanSummary>((resolve) => { finish = resolve; });
  return {
    batches: {
      async* [Symbol.asyncIterator]() {
        yield* iterable;
        finish(summary);
      },
    },
    summary: done,
  };
}

interface OpenBatch { paths: string[]; sizes: number[]; mtimes: number[]; devs: string[]; inos: string[]; roots: number[] }
const emptyBatch = (): OpenBatch => ({ paths: [], sizes: [], mtimes: [], devs: [], inos: [], roots: [] });
const packed = (batch: OpenBatch): ScanBatch => ({
  paths: batch.paths, sizes: Float64Array.from(batch.sizes), mtimesMs: Float64Array.from(batch.mtimes),
  devs: batch.devs, inos: batch.inos, roots: Uint16Array.from(batch.roots),
});
