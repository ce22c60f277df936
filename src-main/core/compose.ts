import crypto from 'node:crypto';
import { type Accounts, createAccounts } from './auth/accounts.js';
import { type Auth, createAuth } from './auth/auth.js';
import { createFolderAccess, type FolderAccess } from './auth/folder-access.js';
import { createSignInLinks, type SignInLinks } from './auth/sign-in-links.js';
import { createUsers, type Users } from './auth/users.js';
import { dataFolderError } from './db/data-folder-error.js';
import { databaseFileIn, openDatabaseIn, type AppDatabase } from './db/open-database.js';
import { startWalCheckpointer } from './db/wal-checkpointer.js';
import { createContentPool } from './dupes/content-pool.js';
import { createDuplicates, type Duplicates } from './dupes/duplicates.js';
import { createDuplicateSearches, type DuplicateSearches, settleSearchesAtOpen } from './dupes/search-runs.js';
import { followOtherProcesses } from './events/database-follower.js';
import { createEventHub, type EventHub } from './events/event-hub.js';
import { type TrashFiles } from './dupes/quarantine.js';
import { type BackgroundRuns, createBackgroundRuns } from './ops/background-runs.js';
import { createOperations, type Operations } from './ops/operations.js';
import { createRuleSets, type RuleSets } from './rules/rule-sets.js';
import { currentPlatform } from './rules/safe-names.js';
import { createProtectedFolders, type ProtectedFolders } from './scan/protected-folders.js';
import { createWatchedFolders } from './watch/watched-folders.js';
import { createWatcherLease } from './watch/watcher-lease.js';
import { type WatchedFolders, type WatcherLease } from './watch/watch-types.js';

export interface AppCore {
  /** the data folder: named in every error about it */
  dataDir: string;
  database: AppDatabase;
  operations: Operations;
  duplicates: Duplicates;
  /** duplicate searches run in the background and kept by id, and acting on exactly what one found */
  searches: DuplicateSearches;
  users: Users;
  /** accounts, tokens and API keys; made on first use (it sets up the signing key, which the CLI never needs) */
  readonly auth: Auth;
  /** one-time sign-in links for the local profile (`fileorg link` makes them without the signing key) */
  signInLinks: SignInLinks;
  ruleSets: RuleSets;
  /** the folders each account may use (the owner's profiles: any) */
  folderAccess: FolderAccess;
  /** the owner's management of accounts and their folders */
  accounts: Accounts;
  /** runs started by the API that go on after the call answered */
  runs: BackgroundRuns;
  /** push events of this process by user: windows and WS /ws/events subscribe here */
  events: EventHub;
  /** the folders the watcher keeps organized, each its user's (issue 19) */
  watchedFolders: WatchedFolders;
  /** which process watches this data folder's folders (the app, fileorg serve or fileorg watch) */
  watcherLease: WatcherLease;
  /** the data folder and the quarantines: never organized, scanned or moved into */
  protectedFolders: ProtectedFolders;
  /** ids of operations found interrupted (owner gone) and settled at open */
  recovered: string[];
  close(): Promise<void>;
}

const PRUNE_EVERY_MS = 60 * 60 * 1000;

/** Operation ids sort by creation time and are unique without coordination: ms timestamp + randomness. */
export function newOperationId(clock: () => number = Date.now): string {
  return `${clock().toString(36).padStart(9, '0')}${crypto.randomBytes(6).toString('hex')}`;
}

