import fs from 'node:fs';
import path from 'node:path';
import { readIdentity, sameIdentity } from './file-identity.js';
import { hashFile, transferFile } from './file-transfer.js';
import { executeHardlink, rollbackHardlink } from './hardlink-actions.js';
import { fastMove } from './native-moves.js';
import { failureReasonOf } from '../src-shared/skip-reasons.js';

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
}

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
}

/** The destination name was taken after planning: the caller applies the conflict policy (and journals it). */
export interface DestinationTaken { id: number; state: 'destination-taken' }
export type ExecuteOutcome = JournalUpdate | DestinationTaken;

/** Temp names are derived from the journal row, so recovery knows exactly which temp file is whose. */
export const temporaryTag = (operationId: string, rowId: number, phase: 'execute' | 'rollback'): string =>
  `${operationId.slice(0, 8)}-${phase === 'execute' ? '' : 'r'}${rowId}`;

const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));
/** A failed row: the OS error's stable class as its reason, the OS's words as its error. */
const failed = (row: ActionRow, error: unknown): JournalUpdate =>
  ({ id: row.id, state: 'failed', reason: failureReasonOf((error as NodeJS.ErrnoException | undefined)?.code), error: describeError(error) });

/** Device of a folder, creating it if needed; cached per thread (one stat per folder per run). */
export function createFolderDevices() {
  const devices = new Map<string, string>();
  return (folder: string): string => {
    let device = devices.get(folder);
    if (device === undefined) {
      fs.mkdirSync(folder, { recursive: true });
      device = String(fs.statSync(folder, { bigint: true }).dev);
      devices.set(folder, device);
    }
    return device;
  };
}
export type FolderDevices = ReturnType<typeof createFolderDevices>;

/** Carry out one planned row: check the file is as planned, then put it in place without replacing anything. */
export function executeRow(row: ActionRow, operationId: string, destination: string, deviceOf: FolderDevices): ExecuteOutcome {
  try {
    if (row.action === 'hardlink') return executeHardlink(row, operationId);
    if (row.action !== 'copy') {
      // The plain case in one native call; it answers not-done (having changed nothing) for anything else.
      const fast = fastMove(row.source, destination, row);
      if (fast === 'moved') return { id: row.id, state: 'done', destination, destinationDev: row.dev, destinationIno: row.ino, contentHash: null };
      if (fast === 'taken') return { id: row.id, state: 'destination-taken' };
    }
    const current = readIdentity(row.source);
    if (!current) return { id: row.id, state: 'skipped', reason: 'source-missing', error: `${row.source} is gone` };
    if (!sameIdentity(current, row)) return { id: row.id, state: 'skipped', reason: 'changed-since-plan', error: `${row.source} changed after the plan was made; organize again to include it` };
    const sameDevice = deviceOf(path.dirname(destination)) === row.dev;
    const outcome = transferFile(row.source, destination, {
      keepSource: row.action === 'copy', sameDevice, temporaryTag: temporaryTag(operationId, row.id, 'execute'), expected: current,
    });
    if (!outcome.placed) return { id: row.id, state: 'destination-taken' };
    return { id: row.id, state: 'done', destination, destinationDev: outcome.identity.dev, destinationIno: outcome.identity.ino, contentHash: outcome.contentHash };
  } catch (error) {
    return failed(row, error);
  }
}

/** Did the row go exactly as planned (same name, same inode, no copy)? Then nothing about it needs recording. */
export function isPlainSuccess(row: ActionRow, outcome: ExecuteOutcome): boolean {
  return outcome.state === 'done' && !outcome.contentHash && (outcome.destination ?? row.destination) === row.destination
    && (outcome.destinationIno ?? row.ino) === row.ino && (outcome.destinationDev ?? row.dev) === row.dev;
}

/** A placed file still as the run left it? Same inode for a same-device move; for a copy, same content (hash). */
export function placedFileUnchanged(row: ActionRow, destination: string, placed = readIdentity(destination)): boolean {
  if (!placed || placed.size !== row.size) return false;
  if (row.contentHash) return hashFile(destination) === row.contentHash;
  return placed.ino === (row.destinationIno ?? row.ino) && placed.dev === (row.destinationDev ?? row.dev) && placed.mtimeMs === row.mtimeMs;
}

const rollbackConflict = (row: ActionRow, reason: string, error: string): JournalUpdate => ({ id: row.id, state: 'rollback_conflict', reason, error });
const originalPlaceTaken = (row: ActionRow, destination: string): JournalUpdate =>
  rollbackConflict(row, 'original-place-taken', `${row.source} is taken by another file; ${destination} was left where it is`);

/** Put one file back where it was; never overwrite, and refuse (with a reason) when that is not safe. */
export function rollbackRow(row: ActionRow, operationId: string, deviceOf: FolderDevices): JournalUpdate {
  try {
    if (row.reason === 'trashed') return rollbackConflict(row, 'quarantine-emptied', `${row.destination} was sent to the trash when the quarantine was emptied; restore it from the trash`);
    if (row.action === 'hardlink') return rollbackHardlink(row, operationId);
    const destination = row.destination as string;
    if (row.action !== 'copy' && !row.contentHash) {
      // The plain case in one native call: still the same inode, size and time where the run put it.
      const expected = { size: row.size, mtimeMs: row.mtimeMs, dev: row.destinationDev ?? row.dev, ino: row.destinationIno ?? row.ino };
      const fast = fastMove(destination, row.source, expected);
      if (fast === 'moved') return { id: row.id, state: 'rolled_back' };
      if (fast === 'taken') return originalPlaceTaken(row, destination);
    }
    const placed = readIdentity(destination);
    if (row.action === 'copy') {
      if (!placed) return { id: row.id, state: 'rolled_back' };
      if (!placedFileUnchanged(row, destination, placed)) return rollbackConflict(row, 'changed-since-organize', `${destination} was changed after it was copied; it was kept`);
      fs.unlinkSync(destination); // its identical original is still in place
      return { id: row.id, state: 'rolled_back' };
    }
    if (!placed) {
      const back = readIdentity(row.source);
      if (back && back.size === row.size && back.ino === (row.destinationIno ?? row.ino)) return { id: row.id, state: 'rolled_back' };
      return rollbackConflict(row, 'missing', `${destination} is no longer there`);
    }
    if (!placedFileUnchanged(row, destination, placed)) return rollbackConflict(row, 'changed-since-organize', `${destination} was changed after it was moved; it was left there`);
    // No separate "is the old place free?" check: the no-clobber link below is that check, atomically.
    const sameDevice = deviceOf(path.dirname(row.source)) === placed.dev;
    const outcome = transferFile(destination, row.source, { keepSource: false, sameDevice, temporaryTag: temporaryTag(operationId, row.id, 'rollback'), expected: placed });
    return outcome.placed ? { id: row.id, state: 'rolled_back' } : originalPlaceTaken(row, destination);
  } catch (error) {
    return rollbackConflict(row, 'error', describeError(error));
  }
}
