import fs from 'node:fs';
import path from 'node:path';
import { type Platform } from '../rules/safe-names.js';
import { NumberSet } from './number-set.js';
import { hashPath } from './path-hash.js';

/**
 * The disk as the run will find it, simulated while planning: what is on disk now, minus the files the plan
 * moves away, plus the files it moves in and the folders it creates. So a conflict in the plan is exactly a
 * conflict the run meets. Each destination folder is listed once; on case-insensitive systems names are
 * compared case-insensitively, as the filesystem will.
 */
export function createDestinationView(platform: Platform) {
  const key = platform === 'linux' ? (value: string) => value : (value: string) => value.toLowerCase();
  const listings = new Map<string, Set<string> | null>();
  // Paths as 53-bit hashes (see path-hash.ts). A name is checked, then usually taken: hash it once.
  const taken = new NumberSet();
  const freed = new NumberSet();
  const created: string[] = [];
  let lastPath = '';
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
      } catch {
        names = null; // absent (or unlistable: the run's no-clobber link still has the final word)
      }
      listings.set(key(folder), names);
    }
    return names;
  }

  return {
    exists(file: string): boolean {
      const hash = hashOf(file);
      if (taken.has(hash)) return true;
      if (freed.has(hash)) return false;
      return listing(path.dirname(file))?.has(key(path.basename(file))) ?? false;
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
      created.push(folder);
    },
    /** Folders the plan creates, parents before children. */
    createdFolders(): readonly string[] {
      return created;
    },
  };
}
export type DestinationView = ReturnType<typeof createDestinationView>;
