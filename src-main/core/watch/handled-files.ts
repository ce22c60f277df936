import fs from 'node:fs';
import { type AppDatabase } from '../db/open-database.js';

/**
 * A file as the watcher recognizes it again: device and inode as exact decimals, its mtime, size and birth time.
 * Device and inode alone are not enough: a file deleted frees its inode, and the next file made on that disk often
 * gets it (an archive extracted again, a download saved twice); mtime, size and birth time tell the two apart.
 */
export interface FileIdentity {
  dev: string;
  ino: string;
  mtimeMs: number;
  size: number;
  /** 0 where the file system keeps no birth time (then it is not compared) */
  birthtimeMs: number;
}

/** A regular file's identity from its lstat, as the planner reads it (listed-files.ts): undefined for anything else. */
export function identityOf(file: string, stats: fs.Stats | undefined = lstatOrUndefined(file)): FileIdentity | undefined {
  if (!stats?.isFile()) return undefined;
  // Past 2^53 a float cannot hold them: those are read again as bigint.
  const wide = Number.isSafeInteger(stats.dev) && Number.isSafeInteger(stats.ino) ? undefined : fs.lstatSync(file, { bigint: true, throwIfNoEntry: false });
  return {
    dev: (wide?.dev ?? stats.dev).toString(), ino: (wide?.ino ?? stats.ino).toString(), mtimeMs: stats.mtimeMs, size: stats.size,
    birthtimeMs: Number.isFinite(stats.birthtimeMs) && stats.birthtimeMs > 0 ? stats.birthtimeMs : 0,
  };
}

export function lstatOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined; // unreadable on the way: the planner reports it if it is ever planned
  }
}

export interface HandledFile extends FileIdentity {
  folderId: string;
  path: string;
  operationId: string;
}

/**
 * The files the watcher's batches acted on (watch_handled), by identity: a file it placed, or put back by an
 * undo of its batch (recorded again as it lies then: see handled-sync.ts), is never acted on again, so no rule set
 * can make it loop and the category folders it writes into never trigger it. A file changed since (another mtime
 * or size) is new again, and so is a new file that reuses a freed inode (another size or birth time).
 */
export function createHandledFiles(database: AppDatabase, clock: () => number) {
  const { sqlite } = database;
  const read = sqlite.prepare<[string, string], { mtime_ms: number; size: number; birthtime_ms: number }>('SELECT mtime_ms, size, birthtime_ms FROM watch_handled WHERE dev = ? AND ino = ?');
  // Only for a folder still there: one removed meanwhile takes its rows with it (and would fail the foreign key).
  const upsert = sqlite.prepare(`INSERT INTO watch_handled (dev, ino, mtime_ms, size, birthtime_ms, folder_id, path, operation_id, handled_at)
    SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM watched_folders WHERE id = ?)
    ON CONFLICT (dev, ino) DO UPDATE SET mtime_ms = excluded.mtime_ms, size = excluded.size, birthtime_ms = excluded.birthtime_ms,
      folder_id = excluded.folder_id, path = excluded.path, operation_id = excluded.operation_id, handled_at = excluded.handled_at`);
  const recordAll = sqlite.transaction((files: readonly HandledFile[], at: number) => {
    for (const file of files) upsert.run(file.dev, file.ino, file.mtimeMs, file.size, file.birthtimeMs, file.folderId, file.path, file.operationId, at, file.folderId);
  });
  return {
    isHandled(identity: FileIdentity): boolean {
      const known = read.get(identity.dev, identity.ino);
      if (!known || known.mtime_ms !== identity.mtimeMs || known.size !== identity.size) return false;
      // Compared only where both were kept: a file system without birth times (or a row written without one) says 0.
      return known.birthtime_ms === 0 || identity.birthtimeMs === 0 || known.birthtime_ms === identity.birthtimeMs;
    },
    record(files: readonly HandledFile[]): void {
      // Thousands a transaction: a batch of 5000 files is one commit.
      for (let start = 0; start < files.length; start += 5000) recordAll(files.slice(start, start + 5000), clock());
    },
  };
}
export type HandledFiles = ReturnType<typeof createHandledFiles>;
