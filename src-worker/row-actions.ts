import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readIdentity, sameIdentity } from './file-identity.js';
import { ChangedDuringMove, hashFile, removeFile, transferFile } from './file-transfer.js';
import { executeHardlink, rollbackHardlink } from './hardlink-actions.js';
import { checkKeptFile } from './kept-file.js';
import { fastMove, nativeMovesAvailable } from './native-moves.js';
import { FileRefused } from './open-regular-file.js';
import { anchorBytes, anchorOf, createFolderChecks, FolderRefused, folderRefused } from './real-folders.js';
import { pauseForTest } from './test-pause.js';
import { describeError } from '../src-shared/errors.js';
import { failureReasonOf, type RollbackConflictReason } from '../src-shared/skip-reasons.js';

/** A journal row as the file actions need it (plain data: it crosses to worker threads). */
export interface ActionRow {
  id: number;
  action: 'move' | 'copy' | 'rename' | 'hardlink';
  source: string;
  destination: string | null;
  size: number;
  mtimeMs: number;
  dev: string;
  ino: string;
  destinationDev: string | null;
  destinationIno: string | null;
  contentHash: string | null;
  /** hardlink rows: the kept file's mtime when hashed (its device and inode are destinationDev/destinationIno) */
  keptMtimeMs?: number | null;
  /** hardlink rows: the source's ctime (ns) when hashed */
  ctimeNs?: string | null;
  /** why the row is as it is: 'trashed' once the quarantine was emptied of this file */
  reason?: string | null;
  /** duplicate resolution: the kept file of this row's group, its identity and ctime (ns) when hashed */
  keptPath?: string | null;
  keptDev?: string | null;
  keptIno?: string | null;
  keptCtimeNs?: string | null;
  /** duplicate resolution: BLAKE3 (hex) of the group's content */
  digest?: string | null;
  /** the file's own permissions, owner, group and atime when it was acted on (hard links) */
  mode?: number | null;
  uid?: number | null;
  gid?: number | null;
  atimeMs?: number | null;
}

/** A file's own attributes, recorded when acting on it destroys the separate file (a hard link). */
export interface RecordedAttributes { mode: number; uid: number; gid: number; atimeMs: number }

/** What happened to one row; written back to the journal. */
export interface JournalUpdate {
  id: number;
  state: 'planned' | 'done' | 'skipped' | 'failed' | 'rolled_back' | 'rollback_conflict';
  reason?: string | null;
  error?: string | null;
  destination?: string | null;
  destinationDev?: string | null;
  destinationIno?: string | null;
  contentHash?: string | null;
  attributes?: RecordedAttributes;
}

/** The destination name was taken after planning: the caller applies the conflict policy (and journals it). */
export interface DestinationTaken { id: number; state: 'destination-taken' }
export type ExecuteOutcome = JournalUpdate | DestinationTaken;

/** Temp names are derived from the journal row, so recovery knows exactly which temp file is whose. */
export const temporaryTag = (operationId: string, rowId: number, phase: 'execute' | 'rollback'): string =>
  `${operationId.slice(0, 8)}-${phase === 'execute' ? '' : 'r'}${rowId}`;

/** A failed row: the OS error's stable class as its reason, the OS's words as its error. */
const failed = (row: ActionRow, error: unknown): JournalUpdate =>
  ({ id: row.id, state: 'failed', reason: failureReasonOf((error as NodeJS.ErrnoException | undefined)?.code), error: describeError(error) });

/**
 * What a thread's row actions share for one run: the roots its paths lie below (every folder under them must
 * be a real folder when used), and the device of a folder, created (one checked component at a time) if needed.
 */
export function createRowContext(anchors: readonly string[] = [], options: { cacheFolders?: boolean } = {}) {
  const anchorLengths = new Map<string | undefined, number>(anchors.map((anchor) => [anchor, anchorBytes([anchor], anchor)]));
  return {
    anchors,
    /** the native moves may keep folders open (a worker thread's chunk, which forgets them when it ends) */
    cacheFolders: options.cacheFolders ?? false,
    /** the UTF-8 length of the anchor `target` lies below (0: none), for the native move */
    anchorBytesOf: (target: string): number => anchorLengths.get(anchorOf(anchors, target)) ?? 0,
    /** the folders the rows use, checked when first used and then each time still the same folder */
    folders: createFolderChecks(anchors),
  };
}
export type RowContext = ReturnType<typeof createRowContext>;

/** What a refusal met while putting a file back is called among the rollback conflicts (see skip-reasons.ts). */
function rollbackReasonOf(reason: string | undefined): RollbackConflictReason {
  if (reason === 'symlink-in-path') return 'symlink-in-path';
  if (reason === 'source-missing') return 'missing';
  if (reason === undefined) return 'error';
  return 'changed-since-organize'; // changed during the move back, changed since, or no longer a regular file
}

