import fs from 'node:fs';
import path from 'node:path';
import { type EngineContext, PAGE_SIZE } from './engine-context.js';
import { type Operation } from './operation-store.js';

function isInside(folder: string, root: string): boolean {
  const relative = path.relative(root, folder);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** Folders that files were moved out of, read back from the journal (used when resuming a run). */
export function vacatedFoldersFromJournal(context: EngineContext, operationId: string): Set<string> {
  const folders = new Set<string>();
  let cursor = 0;
  for (;;) {
    const page = context.journal.pageForward(operationId, cursor, ['done'], PAGE_SIZE);
    if (page.length === 0) return folders;
    for (const row of page) {
      cursor = row.id;
      if (row.action !== 'copy') folders.add(path.dirname(row.source));
    }
  }
}

/**
 * Remove the source folders this run emptied, and only those: a folder a file was moved out of, and its
 * parents below the scan root, when nothing at all is left in them. Each removal is journaled first, so undo
 * recreates them.
 */
export function removeEmptiedFolders(context: EngineContext, operation: Operation, vacated: Iterable<string>): void {
  const roots = operation.request.roots;
  const keep = new Set([...roots, ...(operation.request.destination ? [operation.request.destination] : [])]);
  const candidates = [...vacated].sort((a, b) => b.length - a.length); // deepest first
  const visited = new Set<string>();
  for (const start of candidates) {
    let folder = start;
    while (!visited.has(folder) && !keep.has(folder) && roots.some((root) => isInside(folder, root))) {
      visited.add(folder);
      let entries: string[];
      try { entries = fs.readdirSync(folder); } catch { break; }
      if (entries.length > 0) break;
      context.journal.recordFolders(operation.id, 'removed', [folder]);
      try { fs.rmdirSync(folder); } catch { break; }
      folder = path.dirname(folder);
    }
  }
}

/** Undo's side: recreate the removed folders before files come back. */
export function recreateRemovedFolders(context: EngineContext, operationId: string): void {
  for (const folder of context.journal.folders(operationId, 'removed')) fs.mkdirSync(folder, { recursive: true });
}

/** Undo's side: remove the folders the run created, deepest first, where they are empty now. */
export function removeCreatedFolders(context: EngineContext, operationId: string): void {
  const created = context.journal.folders(operationId, 'created').sort((a, b) => b.length - a.length);
  for (const folder of created) {
    try {
      fs.rmdirSync(folder);
    } catch {
      // not empty (the user put something there since) or already gone: leave it
    }
  }
}
