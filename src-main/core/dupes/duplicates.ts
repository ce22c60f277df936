import fs from 'node:fs';
import path from 'node:path';
import { type DedupeResult, type DuplicateProgress, type DuplicateSearchResult, type KeepPolicy, type Resolution } from '../../../src-shared/duplicates.js';
import { FileOrganizerError } from '../../../src-shared/errors.js';
import { PART_KINDS } from '../../../src-worker/content-protocol.js';
import { nativeModule } from '../../../src-worker/native-module.js';
import { type AppDatabase } from '../db/open-database.js';
import { LOCAL_USER_ID } from '../db/schema.js';
import { type OrganizeHooks, type Operations } from '../ops/operations.js';
import { checkRootsApart } from '../scan/check-roots.js';
import { isInside } from '../scan/is-inside.js';
import { type ProtectedFolders } from '../scan/protected-folders.js';
import { createWalkerPool } from '../scan/walker-pool.js';
import { type DuplicateSearch, findDuplicates } from './find-duplicates.js';
import { createHashCache } from './hash-cache.js';
import { planDedupe } from './plan-dedupe.js';
import { createQuarantine, type TrashFiles, trashWithPackage } from './quarantine.js';
import { createQuarantinePlacer, quarantineIn } from './quarantine-paths.js';

export interface DuplicateSearchOptions {
  minSize: number;
  includeEmpty: boolean;
  includeHidden: boolean;
}

export interface ResolveOptions {
  resolution: Resolution;
  keep: KeepPolicy;
  /** files inside it are kept; groups without a file inside it are left alone */
  reference: string | null;
  /** explicit choice: these files are kept in their groups */
  keepPaths?: readonly string[];
  /** whose operation it becomes (the local profile unless said) */
  owner?: string;
}

