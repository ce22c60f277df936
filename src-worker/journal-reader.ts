import Database from 'better-sqlite3';
import { type ActionRow } from './row-actions.js';
import { sqliteBinding } from './sqlite-binding.js';

/**
 * File-action threads read the journal rows they act on themselves, through a read-only connection of their
 * own (WAL lets readers run beside the one writer). Measured at 100k files: reading rows on the main thread
 * and cloning them to the threads cost more main-thread time than the moves left it, on two cores.
 */
const connections = new Map<string, Database.Database>();
const statements = new Map<string, Database.Statement>();

function connection(file: string): Database.Database {
  let database = connections.get(file);
  if (!database) {
    database = new Database(file, { readonly: true, fileMustExist: true, ...sqliteBinding() });
    database.pragma('busy_timeout = 5000');
    connections.set(file, database);
  }
  return database;
}

type RawRow = [number, ActionRow['action'], string, string | null, number, number, string, string, string | null, string | null, string | null, number | null, string | null, string | null,
  string | null, string | null, string | null, string | null, string | null, number | null, number | null, number | null, number | null];

/** Rows of one operation with ids in [lowId, highId] and a state among `states`, in journal order or reversed. */
export function readJournalRows(file: string, operationId: string, lowId: number, highId: number, states: readonly string[], newestFirst: boolean): ActionRow[] {
  const key = `${file}\n${newestFirst}`;
  let statement = statements.get(key);
  if (!statement) {
    // Walks file_states by its primary key over the id range (a third faster than the operation index of
    // file_records), then fetches each row's plan by rowid.
    statement = connection(file).prepare(`SELECT r.id, action, source, destination, size, mtime_ms, dev, ino, destination_dev, destination_ino, content_hash,
      kept_mtime_ms, ctime_ns, reason, kept_path, kept_dev, kept_ino, kept_ctime_ns, digest, mode, uid, gid, atime_ms
      FROM file_states s JOIN file_records r ON r.id = s.id
      WHERE s.id BETWEEN ? AND ? AND s.operation_id = ? AND s.state IN (SELECT value FROM json_each(?))
      ORDER BY s.id ${newestFirst ? 'DESC' : 'ASC'}`).raw();
    statements.set(key, statement);
  }
  return (statement.all(lowId, highId, operationId, JSON.stringify(states)) as RawRow[]).map((raw) => ({
    id: raw[0], action: raw[1], source: raw[2], destination: raw[3], size: raw[4], mtimeMs: raw[5], dev: raw[6], ino: raw[7],
    destinationDev: raw[8], destinationIno: raw[9], contentHash: raw[10], keptMtimeMs: raw[11], ctimeNs: raw[12], reason: raw[13],
    keptPath: raw[14], keptDev: raw[15], keptIno: raw[16], keptCtimeNs: raw[17], digest: raw[18],
    mode: raw[19], uid: raw[20], gid: raw[21], atimeMs: raw[22],
  }));
}
