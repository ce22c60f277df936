import fs from 'node:fs';
import path from 'node:path';
import { readJournalRows } from './journal-reader.js';
import { anchoredRemoveFolder } from './native-moves.js';
import { ensureRealFolder, nativeAnchorBytes } from './real-folders.js';
import { forgetProvenKeptFiles } from './kept-file.js';
import { nativeModule } from './native-module.js';
import { createRowContext, type ExecuteOutcome, executeRow, isPlainSuccess, type JournalUpdate, rollbackRow, type RowContext, type ActionRow } from './row-actions.js';

/** A slice of one page of the journal: the thread reads these rows itself and carries them out. */
export interface JournalChunkTask {
  phase: 'execute' | 'rollback';
  databaseFile: string;
  operationId: string;
  /** ids in [lowId, highId] whose state is one of `states` */
  lowId: number;
  highId: number;
  states: readonly string[];
  /** a progress mark every this many rows */
  progressEvery: number;
  /** the operation's roots (and destination): every folder below them must be a real folder when used */
  anchors: readonly string[];
}

/** What a chunk came to. Rows that simply went as planned are only counted: the page's range update records them. */
export interface ChunkResult {
  rows: number;
  bytes: number;
  /** rows that did not simply go as planned, with what happened (the caller journals each) */
  exceptions: Array<{ row: ActionRow; outcome: ExecuteOutcome | JournalUpdate }>;
  /** folders a file was moved out of (execute): candidates for removal once emptied */
  vacated: string[];
  /** where the chunk had got to, every `progressEvery` rows and at its end: rows and bytes so far, current path */
  marks: Array<{ rows: number; bytes: number; path: string }>;
}

export type FileActionsTask =
  | JournalChunkTask
  /** remove empty folders (rmdir refuses others) or create folders; answers the ones that failed */
  | { phase: 'remove-folders' | 'create-folders'; folders: string[]; anchors: readonly string[] };

/** piscina task: carry out a chunk of journal rows on this thread and report what was not plain success. */
export default function runFileActions(task: FileActionsTask): ChunkResult | string[] {
  if ('folders' in task) return folderActions(task.phase, task.folders, task.anchors);
  const { phase, operationId } = task;
  const context = createRowContext(task.anchors, { cacheFolders: true });
  // The native moves keep the folders of a chunk open: never longer (a folder moved meanwhile is checked anew).
  const forgetFolders = nativeModule().forgetFolders;
  forgetFolders?.();
  forgetProvenKeptFiles();
  try {
    return runChunk(task, context);
  } finally {
    forgetFolders?.();
  }
}

function runChunk(task: JournalChunkTask, context: RowContext): ChunkResult {
  const { phase, operationId } = task;
  const rows = readJournalRows(task.databaseFile, operationId, task.lowId, task.highId, task.states, phase === 'rollback');
  const result: ChunkResult = { rows: rows.length, bytes: 0, exceptions: [], vacated: [], marks: [] };
  const vacated = new Set<string>();
  rows.forEach((row, index) => {
    result.bytes += row.size;
    if (phase === 'rollback') {
      const outcome = rollbackRow(row, operationId, context);
      if (outcome.state !== 'rolled_back') result.exceptions.push({ row, outcome });
    } else {
      const outcome = executeRow(row, operationId, row.destination as string, context);
      if (!isPlainSuccess(row, outcome)) result.exceptions.push({ row, outcome });
      else if (row.action !== 'copy') vacated.add(path.dirname(row.source));
    }
    if ((index + 1) % task.progressEvery === 0 || index === rows.length - 1) {
      result.marks.push({ rows: index + 1, bytes: result.bytes, path: phase === 'rollback' ? row.destination as string : row.source });
    }
  });
  result.vacated = [...vacated];
  return result;
}

/** Folders are made and removed only through real folders: a symlink on the way is refused (the folder fails). */
function folderActions(phase: 'remove-folders' | 'create-folders', folders: string[], anchors: readonly string[]): string[] {
  const failed: string[] = [];
  // Siblings share their parents: each is checked once for the whole batch (the folders removed are not kept).
  const verified = new Set<string>();
  for (const folder of folders) {
    try {
      if (phase === 'remove-folders') {
        const anchorBytes = nativeAnchorBytes(anchors, folder);
        if (anchorBytes > 0) {
          // Relative to its parent opened without following symlinks: a parent swapped for a symlink since it
          // was checked would otherwise lead rmdir to an empty folder wherever it points (issue 15's probe).
          if (anchoredRemoveFolder(folder, anchorBytes).outcome !== 'moved') failed.push(folder);
          continue;
        }
        // rmdir itself refuses a symlink (ENOTDIR), and a folder that is not empty.
        if (ensureRealFolder(anchors, path.dirname(folder), false, verified)) fs.rmdirSync(folder);
      } else ensureRealFolder(anchors, folder, true, verified);
    } catch {
      failed.push(folder);
    }
  }
  return failed;
}
