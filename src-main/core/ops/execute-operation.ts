import path from 'node:path';
import { createFolderDevices, type ExecuteOutcome, executeRow, isPlainSuccess, type JournalUpdate } from '../../../src-worker/row-actions.js';
import { conflictName } from '../rules/safe-names.js';
import { type EngineContext, type RunHooks } from './engine-context.js';
import { removeEmptiedFolders, vacatedFoldersFromJournal } from './folder-cleanup.js';
import { type CounterDelta, type JournalRow } from './journal.js';
import { type Operation } from './operation-store.js';
import { runPages } from './page-runner.js';
import { createProgressThrottle } from './progress-throttle.js';

/** Where the rows to execute come from: the plan just recorded (still in memory), or the journal (resume). */
export type PlannedPages = () => JournalRow[];

export function journalPages(context: EngineContext, operationId: string): PlannedPages {
  let cursor = 0;
  return () => {
    const page = context.journal.pageForward(operationId, cursor, ['planned'], context.pageSize);
    if (page.length > 0) cursor = (page[page.length - 1] as JournalRow).id;
    return page;
  };
}

/**
 * Executes the planned rows, page by page. A page is carried out on the worker pool, then its outcomes are
 * written in one transaction; a crash mid-page is settled by recovery, which checks the disk.
 */
export async function executeOperation(context: EngineContext, operation: Operation, hooks: RunHooks & { pages: PlannedPages; resuming: boolean }): Promise<{ stopped: boolean }> {
  const { journal } = context;
  let filesDone = operation.filesDone;
  let bytesDone = operation.bytesDone;
  const progress = createProgressThrottle({ operationId: operation.id, listener: hooks.onProgress, everyFiles: context.progressEveryFiles, everyMs: context.progressEveryMs });
  const snapshot = (current: string | null) => ({ files_done: filesDone, files_total: operation.filesTotal, bytes_done: bytesDone, bytes_total: operation.bytesTotal, current_path: current });
  // A resumed run also cleans up after the files its interrupted first part moved.
  const vacated = hooks.resuming ? vacatedFoldersFromJournal(context, operation.id) : new Set<string>();
  const deviceOf = createFolderDevices();

  /** Someone took the name after the plan was made: the policy decides, and nothing is ever replaced. */
  const resolveTaken = (row: JournalRow): JournalUpdate => {
    const planned = row.destination as string;
    if (operation.request.conflict === 'skip') return { id: row.id, state: 'skipped', reason: 'conflict', error: `${planned} appeared after the plan was made` };
    for (let counter = 1; ; counter++) {
      const destination = path.join(path.dirname(planned), conflictName(path.basename(planned), counter));
      journal.updateRow({ id: row.id, state: 'planned', destination }); // journaled before the file goes there
      const outcome: ExecuteOutcome = executeRow(row, operation.id, destination, deviceOf);
      if (outcome.state !== 'destination-taken') return outcome;
    }
  };

  const { stopped } = await runPages(context, operation.id, {
    phase: 'execute',
    origin: (row) => (row.action === 'copy' ? null : row.source),
    target: (row) => row.destination as string,
  }, hooks.pages, (page, outcomes) => {
    const exceptions: JournalUpdate[] = [];
    const delta: Required<CounterDelta> = { moved: 0, skipped: 0, failed: 0, conflicts: 0, rolledBack: 0, rollbackConflicts: 0, movedBytes: 0, rolledBackBytes: 0, filesDone: 0, bytesDone: 0 };
    outcomes.forEach((outcome, index) => {
      const row = page[index] as JournalRow;
      // null: it went as planned, and the page's one range update records it.
      const taken = outcome?.state === 'destination-taken';
      const update: JournalUpdate = outcome === null ? { id: row.id, state: 'done' } : taken ? resolveTaken(row) : outcome as JournalUpdate;
      if (outcome !== null && !(update.state === 'done' && isPlainSuccess(row, update))) exceptions.push(update);
      if (update.state === 'done') {
        delta.moved++;
        delta.movedBytes += row.size;
        if (row.action !== 'copy') vacated.add(path.dirname(row.source));
      }
      if (update.state === 'skipped') delta.skipped++;
      if (update.state === 'failed') delta.failed++;
      if (taken) delta.conflicts++;
      delta.filesDone++;
      delta.bytesDone += row.size;
      filesDone++;
      bytesDone += row.size;
      progress.tick('execute', snapshot(row.source));
    });
    const firstId = (page[0] as JournalRow).id;
    const lastId = (page[page.length - 1] as JournalRow).id;
    journal.commitPage(operation.id, { firstId, lastId, fromStates: ['planned'], plainState: 'done' }, exceptions, delta, context.clock());
  }, hooks.signal);
  progress.flush('execute', snapshot(null));
  if (stopped) return { stopped }; // folders are cleaned up when the run is resumed to its end
  await removeEmptiedFolders(context, operation, vacated);
  return { stopped };
}