/** A refusal the engine names (a symlink on the way, not a regular file, changed mid-move) or an OS failure. */
function refusedOrFailed(row: ActionRow, error: unknown, conflict: boolean): JournalUpdate {
  const reason = error instanceof FolderRefused || error instanceof FileRefused || error instanceof ChangedDuringMove ? error.reason : undefined;
  if (conflict) return { id: row.id, state: 'rollback_conflict', reason: rollbackReasonOf(reason), error: describeError(error) };
  return reason ? { id: row.id, state: 'skipped', reason, error: describeError(error) } : failed(row, error);
}

/** Carry out one planned row: check the file is as planned, then put it in place without replacing anything. */
export function executeRow(row: ActionRow, operationId: string, destination: string, context: RowContext): ExecuteOutcome {
  try {
    if (row.action === 'hardlink') return executeHardlink(row, operationId, context.folders);
    pauseForTest('before-move', row.source);
    if (row.keptPath) {
      // Quarantine: the group's kept file is checked like the file that goes, so the last copy never goes.
      const refused = checkKeptFile(row, row.keptPath, row.keptDev, row.keptIno);
      if (refused) return refused;
    }
    if (row.action !== 'copy') {
      // The plain case in one native call, making the destination's missing folders; a symlink on the way is
      // refused here and never tried by path. It answers not-done (having changed nothing) for anything else.
      const fast = fastMove(row.source, destination, row, context.anchorBytesOf(row.source), context.anchorBytesOf(destination), context.cacheFolders);
      if (fast.outcome === 'moved') return { id: row.id, state: 'done', destination, destinationDev: row.dev, destinationIno: row.ino, contentHash: null };
      if (fast.outcome === 'taken') return { id: row.id, state: 'destination-taken' };
      if (fast.outcome === 'refused') throw folderRefused(fast.folder, fast.symlink);
      // The native call looked at the file through its real folders: take its word for what it found rather
      // than look again by path, which a folder swapped for a symlink since would lead elsewhere (and whose
      // answer would tell which names exist there).
      if (fast.outcome === 'not-done' && nativeMovesAvailable() && context.anchorBytesOf(row.source) > 0) {
        if (fast.errno === os.constants.errno.ENOENT) return { id: row.id, state: 'skipped', reason: 'source-missing', error: `${row.source} is gone` };
        if (fast.notRegular) return { id: row.id, state: 'skipped', reason: 'not-a-regular-file', error: `${row.source} is no longer a regular file (a pipe, folder or symlink took its place); it was left as it is` };
        if (fast.errno === 0) return { id: row.id, state: 'skipped', reason: 'changed-since-plan', error: `${row.source} changed after the plan was made; organize again to include it` };
      }
    }
    const current = readIdentity(row.source);
    if (!current) {
      if (!fs.lstatSync(row.source, { throwIfNoEntry: false })) return { id: row.id, state: 'skipped', reason: 'source-missing', error: `${row.source} is gone` };
      return { id: row.id, state: 'skipped', reason: 'not-a-regular-file', error: `${row.source} is no longer a regular file (a pipe, folder or symlink took its place); it was left as it is` };
    }
    if (!sameIdentity(current, row)) return { id: row.id, state: 'skipped', reason: 'changed-since-plan', error: `${row.source} changed after the plan was made; organize again to include it` };
    const sameDevice = context.folders.deviceOf(path.dirname(destination)) === row.dev;
    const outcome = transferFile(row.source, destination, {
      keepSource: row.action === 'copy', sameDevice, temporaryTag: temporaryTag(operationId, row.id, 'execute'), expected: current, folders: context.folders,
    });
    if (!outcome.placed) return { id: row.id, state: 'destination-taken' };
    return { id: row.id, state: 'done', destination, destinationDev: outcome.identity.dev, destinationIno: outcome.identity.ino, contentHash: outcome.contentHash };
  } catch (error) {
    return refusedOrFailed(row, error, false);
  }
}

/** Did the row go exactly as planned (same name, same inode, no copy)? Then nothing about it needs recording. */
export function isPlainSuccess(row: ActionRow, outcome: ExecuteOutcome): boolean {
  return outcome.state === 'done' && !outcome.contentHash && !outcome.attributes && (outcome.destination ?? row.destination) === row.destination
    && (outcome.destinationIno ?? row.ino) === row.ino && (outcome.destinationDev ?? row.dev) === row.dev;
}

/** A placed file still as the run left it? Same inode for a same-device move; for a copy, same content (hash). */
export function placedFileUnchanged(row: ActionRow, destination: string, placed = readIdentity(destination)): boolean {
  if (!placed || placed.size !== row.size) return false;
  if (row.contentHash) return hashFile(destination) === row.contentHash;
  return placed.ino === (row.destinationIno ?? row.ino) && placed.dev === (row.destinationDev ?? row.dev) && placed.mtimeMs === row.mtimeMs;
}

