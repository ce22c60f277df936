import path from 'node:path';
import { describeError } from '../../../src-shared/errors.js';
import { type RuleSet } from '../../../src-shared/rules.js';
import { type AppCore } from '../compose.js';
import { type JournalRow } from '../ops/journal.js';
import { type OrganizeRequest } from '../ops/operation-request.js';
import { type Platform } from '../rules/safe-names.js';
import { accountRefusal } from './account-folders.js';
import { type BatchTrigger } from './batch-queue.js';
import { type HandledFile, type HandledFiles, identityOf, lstatOrUndefined } from './handled-files.js';
import { isExcluded } from './folder-listing.js';
import { createLoopCheck, type LoopCheck, type PlacedFile, withinWatchedScope } from './loop-check.js';
import { type WatchReports } from './watch-reports.js';
import { type WatchedFolder } from './watch-types.js';

export interface BatchContext {
  core: AppCore;
  handled: HandledFiles;
  reports: WatchReports;
  clock: () => number;
  platform: Platform;
  log: (message: string) => void;
  /** folder id + rule name of the rule loops told (once each) */
  loopsTold: Set<string>;
  /** a file the batch leaves out because the watcher placed it (for tests and the bench) */
  onHandled?: (file: string) => void;
  /** the batch's operation exists (recorded before it plans): stop() asks it to stop after its page */
  onStarted?: (operationId: string) => void;
}

export type BatchOutcome =
  | { kind: 'nothing' }
  | { kind: 'no-rules' }
  | { kind: 'not-allowed'; detail: string }
  | { kind: 'ran'; operationId: string; discarded: boolean }
  | { kind: 'failed'; error: unknown; operationId: string | undefined };

type SkipRow = Pick<JournalRow, 'source' | 'reason' | 'error'>;

/**
 * One batch of a watched folder as one operation of kind `watch`: the files it names (less those the watcher
 * placed itself, looked at again now, since the batch before may have placed them after they arrived),
 * checked against the account's folders again, organized by the folder's rules now. Afterwards every file it
 * acted on is recorded as handled, its skips are told, and its rules are checked for a loop on their own output.
 */
export async function runWatchBatch(context: BatchContext, batch: { folder: WatchedFolder; files: readonly string[]; trigger: BatchTrigger; excluded: readonly string[] }): Promise<BatchOutcome> {
  const { folder, files } = batch;
  const { core } = context;
  const fresh = files.filter((file) => {
    const identity = identityOf(file);
    if (!identity) return false; // gone, or no longer a regular file
    if (!context.handled.isHandled(identity)) return true;
    context.onHandled?.(file);
    return false;
  });
  if (fresh.length === 0) return { kind: 'nothing' };
  const rules = core.watchedFolders.rulesOf(folder);
  if (!rules) return { kind: 'no-rules' };
  const refusal = accountRefusal(core.folderAccess, folder);
  if (refusal !== undefined) return { kind: 'not-allowed', detail: refusal };
  const request: OrganizeRequest = {
    roots: [folder.path], destination: folder.destination, conflict: folder.conflict, includeHidden: false, sniffAll: false,
    preset: rules.preset, ruleSet: rules.ruleSet, watchedFolderId: folder.id, depth: folder.depth,
  };
  const plannedSkips: SkipRow[] = [];
  // Set by the work runs.start calls before it answers (a property: a local assigned in the callback would be narrowed away).
  const started: { working?: ReturnType<AppCore['operations']['organize']> } = {};
  let operationId: string | undefined;
  try {
    operationId = await core.runs.start(folder.userId, (hooks) => {
      started.working = core.operations.organize(request, { dryRun: false, owner: folder.userId, watch: { files: fresh } }, {
        ...hooks,
        onStarted: (id) => { hooks.onStarted(id); context.onStarted?.(id); },
        onPlannedRows: (rows) => { for (const row of rows) if (row.state === 'skipped') plannedSkips.push(row); },
      });
      return started.working;
    });
    if (started.working === undefined) throw new Error('the batch\'s operation did not start');
    const result = await started.working;
    if (result.discarded) {
      tellSkips(context, folder, plannedSkips);
      return { kind: 'ran', operationId, discarded: true };
    }
    settleBatch(context, batch, operationId, rules.ruleSet);
    return { kind: 'ran', operationId, discarded: false };
  } catch (error) {
    // Stopped (the process closing) or failed part way: what it did move is still recorded, and the batch told.
    if (operationId !== undefined) settleBatch(context, batch, operationId, rules.ruleSet);
    return { kind: 'failed', error, operationId };
  }
}

