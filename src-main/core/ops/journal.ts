import { type AppDatabase } from '../db/open-database.js';
import { type FileAction, type FileState } from '../../../src-shared/operation-status.js';
import { type ActionRow, type JournalUpdate } from '../../../src-worker/row-actions.js';
import { createJournalPages, type JournalFilter, type ListedJournalRow } from './journal-pages.js';

export type { JournalUpdate };

/** One journal row as the engine reads it back. */
export interface JournalRow extends ActionRow {
  state: FileState;
  reason: string | null;
  /** why, in words: the OS's message for a failure, the reason spelled out for a skip or a rollback conflict */
  error: string | null;
}

/** Duplicate resolution's extra plan facts (see schema.ts file_records). */
export interface DedupeFacts {
  keptPath: string;
  keptMtimeMs: number | null;
  ctimeNs: string | null;
  /** the kept file's identity and ctime (ns) when hashed: checked before any file of its group is acted on */
  keptDev: string;
  keptIno: string;
  keptCtimeNs: string | null;
  /** BLAKE3 (hex) of the group's content */
  digest: string;
  /** hardlink rows: the kept file's identity, the one the duplicate's name will point to */
  destinationDev: string | null;
  destinationIno: string | null;
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
  dedupe?: DedupeFacts;
}

/** How a committed page changes the operation's counters (the journal is the truth; these are its running sums). */
export interface CounterDelta {
  moved?: number;
  skipped?: number;
  failed?: number;
  conflicts?: number;
  rolledBack?: number;
  rollbackConflicts?: number;
  movedBytes?: number;
  rolledBackBytes?: number;
  filesDone?: number;
  bytesDone?: number;
}

const COLUMNS = `r.id, action, source, destination, state, reason, size, mtime_ms AS mtimeMs, dev, ino,
  destination_dev AS destinationDev, destination_ino AS destinationIno, content_hash AS contentHash, kept_mtime_ms AS keptMtimeMs, ctime_ns AS ctimeNs,
  kept_path AS keptPath, kept_dev AS keptDev, kept_ino AS keptIno, kept_ctime_ns AS keptCtimeNs, digest, mode, uid, gid, atime_ms AS atimeMs, error`;
/** A journal row is file_records (what was planned) joined with file_states (how it went so far). */
const ROWS = 'file_records r JOIN file_states s ON s.id = r.id';

/**
 * The journal's hot paths as prepared statements on the raw handle: bulk inserts in large transactions
 * and batched state updates. (drizzle builds a statement per call, which costs more than the rename.)
 */
