import { readIdentity } from '../../../src-worker/file-identity.js';
import { type ActionRow, createRowContext, type JournalUpdate, rollbackRow } from '../../../src-worker/row-actions.js';
import { type EngineContext, type RunHooks } from './engine-context.js';
import { type FileOutcome, outcomeOf } from './file-outcomes.js';
import { recreateRemovedFolders, removeCreatedFolders } from './folder-cleanup.js';
import { anchorsOf } from './operation-request.js';
import { runPages } from './page-runner.js';
import { type Operation } from './operation-store.js';
import { createRunProgress } from './run-progress.js';

/**
 * Puts every file back, newest first. Never overwrites: a file changed since, gone, or whose old place is taken
 * is left where it is and reported; the rest still roll back. Resumable: rows already rolled back are not read
 * again, and rows that were in conflict are tried again.
 */
export async function rollbackOperation(context: EngineContext, operation: Operation, hooks: RunHooks): Promise<{ stopped: boolean }> {
  const { journal, store } = context;
  // What is left to put back, from the counters the run kept (no pass over the journal).
  const progress = createRunProgress(context, operation.id, hooks.onProgress, 'rollback', { files: 0, bytes: 0 },
    { files: operation.moved - operation.rolledBack, bytes: operation.movedBytes - operation.rolledBackBytes });
  // Rows in conflict last time are tried again, so their count starts afresh.
  store.update(operation.id, { rollbackConflicts: 0 });

  await recreateRemovedFolders(context, operation);
  const anchors = anchorsOf(operation.request);
  const rowContext = createRowContext(anchors);
  /**
   * A file this run moved may have been moved on by a later run across devices and put back by its undo: the
   * same content under a new inode. Proven by that run's journal (it took this very inode from here) and by
   * the content hash its copy recorded, the file is put back as unchanged.
   */
  const rollbackCarriedBack = (row: ActionRow, first: JournalUpdate): JournalUpdate => {
    if (row.action === 'copy' || row.action === 'hardlink' || row.contentHash) return first;
    // Only a file the same in all but its inode is worth asking the journal about (it reads later operations).
    const placed = readIdentity(row.destination as string);
    if (!placed || placed.size !== row.size || placed.mtimeMs !== row.mtimeMs || placed.ino === (row.destinationIno ?? row.ino)) return first;
    const contentHash = journal.carriedAwayBy(operation, { path: row.destination as string, dev: row.destinationDev ?? row.dev, ino: row.destinationIno ?? row.ino });
    if (!contentHash) return first;
    return rollbackRow({ ...row, destinationDev: placed.dev, destinationIno: placed.ino, contentHash }, operation.id, rowContext);
  };
  // Rows of a page run concurrently: a file whose old place was still held by a newer file of the same page,
  // not yet moved back, is tried again once the page has run (going back, the newer file leaves first).
  const { stopped } = await runPages(context, operation.id, { phase: 'rollback', states: ['done', 'rollback_conflict'], newestFirst: true, anchors }, (page) => {
    const conflicts: JournalUpdate[] = [];
    const outcomes: FileOutcome[] = [];
    let rolledBack = 0;
    let rolledBackBytes = 0;
    for (const chunk of page.chunks) {
      rolledBack += chunk.rows;
      rolledBackBytes += chunk.bytes;
      for (const { row, outcome } of chunk.exceptions) {
        const first = outcome as JournalUpdate; // rollback answers journal updates only
        const update = first.reason === 'original-place-taken' ? rollbackRow(row, operation.id, rowContext)
          : first.reason === 'changed-since-organize' ? rollbackCarriedBack(row, first) : first;
        if (update.state === 'rolled_back') continue; // the page's range update records it
        conflicts.push(update);
        outcomes.push(outcomeOf(row, update));
        rolledBack--;
        rolledBackBytes -= row.size;
      }
      progress.chunk(chunk);
    }
    journal.commitPage(operation.id, { firstId: page.firstId, lastId: page.lastId, fromStates: ['done', 'rollback_conflict'], plainState: 'rolled_back' },
      conflicts, { rolledBack, rollbackConflicts: conflicts.length, rolledBackBytes }, context.clock());
    if (outcomes.length > 0) hooks.onFileOutcomes?.(outcomes);
  }, hooks.signal);
  progress.finish();
  if (!stopped) await removeCreatedFolders(context, operation);
  return { stopped };
}
