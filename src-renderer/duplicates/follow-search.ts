import { type DuplicateSearchView } from '../../src-shared/api/duplicates.js';
import { type PushEvent } from '../../src-shared/contract.js';
import { client } from '../client/index.js';

/** How often a running search is read again, in case its result event was missed (a dropped socket). */
const POLL_MS = 1000;

/**
 * Follows one duplicate search until it ends: `progress` for each pushed stage event, `settled` once with the
 * search as it ended (read at its result event, and every second as a fallback). The first read happens at
 * once, so a search that ended before its id reached us is not waited on. Answers a function that stops.
 */
export function followSearch(searchId: string, handlers: {
  progress: (event: PushEvent<'duplicates:progress'>) => void;
  settled: (search: DuplicateSearchView) => void;
  failed: (error: unknown) => void;
}): () => void {
  let stopped = false;
  let reading = false;
  const read = async (): Promise<void> => {
    if (stopped || reading) return;
    reading = true;
    try {
      const search = await client.call('duplicates:get', { search_id: searchId });
      if (stopped) return;
      if (search.status !== 'running') { stop(); handlers.settled(search); }
    } catch (error) {
      if (!stopped) { stop(); handlers.failed(error); }
    } finally {
      reading = false;
    }
  };
  const offProgress = client.on('duplicates:progress', (event) => { if (event.search_id === searchId && !stopped) handlers.progress(event); });
  const offResult = client.on('duplicates:result', (event) => { if (event.search_id === searchId) void read(); });
  const timer = setInterval(() => void read(), POLL_MS);
  function stop(): void {
    stopped = true;
    clearInterval(timer);
    offProgress();
    offResult();
  }
  void read();
  return stop;
}
