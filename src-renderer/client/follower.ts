import { client } from './index.js';

/**
 * Follows one subject (an operation, a search) until it settles, from push events, never polling: it is read
 * once at the start, again whenever `subscribe`'s events call `refresh` (its result event), and again each time
 * the event stream (re)connects, since events sent before that are lost. A read asked for while one is in flight
 * runs right after it: the one in flight may have been answered before the subject settled, and a result event
 * comes only once. Answers a function that stops following.
 */
export function follow<T>(options: {
  read: () => Promise<T>;
  isSettled: (value: T) => boolean;
  update?: (value: T) => void;
  settled: (value: T) => void;
  failed?: (error: unknown) => void;
  /** a failed read ends the following (a search gone), instead of waiting for the next event */
  stopOnFailure?: boolean;
  /** the subject's own events: call `refresh` to read it again; answers the unsubscribers */
  subscribe: (refresh: () => void, isStopped: () => boolean) => Array<() => void>;
}): () => void {
  let stopped = false;
  let reading = false;
  let readAgain = false;
  const refresh = async (): Promise<void> => {
    if (stopped) return;
    if (reading) { readAgain = true; return; }
    reading = true;
    try {
      const value = await options.read();
      if (stopped) return;
      options.update?.(value);
      if (options.isSettled(value)) { stop(); options.settled(value); }
    } catch (error) {
      if (stopped) return;
      if (options.stopOnFailure) stop();
      options.failed?.(error);
    } finally {
      reading = false;
      if (readAgain && !stopped) { readAgain = false; void refresh(); }
    }
  };
  // A stream connected already when subscribed (the app's IPC) says so at once: the first read below covers it.
  let started = false;
  const unsubscribers = [...options.subscribe(() => void refresh(), () => stopped), client.onConnected(() => { if (started) void refresh(); })];
  started = true;
  function stop(): void {
    stopped = true;
    for (const unsubscribe of unsubscribers) unsubscribe();
  }
  void refresh();
  return stop;
}
