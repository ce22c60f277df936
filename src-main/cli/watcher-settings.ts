import { DEFAULT_WATCHER_SETTINGS, type WatcherSettings } from '../core/watch/watch-types.js';

/**
 * The watcher's timings for `fileorg watch` and `fileorg serve`: the defaults, unless a test knob shortens them.
 * FILEORG_WATCH_SETTLE_MS (how long a file's size must stay still before it is moved, default 2000) and
 * FILEORG_WATCH_QUIET_MS (how long a batch waits for more files, default 1000) are for tests and scripts only:
 * shorter than the defaults, a browser's download in progress may be moved half-written.
 */
export function watcherSettingsFrom(environment: NodeJS.ProcessEnv): WatcherSettings {
  const milliseconds = (name: string): number | undefined => {
    const value = Number(environment[name]);
    return Number.isInteger(value) && value > 0 ? value : undefined;
  };
  const settleMs = milliseconds('FILEORG_WATCH_SETTLE_MS');
  const quietMs = milliseconds('FILEORG_WATCH_QUIET_MS');
  return {
    ...DEFAULT_WATCHER_SETTINGS,
    ...(settleMs === undefined ? {} : { settleMs, pollMs: Math.min(DEFAULT_WATCHER_SETTINGS.pollMs, Math.max(10, Math.floor(settleMs / 4))) }),
    ...(quietMs === undefined ? {} : { quietMs }),
  };
}
