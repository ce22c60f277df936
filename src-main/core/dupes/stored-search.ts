import { FileOrganizerError } from '../../../src-shared/errors.js';
import { type DuplicateGroup } from '../../../src-shared/duplicates.js';
import { type DuplicateSearch, type HashedFile } from './find-duplicates.js';
import { type SearchStore, type StoredSearch } from './search-store.js';

/**
 * A kept search as the planner takes a fresh one (plan-dedupe.ts): its groups (all, or those named by hash)
 * with each file as it was hashed, so the rows check every file against what the search read, and nothing is
 * searched again. A hash the search does not have is refused, naming it.
 */
export function storedSearch(store: SearchStore, search: StoredSearch, hashes: readonly string[] | undefined): DuplicateSearch {
  const groups = store.groups(search.id);
  let chosen = groups;
  if (hashes !== undefined) {
    const byHash = new Map(groups.map((group) => [group.hash, group]));
    const unknown = [...new Set(hashes)].filter((hash) => !byHash.has(hash));
    if (unknown.length > 0) {
      const shown = unknown.slice(0, 5).join(', ') + (unknown.length > 5 ? ` and ${unknown.length - 5} more` : '');
      throw new FileOrganizerError('E_VALIDATION', `search ${search.id} has no group with the hash ${shown}; name groups as GET /api/v1/duplicates/${search.id}/groups lists them`,
        { unknown_groups: unknown.slice(0, 100) });
    }
    const wanted = new Set(hashes);
    chosen = groups.filter((group) => wanted.has(group.hash));
  }
  const details: HashedFile[][] = chosen.map((group) => store.filesOf(search.id, group.index));
  const reported: DuplicateGroup[] = chosen.map((group, at) => ({ size: group.size, hash: group.hash, files: (details[at] as HashedFile[]).map((file) => file.path) }));
  const summary = search.summary;
  return {
    result: {
      type: 'result', groups: reported, wasted_bytes: chosen.reduce((sum, group) => sum + group.wastedBytes, 0),
      files_scanned: summary?.filesScanned ?? 0, hashed_bytes: summary?.hashedBytes ?? 0, cache_hits: summary?.cacheHits ?? 0, skipped: [],
    },
    details: () => details,
    saved: Promise.resolve(),
  };
}
