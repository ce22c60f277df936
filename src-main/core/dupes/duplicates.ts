import fs from 'node:fs';
import { FileOrganizerError } from '../../../src-shared/errors.js';
import { type DuplicateProgress, type DuplicateSearchResult } from '../../../src-shared/duplicates.js';
import { checkRootsApart } from '../scan/check-roots.js';
import { createWalkerPool } from '../scan/walker-pool.js';
import { PART_KINDS } from '../../../src-worker/content-protocol.js';
import { nativeModule } from '../../../src-worker/native-module.js';
import { type AppDatabase } from '../db/open-database.js';
import { createContentPool } from './content-pool.js';
import { createHashCache } from './hash-cache.js';
import { findDuplicates } from './find-duplicates.js';

export interface DuplicateSearchOptions {
  minSize: number;
  includeEmpty: boolean;
  includeHidden: boolean;
}

/** The duplicate search service: its own walker threads and content threads, started on first use. */
export function createDuplicates(dependencies: { database: AppDatabase; clock: () => number; protectedFolders: string[] }) {
  const walkers = createWalkerPool();
  const pool = createContentPool();
  // The content threads compute the narrowing digests natively when the module loads there, as it does here.
  const cache = createHashCache(dependencies.database, nativeModule().partDigests ? PART_KINDS.native : PART_KINDS.javascript, dependencies.clock);
  return {
    async find(roots: string[], options: DuplicateSearchOptions, onProgress?: (progress: DuplicateProgress) => void): Promise<DuplicateSearchResult> {
      for (const root of roots) {
        if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new FileOrganizerError('E_BAD_PATH', `${root} is not a folder; give folders to search for duplicates`);
      }
      checkRootsApart(roots);
      const result = await findDuplicates({ roots, ...options, excludedFolders: dependencies.protectedFolders }, { walkers, pool, cache }, onProgress);
      cache.forgetOld();
      return result;
    },
    close: async (): Promise<void> => { await Promise.all([walkers.close(), pool.close()]); },
  };
}
export type Duplicates = ReturnType<typeof createDuplicates>;