/** The duplicate search service: its own walker threads, which scan and then read the files (content-on-walkers.ts). */
export function createDuplicates(dependencies: {
  database: AppDatabase; dataDir: string; protectedFolders: ProtectedFolders; clock: () => number; operations: Operations; trash?: TrashFiles;
}) {
  const dataDir = path.resolve(dependencies.dataDir);
  const { protectedFolders } = dependencies;
  const walkers = createWalkerPool();
  // The walkers compute the narrowing digests natively when the module loads there, as it does here.
  const cache = createHashCache(dependencies.database, nativeModule().partDigests ? PART_KINDS.native : PART_KINDS.javascript, dependencies.clock);
  const quarantine = createQuarantine(dependencies.database, { clock: dependencies.clock, trash: dependencies.trash ?? trashWithPackage });

  const checkFolders = (roots: readonly string[], what: string): void => {
    for (const root of roots) {
      protectedFolders.refuse(root, 'search');
      if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new FileOrganizerError('E_BAD_PATH', `${root} is not a folder; give folders ${what}`);
    }
    checkRootsApart(roots);
  };

  /**
   * The reference folder's files are the ones kept, so it must be searched: one of the folders, or inside one.
   * Compared as written, the way each group's files are matched to it (choose-kept.ts).
   */
  const insideSearched = (target: string, roots: readonly string[]): boolean => roots.some((root) => path.resolve(target) === path.resolve(root) || isInside(path.resolve(target), path.resolve(root)));
  /** A file named to keep must be one the search can find: otherwise the choice would silently do nothing. */
  const checkKeepPaths = (keepPaths: readonly string[], roots: readonly string[]): void => {
    for (const kept of keepPaths) {
      if (!insideSearched(kept, roots)) {
        throw new FileOrganizerError('E_BAD_PATH', `the file to keep ${kept} is outside the searched folders (${roots.join(', ')}); give a file inside one of them, or add its folder to the folders to search`);
      }
      const stats = fs.lstatSync(kept, { throwIfNoEntry: false });
      if (!stats?.isFile()) {
        throw new FileOrganizerError('E_BAD_PATH', `the file to keep ${kept} ${stats ? (stats.isSymbolicLink() ? 'is a symlink, which is never kept or followed' : 'is not a file') : 'does not exist'}; give the path of a file in a group`);
      }
    }
  };
  const checkReference = (reference: string, roots: readonly string[]): void => {
    if (!fs.statSync(reference, { throwIfNoEntry: false })?.isDirectory()) {
      throw new FileOrganizerError('E_BAD_PATH', `the reference folder ${reference} is not a folder; give one of the searched folders or a folder inside one`);
    }
    protectedFolders.refuse(reference, 'reference');
    if (!insideSearched(reference, roots)) {
      throw new FileOrganizerError('E_BAD_PATH', `the reference folder ${reference} is outside the searched folders (${roots.join(', ')}), so none of its files could be kept; `
        + 'give one of the searched folders or a folder inside one, or add it to the folders to search');
    }
  };

  // The last search's hash cache write (on a walker thread): the next search waits for it, so that it reads
  // a whole cache, and so does closing.
  let saving: Promise<void> = Promise.resolve();
  const searchAnd = async (roots: string[], options: DuplicateSearchOptions, onProgress?: (progress: DuplicateProgress) => void): Promise<DuplicateSearch> => {
    await saving;
    const found = await findDuplicates({ roots, ...options, excludedFolders: protectedFolders.excludedFrom(roots), excludedIdentities: protectedFolders.identities() }, { walkers, cache }, onProgress);
    saving = found.saved;
    return found;
  };
  /** A search whose cache write has ended: what comes next may write to the database (an operation's journal). */
  const search = async (roots: string[], options: DuplicateSearchOptions, onProgress?: (progress: DuplicateProgress) => void): Promise<DuplicateSearch> => {
    const found = await searchAnd(roots, options, onProgress);
    await found.saved;
    return found;
  };

  const checkChoice = (roots: readonly string[], options: ResolveOptions): void => {
    if (options.reference !== null) checkReference(options.reference, roots);
    checkKeepPaths(options.keepPaths ?? [], roots);
  };

  /** One dedupe operation over the found groups; `runPrepared` records it before its first await. */
  const act = async (found: DuplicateSearch, roots: string[], options: DuplicateSearchOptions & ResolveOptions, hooks: OrganizeHooks): Promise<DedupeResult> => {
    const choice = { policy: options.keep, reference: options.reference, keepPaths: new Set(options.keepPaths ?? []) };
    const result = await dependencies.operations.runPrepared({
      kind: 'dedupe', roots, destination: options.resolution === 'quarantine' ? quarantineIn(dataDir) : null, conflict: 'rename',
      resolution: options.resolution, keep: options.keep, reference: options.reference,
      minSize: options.minSize, includeEmpty: options.includeEmpty, includeHidden: options.includeHidden,
    }, (operationId) => planDedupe(found, choice, options.resolution,
      options.resolution === 'quarantine' ? createQuarantinePlacer(dataDir, roots, operationId) : undefined), hooks, options.owner);
    const operation = dependencies.operations.get(result.operation_id, { owner: options.owner ?? LOCAL_USER_ID, exact: true });
    return {
      type: 'result', operation_id: result.operation_id, status: result.status,
      quarantined: options.resolution === 'quarantine' ? result.moved : 0, linked: options.resolution === 'hardlink' ? result.moved : 0,
      freed_bytes: operation.movedBytes, skipped: result.skipped, failed: result.failed,
    };
  };

  return {
    quarantine,
    /** the search with each group's file facts, for other services (the `duplicate` rule condition) */
    search,

    /** The groups, answered while the cache write still runs (reporting them overlaps it). */
    async find(roots: string[], options: DuplicateSearchOptions, onProgress?: (progress: DuplicateProgress) => void): Promise<DuplicateSearchResult> {
      checkFolders(roots, 'to search for duplicates');
      return (await searchAnd(roots, options, onProgress)).result;
    },

    /**
     * Search, then resolve every group: keep one file (or the reference folder's) and quarantine the others or
     * replace them by hard links, as one journaled operation that `undo` reverses. `beforeActing` runs between
     * the search and the first file action (tests use it to change a file in that gap).
     */
    async resolve(roots: string[], options: DuplicateSearchOptions & ResolveOptions, hooks: OrganizeHooks & {
      onSearchProgress?: (progress: DuplicateProgress) => void; beforeActing?: (search: DuplicateSearch) => void;
    } = {}): Promise<DedupeResult> {
      checkFolders(roots, 'to resolve duplicates in');
      checkChoice(roots, options);
      const found = await search(roots, options, hooks.onSearchProgress);
      hooks.beforeActing?.(found);
      return act(found, roots, options, hooks);
    },

    /** Refuse folders that cannot be searched (missing, protected, one inside another), before a search is recorded. */
    checkSearchFolders: (roots: readonly string[]): void => { checkFolders(roots, 'to search for duplicates'); },

    /**
     * Resolve the groups of a search made earlier (a kept search, never searched again), with the checks
     * `resolve` makes. The operation is recorded before the first await (a background start needs its id).
     */
    resolveFound(found: DuplicateSearch, roots: string[], options: DuplicateSearchOptions & ResolveOptions, hooks: OrganizeHooks = {}): Promise<DedupeResult> {
      checkFolders(roots, 'to resolve duplicates in');
      checkChoice(roots, options);
      return act(found, roots, options, hooks);
    },

    /** after the last cache write; before the content pool closes (the write runs on it) */
    close: async (): Promise<void> => { await saving; await walkers.close(); },
  };
}
export type Duplicates = ReturnType<typeof createDuplicates>;
