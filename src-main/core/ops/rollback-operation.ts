import { type JournalUpdate } from '../../../src-worker/row-actions.js';
import { type EngineContext, type RunHooks } from './engine-context.js';
import { recreateRemovedFolders, removeCreatedFolders } from './folder-cleanup.js';
import { runPages } from './page-runner.js';
import { type JournalRow } from './journal.js';
import { type Operation } from './operation-store.js';
import { createProgressThrottle } from './progress-throttle.js';

/**
 * Puts every file back, newest first. Never overwrites: a file changed since, gone, or whose old place is taken
 * is left where it is and reported; the rest still roll back. Resumable: rows already rolled back are not read
 * again, and rows that were in conflict are tried again.
 */
export async function rollbackOperation(context: EngineContext, operation: Operation, hooks: RunHooks): Promise<{ stopped: boolean }> {
  const { journal, store } = context;
  const progress = createProgressThrottle({ operationId: operation.id, listener: hooks.onProgress, everyFiles: context.progressEveryFiles, everyMs: context.progressEveryMs });
  // What is left to put back, from the counters the run kept (no pass over the journal).
  const totals = { files: operation.moved - operation.rolledBack, bytes: operation.movedBytes - operation.rolledBackBytes };
  let filesDone = 0;
  let bytesDone = 0;
  const snapshot = (current: string | null) => ({ files_done: filesDone, files_total: totals.files, bytes_done: bytesDone, bytes_total: totals.bytes, current_path: current });
  // Rows in conflict last time are tried again, so their count starts afresh.
  store.update(operation.id, { rollbackConflicts: 0 });

  await recreateRemovedFolders(context, operation.id);
  let cursor = Number.MAX_SAFE_INTEGER;
  const nextPage = (): JournalRow[] => {
    const page = journal.pageBackward(operation.id, cursor, ['done', 'rollback_conflict'], context.pageSize);
    if (page.length > 0) cursor = (page[page.length - 1] as JournalRow).id;
    return page;
  };
  // Going back, a file returns to its origin only after a newer file that took that origin has left it.
  const { stopped } = await runPages(context, operation.id, {
    phase: 'rollback',
    origin: (row) => (row.action === 'copy' ? null : row.destination),
    target: (row) => row.source,
  }, nextPage, (page, outcomes) => {
    const conflicts: JournalUpdate[] = [];
    let rolledBackBytes = 0;
    outcomes.forEach((outcome, index) => {
      const row = page[index] as JournalRow;
      if (outcome !== null) conflicts.push(outcome as JournalUpdate); // null: put back as recorded
      else rolledBackBytes += row.size;
      filesDone++;
      bytesDone += row.size;
      progress.tick('rollback', snapshot(row.destination));
    });
    journal.commitPage(operation.id, { firstId: (page[0] as JournalRow).id, lastId: (page[page.length - 1] as JournalRow).id, fromStates: ['done', 'rollback_conflict'], plainState: 'rolled_back' },
      conflicts, { rolledBack: page.length - conflicts.length, rollbackConflicts: conflicts.length, rolledBackBytes }, context.clock());
  }, hooks.signal);
  progress.flush('rollback', snapshot(null));
  if (!stopped) await removeCreatedFolders(context, operation.id);
  return { stopped };
}
