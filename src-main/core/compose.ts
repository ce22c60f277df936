import crypto from 'node:crypto';
import path from 'node:path';
import { databaseFileIn, openDatabase, type AppDatabase } from './db/open-database.js';
import { createContentPool } from './dupes/content-pool.js';
import { createDuplicates, type Duplicates } from './dupes/duplicates.js';
import { type TrashFiles } from './dupes/quarantine.js';
import { createOperations, type Operations } from './ops/operations.js';
import { currentPlatform } from './rules/safe-names.js';

export interface AppCore {
  database: AppDatabase;
  operations: Operations;
  duplicates: Duplicates;
  /** ids of operations found interrupted (owner gone) and settled at open */
  recovered: string[];
  close(): Promise<void>;
}

/** Operation ids sort by creation time and are unique without coordination: ms timestamp + randomness. */
export function newOperationId(clock: () => number = Date.now): string {
  return `${clock().toString(36).padStart(9, '0')}${crypto.randomBytes(6).toString('hex')}`;
}

/** Wires the headless services once, over one data folder. The CLI, `serve` and the app all start here. */
export function openAppCore(options: { dataDir: string; clock?: () => number; newId?: () => string; progressEveryFiles?: number; pageSize?: number; trash?: TrashFiles }): AppCore {
  const clock = options.clock ?? Date.now;
  const database = openDatabase(databaseFileIn(options.dataDir), clock);
  const contentPool = createContentPool();
  const operations = createOperations({
    contentPool,
    database, clock, newId: options.newId ?? (() => newOperationId(clock)), platform: currentPlatform(),
    protectedFolders: [path.resolve(options.dataDir)],
    ...(options.progressEveryFiles ? { progressEveryFiles: options.progressEveryFiles } : {}),
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    // Bound late: the duplicate service needs the operations to act, and operations need its search for rules.
    searchDuplicates: (roots, includeHidden) => duplicates.search(roots, { minSize: 0, includeEmpty: false, includeHidden }),
  });
  const duplicates = createDuplicates({ database, dataDir: options.dataDir, clock, operations, ...(options.trash ? { trash: options.trash } : {}) });
  const recovered = operations.recoverInterrupted();
  return {
    database, operations, duplicates, recovered,
    close: async () => {
      // The duplicate search's last cache write runs on the content pool: it ends before the pool closes.
      await Promise.all([operations.close(), duplicates.close()]);
      await contentPool.close();
      database.close();
    },
  };
}
