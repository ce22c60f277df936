import fs from 'node:fs';
import path from 'node:path';
import { readIdentity } from '../scan/file-identity.js';
import { type EngineContext, PAGE_SIZE, type RunHooks, temporaryTag, yieldToEventLoop } from './engine-context.js';
import { hashFile, transferFile } from './file-transfer.js';
import { recreateRemovedFolders, removeCreatedFolders } from './folder-cleanup.js';
import { type JournalRow, type JournalUpdate } from './journal.js';
import { type Operation } from './operation-store.js';
import { createProgressThrottle } from './progress-throttle.js';

/** A placed file still as the run left it? Same inode for a rename; for a copy, same content (hash). */
export function placedFileUnchanged(row: JournalRow, destination: string): boolean {
  const placed = readIdentity(destination);
  if (!placed || placed.size !== row.size) return false;
  if (row.contentHash) return hashFile(destination) === row.contentHash;
  return placed.ino === (row.destinationIno ?? row.ino) && placed.dev === (row.destinationDev ?? row.dev) && placed.mtimeMs === row.mtimeMs;
}

const conflict = (row: JournalRow, reason: string, error: string): JournalUpdate => ({ id: row.id, state: 'rollback_conflict', reason, error });

/**
 * Puts every file back, newest first. Never overwrites: a file changed since, gone, or whose old place is taken
 * is left where it is and reported; the rest still roll back. Resumable: rows already rolled back are not read
 * again, and rows that were in conflict are tried again.
 */
export async function rollbackOperation(context: EngineContext, operation: Operation, hooks: RunHooks): Promise<void> {
  const { journal, store } = context;
  const progress = createProgressThrottle({ operationId: operation.id, listener: hooks.onProgress, everyFiles: context.progressEveryFiles, everyMs: context.progressEveryMs });
  const folderDevices = new Map<string, string>();
  let filesDone = 0;
  let bytesDone = 0;
  const total = journal.stateCounts(operation.id).filter((row) => row.state === 'done' || row.state === 'rollback_conflict');
  const filesTotal = total.reduce((sum, row) => sum + row.files, 0);
  const bytesTotal = total.reduce((sum, row) => sum + (row.bytes ?? 0), 0);
  const snapshot = (current: string | null) => ({ files_done: filesDone, files_total: filesTotal, bytes_done: bytesDone, bytes_total: bytesTotal, current_path: current });

  const deviceOfFolder = (folder: string): string => {
    let device = folderDevices.get(folder);
    if (device === undefined) {
      fs.mkdirSync(folder, { recursive: true });
      device = String(fs.statSync(folder, { bigint: true }).dev);
      folderDevices.set(folder, device);
    }
    return device;
  };

  const rollbackRow = (row: JournalRow): JournalUpdate => {
    const destination = row.destination as string;
    const placed = readIdentity(destination);
    if (row.action === 'copy') {
      if (!placed) return { id: row.id, state: 'rolled_back' };
      if (!placedFileUnchanged(row, destination)) return conflict(row, 'changed-since-organize', `${destination} was changed after it was copied; it was kept`);
      fs.unlinkSync(destination); // its identical original is still in place
      return { id: row.id, state: 'rolled_back' };
    }
    if (!placed) {
      const back = readIdentity(row.source);
      if (back && back.size === row.size && back.ino === (row.destinationIno ?? row.ino)) return { id: row.id, state: 'rolled_back' };
      return conflict(row, 'missing', `${destination} is no longer there`);
    }
    if (!placedFileUnchanged(row, destination)) return conflict(row, 'changed-since-organize', `${destination} was changed after it was moved; it was left there`);
    if (fs.lstatSync(row.source, { throwIfNoEntry: false })) return conflict(row, 'original-place-taken', `${row.source} is taken by another file; ${destination} was left where it is`);
    const sameDevice = deviceOfFolder(path.dirname(row.source)) === placed.dev;
    const outcome = transferFile(destination, row.source, { keepSource: false, sameDevice, temporaryTag: temporaryTag(operation.id, row.id, 'rollback'), expected: placed });
    if (!outcome.placed) return conflict(row, 'original-place-taken', `${row.source} is taken by another file; ${destination} was left where it is`);
    return { id: row.id, state: 'rolled_back' };
  };

  recreateRemovedFolders(context, operation.id);
  let cursor = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const page = journal.pageBackward(operation.id, cursor, ['done', 'rollback_conflict'], PAGE_SIZE);
    if (page.length === 0) break;
    const updates: JournalUpdate[] = [];
    for (const row of page) {
      cursor = row.id;
      try {
        updates.push(rollbackRow(row));
      } catch (error) {
        updates.push(conflict(row, 'error', error instanceof Error ? error.message : String(error)));
      }
      filesDone++;
      bytesDone += row.size;
      progress.tick('rollback', snapshot(row.destination));
    }
    journal.applyUpdates(updates, () => store.heartbeat(operation.id));
    await yieldToEventLoop();
  }
  progress.flush('rollback', snapshot(null));
  removeCreatedFolders(context, operation.id);
}
