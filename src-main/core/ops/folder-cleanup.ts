import path from 'node:path';
import { isInside } from '../scan/is-inside.js';
import { type EngineContext } from './engine-context.js';
import { anchorsOf } from './operation-request.js';
import { type Operation } from './operation-store.js';


/** Folders that files were moved out of, read back from the journal (used when resuming a run). */
export function vacatedFoldersFromJournal(context: EngineContext, operationId: string): Set<string> {
  const folders = new Set<string>();
  let cursor = 0;
  for (;;) {
    const page = context.journal.pageForward(operationId, cursor, ['done'], context.pageSize);
    if (page.length === 0) return folders;
    for (const row of page) {
      cursor = row.id;
      if (row.action !== 'copy') folders.add(path.dirname(row.source));
    }
  }
}

/**
 * Remove the source folders this run emptied, and only those: a folder a file was moved out of, and its
 * parents below the scan root, when nothing at all is left in them. Journaled first: each depth's candidates
 * are recorded, rmdir (which refuses a folder that is not empty) removes what it can, and the records of the
 * folders that stayed are dropped. Undo recreates what is recorded.
 */
export async function removeEmptiedFolders(context: EngineContext, operation: Operation, vacated: Iterable<string>): Promise<void> {
  const roots = operation.request.roots;
  const keep = new Set([...roots, ...(operation.request.destination ? [operation.request.destination] : [])]);
  const depth = (folder: string): number => folder.split(path.sep).length;
  const eligible = (folder: string): boolean => !keep.has(folder) && roots.some((root) => isInside(folder, root));
  // Deepest first, so a parent is tried only after all its vacated children were.
  const byDepth = new Map<number, Set<string>>();
  const add = (folder: string): void => {
    if (!eligible(folder)) return;
    const level = byDepth.get(depth(folder)) ?? new Set<string>();
    level.add(folder);
    byDepth.set(depth(folder), level);
  };
  for (const folder of vacated) add(folder);
  for (let level = Math.max(0, ...byDepth.keys()); level > 0; level--) {
    const candidates = [...(byDepth.get(level) ?? [])];
    if (candidates.length === 0) continue;
    context.journal.recordFolders(operation.id, 'removed', candidates);
    // Folders of one depth do not contain each other, so the pool may remove them in any order.
    const stayed = await context.pool.folders('remove-folders', candidates, anchorsOf(operation.request)); // not empty (or not ours): kept
    const kept = new Set(stayed);
    for (const folder of candidates) if (!kept.has(folder)) add(path.dirname(folder));
    context.journal.forgetFolders(operation.id, 'removed', stayed);
  }
}

/** Undo's side: recreate the removed folders before files come back (mkdir -p, so any order will do). */
export async function recreateRemovedFolders(context: EngineContext, operation: Operation): Promise<void> {
  await context.pool.folders('create-folders', context.journal.folders(operation.id, 'removed'), anchorsOf(operation.request));
}

/**
 * Undo's side: remove the folders the run created, deepest first, where they are empty now (a folder the user
 * has put something in since stays). Each depth goes to the pool at once: siblings do not contain each other.
 */
export async function removeCreatedFolders(context: EngineContext, operation: Operation): Promise<void> {
  const byDepth = new Map<number, string[]>();
  for (const folder of context.journal.folders(operation.id, 'created')) {
    const depth = folder.split(path.sep).length;
    byDepth.set(depth, [...(byDepth.get(depth) ?? []), folder]);
  }
  for (const depth of [...byDepth.keys()].sort((a, b) => b - a)) await context.pool.folders('remove-folders', byDepth.get(depth) ?? [], anchorsOf(operation.request));
}
