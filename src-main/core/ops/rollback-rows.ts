import { createRowContext, type JournalUpdate, rollbackRow } from '../../../src-worker/row-actions.js';
import { type EngineContext, yieldToEventLoop } from './engine-context.js';
import { type JournalRow } from './journal.js';
import { anchorsOf } from './operation-request.js';
import { type Operation } from './operation-store.js';

/** Rows put back a transaction (fewer with a smaller page size): their states and the operation's counters move together. */
const ROWS_PER_TRANSACTION = 500;

/** A chosen row that was not put back, and why (a rollback conflict's reason, or `not-done`). */
export interface RowLeft {
  id: number;
  source: string | null;
  reason: string;
  message: string;
}

/**
 * Put chosen files of an operation back where they were (a restore of some quarantined files), newest first,
 * each through the row action undo uses: never over another file, and never a file changed since it was moved.
 * Journaled as undo journals: each batch's rows become `rolled_back` and the operation's rolled-back counters
 * move in one transaction. A file that cannot go back is left where it is and its row stays `done` (it is
 * still where the operation put it, so it stays listed); it is answered with the conflict's reason. The
 * caller holds the operation's lease. When `signal` aborts (a cancel), it stops between batches: the rows not
 * reached by then are answered in `notReached`, untouched and still `done`.
 */
export async function rollbackChosenRows(context: EngineContext, operation: Operation, rowIds: readonly number[], signal?: AbortSignal):
  Promise<{ rolledBack: number[]; left: RowLeft[]; notReached: number[] }> {
  const rowContext = createRowContext(anchorsOf(operation.request));
  const rolledBack: number[] = [];
  const left: RowLeft[] = [];
  // A row is acted on only while it is `done`: the file is where the operation put it, as far as the journal knows.
  const doneRow = (id: number): JournalRow | undefined => {
    const [row] = context.journal.pageForward(operation.id, id - 1, ['done'], 1);
    return row?.id === id ? row : undefined;
  };
  const newestFirst = [...new Set(rowIds)].sort((a, b) => b - a);
  const batchSize = Math.max(1, Math.min(ROWS_PER_TRANSACTION, context.pageSize));
  for (let start = 0; start < newestFirst.length; start += batchSize) {
    // The test-only delay comes before the check, as before a page of a run, so that a cancel it lets in counts.
    if (context.pageDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, context.pageDelayMs));
    if (signal?.aborted) return { rolledBack, left, notReached: newestFirst.slice(start) };
    const updates: JournalUpdate[] = [];
    let bytes = 0;
    for (const id of newestFirst.slice(start, start + batchSize)) {
      const row = doneRow(id);
      if (!row) {
        left.push({ id, source: null, reason: 'not-done', message: `row ${id} of operation ${operation.id} is not a file the operation moved and left in place` });
        continue;
      }
      const update = rollbackRow(row, operation.id, rowContext);
      if (update.state === 'rolled_back') {
        updates.push({ id: row.id, state: 'rolled_back' });
        rolledBack.push(row.id);
        bytes += row.size;
      } else {
        left.push({ id: row.id, source: row.source, reason: update.reason ?? 'error', message: update.error ?? `${row.source} could not be put back` });
      }
    }
    // No range of rows goes over to rolled_back here (an empty range): only the rows listed, and the counters.
    context.journal.commitPage(operation.id, { firstId: 0, lastId: -1, fromStates: [], plainState: 'rolled_back' }, updates,
      { rolledBack: updates.length, rolledBackBytes: bytes }, context.clock());
    await yieldToEventLoop();
  }
  return { rolledBack, left, notReached: [] };
}
