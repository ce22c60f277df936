import { type DedupeResult, type DuplicateProgress, type DuplicateStage, type KeepPolicy, type Resolution } from '../../../src-shared/duplicates.js';
import { describeError, FileOrganizerError } from '../../../src-shared/errors.js';
import { type AppDatabase } from '../db/open-database.js';
import { type EventHub } from '../events/event-hub.js';
import { type OrganizeHooks } from '../ops/operations.js';
import { type Duplicates } from './duplicates.js';
import { createSearchStore, type SearchRequest, type StoredSearch } from './search-store.js';
import { storedSearch } from './stored-search.js';
import { chooseKept } from './choose-kept.js';
import { type HashedFile } from './find-duplicates.js';

/** Progress of a search goes out at most this often, and at every change of stage and end of a stage. */
const PROGRESS_EVERY_MS = 100;

/** What acting on a kept search takes: its groups (all when absent) and which file of each is kept. */
export interface SearchAction {
  searchId: string;
  groups: readonly string[] | undefined;
  keep: KeepPolicy;
  keepPaths: readonly string[];
  reference: string | null;
  resolution: Resolution;
}

/** Settle what the last process left: its searches still `running` become `interrupted`; old searches go. */
export function settleSearchesAtOpen(database: AppDatabase, clock: () => number): void {
  const store = createSearchStore(database, clock);
  store.settleOrphaned();
  store.prune();
}

/**
 * Duplicate searches run in the background and kept by id (the window's and the API's): a search answers its
 * id at once, its stages and its end go to its user's events, and what it found is stored, file by file as
 * hashed, so that quarantining or linking later acts on exactly the groups it showed and never searches again.
 */
