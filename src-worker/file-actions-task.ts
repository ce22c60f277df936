import { createFolderDevices, type ExecuteOutcome, executeRow, isPlainSuccess, type JournalUpdate, rollbackRow, type ActionRow } from './row-actions.js';

export interface FileActionsTask {
  phase: 'execute' | 'rollback';
  operationId: string;
  rows: ActionRow[];
}

// One cache per thread and run: a folder's device does not change during a run, but undo may remove a
// folder that the next run creates again.
let cacheOwner = '';
let deviceOf = createFolderDevices();

/**
 * piscina task: carry out a chunk of journal rows on this thread and report each outcome. A row that simply
 * went as planned reports null, which keeps what crosses back between threads small.
 */
export default function runFileActions(task: FileActionsTask): (ExecuteOutcome | JournalUpdate | null)[] {
  if (cacheOwner !== `${task.operationId}:${task.phase}`) {
    cacheOwner = `${task.operationId}:${task.phase}`;
    deviceOf = createFolderDevices();
  }
  return task.rows.map((row) => {
    if (task.phase === 'rollback') {
      const outcome = rollbackRow(row, task.operationId, deviceOf);
      return outcome.state === 'rolled_back' ? null : outcome;
    }
    const outcome = executeRow(row, task.operationId, row.destination as string, deviceOf);
    return isPlainSuccess(row, outcome) ? null : outcome;
  });
}
