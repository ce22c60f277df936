import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach } from 'vitest';
import { openAppCore, type AppCore } from '../../src-main/core/compose.js';
import { LOCAL_USER_ID } from '../../src-main/core/db/schema.js';
import { type Operation } from '../../src-main/core/ops/operation-store.js';
import { type ArrivalOutcome, startWatcher, type WatcherOptions } from '../../src-main/core/watch/watcher.js';
import { type NewWatchedFolder, type Watcher, type WatcherSettings } from '../../src-main/core/watch/watch-types.js';
import { recordEvents } from './hub-events.js';
import { tempDir } from './temp-tree.js';

/** Timings for tests where timing is not the point: a file settles in 150 ms, a batch closes 150 ms after the last. */
export const QUICK: Partial<WatcherSettings> = {
  settleMs: 150, pollMs: 30, quietMs: 150, maxBatchWaitMs: 5_000, presenceEveryMs: 150, configEveryMs: 150,
};

const watchers: Watcher[] = [];
const cores: AppCore[] = [];
// Watchers stop before their cores close: a core closed under a watcher would leave its timers reading a closed database.
afterEach(async () => {
  for (const watcher of watchers.splice(0)) await watcher.stop();
  for (const core of cores.splice(0)) await core.close();
});

/** A core over a data folder (a new temp one unless given), closed after the test. */
export function openCore(options: { dataDir?: string; clock?: () => number; pageSize?: number; pageDelayMs?: number } = {}): AppCore {
  const { dataDir, ...rest } = options;
  const core = openAppCore({ dataDir: dataDir ?? tempDir('fileorg-watch-data-'), bcryptCost: 4, ...rest });
  cores.push(core);
  return core;
}

export interface Watching {
  core: AppCore;
  watcher: Watcher;
  events: ReturnType<typeof recordEvents>;
  logs: string[];
  /** every file the watcher said it queued, held or left as its own, in order, with when (ms) */
  outcomes: Array<{ file: string; outcome: ArrivalOutcome; at: number }>;
}

/** Start a watcher over a core (stopped after the test), hearing the local profile's events and its log. */
export async function watch(core: AppCore, options: Partial<WatcherOptions> = {}): Promise<Watching> {
  const events = recordEvents(core, LOCAL_USER_ID);
  const logs: string[] = [];
  const outcomes: Watching['outcomes'] = [];
  const watcher = await startWatcher(core, {
    label: 'the watch tests', log: (message) => { logs.push(message); if (process.env.WATCH_DEBUG) process.stderr.write(`watcher: ${message}\n`); }, ...options,
    settings: { ...QUICK, ...options.settings },
    observe: (file, outcome) => { outcomes.push({ file, outcome, at: Date.now() }); options.observe?.(file, outcome); },
  });
  watchers.push(watcher);
  return { core, watcher, events, logs, outcomes };
}

/** Wait for `check` to answer something (not undefined or false), looking every 25 ms; fail after the deadline, saying what. */
export async function until<T>(what: string, check: () => T | undefined | false, deadlineMs = 30_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const answer = check();
    if (answer !== undefined && answer !== false) return answer;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${deadlineMs} ms`);
    await new Promise((resolve) => { setTimeout(resolve, 25); });
  }
}

/** The watcher's operations (kind watch) of the local profile, oldest first. */
export function watchOperations(core: AppCore): Operation[] {
  return core.operations.history(1000, LOCAL_USER_ID, 0, 'watch').reverse();
}

/** Files moved by the watcher's finished operations in all. */
export function movedInAll(core: AppCore): number {
  return watchOperations(core).filter((operation) => !['planned', 'running'].includes(operation.status)).reduce((sum, operation) => sum + operation.moved, 0);
}

export const sha256 = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** A folder to watch, and its path as the watcher stores it. */
export function watchedFolder(core: AppCore, options: Partial<NewWatchedFolder> = {}): { root: string; id: string } {
  const root = options.path ?? tempDir('watched-');
  const folder = core.watchedFolders.add(LOCAL_USER_ID, { ...options, path: root });
  return { root: path.resolve(root), id: folder.id };
}

/** An account (Ann) allowed one folder, which she watches; her events recorded. */
export async function accountsWatchedFolder(core: AppCore) {
  const account = await core.accounts.create({ email: 'ann@example.com', username: 'ann', full_name: 'Ann', password: 'correct horse battery' });
  const root = tempDir('anns-');
  core.accounts.allow(account.id, root);
  const folder = core.watchedFolders.add(account.id, { path: root });
  return { account, root, folder, events: recordEvents(core, account.id) };
}