export function createDuplicateSearches(dependencies: {
  database: AppDatabase; duplicates: Duplicates; events: EventHub; clock: () => number; newId: () => string; log?: (message: string) => void;
}) {
  const { duplicates, events } = dependencies;
  const log = dependencies.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const store = createSearchStore(dependencies.database, dependencies.clock);
  /** searches running in this process, with the stage each is in */
  const live = new Map<string, { stage: DuplicateStage | null }>();
  let closed = false;

  const publishResult = (search: StoredSearch): void => {
    events.publish(search.userId, {
      name: 'duplicates:result',
      data: {
        type: 'result', search_id: search.id, status: search.status, groups: search.summary?.groups ?? 0, wasted_bytes: search.summary?.wastedBytes ?? 0,
        files_scanned: search.summary?.filesScanned ?? 0, message: search.error,
      },
    });
  };

  /** Each stage's progress, at most every PROGRESS_EVERY_MS, and always its first and last report. */
  const progressOf = (id: string, owner: string, entry: { stage: DuplicateStage | null }) => {
    let sentAt = Number.NEGATIVE_INFINITY;
    return (progress: DuplicateProgress): void => {
      const now = performance.now();
      const newStage = progress.stage !== entry.stage;
      entry.stage = progress.stage;
      if (!newStage && progress.files_done !== progress.files_total && now - sentAt < PROGRESS_EVERY_MS) return;
      sentAt = now;
      events.publish(owner, { name: 'duplicates:progress', data: { ...progress, search_id: id } });
    };
  };

  const run = async (id: string, owner: string, request: SearchRequest, entry: { stage: DuplicateStage | null }): Promise<void> => {
    try {
      const options = { minSize: request.minSize, includeEmpty: request.includeEmpty, includeHidden: request.includeHidden };
      const found = await duplicates.search(request.roots, options, progressOf(id, owner, entry));
      if (closed) return;
      const written = await store.writeGroups(id, found, () => closed);
      if (!written || closed) return;
      store.complete(id, found, written);
    } catch (error) {
      if (closed) return; // closing stopped it, and recorded it interrupted
      try {
        store.stop(id, 'failed', `the search failed: ${describeError(error)}; search again`);
      } catch (recording) {
        log(`fileorg: duplicate search ${id} failed (${describeError(error)}) and could not be recorded: ${describeError(recording)}`);
      }
    } finally {
      live.delete(id);
    }
    const after = store.get(id);
    if (after) publishResult(after);
  };

  /** One of the owner's kept searches; another user's, or one no longer kept, is not found. */
  const own = (id: string, owner: string): StoredSearch => {
    const search = store.get(id);
    if (!search || search.userId !== owner || !store.isKept(search)) {
      throw new FileOrganizerError('E_NOT_FOUND', `no duplicate search "${id}" among yours: a search is kept for an hour (and your latest one always); search again with POST /api/v1/duplicates/search`);
    }
    return search;
  };

  /** Its groups are known only once it completed. */
  const whole = (search: StoredSearch): StoredSearch => {
    if (search.status === 'running') {
      throw new FileOrganizerError('E_CONFLICT', `search ${search.id} is still running; wait for its duplicates:result event (or until GET /api/v1/duplicates/${search.id} says completed), then try again`);
    }
    if (search.status !== 'completed') {
      throw new FileOrganizerError('E_CONFLICT', `search ${search.id} ${search.status === 'failed' ? `failed (${search.error ?? 'no reason recorded'})` : 'was interrupted before it ended'}; search again`);
    }
    return search;
  };

  return {
    /**
     * Start a search in the background and answer its id. Folders that cannot be searched are refused here,
     * before anything is recorded; older searches are pruned as this one is stored.
     */
    start(owner: string, request: SearchRequest): string {
      duplicates.checkSearchFolders(request.roots);
      const id = dependencies.newId();
      store.insert(id, owner, request);
      store.prune();
      const entry = { stage: null };
      live.set(id, entry);
      void run(id, owner, request, entry);
      return id;
    },

    /** One of the owner's kept searches, and its stage while it runs in this process. */
    get(id: string, owner: string): StoredSearch & { stage: DuplicateStage | null } {
      const search = own(id, owner);
      return { ...search, stage: live.get(search.id)?.stage ?? null };
    },

    /** A page of a completed search's groups, most space to win first, each with its files. */
    /** A page of groups with their files' paths, and the file each keep policy keeps (chooseKept's own choice). */
    groupsPage(id: string, owner: string, offset: number, limit: number) {
      const search = whole(own(id, owner));
      const keptBy = (files: HashedFile[], policy: KeepPolicy): string => [...chooseKept(files, { policy, reference: null, keepPaths: new Set() })][0]?.path ?? '';
      const items = store.groupsPage(search.id, offset, limit).map((group) => ({
        ...group, files: group.files.map((file) => file.path),
        kept: { oldest: keptBy(group.files, 'oldest'), newest: keptBy(group.files, 'newest'), shortest: keptBy(group.files, 'shortest') },
      }));
      return { items, total: search.summary?.groups ?? 0 };
    },

    /**
     * Quarantine or link the files of a completed search's groups (those named, or all), exactly as stored,
     * with the checks a fresh resolution makes. The operation is recorded before the first await, so a
     * background start (runs.start) learns its id; every refusal is thrown before that.
     */
    act(owner: string, action: SearchAction, hooks: OrganizeHooks = {}): Promise<DedupeResult> {
      const search = whole(own(action.searchId, owner));
      const found = storedSearch(store, search, action.groups);
      const { roots, minSize, includeEmpty, includeHidden } = search.request;
      return duplicates.resolveFound(found, roots, {
        minSize, includeEmpty, includeHidden, resolution: action.resolution, keep: action.keep, reference: action.reference, keepPaths: action.keepPaths, owner,
      }, hooks);
    },

    /** Stop following the searches still running here: they are recorded interrupted (search again). */
    close(): void {
      closed = true;
      for (const id of live.keys()) {
        try {
          if (store.stop(id, 'interrupted', 'FileOrganizer closed before the search ended; search again')) publishResult(store.get(id) as StoredSearch);
        } catch (error) {
          log(`fileorg: duplicate search ${id} could not be recorded as interrupted: ${describeError(error)}`);
        }
      }
      live.clear();
    },
  };
}
export type DuplicateSearches = ReturnType<typeof createDuplicateSearches>;
