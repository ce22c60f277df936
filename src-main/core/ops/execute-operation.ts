import fs from 'node:fs';
import path from 'node:path';
import { type ConflictPolicy } from '../../../src-shared/operation-status.js';
import { conflictName } from '../rules/safe-names.js';
import { readIdentity, sameIdentity } from '../scan/file-identity.js';
import { type EngineContext, PAGE_SIZE, type RunHooks, temporaryTag, yieldToEventLoop } from './engine-context.js';
import { transferFile } from './file-transfer.js';
import { type JournalRow, type JournalUpdate } from './journal.js';
import { countsFromJournal } from './operation-counts.js';
import { type Operation } from './operation-store.js';
import { createProgressThrottle } from './progress-throttle.js';
import { removeEmptiedFolders, vacatedFoldersFromJournal } from './folder-cleanup.js';

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Executes the journal's planned rows in plan order. Each page of rows is acted on, then its outcomes are
 * written in one transaction; a crash mid-page is settled by recovery, which checks the disk.
 */
export async function executeOperation(context: EngineContext, operation: Operation, hooks: RunHooks & { resuming: boolean }): Promise<void> {
  const { journal, store } = context;
  const start = countsFromJournal(journal, operation.id);
  let filesDone = operation.filesTotal - start.pending;
  let bytesDone = operation.bytesTotal - start.pendingBytes;
  const progress = createProgressThrottle({ operationId: operation.id, listener: hooks.onProgress, everyFiles: context.progressEveryFiles, everyMs: context.progressEveryMs });
  const snapshot = (current: string | null) => ({ files_done: filesDone, files_total: operation.filesTotal, bytes_done: bytesDone, bytes_total: operation.bytesTotal, current_path: current });
  const folderDevices = new Map<string, string>();
  // A resumed run also cleans up after the files its interrupted first part moved.
  const vacatedFolders = hooks.resuming ? vacatedFoldersFromJournal(context, operation.id) : new Set<string>();
  const policy: ConflictPolicy = operation.request.conflict;

  const deviceOfFolder = (folder: string): string => {
    let device = folderDevices.get(folder);
    if (device === undefined) {
      fs.mkdirSync(folder, { recursive: true });
      device = String(fs.statSync(folder, { bigint: true }).dev);
      folderDevices.set(folder, device);
    }
    return device;
  };

  const executeRow = (row: JournalRow): JournalUpdate => {
    const current = readIdentity(row.source);
    if (!current) return { id: row.id, state: 'skipped', reason: 'source-missing', error: `${row.source} is gone` };
    if (!sameIdentity(current, row)) return { id: row.id, state: 'skipped', reason: 'changed-since-plan', error: `${row.source} changed after the plan was made; organize again to include it` };
    let destination = row.destination as string;
    const folder = path.dirname(destination);
    const sameDevice = deviceOfFolder(folder) === row.dev;
    for (let counter = 1; ; counter++) {
      const outcome = transferFile(row.source, destination, {
        keepSource: row.action === 'copy', sameDevice, temporaryTag: temporaryTag(operation.id, row.id, 'execute'), expected: current,
      });
      if (outcome.placed) {
        if (row.action !== 'copy') vacatedFolders.add(path.dirname(row.source));
        return { id: row.id, state: 'done', destination, destinationDev: outcome.identity.dev, destinationIno: outcome.identity.ino, contentHash: outcome.contentHash };
      }
      // Someone took the name after the plan was made: the policy decides, and nothing is replaced.
      if (policy === 'skip') return { id: row.id, state: 'skipped', reason: 'conflict', error: `${destination} appeared after the plan was made` };
      destination = path.join(folder, conflictName(path.basename(row.destination as string), counter));
      // The journal names the new destination before the file goes there.
      journal.applyUpdates([{ id: row.id, state: 'planned', destination }]);
    }
  };

  let cursor = 0;
  for (;;) {
    const page = journal.pageForward(operation.id, cursor, ['planned'], PAGE_SIZE);
    if (page.length === 0) break;
    const updates: JournalUpdate[] = [];
    for (const row of page) {
      cursor = row.id;
      try {
        updates.push(executeRow(row));
      } catch (error) {
        updates.push({ id: row.id, state: 'failed', error: describeError(error) });
      }
      filesDone++;
      bytesDone += row.size;
      progress.tick('execute', snapshot(row.source));
    }
    journal.applyUpdates(updates, () => store.update(operation.id, { filesDone, bytesDone, heartbeatAt: context.clock() }));
    await yieldToEventLoop();
  }
  progress.flush('execute', snapshot(null));
  removeEmptiedFolders(context, operation, vacatedFolders);
}
