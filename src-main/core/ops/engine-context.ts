import { type Platform } from '../rules/safe-names.js';
import { type FileActionPool } from './file-action-pool.js';
import { type FileOutcomeListener } from './file-outcomes.js';
import { type Journal } from './journal.js';
import { type OperationStore } from './operation-store.js';
import { type ProgressListener } from './progress-throttle.js';

/** What the execute, rollback and reconcile steps share. */
export interface EngineContext {
  store: OperationStore;
  journal: Journal;
  /** the database file, which the file-action threads open read-only to read their rows */
  databaseFile: string;
  pool: FileActionPool;
  clock: () => number;
  platform: Platform;
  /** journal rows are read, acted on and written back in pages of this size: one transaction a page */
  pageSize: number;
  /** progress at least every this many files ... */
  progressEveryFiles: number;
  /** ... or this many milliseconds */
  progressEveryMs: number;
  /**
   * For tests only: wait this long before starting each page, so that a run lasts long enough to be cancelled
   * or stopped mid-way (FILEORG_TEST_PAGE_DELAY_MS in the CLI). 0 in real use.
   */
  pageDelayMs: number;
}

export interface RunHooks {
  onProgress?: ProgressListener | undefined;
  /** the files a page left skipped, failed or in place (undo), with why, once the page is journaled */
  onFileOutcomes?: FileOutcomeListener | undefined;
  /** abort to stop after the page in flight (Ctrl-C): the operation becomes `interrupted`, ready to resume */
  signal?: AbortSignal | undefined;
}

export const DEFAULT_PAGE_SIZE = 2000;

/**
 * Pages started before the oldest is written back. Four: the file threads then hold enough queued work to
 * ride out a stall of the main thread (SQLite's WAL checkpoint holds it for ~150-250 ms) without running dry.
 * Recovery relies on it: at most this many pages are ever unrecorded.
 */
export const PAGES_IN_FLIGHT = 4;

/** Chunks per file thread and page: a thread that finishes early takes the next chunk instead of waiting. */
export const CHUNKS_PER_THREAD = 2;

export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
