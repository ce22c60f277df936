import { type Platform } from '../rules/safe-names.js';
import { type Journal } from './journal.js';
import { type OperationStore } from './operation-store.js';
import { type ProgressListener } from './progress-throttle.js';

/** What the execute, rollback and reconcile steps share. */
export interface EngineContext {
  store: OperationStore;
  journal: Journal;
  clock: () => number;
  platform: Platform;
  /** progress at least every this many files ... */
  progressEveryFiles: number;
  /** ... or this many milliseconds */
  progressEveryMs: number;
}

export interface RunHooks {
  onProgress?: ProgressListener | undefined;
}

/** Journal rows are read and written back in pages of this size: one transaction a page. */
export const PAGE_SIZE = 2000;

/** Temp names are derived from the journal row, so recovery knows exactly which temp file belongs to which row. */
export const temporaryTag = (operationId: string, rowId: number, phase: 'execute' | 'rollback'): string =>
  `${operationId.slice(0, 8)}-${phase === 'execute' ? '' : 'r'}${rowId}`;

export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
