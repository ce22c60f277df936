import { type OperationFileView, type OperationView } from '../../src-shared/api/operations.js';
import { type SavedRuleSetView } from '../../src-shared/api/rules.js';
import { type WatchedFolderView, type WatchState } from '../../src-shared/api/watch.js';
import { type ApiKeyView } from '../core/auth/api-keys.js';
import { type Operation } from '../core/ops/operation-store.js';
import { type ListedJournalRow } from '../core/ops/journal-pages.js';
import { readPlanSummary } from '../core/ops/plan-summary.js';
import { type SavedRuleSet } from '../core/rules/rule-sets.js';
import { type WatchedFolder } from '../core/watch/watch-types.js';

export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** An operation as the API shows it: snake_case, ISO times, progress from the counters its pages kept. */
export function operationView(operation: Operation, liveStage: OperationView['progress']['stage']): OperationView {
  const rollingBack = operation.phase === 'rollback';
  return {
    operation_id: operation.id,
    kind: operation.kind,
    status: operation.status,
    dry_run: operation.dryRun,
    source_paths: operation.request.roots,
    destination: operation.request.destination,
    preset: 'preset' in operation.request ? operation.request.preset : null,
    created_at: new Date(operation.createdAt).toISOString(),
    started_at: iso(operation.startedAt),
    finished_at: iso(operation.finishedAt),
    progress: {
      stage: liveStage,
      // An undo's progress counts the files put back out of those that were moved.
      files_done: rollingBack ? operation.rolledBack + operation.rollbackConflicts : operation.filesDone,
      files_total: rollingBack ? operation.moved : operation.filesTotal,
      bytes_done: rollingBack ? operation.rolledBackBytes : operation.bytesDone,
      bytes_total: rollingBack ? operation.movedBytes : operation.bytesTotal,
    },
    moved: operation.moved,
    skipped: operation.skipped,
    failed: operation.failed,
    conflicts: operation.conflicts,
    unchanged: operation.unchanged,
    rolled_back: operation.rolledBack,
    rollback_conflicts: operation.rollbackConflicts,
    message: operation.error,
    plan: readPlanSummary(operation.planSummary),
    cancel_requested: operation.cancelRequestedAt !== null,
  };
}

export const operationFileView = (row: ListedJournalRow): OperationFileView => ({
  id: row.id, action: row.action, source: row.source, destination: row.destination, state: row.state, reason: row.reason, error: row.error, size: row.size,
  rule: row.ruleName, category: row.category,
});

export const apiKeyView = (key: ApiKeyView) => ({
  id: key.id, name: key.name, prefix: key.prefix, created_at: new Date(key.createdAt).toISOString(), last_used_at: iso(key.lastUsedAt),
});

export const ruleSetView = (saved: SavedRuleSet): SavedRuleSetView => ({
  id: saved.id, name: saved.name, rules: saved.rules, created_at: new Date(saved.createdAt).toISOString(), updated_at: new Date(saved.updatedAt).toISOString(),
});

/**
 * A watched folder as the API shows it. Its state is what the watching process last wrote, unless that does not
 * hold now: a paused folder is `paused`, and with no process watching this data folder every folder is
 * `not-watched`, with what to start.
 */
export function watchedFolderView(folder: WatchedFolder, watched: boolean): WatchedFolderView {
  const state: WatchState = !folder.enabled ? 'paused' : !watched ? 'not-watched' : folder.state ?? 'watching';
  const detail = state === 'paused'
    ? `paused: resume it with fileorg watch resume ${folder.id.slice(0, 8)} (PUT /api/v1/watched-folders/${folder.id} {"enabled": true})`
    : state === 'not-watched'
      ? 'nothing watches this data folder now: open the FileOrganizer app, or run fileorg serve or fileorg watch'
      : state === 'watching' ? null : folder.stateDetail;
  return {
    id: folder.id, path: folder.path, preset: folder.preset, rule_set_id: folder.ruleSetId, destination: folder.destination,
    conflict: folder.conflict, depth: folder.depth, enabled: folder.enabled, created_at: new Date(folder.createdAt).toISOString(),
    last_activity_at: iso(folder.lastActivityAt), state, state_detail: detail,
  };
}