/** A copy's original, still where it was with the content the copy was made of (or, uncopied yet, the same file). */
function originalStillThere(row: ActionRow): boolean {
  const original = readIdentity(row.source);
  if (!original || original.size !== row.size) return false;
  if (row.contentHash) return hashFile(row.source) === row.contentHash;
  return sameIdentity(original, row);
}

/** The ctime (ns) of a file, to prove at the last moment that nothing touched it since it was checked. */
const ctimeOf = (file: string): bigint | undefined => fs.lstatSync(file, { bigint: true, throwIfNoEntry: false })?.ctimeNs;

const rollbackConflict = (row: ActionRow, reason: string, error: string): JournalUpdate => ({ id: row.id, state: 'rollback_conflict', reason, error });
const originalPlaceTaken = (row: ActionRow, destination: string): JournalUpdate =>
  rollbackConflict(row, 'original-place-taken', `${row.source} is taken by another file; ${destination} was left where it is`);

/** Put one file back where it was; never overwrite, and refuse (with a reason) when that is not safe. */
export function rollbackRow(row: ActionRow, operationId: string, context: RowContext): JournalUpdate {
  try {
    if (row.reason === 'trashed') return rollbackConflict(row, 'quarantine-emptied', `${row.destination} was sent to the trash when the quarantine was emptied; restore it from the trash`);
    if (row.action === 'hardlink') return rollbackHardlink(row, operationId, context.folders);
    const destination = row.destination as string;
    if (row.action !== 'copy' && !row.contentHash) {
      // The plain case in one native call: still the same inode, size and time where the run put it.
      const expected = { size: row.size, mtimeMs: row.mtimeMs, dev: row.destinationDev ?? row.dev, ino: row.destinationIno ?? row.ino };
      const fast = fastMove(destination, row.source, expected, context.anchorBytesOf(destination), context.anchorBytesOf(row.source), context.cacheFolders);
      if (fast.outcome === 'moved') return { id: row.id, state: 'rolled_back' };
      if (fast.outcome === 'taken') return originalPlaceTaken(row, destination);
      if (fast.outcome === 'refused') throw folderRefused(fast.folder, fast.symlink);
    }
    // Where the run put the file must be reached through real folders only (a folder swapped for a symlink since).
    if (!context.folders.real(path.dirname(destination), false)) return rollbackConflict(row, 'missing', `${destination} is no longer there`);
    const placed = readIdentity(destination);
    if (row.action === 'copy') {
      if (!placed) return { id: row.id, state: 'rolled_back' };
      const checkedCtime = ctimeOf(destination);
      if (!placedFileUnchanged(row, destination, placed)) return rollbackConflict(row, 'changed-since-organize', `${destination} was changed after it was copied; it was kept`);
      // Undoing a copy removes it only while its original is still in place with the same content: otherwise
      // the copy may be the last one left.
      if (!originalStillThere(row)) {
        return rollbackConflict(row, 'original-changed', `${row.source}, the original of the copy ${destination}, is gone or changed since; the copy was kept, as it may be the only one left`);
      }
      // The last moment: untouched while it was hashed, so the copy that goes is the one proven identical.
      const now = readIdentity(destination);
      if (ctimeOf(destination) !== checkedCtime || !now || !sameIdentity(now, placed)) {
        return rollbackConflict(row, 'changed-since-organize', `${destination} was changed while undo checked it; it was kept`);
      }
      // Its identical original is still in place. Removed through real folders only, and only while it is the
      // copy just checked.
      removeFile(destination, now, context.folders, () => new ChangedDuringMove(`${destination} was changed while undo checked it; it was kept`));
      return { id: row.id, state: 'rolled_back' };
    }
    if (!placed) {
      const back = readIdentity(row.source);
      if (back && back.size === row.size && back.ino === (row.destinationIno ?? row.ino)) return { id: row.id, state: 'rolled_back' };
      return rollbackConflict(row, 'missing', `${destination} is no longer there`);
    }
    if (!placedFileUnchanged(row, destination, placed)) return rollbackConflict(row, 'changed-since-organize', `${destination} was changed after it was moved; it was left there`);
    // No separate "is the old place free?" check: the no-clobber link below is that check, atomically.
    const sameDevice = context.folders.deviceOf(path.dirname(row.source)) === placed.dev;
    const outcome = transferFile(destination, row.source, {
      keepSource: false, sameDevice, temporaryTag: temporaryTag(operationId, row.id, 'rollback'), expected: placed, folders: context.folders,
    });
    return outcome.placed ? { id: row.id, state: 'rolled_back' } : originalPlaceTaken(row, destination);
  } catch (error) {
    return refusedOrFailed(row, error, true);
  }
}
