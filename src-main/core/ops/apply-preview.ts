import os from 'node:os';
import path from 'node:path';
import { FileOrganizerError } from '../../../src-shared/errors.js';
import { type AppDatabase } from '../db/open-database.js';
import { type Operation } from './operation-store.js';

/** Rows of a preview to leave in place when it is applied: journal row ids, and source paths. */
export interface PreviewExclusions {
  exclude: readonly number[];
  excludePaths: readonly string[];
}

/** A preview never applied is kept this long after it was made, then pruned with its journal. */
export const PREVIEW_KEPT_MS = 24 * 60 * 60 * 1000;

/** How to make a preview again, as the CLI and as the API (and the window, whose calls are the API's) say it. */
export const PREVIEW_AGAIN = { cli: 'fileorg organize … --dry-run', api: 'POST /api/v1/operations with "dry_run": true' } as const;

/** The message of an id that names no preview of the caller's: it may have been one, pruned since. */
export function unknownPreviewMessage(id: string, previewAgain: string): string {
  return `no preview "${id}" among yours: a preview not applied within 24 hours is discarded; preview again (${previewAgain}) and apply that one`;
}

/**
 * Why an operation cannot be applied, or undefined when it is a preview waiting to be applied. Checked before
 * the atomic take, so the refusal says what the operation is and what to do with it instead.
 */
export function applyRefusal(operation: Operation): FileOrganizerError | undefined {
  const { id } = operation;
  if (!operation.dryRun) {
    return new FileOrganizerError('E_CONFLICT', `operation ${id} is not a preview waiting to be applied: it has run (${operation.status}); see it with fileorg show ${id} (or fileorg history), or put its files back with fileorg undo ${id}`);
  }
  if (operation.status === 'planned' && operation.ownerPid !== null) {
    return new FileOrganizerError('E_BUSY', `preview ${id} is still being planned; wait until it is whole, then apply it`);
  }
  if (operation.status !== 'planned' || operation.planRecordedAt === null) {
    return new FileOrganizerError('E_CONFLICT', `preview ${id} stopped while planning, so it has no whole plan to apply; preview again and apply that one`);
  }
  return undefined;
}

/**
 * Applying a recorded preview: taking it for this process and leaving out the rows asked for happen in one
 * transaction, so two applies of one preview cannot both run it, and a refused exclusion leaves it a preview.
 */
export function createPreviewStore(database: AppDatabase, clock: () => number) {
  const { sqlite } = database;
  // Only a finished preview (dry run, planned, no lease) is taken; the id it had is the id it keeps.
  const take = sqlite.prepare(`UPDATE operations SET dry_run = 0, status = 'running', phase = 'execute', owner_pid = ?, owner_host = ?,
    heartbeat_at = ?, started_at = ?, finished_at = NULL, error = NULL, cancel_requested_at = NULL
    WHERE id = ? AND dry_run = 1 AND status = 'planned' AND owner_pid IS NULL`);
  const rowsById = sqlite.prepare(`SELECT r.id, r.source, r.size, s.state FROM file_records r JOIN file_states s ON s.id = r.id
    WHERE r.operation_id = ? AND r.id IN (SELECT value FROM json_each(?))`);
  const rowsBySource = sqlite.prepare(`SELECT r.id, r.source, r.size, s.state FROM file_records r JOIN file_states s ON s.id = r.id
    WHERE r.operation_id = ? AND r.source IN (SELECT value FROM json_each(?))`);
  const markExcluded = sqlite.prepare(`UPDATE file_states SET state = 'skipped', reason = 'excluded', error = ? WHERE id = ? AND state = 'planned'`);
  const leaveOut = sqlite.prepare('UPDATE operations SET skipped = skipped + ?, files_total = files_total - ?, bytes_total = bytes_total - ? WHERE id = ?');
  // A preview never applied (whole, or stopped while planning) whose day is over: `?` is the oldest time kept.
  const expired = `dry_run = 1 AND status IN ('planned', 'interrupted') AND owner_pid IS NULL AND coalesce(finished_at, created_at) < ?`;
  const prune = sqlite.prepare(`DELETE FROM operations WHERE ${expired}`);
  const pruneOne = sqlite.prepare(`DELETE FROM operations WHERE id = ? AND ${expired}`);

  interface Row { id: number; source: string; size: number; state: string }

  /** The rows the exclusions name; a value that names no row of this preview is refused by name. */
  const rowsNamed = (operationId: string, exclusions: PreviewExclusions): Row[] => {
    const byId = rowsById.all(operationId, JSON.stringify(exclusions.exclude)) as Row[];
    const foundIds = new Set(byId.map((row) => row.id));
    const missingId = exclusions.exclude.findIndex((id) => !foundIds.has(id));
    if (missingId >= 0) {
      throw new FileOrganizerError('E_VALIDATION', `exclude: ${exclusions.exclude[missingId]} is not a row of preview ${operationId}; take row ids from its files (GET /api/v1/operations/${operationId}/files)`,
        { issues: [{ path: `exclude.${missingId}`, message: 'not a row of this preview' }] });
    }
    const paths = exclusions.excludePaths.map((given) => path.resolve(given));
    const bySource = rowsBySource.all(operationId, JSON.stringify(paths)) as Row[];
    const foundSources = new Set(bySource.map((row) => row.source));
    const missingPath = paths.findIndex((source) => !foundSources.has(source));
    if (missingPath >= 0) {
      throw new FileOrganizerError('E_VALIDATION', `exclude_paths: ${paths[missingPath]} is not a file of preview ${operationId}; give a source path the preview lists (fileorg show ${operationId})`,
        { issues: [{ path: `exclude_paths.${missingPath}`, message: 'not a file of this preview' }] });
    }
    return [...byId, ...bySource];
  };

  return {
    /**
     * Take the preview for this process (running, no longer a dry run) and mark the rows left out `skipped`
     * (`excluded`), moving the counters with them. Throws E_CONFLICT when the preview was taken meanwhile.
     */
    take: sqlite.transaction((operationId: string, exclusions: PreviewExclusions): void => {
      const now = clock();
      if (take.run(process.pid, os.hostname(), now, now, operationId).changes !== 1) {
        throw new FileOrganizerError('E_CONFLICT', `preview ${operationId} was applied already (or is being applied); see it with fileorg show ${operationId}`);
      }
      const seen = new Set<number>();
      let files = 0;
      let bytes = 0;
      for (const row of rowsNamed(operationId, exclusions)) {
        if (row.state !== 'planned' || seen.has(row.id)) continue; // already left out by the plan, or named twice
        seen.add(row.id);
        markExcluded.run('left out when the preview was applied', row.id);
        files++;
        bytes += row.size;
      }
      if (files > 0) leaveOut.run(files, files, bytes, operationId);
    }),

    /**
     * Delete this preview, rows and all, if its day is over: a process open for longer than that (serve, the
     * app) may not have pruned it yet, and a preview past its day is never run. True when it was deleted.
     */
    pruneIfExpired(operationId: string): boolean {
      return pruneOne.run(operationId, clock() - PREVIEW_KEPT_MS).changes === 1;
    },

    /** Delete the previews never applied that are older than a day (their journal and folder rows go with them). */
    prune(): number {
      return prune.run(clock() - PREVIEW_KEPT_MS).changes;
    },
  };
}
export type PreviewStore = ReturnType<typeof createPreviewStore>;
