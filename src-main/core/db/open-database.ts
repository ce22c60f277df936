import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { sqliteBinding } from '../../../src-worker/sqlite-binding.js';
import { makeDataFolder } from '../data-dir.js';
import { dataFolderError } from './data-folder-error.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
export interface AppDatabase {
  /** drizzle for ordinary queries */
  orm: BetterSQLite3Database<Schema>;
  /** the raw handle, for prepared statements on hot paths (bulk journal writes) */
  sqlite: Database.Database;
  close(): void;
}

/** drizzle-kit writes migrations to <project>/drizzle; find it from wherever this file was built to. */
function findMigrationsFolder(): string {
  let directory = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(directory, 'drizzle');
    if (fs.existsSync(path.join(candidate, 'meta', '_journal.json'))) return candidate;
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error('FileOrganizer is installed without its database migrations (drizzle/): reinstall it');
    directory = parent;
  }
}

const sleepSync = (ms: number): void => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); };

/**
 * Two processes can open a new data folder at the same moment (the app and the CLI, say). Setting it up is
 * not atomic: switching to WAL needs the file to itself and answers "database is locked" rather than wait
 * when the other is mid-setup, and drizzle's migrator reads which migrations are applied before it takes the
 * write lock, so both may decide to create the tables and the second fails on "table already exists" (its
 * transaction is rolled back). Each setup step is idempotent, so it is tried again: the next attempt finds
 * the first opener's work done. A real error fails every attempt and is thrown.
 */
function whileAnotherOpenerSetsUp<T>(step: () => T): T {
  for (let attempt = 1; ; attempt++) {
    try {
      return step();
    } catch (error) {
      if (attempt === 5) throw error;
      sleepSync(20 * attempt);
    }
  }
}

/**
 * The database holds every user's history (each file's old and new path), so it is readable by this user alone,
 * whatever the data folder's mode (a folder the user made may let others in). SQLite makes a new database 0644
 * (less the umask), and its -wal and -shm files with the database's own mode; better-sqlite3 has no option for
 * either. So a new database starts here as an empty file made 0600 (SQLite takes an empty file for a new
 * database), and one of this user's that others may read (made before) is narrowed to 0600, -wal and -shm too.
 */
function keepDatabasePrivate(file: string): void {
  if (process.platform === 'win32') return; // the data folder sits in the user's profile, which ACLs guard
  try {
    fs.closeSync(fs.openSync(file, 'wx', 0o600));
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  for (const each of [file, `${file}-wal`, `${file}-shm`]) {
    const stats = fs.lstatSync(each, { throwIfNoEntry: false });
    if (!stats?.isFile() || stats.uid !== process.getuid?.() || (stats.mode & 0o077) === 0) continue;
    try { fs.chmodSync(each, stats.mode & 0o700); } catch { /* a read-only disk: opening it says what is wrong */ }
  }
}

/** Opens (creating if needed) the database file, applies migrations and makes sure the local profile exists. */
export function openDatabase(file: string, clock: () => number = Date.now): AppDatabase {
  if (file !== ':memory:') {
    makeDataFolder(path.dirname(file));
    keepDatabasePrivate(file);
  }
  // The CLI, `serve` and the app share the file; wait for a writer rather than fail at once.
  const sqlite = new Database(file, { timeout: 10_000, ...sqliteBinding() });
  try {
    whileAnotherOpenerSetsUp(() => sqlite.pragma('journal_mode = WAL'));
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    // A run inserts its whole journal and then rewrites it page by page; checkpointing every 64 MiB of WAL
    // instead of every 4 MiB copies each database page once per run instead of several times.
    sqlite.pragma('wal_autocheckpoint = 16384');
    const orm = drizzle(sqlite, { schema });
    const migrationsFolder = findMigrationsFolder();
    whileAnotherOpenerSetsUp(() => migrate(orm, { migrationsFolder }));
    orm.insert(schema.users).values({
      id: schema.LOCAL_USER_ID, username: 'local', displayName: 'Local profile', isLocalProfile: true, createdAt: clock(),
    }).onConflictDoNothing().run();
    return { orm, sqlite, close: () => sqlite.close() };
  } catch (error) {
    sqlite.close(); // a damaged or unwritable file: nothing holds it open after the refusal
    throw error;
  }
}

export function databaseFileIn(dataDir: string): string {
  return path.join(dataDir, 'fileorganizer.db');
}

/**
 * The database of a data folder. A folder that cannot be used (read-only, full, a damaged database) is refused
 * with E_DATA_FOLDER, naming the folder and what to do, instead of SQLite's or the OS's bare words.
 */
export function openDatabaseIn(dataDir: string, clock: () => number = Date.now): AppDatabase {
  try {
    return openDatabase(databaseFileIn(dataDir), clock);
  } catch (error) {
    throw dataFolderError(error, dataDir, { osErrors: true }) ?? error;
  }
}
