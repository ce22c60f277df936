import fs from 'node:fs';
import path from 'node:path';
import { type ActionRow, createRowContext, type ExecuteOutcome, executeRow, type JournalUpdate } from '../../../src-worker/row-actions.js';
import { conflictName } from '../rules/safe-names.js';
import { type EngineContext, type RunHooks } from './engine-context.js';
import { type FileOutcome, isNoteworthy, outcomeOf } from './file-outcomes.js';
import { removeEmptiedFolders, vacatedFoldersFromJournal } from './folder-cleanup.js';
import { type CounterDelta } from './journal.js';
import { anchorsOf } from './operation-request.js';
import { type Operation } from './operation-store.js';
import { runPages } from './page-runner.js';
import { createRunProgress } from './run-progress.js';

/**
 * Executes the planned rows (all of them, or what an interrupted run left), page by page. A page is carried
 * out on the worker pool, then its outcomes are written in one transaction; a crash mid-page is settled by
 * recovery, which checks the disk.
 */
export async function executeOperation(context: EngineContext, operation: Operation, hooks: RunHooks & { resuming: boolean }): Promise<{ stopped: boolean }> {
  const { journal } = context;
  const progress = createRunProgress(context, operation.id, hooks.onProgress, 'execute',
    { files: operation.filesDone, bytes: operation.bytesDone }, { files: operation.filesTotal, bytes: operation.bytesTotal });
  // A resumed run also cleans up after the files its interrupted first part moved.
  const vacated = hooks.resuming ? vacatedFoldersFromJournal(context, operation.id) : new Set<string>();
  const anchors = anchorsOf(operation.request);
  // The destination the user named is made if it is missing ("created if missing"): the rows' moves make the
  // folders below it, through it as their anchor, and an anchor that is not there reads as every source gone.
  // It is the user's folder, named by them: undo leaves it (empty) rather than remove what it did not plan.
  const destination = 'kind' in operation.request ? null : operation.request.destination;
  if (destination) fs.mkdirSync(destination, { recursive: true });
  const rowContext = createRowContext(anchors);

  /**
   * The planned name was taken when the row ran. Usually by a file that an earlier row of the same page was
   * moving away at that moment: now that the page has run, the planned name is tried again. If someone else
   * took it after the plan was made, the policy decides, and nothing is ever replaced.
   */
  const retryTaken = (row: ActionRow): { update: JournalUpdate; conflict: boolean } => {
    const planned = row.destination as string;
    const again = executeRow(row, operation.id, planned, rowContext);
    if (again.state !== 'destination-taken') return { update: again, conflict: false };
    if (operation.request.conflict === 'skip') return { update: { id: row.id, state: 'skipped', reason: 'conflict', error: `${planned} appeared after the plan was made` }, conflict: true };
    for (let counter = 1; ; counter++) {
      const destination = path.join(path.dirname(planned), conflictName(path.basename(planned), counter));
      journal.updateRow({ id: row.id, state: 'planned', destination }); // journaled before the file goes there
      const outcome: ExecuteOutcome = executeRow(row, operation.id, destination, rowContext);
      if (outcome.state !== 'destination-taken') return { update: outcome, conflict: true };
    }
  };

  const { stopped } = await runPages(context, operation.id, { phase: 'execute', states: ['planned'], newestFirst: false, anchors }, (page) => {
    const exceptions: JournalUpdate[] = [];
    const outcomes: FileOutcome[] = [];
    const delta: Required<CounterDelta> = { moved: 0, skipped: 0, failed: 0, conflicts: 0, rolledBack: 0, rollbackConflicts: 0, movedBytes: 0, rolledBackBytes: 0, filesDone: 0, bytesDone: 0 };
    for (const chunk of page.chunks) {
      // Rows not among the exceptions went exactly as planned: the page's one range update records them.
      delta.moved += chunk.rows - chunk.exceptions.length;
      delta.movedBytes += chunk.bytes - chunk.exceptions.reduce((sum, { row }) => sum + row.size, 0);
      for (const folder of chunk.vacated) vacated.add(folder);
      for (const { row, outcome } of chunk.exceptions) {
        const { update, conflict } = outcome.state === 'destination-taken' ? retryTaken(row) : { update: outcome, conflict: false };
        exceptions.push(update);
        if (isNoteworthy(update)) outcomes.push(outcomeOf(row, update));
        if (update.state === 'done') {
          delta.moved++;
          delta.movedBytes += row.size;
          if (row.action !== 'copy') vacated.add(path.dirname(row.source));
        }
        if (update.state === 'skipped') delta.skipped++;
        if (update.state === 'failed') delta.failed++;
        if (conflict) delta.conflicts++;
      }
      progress.chunk(chunk);
      delta.filesDone += chunk.rows;
      delta.bytesDone += chunk.bytes;
    }
    journal.commitPage(operation.id, { firstId: page.firstId, lastId: page.lastId, fromStates: ['planned'], plainState: 'done' }, exceptions, delta, context.clock());
    if (outcomes.length > 0) hooks.onFileOutcomes?.(outcomes);
  }, hooks.signal);
  progress.finish();
  if (stopped) return { stopped }; // folders are cleaned up when the run is resumed to its end
  // Resolving duplicates leaves the folder structure alone (as jdupes and fclones do): an album folder that
  // held only copies stays, empty, where the user expects it.
  if (operation.kind !== 'dedupe') await removeEmptiedFolders(context, operation, vacated);
  return { stopped };
}
