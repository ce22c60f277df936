import fs from 'node:fs';
import { type FileIdentity, readIdentity, sameIdentity } from '../../../src-worker/file-identity.js';
import { hashFile, removeTemporary, temporaryPathFor } from '../../../src-worker/file-transfer.js';
import { createFolderChecks } from '../../../src-worker/real-folders.js';
import { anchorsOf } from './operation-request.js';
import { settleHardlink } from '../../../src-worker/hardlink-actions.js';
import { temporaryTag } from '../../../src-worker/row-actions.js';
import { DEFAULT_PAGE_SIZE, type EngineContext, PAGES_IN_FLIGHT } from './engine-context.js';
import { type JournalRow, type JournalUpdate } from './journal.js';
import { countsFromJournal } from './operation-counts.js';
import { type Operation } from './operation-store.js';

/**
 * Only rows of the pages in flight at the crash can disagree with the journal (a page starts only when the
 * oldest in flight is committed). Past that many pages of consecutive rows found untouched on disk, the rest
 * are untouched too.
 */
const untouchedRunThatEndsTheSearch = (context: EngineContext): number => PAGES_IN_FLIGHT * Math.max(DEFAULT_PAGE_SIZE, context.pageSize);

const sameFile = (a: FileIdentity, b: FileIdentity): boolean => a.dev === b.dev && a.ino === b.ino;

/** Remove the temp file of a row: whether half-written or already linked into place, it is ours. */
function clearTemporary(operation: Operation, target: string, tag: string): FileIdentity | undefined {
  const temporary = temporaryPathFor(target, tag);
  const identity = readIdentity(temporary);
  if (identity) removeTemporary(temporary, BigInt(identity.ino), createFolderChecks(anchorsOf(operation.request))); // never through a symlink
  return identity;
}

/** What a `planned` row actually reached before the crash. undefined: untouched, still to do. */
function settleExecuteRow(operation: Operation, row: JournalRow): JournalUpdate | undefined {
  if (row.action === 'hardlink') return settleHardlink(row, operation.id, 'execute', createFolderChecks(anchorsOf(operation.request)));
  const destination = row.destination as string;
  const temporary = clearTemporary(operation, destination, temporaryTag(operation.id, row.id, 'execute'));
  const source = readIdentity(row.source);
  const placed = readIdentity(destination);
  const done = (identity: FileIdentity, contentHash: string | null): JournalUpdate =>
    ({ id: row.id, state: 'done', destinationDev: identity.dev, destinationIno: identity.ino, contentHash });
  // A copy still under its temp name too was placed by this row and not yet settled by its last check: when
  // it does not prove to be the source (changed during the copy), it is removed, never left as a double.
  const ourCopy = placed !== undefined && temporary !== undefined && sameFile(placed, temporary);
  const notYet = (): JournalUpdate => {
    if (ourCopy) fs.unlinkSync(destination);
    return { id: row.id, state: 'planned' };
  };
  if (!placed) {
    if (source) return temporary ? { id: row.id, state: 'planned' } : undefined;
    return { id: row.id, state: 'failed', reason: 'source-missing', error: `${row.source} disappeared and was not moved by FileOrganizer` };
  }
  if (row.action === 'copy') {
    if (source && placed.size === source.size && hashFile(destination) === hashFile(row.source)) return done(placed, hashFile(destination));
    return notYet();
  }
  if (!source) {
    // The source is gone and the destination holds this file: the last step (unlink) had happened.
    if (sameFile(placed, row) || (placed.dev !== row.dev && placed.size === row.size)) {
      return done(placed, placed.dev !== row.dev ? hashFile(destination) : null);
    }
    return { id: row.id, state: 'failed', reason: 'source-missing', error: `${row.source} disappeared and was not moved by FileOrganizer` };
  }
  if (!sameIdentity(source, row)) return notYet(); // changed by someone: the run will skip it
  if (sameFile(placed, source)) {
    fs.unlinkSync(row.source); // crashed between link and unlink: two names of one file
    return done(placed, null);
  }
  if (placed.dev !== source.dev && placed.size === source.size) {
    const contentHash = hashFile(destination);
    if (contentHash === hashFile(row.source)) {
      fs.unlinkSync(row.source); // the verified copy was in place; only the source's unlink was missing
      return done(placed, contentHash);
    }
  }
  return notYet();
}

