import { type DuplicateSearchView } from '../../src-shared/api/duplicates.js';
import { type PushEvent } from '../../src-shared/contract.js';
import { client } from '../client/index.js';

/**
 * Follows one duplicate search until it ends, from push events, never polling: `progress` for each pushed stage
 * event, `settled` once with the search as it ended. The search is read at once (one that ended before its id
 * reached us is not waited on), at its result event, and each time the event stream (re)connects (events sent
 * while it was down are lost). Answers a function that stops following.
 */
export function followSearch(searchId: string, handlers: {
  progress: (event: PushEvent<'duplicates:progress'>) => void;
  settled: (search: DuplicateSearchView) => void;
  failed: (error: unknown) => void;
}): () => void {
  let stopped = false;
  let reading = false;
  // A read asked for while one is in flight (the result event came meanwhile) runs right after it: the one in
  // flight may have been answered while the search was still running, and the result event is sent only once.
  let readAgain = false;
  const read = async (): Promise<void> => {
    if (stopped) return;
    if (reading) { readAgain = true; return; }
    reading = true;
    try {
      const search = await client.call('duplicates:get', { search_id: searchId });
      if (stopped) return;
      if (search.status !== 'running') { stop(); handlers.settled(search); }
    } catch (error) {
      if (!stopped) { stop(); handlers.failed(error); }
    } finally {
      reading = false;
      if (readAgain && !stopped) { readAgain = false; void read(); }
    }
  };
  const offProgress = client.on('duplicates:progress', (event) => { if (event.search_id === searchId && !stopped) handlers.progress(event); });
  const offResult = client.on('duplicates:result', (event) => { if (event.search_id === searchId) void read(); });
  const offConnected = client.onConnected(() => void read());
  function stop(): void {
    stopped = true;
    offProgress();
    offResult();
    offConnected();
  }
  void read();
  return stop;
}
