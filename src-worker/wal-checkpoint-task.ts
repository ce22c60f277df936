import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { sqliteBinding } from './sqlite-binding.js';

/**
 * A thread that copies the database's write-ahead log into the database file while the main thread goes on
 * (see src-main/core/db/wal-checkpointer.ts for why). PASSIVE never waits for readers or the writer: it
 * copies what it can, and the next round copies the rest.
 */
const { file, everyMs } = workerData as { file: string; everyMs: number };
const database = new Database(file, { fileMustExist: true, ...sqliteBinding() });
database.pragma('busy_timeout = 0');

const timer = setInterval(() => {
  try {
    database.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or briefly unreadable: the main connection's own automatic checkpoint is the backstop.
  }
}, everyMs);

parentPort?.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  database.close();
  parentPort?.close();
});
