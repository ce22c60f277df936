import { type AppDatabase } from '../db/open-database.js';
import { type FileAction, type FileState } from '../../../src-shared/operation-status.js';

/** One journal row as the engine reads it back. */
export interface JournalRow {
  id: number;
  action: FileAction;
  source: string;
  destination: string | null;
  state: FileState;
  reason: string | null;
  size: number;
  mtimeMs: number;
  dev: string;
  ino: string;
  destinationDev: string | null;
  destinationIno: string | null;
  contentHash: string | null;
}

export interface NewJournalRow {
  action: FileAction;
  source: string;
  destination: string | null;
  state: 'planned' | 'skipped';
  reason: string | null;
  error: string | null;
  ruleName: string | null;
  category: string | null;
  conflictRenamed: boolean;
  size: number;
  mtimeMs: number;
  dev: string;
  ino: string;
}

/** What happened to one row, written back in batches. */
export interface JournalUpdate {
  id: number;
  state: FileState;
  reason?: string | null;
  error?: string | null;
  destination?: string | null;
  destinationDev?: string | null;
  destinationIno?: string | null;
  contentHash?: string | null;
}

const COLUMNS = `id, action, source, destination, state, reason, size, mtime_ms AS mtimeMs, dev, ino,
  destination_dev AS destinationDev, destination_ino AS destinationIno, content_hash AS contentHash`;

/**
 * The journal's hot paths as prepared statements on the raw handle: bulk inserts in large transactions
 * and batched state updates. (drizzle builds a statement per call, which costs more than the rename.)
 */
export function createJournal(database: AppDatabase) {
  const { sqlite } = database;
  const insertRow = sqlite.prepare(`INSERT INTO file_records
    (operation_id, action, source, destination, state, reason, error, rule_name, category, conflict_renamed, size, mtime_ms, dev, ino)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const updateRow = sqlite.prepare(`UPDATE file_records SET state = ?, reason = coalesce(?, reason), error = ?,
    destination = coalesce(?, destination), destination_dev = coalesce(?, destination_dev),
    destination_ino = coalesce(?, destination_ino), content_hash = coalesce(?, content_hash) WHERE id = ?`);
  const pageForward = sqlite.prepare(`SELECT ${COLUMNS} FROM file_records
    WHERE operation_id = ? AND id > ? AND state IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT ?`);
  const pageBackward = sqlite.prepare(`SELECT ${COLUMNS} FROM file_records
    WHERE operation_id = ? AND id < ? AND state IN (SELECT value FROM json_each(?)) ORDER BY id DESC LIMIT ?`);
  const insertFolder = sqlite.prepare('INSERT INTO folder_records (operation_id, path, change) VALUES (?, ?, ?)');
  const foldersOf = sqlite.prepare('SELECT path FROM folder_records WHERE operation_id = ? AND change = ? ORDER BY id');
  const countStates = sqlite.prepare(`SELECT state, reason, conflict_renamed AS conflictRenamed, count(*) AS files, sum(size) AS bytes
    FROM file_records WHERE operation_id = ? GROUP BY state, reason, conflict_renamed`);

  return {
    /** Insert rows in one transaction: the plan is recorded whole or not at all. */
    insertRows: sqlite.transaction((operationId: string, rows: Iterable<NewJournalRow>) => {
      for (const row of rows) {
        insertRow.run(operationId, row.action, row.source, row.destination, row.state, row.reason, row.error, row.ruleName,
          row.category, row.conflictRenamed ? 1 : 0, row.size, row.mtimeMs, row.dev, row.ino);
      }
    }),
    /** Rows after `afterId` in plan order, in one of `states`. */
    pageForward(operationId: string, afterId: number, states: readonly FileState[], limit: number): JournalRow[] {
      return pageForward.all(operationId, afterId, JSON.stringify(states), limit) as JournalRow[];
    },
    /** Rows before `beforeId`, newest first, in one of `states`. */
    pageBackward(operationId: string, beforeId: number, states: readonly FileState[], limit: number): JournalRow[] {
      return pageBackward.all(operationId, beforeId, JSON.stringify(states), limit) as JournalRow[];
    },
    applyUpdates: sqlite.transaction((updates: readonly JournalUpdate[], after?: () => void) => {
      for (const update of updates) {
        updateRow.run(update.state, update.reason ?? null, update.error ?? null, update.destination ?? null,
          update.destinationDev ?? null, update.destinationIno ?? null, update.contentHash ?? null, update.id);
      }
      after?.();
    }),
    recordFolders: sqlite.transaction((operationId: string, change: 'created' | 'removed', paths: Iterable<string>) => {
      for (const folder of paths) insertFolder.run(operationId, folder, change);
    }),
    folders(operationId: string, change: 'created' | 'removed'): string[] {
      return (foldersOf.all(operationId, change) as { path: string }[]).map((row) => row.path);
    },
    stateCounts(operationId: string) {
      return countStates.all(operationId) as { state: FileState; reason: string | null; conflictRenamed: number; files: number; bytes: number | null }[];
    },
  };
}
export type Journal = ReturnType<typeof createJournal>;
