import fs from 'node:fs';
import path from 'node:path';
import { type Platform } from '../rules/safe-names.js';
import { NumberSet } from './number-set.js';
import { hashPath } from './path-hash.js';

/**
 * The disk as the run will find it, simulated while planning: what is on disk now, minus the files the plan
 * moves away, plus the files it moves in and the folders it creates. So a conflict in the plan is exactly a
 * conflict the run meets. Each destination folder is listed once; on case-insensitive systems names are
 * compared case-insensitively, as the filesystem will. A name is a file or a folder, never both: `kind` says
 * which, so the planner sees a file standing where it needs a folder, and a folder where it wants a file.
 */
export function createDestinationView(platform: Platform) {
  const key = platform === 'linux' ? (value: string) => value : (value: string) => value.toLowerCase();
  const listings = new Map<string, Set<string> | null>();
  // Paths found on disk to be something other than a folder (listing them failed with ENOTDIR).
  const notFolders = new Set<string>();
  // Paths as 53-bit hashes (see path-hash.ts). A name is checked, then usually taken: hash it once.
  const taken = new NumberSet();
  const freed = new NumberSet();
  // Folders the plan makes: a file wanting one of their names finds it taken (a folder on disk is in its parent's listing).
  const made = new NumberSet();
  const created: string[] = [];
  let lastPath = '';
  let lastFolder = '';
  let lastHash = 0;
  const hashOf = (file: string): number => {
    if (file !== lastPath) { lastPath = file; lastHash = hashPath(key(file)); }
    return lastHash;
  };

  function listing(folder: string): Set<string> | null {
    let names = listings.get(key(folder));
    if (names === undefined) {
      try {
        names = new Set(fs.readdirSync(folder).map(key));
      } catch (error) {
        names = null; // absent (or unlistable: the run's no-clobber link still has the final word)
        if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') notFolders.add(key(folder));
      }
      listings.set(key(folder), names);
    }
    return names;
  }

  return {
    exists(file: string): boolean {
      const hash = hashOf(file);
      if (taken.has(hash) || made.has(hash)) return true;
      if (freed.has(hash)) return false;
      return listing(path.dirname(file))?.has(key(path.basename(file))) ?? false;
    },
    /**
     * What the run will find at `file`, for placing folders: a name the plan moves a file away from still counts
     * as a file, since rows run concurrently and the folder could be wanted before the file has left.
     */
    kind(file: string): 'file' | 'folder' | 'absent' {
      // Most calls ask about the folder the previous file went to; a folder never stops being one in a plan.
      if (file === lastFolder) return 'folder';
      if (listings.get(key(file))) { lastFolder = file; return 'folder'; }
      const hash = hashOf(file);
      if (taken.has(hash) || freed.has(hash)) return 'file';
      const parent = path.dirname(file);
      if (parent === file) return 'folder'; // the file system's root
      if (!(listing(parent)?.has(key(path.basename(file))) ?? false)) return 'absent';
      // On disk: a folder lists (an unlistable one is still a folder to the run), anything else does not.
      return listing(file) === null && notFolders.has(key(file)) ? 'file' : 'folder';
    },
    /** The plan puts a file here: its folders will exist, and the name is taken. */
    take(file: string): void {
      this.ensureFolder(path.dirname(file));
      taken.add(hashOf(file));
    },
    /** The plan moves a file away from here. */
    free(file: string): void {
      const hash = hashOf(file);
      freed.add(hash);
      taken.delete(hash);
    },
    ensureFolder(folder: string): void {
      if (listing(folder) !== null) return;
      const parent = path.dirname(folder);
      if (parent !== folder) this.ensureFolder(parent);
      listings.set(key(folder), new Set());
      made.add(hashPath(key(folder)));
      created.push(folder);
    },
    /** Folders the plan creates, parents before children. */
    createdFolders(): readonly string[] {
      return created;
    },
  };
}
export type DestinationView = ReturnType<typeof createDestinationView>;
