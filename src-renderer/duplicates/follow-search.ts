import { type DuplicateSearchView } from '../../src-shared/api/duplicates.js';
import { type PushEvent } from '../../src-shared/contract.js';
import { follow } from '../client/follower.js';
import { client } from '../client/index.js';

/**
 * Follows one duplicate search until it ends (see client/follower.ts): `progress` for each pushed stage event,
 * `settled` once with the search as it ended. A search that ended before its id reached us is not waited on.
 */
export function followSearch(searchId: string, handlers: {
  progress: (event: PushEvent<'duplicates:progress'>) => void;
  settled: (search: DuplicateSearchView) => void;
  failed: (error: unknown) => void;
}): () => void {
  return follow({
    read: () => client.call('duplicates:get', { search_id: searchId }),
    isSettled: (search) => search.status !== 'running',
    settled: handlers.settled,
    failed: handlers.failed,
    stopOnFailure: true,
    subscribe: (refresh, isStopped) => [
      client.on('duplicates:progress', (event) => { if (event.search_id === searchId && !isStopped()) handlers.progress(event); }),
      client.on('duplicates:result', (event) => { if (event.search_id === searchId) refresh(); }),
    ],
  });
}