export function createJournal(database: AppDatabase) {
  const { sqlite } = database;
  const insertRow = sqlite.prepare(`INSERT INTO file_records
    (operation_id, action, source, destination, rule_name, category, conflict_renamed, size, mtime_ms, dev, ino)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertDedupeRow = sqlite.prepare(`INSERT INTO file_records
    (operation_id, action, source, destination, rule_name, category, conflict_renamed, size, mtime_ms, dev, ino,
     kept_path, kept_mtime_ms, ctime_ns, destination_dev, destination_ino, kept_dev, kept_ino, kept_ctime_ns, digest)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertState = sqlite.prepare('INSERT INTO file_states (id, operation_id, state, reason, error) VALUES (?, ?, ?, ?, ?)');
  const updateState = sqlite.prepare('UPDATE file_states SET state = ?, reason = coalesce(?, reason), error = ? WHERE id = ?');
  const updatePlacement = sqlite.prepare(`UPDATE file_records SET destination = coalesce(?, destination),
    destination_dev = coalesce(?, destination_dev), destination_ino = coalesce(?, destination_ino),
    content_hash = coalesce(?, content_hash) WHERE id = ?`);
  const updateAttributes = sqlite.prepare('UPDATE file_records SET mode = ?, uid = ?, gid = ?, atime_ms = ? WHERE id = ?');
  const pageForward = sqlite.prepare(`SELECT ${COLUMNS} FROM ${ROWS}
    WHERE r.operation_id = ? AND r.id > ? AND s.state IN (SELECT value FROM json_each(?)) ORDER BY r.id LIMIT ?`);
  const pageBackward = sqlite.prepare(`SELECT ${COLUMNS} FROM ${ROWS}
    WHERE r.operation_id = ? AND r.id < ? AND s.state IN (SELECT value FROM json_each(?)) ORDER BY r.id DESC LIMIT ?`);
  const idBounds = sqlite.prepare('SELECT min(id) AS low, max(id) AS high FROM file_records WHERE operation_id = ?');
  const pages = createJournalPages(database);
  const discardStates = sqlite.prepare('DELETE FROM file_states WHERE id IN (SELECT id FROM file_records WHERE operation_id = ?)');
  const discardRows = sqlite.prepare('DELETE FROM file_records WHERE operation_id = ?');
  const discardFolders = sqlite.prepare('DELETE FROM folder_records WHERE operation_id = ?');
  const insertFolder = sqlite.prepare('INSERT INTO folder_records (operation_id, path, change) VALUES (?, ?, ?)');
  const deleteFolder = sqlite.prepare('DELETE FROM folder_records WHERE operation_id = ? AND change = ? AND path = ?');
  const foldersOf = sqlite.prepare('SELECT path FROM folder_records WHERE operation_id = ? AND change = ? ORDER BY id');
  // The id range comes first so SQLite walks file_states by its primary key; operation_id filters out rows of
  // another operation planned at the same time.
  const markRange = sqlite.prepare(`UPDATE file_states SET state = ?, reason = NULL, error = NULL
    WHERE id BETWEEN ? AND ? AND operation_id = ? AND state IN (SELECT value FROM json_each(?))`);
  const addCounters = sqlite.prepare(`UPDATE operations SET moved = moved + ?, skipped = skipped + ?, failed = failed + ?,
    conflicts = conflicts + ?, rolled_back = rolled_back + ?, rollback_conflicts = rollback_conflicts + ?,
    moved_bytes = moved_bytes + ?, rolled_back_bytes = rolled_back_bytes + ?,
    files_done = files_done + ?, bytes_done = bytes_done + ?, heartbeat_at = ? WHERE id = ?`);
  // Only rows of operations created later are read (through the operation index), never the whole journal.
  const carriedAway = sqlite.prepare(`SELECT r.content_hash AS contentHash FROM file_records r JOIN file_states s ON s.id = r.id
    WHERE r.operation_id IN (SELECT id FROM operations WHERE created_at >= ? AND id != ?) AND r.source = ? AND r.dev = ? AND r.ino = ?
      AND r.content_hash IS NOT NULL AND s.state = 'rolled_back' ORDER BY r.id DESC LIMIT 1`).pluck();
  const countStates = sqlite.prepare(`SELECT state, reason, conflict_renamed AS conflictRenamed, count(*) AS files, coalesce(sum(size), 0) AS bytes
    FROM ${ROWS} WHERE r.operation_id = ? GROUP BY state, reason, conflict_renamed`);

  /** One row's outcome: its state always, where it went only when that is news (a late rename, a copy's identity). */
  const writeUpdate = (update: JournalUpdate): void => {
    updateState.run(update.state, update.reason ?? null, update.error ?? null, update.id);
    if (update.destination || update.destinationDev || update.destinationIno || update.contentHash) {
      updatePlacement.run(update.destination ?? null, update.destinationDev ?? null, update.destinationIno ?? null, update.contentHash ?? null, update.id);
    }
    if (update.attributes) updateAttributes.run(update.attributes.mode, update.attributes.uid, update.attributes.gid, update.attributes.atimeMs, update.id);
  };

  return {
    /**
     * Insert a batch of plan rows in one transaction. A plan spans many batches; until the operation's
     * `planRecordedAt` is set it has not started, and recovery discards a partial plan.
     */
    insertRows: sqlite.transaction((operationId: string, rows: readonly NewJournalRow[]) => {
      for (const row of rows) {
        const plain = [operationId, row.action, row.source, row.destination, row.ruleName, row.category, row.conflictRenamed ? 1 : 0, row.size, row.mtimeMs, row.dev, row.ino];
        const { lastInsertRowid } = row.dedupe
          ? insertDedupeRow.run(...plain, row.dedupe.keptPath, row.dedupe.keptMtimeMs, row.dedupe.ctimeNs, row.dedupe.destinationDev, row.dedupe.destinationIno,
            row.dedupe.keptDev, row.dedupe.keptIno, row.dedupe.keptCtimeNs, row.dedupe.digest)
          : insertRow.run(...plain);
        insertState.run(lastInsertRowid, operationId, row.state, row.reason, row.error);
      }
    }),
    /** Forget a plan that was never completed (nothing of it ran). */
    discardPlan: sqlite.transaction((operationId: string) => {
      discardStates.run(operationId);
      discardRows.run(operationId);
      discardFolders.run(operationId);
    }),
    /**
     * Write back one page in one transaction: every row of the page in `fromStates` becomes `plainState` with a
     * single range update (most rows simply succeeded), then the exceptions are written one by one, then the
     * operation's counters move on.
     */
    commitPage: sqlite.transaction((operationId: string, page: { firstId: number; lastId: number; fromStates: readonly FileState[]; plainState: FileState },
      exceptions: readonly JournalUpdate[], delta: CounterDelta, now: number) => {
      const low = Math.min(page.firstId, page.lastId);
      const high = Math.max(page.firstId, page.lastId);
      markRange.run(page.plainState, low, high, operationId, JSON.stringify(page.fromStates));
      for (const update of exceptions) writeUpdate(update);
      addCounters.run(delta.moved ?? 0, delta.skipped ?? 0, delta.failed ?? 0, delta.conflicts ?? 0, delta.rolledBack ?? 0,
        delta.rollbackConflicts ?? 0, delta.movedBytes ?? 0, delta.rolledBackBytes ?? 0, delta.filesDone ?? 0, delta.bytesDone ?? 0, now, operationId);
    }),
    /** Rows after `afterId` in plan order, in one of `states`. */
    pageForward(operationId: string, afterId: number, states: readonly FileState[], limit: number): JournalRow[] {
      return pageForward.all(operationId, afterId, JSON.stringify(states), limit) as JournalRow[];
    },
    /** A page of rows by position in plan order (the API's ?limit=&offset=), narrowed by `filter`, and how many rows it keeps. */
    pageAt(operationId: string, filter: JournalFilter, offset: number, limit: number): { rows: ListedJournalRow[]; total: number } {
      return pages.page(operationId, filter, offset, limit);
    },
    /** The lowest and highest row id of an operation (an index lookup each), or undefined for none. */
    idBounds(operationId: string): { low: number; high: number } | undefined {
      const bounds = idBounds.get(operationId) as { low: number | null; high: number | null };
      return bounds.low === null || bounds.high === null ? undefined : { low: bounds.low, high: bounds.high };
    },
    /** Rows before `beforeId`, newest first, in one of `states`. */
    pageBackward(operationId: string, beforeId: number, states: readonly FileState[], limit: number): JournalRow[] {
      return pageBackward.all(operationId, beforeId, JSON.stringify(states), limit) as JournalRow[];
    },
    applyUpdates: sqlite.transaction((updates: readonly JournalUpdate[]) => {
      for (const update of updates) writeUpdate(update);
    }),
    recordFolders: sqlite.transaction((operationId: string, change: 'created' | 'removed', paths: Iterable<string>) => {
      for (const folder of paths) insertFolder.run(operationId, folder, change);
    }),
    forgetFolders: sqlite.transaction((operationId: string, change: 'created' | 'removed', paths: Iterable<string>) => {
      for (const folder of paths) deleteFolder.run(operationId, change, folder);
    }),
    folders(operationId: string, change: 'created' | 'removed'): string[] {
      return (foldersOf.all(operationId, change) as { path: string }[]).map((row) => row.path);
    },
    /** Journal one row's change now (a new destination, before the file goes there). */
    updateRow: sqlite.transaction((update: JournalUpdate): void => writeUpdate(update)),
    /**
     * A later operation that took this very file (same path, device and inode) across devices and has put it
     * back since: its copy's content hash. That run's own journaled copy is why the inode is new.
     */
    carriedAwayBy(operation: { id: string; createdAt: number }, file: { path: string; dev: string; ino: string }): string | undefined {
      return (carriedAway.get(operation.createdAt, operation.id, file.path, file.dev, file.ino) as string | undefined) ?? undefined;
    },
    stateCounts(operationId: string) {
      return countStates.all(operationId) as { state: FileState; reason: string | null; conflictRenamed: number; files: number; bytes: number | null }[];
    },
  };
}
export type Journal = ReturnType<typeof createJournal>;