/** Wires the headless services once, over one data folder. The CLI, `serve` and the app all start here. */
export function openAppCore(options: {
  dataDir: string; clock?: () => number; newId?: () => string; progressEveryFiles?: number; pageSize?: number; trash?: TrashFiles;
  /** bcrypt cost (12 unless a test lowers it) and the per-source login failure limit */
  bcryptCost?: number; loginFailuresPerSource?: number;
  /** checkpoint the database's log on a thread of its own, so no commit stalls the main thread (serve, the app) */
  backgroundCheckpoints?: boolean;
  /** for tests only: wait this long before each page of a run, so a test can cancel it mid-way */
  pageDelayMs?: number;
}): AppCore {
  const clock = options.clock ?? Date.now;
  const database = openDatabaseIn(options.dataDir, clock);
  const contentPool = createContentPool();
  const protectedFolders = createProtectedFolders(options.dataDir, currentPlatform());
  const operations = createOperations({
    contentPool,
    database, clock, newId: options.newId ?? (() => newOperationId(clock)), platform: currentPlatform(),
    protectedFolders,
    ...(options.progressEveryFiles ? { progressEveryFiles: options.progressEveryFiles } : {}),
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    ...(options.pageDelayMs ? { pageDelayMs: options.pageDelayMs } : {}),
    // Bound late: the duplicate service needs the operations to act, and operations need its search for rules.
    searchDuplicates: (roots, includeHidden) => duplicates.search(roots, { minSize: 0, includeEmpty: false, includeHidden }),
  });
  const duplicates = createDuplicates({ database, dataDir: options.dataDir, protectedFolders, clock, operations, ...(options.trash ? { trash: options.trash } : {}) });
  let recovered: string[];
  try {
    recovered = operations.recoverInterrupted();
    settleSearchesAtOpen(database, clock);
    operations.prunePreviews();
  } catch (error) {
    database.close(); // no thread has started yet: the pools start on first use
    throw dataFolderError(error, options.dataDir) ?? error;
  }
  const events = createEventHub();
  const runs = createBackgroundRuns(operations, { events });
  const searches = createDuplicateSearches({ database, duplicates, events, clock, newId: () => newOperationId(clock) });
  // Runs of other processes on this data folder (the CLI, another app) reach this process's listeners too.
  const follower = followOtherProcesses({ database, events, isLive: (id) => runs.isLive(id) });
  // Previews never applied are pruned after a day; a process that stays open (serve, the app) prunes hourly.
  const pruning = setInterval(() => {
    try { operations.prunePreviews(); } catch { /* the data folder is busy or unwritable now: next hour */ }
  }, PRUNE_EVERY_MS);
  pruning.unref();
  const checkpointer = options.backgroundCheckpoints ? startWalCheckpointer(databaseFileIn(options.dataDir)) : undefined;
  let auth: Auth | undefined;
  const folderAccess = createFolderAccess(database, clock, currentPlatform());
  const signInLinks = createSignInLinks(database, clock);
  const ruleSets = createRuleSets(database, clock);
  const watchedFolders = createWatchedFolders({ database, clock, folderAccess, ruleSets, protectedFolders, platform: currentPlatform() });
  // Real time, whatever the test clock: the lease is about processes alive now.
  const watcherLease = createWatcherLease(database);
  return {
    dataDir: options.dataDir, database, operations, duplicates, searches, recovered, runs, events, folderAccess, signInLinks,
    watchedFolders, watcherLease, protectedFolders, ruleSets,
    accounts: createAccounts({ database, clock, folderAccess, ...(options.bcryptCost ? { bcryptCost: options.bcryptCost } : {}) }),
    users: createUsers(database, clock),
    get auth() {
      auth ??= createAuth({
        database, dataDir: options.dataDir, clock, signInLinks,
        ...(options.bcryptCost ? { bcryptCost: options.bcryptCost } : {}),
        ...(options.loginFailuresPerSource ? { loginFailuresPerSource: options.loginFailuresPerSource } : {}),
      });
      return auth;
    },
    close: async () => {
      follower.stop();
      clearInterval(pruning);
      await runs.close();
      searches.close();
      // The duplicate search's last cache write runs on the content pool: it ends before the pool closes.
      await Promise.all([operations.close(), duplicates.close()]);
      await contentPool.close();
      await checkpointer?.stop();
      database.close();
    },
  };
}