function tellSkips(context: BatchContext, folder: WatchedFolder, rows: readonly SkipRow[]): void {
  for (const row of rows) context.reports.skipped(folder, row.source, row.reason ?? 'skipped', row.error ?? row.reason ?? 'left where it is');
}

/**
 * A batch kept as an operation (finished, or interrupted part way): record what it placed, tell its skips and the
 * batch, note the folder's activity, and look for a rule loop. Each step on its own: one failing (the data folder
 * busy) does not keep the others from being done.
 */
function settleBatch(context: BatchContext, batch: { folder: WatchedFolder; excluded: readonly string[]; trigger: BatchTrigger }, operationId: string, ruleSet: RuleSet): void {
  const { folder } = batch;
  const step = (what: string, work: () => void): void => {
    try { work(); } catch (error) { context.log(`${folder.path}: operation ${operationId}: could not ${what}: ${describeError(error)}`); }
  };
  const operation = context.core.operations.byId(operationId);
  if (!operation) return; // discarded, or never recorded
  const placed: HandledFile[] = [];
  /** where it put files (a copy's original is recorded as handled, but is no output of the rules) */
  const destinations: string[] = [];
  const skips: SkipRow[] = [];
  step('read what it did', () => {
    // By its owner now: an account removed meanwhile leaves its operations to the local profile.
    const { files } = context.core.operations.showStream(operationId, { owner: operation.userId, exact: true });
    for (const row of files) {
      if (row.state === 'skipped' || row.state === 'failed') { skips.push({ source: row.source, reason: row.reason ?? row.state, error: row.error }); continue; }
      if (row.state !== 'done' || row.destination === null) continue;
      const identity = identityOf(row.destination);
      if (identity) placed.push({ ...identity, folderId: folder.id, path: row.destination, operationId });
      destinations.push(row.destination);
      if (row.action === 'copy') {
        const original = identityOf(row.source);
        if (original) placed.push({ ...original, folderId: folder.id, path: row.source, operationId });
      }
    }
  });
  // First of all: a file it placed must never be acted on again, whatever fails after.
  step('record the files it placed', () => { context.handled.record(placed); });
  step('tell its skips', () => { tellSkips(context, folder, skips); });
  step('tell the batch', () => {
    context.reports.batch(folder, {
      trigger: batch.trigger, operation_id: operationId, status: operation.status, moved: operation.moved, skipped: operation.skipped, failed: operation.failed,
    });
  });
  step('record the folder\'s activity', () => { context.core.watchedFolders.recordActivity(folder.id, context.clock()); });
  step('look for a rule loop', () => {
    const loopCheck = createLoopCheck(ruleSet, { now: context.clock, platform: context.platform });
    for (const file of destinations) lookForLoop(context, batch, loopCheck, file);
  });
}

function lookForLoop(context: BatchContext, batch: { folder: WatchedFolder; excluded: readonly string[] }, loopCheck: LoopCheck, placed: string): void {
  const { folder } = batch;
  // Only a file that lies where the folder is watched can arrive again (not in its destination, nor deeper).
  if (!withinWatchedScope(placed, folder.path, folder.depth) || isExcluded(placed, batch.excluded)) return;
  const stats = lstatOrUndefined(placed);
  if (!stats?.isFile()) return;
  const file: PlacedFile = { path: placed, size: stats.size, mtimeMs: stats.mtimeMs };
  const loop = loopCheck(file, { root: folder.path, destination: folder.destination });
  if (!loop) return;
  const key = `${folder.id}\0${loop.rule.name}`;
  if (context.loopsTold.has(key)) return;
  context.loopsTold.add(key);
  const detail = `the rule "${loop.rule.name}" would act on its own output again (${path.basename(file.path)} would become ${path.relative(folder.path, loop.next)}); `
    + 'the watcher never acts on a file it placed, so it stops here; change the rule so that what it makes no longer matches';
  context.log(`${folder.path}: ${detail}`);
  context.reports.skipped(folder, file.path, 'rule-loop', detail);
}
