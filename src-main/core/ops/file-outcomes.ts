import { type FileAction, type FileState } from '../../../src-shared/operation-status.js';
import { type ActionRow, type JournalUpdate } from '../../../src-worker/row-actions.js';
import { type Journal, type JournalRow } from './journal.js';

/**
 * A file that did not go as planned (skipped, failed, or left in place by an undo), as its row was journaled:
 * `reason` is a stable code (skip-reasons.ts), `error` says it in words (for a failure, the OS's own).
 */
export interface FileOutcome {
  id: number;
  action: FileAction;
  source: string;
  destination: string | null;
  state: FileState;
  reason: string | null;
  error: string | null;
  size: number;
}
export type FileOutcomeListener = (outcomes: readonly FileOutcome[]) => void;

/** States a run reports as they happen: everything but the plain success of a page. */
const NOTEWORTHY: ReadonlySet<FileState> = new Set(['skipped', 'failed', 'rollback_conflict']);

export const isNoteworthy = (update: JournalUpdate): boolean => NOTEWORTHY.has(update.state as FileState);

/** One row's outcome as journaled (a reason the update leaves out is the one the row had: the journal keeps it). */
export const outcomeOf = (row: ActionRow, update: JournalUpdate): FileOutcome => ({
  id: row.id, action: row.action, source: row.source, destination: update.destination ?? row.destination,
  state: update.state as FileState, reason: update.reason ?? row.reason ?? null, error: update.error ?? null, size: row.size,
});

/**
 * The rows the plan itself skipped, read back once it is journaled (they have ids only then), for a listener
 * that reports every skipped file. Read only when there are some and someone listens: a pass over the journal.
 */
export function reportPlannedSkips(journal: Journal, operationId: string, skipped: number, listener: FileOutcomeListener | undefined): void {
  if (!listener || skipped === 0) return;
  for (let cursor = 0; ;) {
    const page = journal.pageForward(operationId, cursor, ['skipped'], 5000);
    if (page.length === 0) return;
    listener(page.map((row) => ({
      id: row.id, action: row.action, source: row.source, destination: row.destination, state: row.state, reason: row.reason, error: row.error, size: row.size,
    })));
    cursor = (page[page.length - 1] as JournalRow).id;
  }
}
