import os from 'node:os';
import { describeError } from '../../../src-shared/errors.js';
import { type AppCore } from '../compose.js';
import { type JournalRow } from '../ops/journal.js';
import { LEASE_STALE_MS } from '../ops/operation-store.js';
import { processIsAlive } from '../process-alive.js';
import { type HandledFile, type HandledFiles, identityOf } from './handled-files.js';

interface WatchOperationRow {
  id: string;
  userId: string;
  status: string;
  moved: number;
  rolledBack: number;
  ownerPid: number | null;
  ownerHost: string | null;
  heartbeatAt: number | null;
}

/** An undo may give a file back with its mtime rounded to the microsecond (futimes): within a millisecond is the same. */
const SAME_MTIME_MS = 1;

/**
 * Keeps watch_handled in step with what the journal says happened to the watcher's batches outside a batch of
 * this process (issue 19):
 * - files put back by an undo of a watch batch (whole, in part, or while it runs) are recorded as they lie now:
 *   across devices an undo copies a file back (a new inode), which the watcher would otherwise organize again;
 * - a batch interrupted part way (the process killed) never had its placed files recorded: its `done` rows are,
 *   or a rename rule would rename its renamed files again on the next start;
 * - a batch finished but never recorded (killed between the two), or resumed since by `fileorg resume`, likewise.
 * A row is recorded only when the file now at its place is the one the journal names (same device, inode and
 * size where the file stayed on its disk; the same size and mtime for one copied back), never a file put there
 * since. Operations read are remembered by id with their status and counters, so each change is read once.
 */
