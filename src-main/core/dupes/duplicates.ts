import fs from 'node:fs';
import { FileOrganizerError } from '../../../src-shared/errors.js';
import { type DuplicateProgress, type DuplicateSearchResult } from '../../../src-shared/duplicates.js';
import { checkRootsApart } from '../scan/check-roots.js';
import { createWalkerPool } from '../scan/walker-pool.js';
import { createContentPool } from './content-pool.js';
import { findDuplicates } from './find-duplicates.js';

export interface DuplicateSearchOptions {
  minSize: number;
  includeEmpty: boolean;
  includeHidden: boolean;
}

/** The duplicate search service: its own walker threads and content threads, started on first use. */
export function createDuplicates(dependencies: { protectedFolders: string[] }) {
  const walkers = createWalkerPool();
  const pool = createContentPool();
  return {
    async find(roots: string[], options: DuplicateSearchOptions, onProgress?: (progress: DuplicateProgress) => void): Promise<DuplicateSearchResult> {
      for (const root of roots) {
        if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new FileOrganizerError('E_BAD_PATH', `${root} is not a folder; give folders to search for duplicates`);
      }
      checkRootsApart(roots);
      return findDuplicates({ roots, ...options, excludedFolders: dependencies.protectedFolders }, { walkers, pool }, onProgress);
    },
    close: async (): Promise<void> => { await Promise.all([walkers.close(), pool.close()]); },
  };
}
export type Duplicates = ReturnType<typeof createDuplicates>;
