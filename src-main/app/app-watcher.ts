import { describeError } from '../../src-shared/errors.js';
import { type AppCore } from '../core/compose.js';
import { type Watcher } from '../core/watch/watch-types.js';

/** The label the watcher lease shows to whoever else tries to watch this data folder (fileorg watch names it). */
export const APP_WATCH_LABEL = 'the FileOrganizer app';

/** core/watch/watcher.ts's startWatcher, as the app calls it (a parameter, so a test can hold its start). */
export type StartWatcher = (core: AppCore, options: { label: string; wait: boolean; log: (message: string) => void }) => Promise<Watcher>;

export interface AppWatcher {
  /** Stop it (after its batch in flight) and give up the lease; also when it is still starting. Once, however often called. */
  stop(): Promise<void>;
}

/**
 * The app's watcher: started once the core is open, not awaited (a catch-up pass over big folders never holds the
 * window back), and waiting for the lease where fileorg serve or fileorg watch already watches this data folder
 * (the watcher says who, once, in the log). A watcher that fails to start is logged and the app goes on without it. Quitting
 * stops it before the core closes (see main.ts), even mid-start.
 */
export function runAppWatcher(core: AppCore, start: StartWatcher, log: (message: string) => void): AppWatcher {
  const starting = (async (): Promise<Watcher | undefined> => {
    try {
      return await start(core, { label: APP_WATCH_LABEL, wait: true, log: (message) => log(`FileOrganizer: watcher: ${message}`) });
    } catch (error) {
      log(`FileOrganizer: the watched folders are not being watched: ${describeError(error)}`);
      return undefined;
    }
  })();
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= starting.then((watcher) => watcher?.stop()).catch((error: unknown) => log(`FileOrganizer: the watcher did not stop cleanly: ${describeError(error)}`));
      return stopping;
    },
  };
}