export function createHandledSync(options: { core: AppCore; handled: HandledFiles; log: (message: string) => void }) {
  const { core, handled, log } = options;
  const { sqlite } = core.database;
  const watchOperations = sqlite.prepare<[], WatchOperationRow>(`SELECT id, user_id AS userId, status, moved, rolled_back AS rolledBack,
    owner_pid AS ownerPid, owner_host AS ownerHost, heartbeat_at AS heartbeatAt FROM operations WHERE kind = 'watch' AND dry_run = 0`);
  const watchOperation = sqlite.prepare<[string], WatchOperationRow>(`SELECT id, user_id AS userId, status, moved, rolled_back AS rolledBack,
    owner_pid AS ownerPid, owner_host AS ownerHost, heartbeat_at AS heartbeatAt FROM operations WHERE id = ?`);
  const recordedOperations = sqlite.prepare<[], string>('SELECT DISTINCT operation_id FROM watch_handled').pluck();
  /** `id status moved rolledBack` of the operations read (or known) as they are now */
  const synced = new Set<string>();
  const keyOf = (operation: WatchOperationRow): string => `${operation.id} ${operation.status} ${operation.moved} ${operation.rolledBack}`;
  const host = os.hostname();

  /** A watch batch whose process is gone (killed) while its row still says it runs: settled (to interrupted) so its journal says what moved. */
  const settleIfAbandoned = (operation: WatchOperationRow): void => {
    if (!['planned', 'running', 'rolling_back'].includes(operation.status)) return;
    if (operation.ownerPid === null || operation.ownerHost !== host || operation.ownerPid === process.pid || processIsAlive(operation.ownerPid)) return;
    try {
      // A run whose process is gone is settled by cancel (from the disk, as recovery would) and answered as stopped.
      core.operations.cancel(operation.id, { owner: operation.userId, exact: true });
    } catch (error) {
      log(`operation ${operation.id} was left by a process that is gone; it could not be settled now: ${describeError(error)}`);
    }
  };

  /** Record what the journal of one watch operation says the watcher placed or had put back, as the files lie now. */
  const readOperation = (operationId: string): void => {
    const operation = core.operations.byId(operationId);
    if (!operation || operation.kind !== 'watch' || !('watchedFolderId' in operation.request)) return;
    const folderId = operation.request.watchedFolderId;
    if (folderId === undefined) return;
    const files: HandledFile[] = [];
    const { files: rows } = core.operations.showStream(operationId, { owner: operation.userId, exact: true });
    for (const row of rows) {
      const found = row.state === 'done' ? placedBy(row) : row.state === 'rolled_back' ? putBackBy(row) : [];
      for (const file of found) files.push({ ...file, folderId, operationId });
    }
    handled.record(files);
  };

  const syncOne = (operation: WatchOperationRow): void => {
    try {
      readOperation(operation.id);
    } catch (error) {
      log(`could not read what the watcher's operation ${operation.id} did: ${describeError(error)}`);
    }
  };

  return {
    /**
     * At start (and whenever this process takes the watcher over): batches left running by a process that is gone
     * are settled; every batch undone (in whole or part), interrupted, or never recorded is read now; the others
     * are known as they are.
     */
    atStart(): void {
      const recorded = new Set(recordedOperations.all());
      for (const operation of watchOperations.all()) settleIfAbandoned(operation);
      for (const operation of watchOperations.all()) {
        if (['planned', 'running', 'rolling_back'].includes(operation.status)) continue; // read once it ends
        if (operation.rolledBack > 0 || operation.status === 'interrupted' || (operation.moved > 0 && !recorded.has(operation.id))) syncOne(operation);
        synced.add(keyOf(operation));
      }
    },

    /**
     * Before a batch or a pass: what changed since (an undo, a resume) is read. An undo of a watch batch under way
     * puts files back page by page, each row marked rolled back only after its file moved: with `waitForUndo` (a
     * batch) it is not read but answered (`undoing`), for the batch to wait until it ends rather than take a file it
     * puts back for a new one; without (a pass, or a batch that waited long enough), what it put back so far is read.
     */
    beforeBatch(options: { waitForUndo?: boolean } = {}): { undoing: boolean } {
      let undoing = false;
      for (const operation of watchOperations.all()) {
        if (synced.has(keyOf(operation))) continue;
        if (operation.status === 'planned' || operation.status === 'running') continue; // one of ours in flight, or a resume: read once it ends
        if (operation.status === 'rolling_back') {
          const live = operation.heartbeatAt !== null && Date.now() - operation.heartbeatAt < LEASE_STALE_MS;
          if (live && options.waitForUndo) undoing = true;
          else syncOne(operation); // read again as it goes on (its key changes with each page)
          continue;
        }
        syncOne(operation);
        synced.add(keyOf(operation));
      }
      return { undoing };
    },

    /** A batch of this process, recorded as it settled: known as it is now. */
    known(operationId: string): void {
      const operation = watchOperation.get(operationId);
      if (operation) synced.add(keyOf(operation));
    },
  };
}
export type HandledSync = ReturnType<typeof createHandledSync>;

/**
 * A `done` row's file where the batch put it, when it is still that file (the same device, inode and size as the
 * journal recorded for the placed file), and a copy's original where it was.
 */
export function placedBy(row: JournalRow): Array<Omit<HandledFile, 'folderId' | 'operationId'>> {
  const found: Array<Omit<HandledFile, 'folderId' | 'operationId'>> = [];
  if (row.destination !== null) {
    const placed = identityOf(row.destination);
    if (placed && placed.size === row.size && placed.dev === (row.destinationDev ?? row.dev) && placed.ino === (row.destinationIno ?? row.ino)) {
      found.push({ ...placed, path: row.destination });
    }
  }
  if (row.action === 'copy') {
    const original = identityOf(row.source);
    if (original && original.size === row.size && original.dev === row.dev && original.ino === row.ino) found.push({ ...original, path: row.source });
  }
  return found;
}

/**
 * A `rolled_back` row's file back at its source, when it is the one put back: its size and mtime as journaled (an
 * undo keeps the mtime, also copying across devices, where the inode is new). A copy's undo removed the copy and
 * left the original, recorded when its batch ran.
 */
export function putBackBy(row: JournalRow): Array<Omit<HandledFile, 'folderId' | 'operationId'>> {
  if (row.action === 'copy') return [];
  const back = identityOf(row.source);
  if (!back || back.size !== row.size || Math.abs(back.mtimeMs - row.mtimeMs) >= SAME_MTIME_MS) return [];
  return [{ ...back, path: row.source }];
}