/** What a `done` row of an interrupted rollback actually reached. undefined: untouched, still to roll back. */
function settleRollbackRow(operation: Operation, row: JournalRow): JournalUpdate | undefined {
  if (row.action === 'hardlink') return settleHardlink(row, operation.id, 'rollback', createFolderChecks(anchorsOf(operation.request)));
  const destination = row.destination as string;
  const temporary = clearTemporary(operation, row.source, temporaryTag(operation.id, row.id, 'rollback'));
  const placed = readIdentity(destination);
  const back = readIdentity(row.source);
  const ourCopyBack = back !== undefined && temporary !== undefined && sameFile(back, temporary);
  if (row.action === 'copy') return placed ? (temporary ? { id: row.id, state: 'done' } : undefined) : { id: row.id, state: 'rolled_back' };
  if (!placed) return back ? { id: row.id, state: 'rolled_back' } : undefined;
  if (!back) return temporary ? { id: row.id, state: 'done' } : undefined;
  if (sameFile(placed, back)) {
    fs.unlinkSync(destination);
    return { id: row.id, state: 'rolled_back' };
  }
  if (placed.dev !== back.dev && placed.size === back.size && hashFile(destination) === hashFile(row.source)) {
    fs.unlinkSync(destination);
    return { id: row.id, state: 'rolled_back' };
  }
  if (ourCopyBack) fs.unlinkSync(row.source); // copied back but not proven: the undo will check the file again
  return undefined;
}

/**
 * Settles an operation whose owner died: each row that may have been in flight is checked against the disk
 * (finishing a half-done move only where an identical, verified copy exists), stray temp files are removed,
 * and the operation is marked `interrupted` for `resume` or `undo`.
 */
export function reconcileOperation(context: EngineContext, operation: Operation): void {
  const { journal, store } = context;
  if (operation.planRecordedAt === null) {
    // Died while planning: nothing moved, and a partial plan must never run.
    journal.discardPlan(operation.id);
    store.release(operation.id, { status: 'interrupted', finishedAt: context.clock(), error: 'stopped while planning, before anything moved; run organize again' });
    return;
  }
  if (operation.dryRun) {
    store.release(operation.id, { status: 'planned', finishedAt: context.clock() });
    return;
  }
  const rollingBack = operation.phase === 'rollback';
  let cursor = rollingBack ? Number.MAX_SAFE_INTEGER : 0;
  let untouchedRun = 0;
  const enough = untouchedRunThatEndsTheSearch(context);
  while (untouchedRun < enough) {
    const page = rollingBack
      ? journal.pageBackward(operation.id, cursor, ['done'], context.pageSize)
      : journal.pageForward(operation.id, cursor, ['planned'], context.pageSize);
    if (page.length === 0) break;
    const updates: JournalUpdate[] = [];
    for (const row of page) {
      cursor = row.id;
      const update = rollingBack ? settleRollbackRow(operation, row) : settleExecuteRow(operation, row);
      if (update) { updates.push(update); untouchedRun = 0; } else if (++untouchedRun >= enough) break;
    }
    journal.applyUpdates(updates);
  }
  const counts = countsFromJournal(journal, operation.id);
  store.release(operation.id, {
    status: 'interrupted',
    moved: counts.moved, skipped: counts.skipped, failed: counts.failed, conflicts: counts.conflicts,
    rolledBack: counts.rolledBack, rollbackConflicts: counts.rollbackConflicts, movedBytes: counts.movedBytes, rolledBackBytes: counts.rolledBackBytes,
    filesDone: operation.filesTotal - counts.pending, bytesDone: operation.bytesTotal - counts.pendingBytes,
    error: `interrupted during ${rollingBack ? 'undo' : 'the run'}; run "fileorg ${rollingBack ? 'undo' : 'resume'} ${operation.id}" to finish it, or "fileorg undo ${operation.id}" to roll it back`,
  });
}
