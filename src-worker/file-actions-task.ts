import fs from 'node:fs';
import { createFolderDevices, type ExecuteOutcome, executeRow, isPlainSuccess, type JournalUpdate, rollbackRow, type ActionRow } from './row-actions.js';

export type FileActionsTask =
  | { phase: 'execute' | 'rollback'; operationId: string; rows: ActionRow[] }
  /** remove empty folders (rmdir refuses others) or create folders; answers the ones that failed */
  | { phase: 'remove-folders' | 'create-folders'; folders: string[] };

// One cache per thread and run: a folder's device does not change during a run, but undo may remove a
// folder that the next run creates again.
let cacheOwner = '';
let deviceOf = createFolderDevices();

/**
 * piscina task: carry out a chunk of journal rows on this thread and report each outcome. A row that simply
 * went as planned reports null, which keeps what crosses back between threads small.
 */
export default function runFileActions(task: FileActionsTask): (ExecuteOutcome | JournalUpdate | null)[] | string[] {
  if ('folders' in task) return folderActions(task.phase, task.folders);
  const { phase, operationId, rows } = task;
  if (cacheOwner !== `${operationId}:${phase}`) {
    cacheOwner = `${operationId}:${phase}`;
    deviceOf = createFolderDevices();
  }
  return rows.map((row) => {
    if (phase === 'rollback') {
      const outcome = rollbackRow(row, operationId, deviceOf);
      return outcome.state === 'rolled_back' ? null : outcome;
    }
    const outcome = executeRow(row, operationId, row.destination as string, deviceOf);
    return isPlainSuccess(row, outcome) ? null : outcome;
  });
}

function folderActions(phase: 'remove-folders' | 'create-folders', folders: string[]): string[] {
  const failed: string[] = [];
  for (const folder of folders) {
    try {
      if (phase === 'remove-folders') fs.rmdirSync(folder);
      else fs.mkdirSync(folder, { recursive: true });
    } catch {
      failed.push(folder);
    }
  }
  return failed;
}
