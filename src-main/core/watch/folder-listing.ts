import fs from 'node:fs';
import path from 'node:path';
import { ALWAYS_EXCLUDED_FOLDERS } from '../scan/hidden-names.js';
import { isInside } from '../scan/is-inside.js';
import { isIgnoredName } from './arrival-filter.js';

export interface ListedFile {
  path: string;
  stats: fs.Stats;
}

/** Entries looked at between turns of the event loop: a big folder never holds up a serve's requests for long. */
const ENTRIES_PER_TURN = 500;
const nextTurn = (): Promise<void> => new Promise((resolve) => { setImmediate(resolve); });

/** Is `candidate` one of `folders`, or inside one? */
export function isExcluded(candidate: string, folders: readonly string[]): boolean {
  return folders.some((folder) => candidate === folder || isInside(candidate, folder));
}

/**
 * Every regular file of a watched folder down to `depth` levels (0: the folder alone), for the catch-up pass and
 * the re-check of time rules. No mtime filter: a file moved in keeps its old mtime. Hidden folders, folders
 * still arriving (Safari's `.download`), `node_modules`, the destination and FileOrganizer's own folders are
 * never entered; symlinks are not followed; a subfolder that cannot be read is passed over (the planner
 * would say so if it were asked). The folder itself failing to list is thrown: the caller looks at it again.
 */
export async function listWatchedFolder(root: string, depth: number, excluded: readonly string[], signal?: AbortSignal): Promise<ListedFile[]> {
  const files: ListedFile[] = [];
  const folders: Array<{ folder: string; level: number }> = [{ folder: root, level: 0 }];
  let sinceTurn = 0;
  for (let next = folders.pop(); next !== undefined; next = folders.pop()) {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(next.folder, { withFileTypes: true });
    } catch (error) {
      if (next.folder === root) throw error;
      continue;
    }
    for (const entry of entries) {
      if (++sinceTurn >= ENTRIES_PER_TURN) {
        await nextTurn();
        sinceTurn = 0;
        if (signal?.aborted) return files;
      }
      if (isIgnoredName(entry.name)) continue;
      const full = path.join(next.folder, entry.name);
      if (entry.isSymbolicLink()) continue; // never followed, never organized
      let stats: fs.Stats | undefined;
      try {
        // Every entry is looked at: some file systems do not say in the listing what an entry is.
        stats = fs.lstatSync(full, { throwIfNoEntry: false });
      } catch {
        continue;
      }
      if (stats?.isDirectory()) {
        if (next.level < depth && !ALWAYS_EXCLUDED_FOLDERS.has(entry.name) && !isExcluded(full, excluded)) folders.push({ folder: full, level: next.level + 1 });
        continue;
      }
      if (stats?.isFile()) files.push({ path: full, stats });
    }
  }
  return files;
}
