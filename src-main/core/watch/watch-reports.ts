import { type WatchBatchEvent, type WatchState } from '../../../src-shared/api/watch.js';
import { describeError } from '../../../src-shared/errors.js';
import { type EventHub } from '../events/event-hub.js';
import { type WatchedFolder, type WatchedFolders } from './watch-types.js';

/** Files told as skipped, remembered so each file and reason is told once; past this many the oldest are forgotten. */
const MOST_REMEMBERED = 100_000;

/**
 * What the watcher tells: a folder's state (stored for `watch list`, and a watch:folder event), the files it
 * left alone and why (watch:skipped, each file and reason once per process), and each batch kept
 * (watch:batch). Events go to the folder's owner, as its operations' events do. Storing a state can fail (the
 * data folder busy or unwritable): that is logged, and the event still goes out.
 */
export function createWatchReports(dependencies: {
  events: EventHub; watchedFolders: WatchedFolders; log: (message: string) => void;
  /** also log each batch and state change (serve, the app); not where the events themselves are printed (fileorg watch) */
  logEvents?: boolean;
}) {
  const { events, watchedFolders, log } = dependencies;
  const logEvent = dependencies.logEvents === false ? () => undefined : log;
  const told = new Set<string>();
  const said = new Map<string, { state: WatchState; detail: string | null }>();

  return {
    /** The state last told for a folder in this process. */
    stateOf(folderId: string): WatchState | undefined {
      return said.get(folderId)?.state;
    },

    /** Say a folder's state, when it changed. */
    folderState(folder: WatchedFolder, state: WatchState, detail: string | null): void {
      const last = said.get(folder.id);
      if (last?.state === state && last.detail === detail) return;
      said.set(folder.id, { state, detail });
      try {
        watchedFolders.setState(folder.id, state, detail);
      } catch (error) {
        log(`could not record that ${folder.path} is ${state}: ${describeError(error)}`);
      }
      logEvent(`${folder.path}: ${state}${detail ? ` (${detail})` : ''}`);
      events.publish(folder.userId, { name: 'watch:folder', data: { type: 'watch-folder', folder_id: folder.id, path: folder.path, state, detail } });
    },

    /** Forget a folder removed (or paused): told again from scratch if it comes back. */
    forget(folderId: string): void {
      said.delete(folderId);
    },

    /** A file left where it is, and why: told once per file and reason. Answers whether it was told now. */
    skipped(folder: WatchedFolder, file: string, reason: string, detail: string): boolean {
      const key = `${folder.id}\0${file}\0${reason}`;
      if (told.has(key)) return false;
      if (told.size >= MOST_REMEMBERED) told.delete(told.values().next().value as string);
      told.add(key);
      events.publish(folder.userId, { name: 'watch:skipped', data: { type: 'watch-skipped', folder_id: folder.id, path: file, reason, detail } });
      return true;
    },

    /** A batch kept as an operation (one that moved nothing is not kept, and not told). */
    batch(folder: WatchedFolder, event: Omit<WatchBatchEvent, 'type' | 'folder_id' | 'path'>): void {
      logEvent(`${folder.path}: ${event.trigger} batch ${event.operation_id} ${event.status}: ${event.moved} moved, ${event.skipped} skipped, ${event.failed} failed`);
      events.publish(folder.userId, { name: 'watch:batch', data: { type: 'watch-batch', folder_id: folder.id, path: folder.path, ...event } });
    },
  };
}
export type WatchReports = ReturnType<typeof createWatchReports>;
