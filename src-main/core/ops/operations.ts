import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeError, FileOrganizerError, isFileOrganizerError } from '../../../src-shared/errors.js';
import { type OperationStatus } from '../../../src-shared/operation-status.js';
import { type OperationResult } from '../../../src-shared/progress.js';
import { type KeepPolicy } from '../../../src-shared/duplicates.js';
import { type AppDatabase } from '../db/open-database.js';
import { LOCAL_USER_ID } from '../db/schema.js';
import { copiesNotKept } from '../dupes/choose-kept.js';
import { type ContentPool } from '../dupes/content-pool.js';
import { type DuplicateSearch } from '../dupes/find-duplicates.js';
import { policiesOf } from '../rules/compile-rules.js';
import { type PlanSummary, planOrganize } from '../plan/plan-organize.js';
import { type Platform } from '../rules/safe-names.js';
import { checkRootsApart } from '../scan/check-roots.js';
import { type ProtectedFolders } from '../scan/protected-folders.js';
import { scanTree } from '../scan/scan-tree.js';
import { type ScanSummary } from '../scan/scan-types.js';
import { createWalkerPool } from '../scan/walker-pool.js';
import { applyRefusal, createPreviewStore, PREVIEW_AGAIN, type PreviewExclusions, unknownPreviewMessage } from './apply-preview.js';
import { DEFAULT_PAGE_SIZE, type EngineContext, type RunHooks } from './engine-context.js';
import { createFileActionPool } from './file-action-pool.js';
import { executeOperation } from './execute-operation.js';
import { reportPlannedSkips } from './file-outcomes.js';
import { createJournal, type JournalRow, type NewJournalRow } from './journal.js';
import { type JournalFilter, type ListedJournalRow } from './journal-pages.js';
import { type DedupeRequest, type OrganizeRequest } from './operation-request.js';
import { createOperationStore, type Operation } from './operation-store.js';
import { planSummaryOfRows } from './plan-summary.js';
import { createProgressThrottle } from './progress-throttle.js';
import { reconcileOperation } from './reconcile-operation.js';
import { rollbackOperation } from './rollback-operation.js';
import { rollbackChosenRows } from './rollback-rows.js';

const HEARTBEAT_MS = 5_000;
/** How often a run reads whether someone (any process) asked it to stop: one row by its key. */
const CANCEL_CHECK_MS = 100;
const NO_EXCLUSIONS: PreviewExclusions = { exclude: [], excludePaths: [] };
/** The message of a run stopped (cancel, Ctrl-C, shutdown) before its plan was whole: there is nothing to resume. */
const STOPPED_WHILE_PLANNING = 'stopped while planning, before anything moved; run organize again';

export interface OperationsDependencies {
  database: AppDatabase;
  clock: () => number;
  newId: () => string;
  platform: Platform;
  progressEveryFiles?: number;
  progressEveryMs?: number;
  pageSize?: number;
  /** folders never organized, scanned or moved into, whatever the request: the data folder and the quarantines */
  protectedFolders: ProtectedFolders;
  /** the content threads: the planner's type and photo-date reads */
  contentPool: ContentPool;
  /** the duplicate search, for rule sets with a `duplicate` condition (run over the roots before planning) */
  searchDuplicates?: (roots: string[], includeHidden: boolean) => Promise<DuplicateSearch>;
  /** for tests only: wait this long before each page of a run (see EngineContext.pageDelayMs) */
  pageDelayMs?: number;
}

/**
 * Whose operations a call may see: every read, resume and undo is limited to the owner's own operations, and
 * another user's id is unknown. `exact` turns off the CLI's id prefixes (the API takes whole ids only).
 */
export interface Scope {
  owner: string;
  exact?: boolean;
}
const LOCAL_SCOPE: Scope = { owner: LOCAL_USER_ID };

export interface OrganizeHooks extends RunHooks {
  /** the operation exists (its id can be shown) before scanning starts */
  onStarted?: (operationId: string) => void;
  /** plan rows as they are made and journaled, in order (the dry run prints them) */
  onPlannedRows?: (rows: readonly NewJournalRow[]) => void;
  /** the complete plan is in the journal; nothing has moved yet */
  onPlanned?: (plan: PlanSummary, operationId: string) => void;
}

/** Check every root and the destination before anything is recorded, with messages that say what to fix. */
function checkPaths(request: OrganizeRequest, protectedFolders: ProtectedFolders): void {
  checkRootsApart(request.roots);
  for (const root of request.roots) {
    protectedFolders.refuse(root, 'source');
    const stats = fs.statSync(root, { throwIfNoEntry: false });
    if (!stats) throw new FileOrganizerError('E_BAD_PATH', `${root} does not exist; give a folder to organize`);
    if (!stats.isDirectory()) throw new FileOrganizerError('E_BAD_PATH', `${root} is a file, not a folder; give the folder that holds it`);
  }
  if (request.destination) {
    protectedFolders.refuse(request.destination, 'destination');
    const stats = fs.statSync(request.destination, { throwIfNoEntry: false });
    if (stats && !stats.isDirectory()) throw new FileOrganizerError('E_BAD_PATH', `the destination ${request.destination} is a file; give a folder (it is created if missing)`);
  }
}

/** Why an operation cannot be cancelled (it is not running), and what to do instead. */
function cancelRefusal(operation: Operation): FileOrganizerError {
  const { id } = operation;
  const unless = operation.dryRun && operation.status === 'planned'
    ? 'is a preview that was not applied: nothing runs; apply it, or leave it (it is discarded after 24 hours)'
    : operation.status === 'interrupted'
      ? `is interrupted already: finish it with fileorg resume ${id} (POST …/resume), or put it back with fileorg undo ${id} (POST …/rollback)`
      : ['completed', 'completed_with_failures', 'partially_rolled_back'].includes(operation.status)
        ? `is ${operation.status}: nothing runs; put its files back with fileorg undo ${id} (POST …/rollback)`
        : `is ${operation.status}: nothing runs`;
  return new FileOrganizerError('E_CONFLICT', `operation ${id} ${unless}; only a running operation can be cancelled`);
}

export function createOperations(dependencies: OperationsDependencies) {
  const { database, clock, newId, platform } = dependencies;
  const store = createOperationStore(database, clock);
  const journal = createJournal(database);
  const previews = createPreviewStore(database, clock);
  const pool = createFileActionPool();
  const walkers = createWalkerPool();
  const context: EngineContext = {
    store, journal, pool, clock, platform, databaseFile: database.sqlite.name,
    pageSize: dependencies.pageSize ?? DEFAULT_PAGE_SIZE,
    progressEveryFiles: dependencies.progressEveryFiles ?? 100,
    progressEveryMs: dependencies.progressEveryMs ?? 100,
    pageDelayMs: dependencies.pageDelayMs ?? 0,
  };

  /** Operations this process is working on now; any other it owns that says `running` was left by a failure. */
  const working = new Set<string>();

  /**
   * Settle an operation that says it is being worked on but no process works on it any more, as recovery
   * would: from the disk, to `interrupted`. `ours`: this process owns it and its run failed (the journal could
   * not be written, the disk is full). `gone`: another process owned it and is gone (killed outright) while
   * this one stays open (a serve, the app), which would otherwise wait for the next process to open the data
   * folder. Best effort: when the data folder still cannot be written, it is settled the next time it is asked
   * for, or at the next open.
   */
  const settle = (operationId: string, whose: 'ours' | 'gone'): void => {
    const operation = store.get(operationId);
    if (!operation || working.has(operationId) || !['planned', 'running', 'rolling_back'].includes(operation.status)) return;
    if (operation.dryRun && operation.status === 'planned' && operation.ownerPid === null) return; // a finished preview
    const ours = operation.ownerPid === process.pid && operation.ownerHost === os.hostname();
    // Ours but not worked on: a run that failed, or one just recorded whose lease is about to be held (never "gone").
    if (whose === 'ours' ? !ours : ours || store.heldByOther(operation)) return;
    try { reconcileOperation(context, operation); } catch { /* still unwritable: left for later */ }
  };
  const settleAbandoned = (operationId: string): void => settle(operationId, 'ours');
  const settleIfOwnerGone = (operationId: string): void => settle(operationId, 'gone');

  /**
   * Keep the lease fresh while this process works on an operation, and watch its row for a cancel (asked by
   * any process): the work gets a signal that aborts on the caller's own stop (Ctrl-C, shutdown) or on a cancel,
   * and stops after the files in flight either way.
   */
  const holdLease = async <T>(operationId: string, stop: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const timer = setInterval(() => store.heartbeat(operationId), HEARTBEAT_MS);
    timer.unref();
    const cancelled = new AbortController();
    const check = (): void => {
      try {
        if (!store.cancelRequested(operationId)) return;
        cancelled.abort();
        clearInterval(watch);
      } catch { /* the database is busy or unwritable now: read again next time */ }
    };
    const watch = setInterval(check, CANCEL_CHECK_MS);
    watch.unref();
    check(); // a cancel asked before the lease was held here (while organize recorded its start) counts at once
    working.add(operationId);
    try {
      return await work(stop ? AbortSignal.any([stop, cancelled.signal]) : cancelled.signal);
    } finally {
      clearInterval(timer);
      clearInterval(watch);
      working.delete(operationId);
      settleAbandoned(operationId);
    }
  };

  /** Settle the status from the counters the pages kept, and give up the lease. */
  const finish = (operationId: string, kind: 'execute' | 'rollback'): OperationResult => {
    const operation = store.get(operationId) as Operation;
    const status: OperationStatus = kind === 'execute'
      ? (operation.failed > 0 ? 'completed_with_failures' : 'completed')
      : (operation.rollbackConflicts > 0 ? 'partially_rolled_back' : 'rolled_back');
    store.release(operationId, { status, finishedAt: clock(), error: null });
    return resultOf(store.get(operationId) as Operation);
  };

  /** Stopped on request after a page: interrupted, ready to resume or undo. */
  const stopHere = (operationId: string, kind: 'execute' | 'rollback'): OperationResult => {
    store.release(operationId, {
      status: 'interrupted',
      error: `stopped by the user; run "fileorg ${kind === 'execute' ? 'resume' : 'undo'} ${operationId}" to finish${kind === 'execute' ? `, or "fileorg undo ${operationId}" to roll it back` : ''}`,
    });
    return resultOf(store.get(operationId) as Operation);
  };

  const resultOf = (operation: Operation): OperationResult => ({
    type: 'result', operation_id: operation.id, status: operation.status,
    moved: operation.moved, skipped: operation.skipped, failed: operation.failed, conflicts: operation.conflicts,
  });

  /** For a rule set that asks whether a file is a `duplicate`: the copies each named keep policy would not keep. */
  const findCopies = async (request: OrganizeRequest): Promise<Map<KeepPolicy, Set<string>> | undefined> => {
    const policies = policiesOf(request.ruleSet);
    if (policies.size === 0) return undefined;
    if (!dependencies.searchDuplicates) throw new FileOrganizerError('E_INTERNAL', 'this rule set uses "duplicate", but no duplicate search was wired in');
    const search = await dependencies.searchDuplicates(request.roots, request.includeHidden);
    return new Map([...policies].map((policy) => [policy, copiesNotKept(search, policy)]));
  };

  const guardNotBusy = (operation: Operation): void => {
    if (working.has(operation.id)) throw new FileOrganizerError('E_BUSY', `operation ${operation.id} is being worked on in this process (a run, an undo or a restore); wait for it to finish`);
    if (store.heldByOther(operation)) throw new FileOrganizerError('E_BUSY', `operation ${operation.id} is being worked on by process ${operation.ownerPid}; wait for it to finish`);
  };

  return {
    /** Stop the worker threads; the process can exit after this. */
    close: async () => { await Promise.all([pool.close(), walkers.close()]); },

    /** Settle every operation whose owner is gone. Run once when a process opens the data folder. */
    recoverInterrupted(): string[] {
      const orphaned = store.orphaned();
      for (const operation of orphaned) reconcileOperation(context, operation);
      return orphaned.map((operation) => operation.id);
    },

    /**
     * Organize the roots by the rules: plan it all, journal it, then move. `watch` makes it one of the watcher's
     * batches (kind `watch`): only the files it names are planned, and a batch that plans nothing to move is not
     * kept (its skips reach `onPlannedRows`; the answer says `discarded`).
     */
    async organize(request: OrganizeRequest, options: { dryRun: boolean; owner?: string; watch?: { files: readonly string[] } }, hooks: OrganizeHooks = {}): Promise<OperationResult & { plan: PlanSummary; discarded?: boolean }> {
      checkPaths(request, dependencies.protectedFolders);
      const id = newId();
      const watch = options.watch;
      store.insert({
        id, userId: options.owner ?? LOCAL_USER_ID, kind: watch ? 'watch' : 'organize', status: 'planned', phase: 'execute', dryRun: options.dryRun, request: JSON.stringify(request),
        createdAt: clock(), startedAt: clock(), ownerPid: process.pid, ownerHost: os.hostname(), heartbeatAt: clock(),
      });
      hooks.onStarted?.(id);
      if (!options.dryRun) pool.warm();
      return holdLease(id, hooks.signal, async (signal) => {
        const progress = createProgressThrottle({ operationId: id, listener: hooks.onProgress, everyFiles: context.progressEveryFiles, everyMs: context.progressEveryMs });
        let plan: PlanSummary;
        try {
          const copies = await findCopies(request);
          plan = await planOrganize(watch ? { ...request, files: watch.files } : request, { now: clock, platform, progress, signal, protectedFolders: dependencies.protectedFolders, walkers, contentPool: dependencies.contentPool, copies }, (rows) => {
            journal.insertRows(id, rows);
            hooks.onPlannedRows?.(rows);
          });
        } catch (error) {
          // Nothing moved: forget the partial plan and say so now rather than leave it to recovery.
          const stopped = isFileOrganizerError(error) && error.code === 'E_INTERRUPTED';
          const message = stopped ? STOPPED_WHILE_PLANNING : `planning failed, before anything moved: ${describeError(error)}; run organize again once that is fixed`;
          journal.discardPlan(id);
          store.release(id, { status: 'interrupted', finishedAt: clock(), error: message });
          throw stopped ? new FileOrganizerError('E_INTERRUPTED', message) : error;
        }
        if (watch && plan.filesTotal === 0 && !options.dryRun) {
          // Nothing to move (all unchanged, unmatched or skipped): a batch that did nothing is not history.
          store.remove(id);
          return { type: 'result', operation_id: id, status: 'completed', moved: 0, skipped: plan.skipped, failed: 0, conflicts: plan.conflicts, plan, discarded: true };
        }
        // The plan is whole in the journal before the first file moves; from here on the run can be resumed.
        database.sqlite.transaction(() => {
          journal.recordFolders(id, 'created', plan.createdFolders);
          store.update(id, {
            filesTotal: plan.filesTotal, bytesTotal: plan.bytesTotal, unchanged: plan.unchanged, skipped: plan.skipped,
            conflicts: plan.conflicts, planSummary: JSON.stringify(plan.preview), planRecordedAt: clock(), heartbeatAt: clock(),
          });
        })();
        hooks.onPlanned?.(plan, id);
        if (!options.dryRun) reportPlannedSkips(journal, id, plan.skipped, hooks.onFileOutcomes); // a dry run listed them already
        if (options.dryRun) {
          store.release(id, { status: 'planned', finishedAt: clock() });
          return { ...resultOf(store.get(id) as Operation), plan };
        }
        if (!store.acquire(id, ['planned'], 'running', 'execute', { sameRun: true })) throw new FileOrganizerError('E_BUSY', `operation ${id} was taken over by another process`);
        // Cancelled once planning was over, before the watcher read it: stopped before the first file, resumable.
        if (store.cancelRequested(id)) return { ...stopHere(id, 'execute'), plan };
        const planned = store.get(id) as Operation;
        const { stopped } = await executeOperation(context, planned, { ...hooks, signal, resuming: false });
        return { ...(stopped ? stopHere(id, 'execute') : finish(id, 'execute')), plan };
      });
    },

    /**
     * Run a plan made elsewhere (duplicate resolution): recorded whole in the journal first, then carried out
     * by the same engine as organize, so resume, recovery and undo treat it alike. The plan is made inside,
     * once the operation's id (which names its quarantine folder) exists.
     */
    async runPrepared(request: DedupeRequest, makePlan: (operationId: string) => { rows: readonly NewJournalRow[]; createdFolders: Iterable<string> },
      hooks: OrganizeHooks = {}, owner: string = LOCAL_USER_ID): Promise<OperationResult> {
      const id = newId();
      store.insert({
        id, userId: owner, kind: request.kind, status: 'planned', phase: 'execute', dryRun: false, request: JSON.stringify(request),
        createdAt: clock(), startedAt: clock(), ownerPid: process.pid, ownerHost: os.hostname(), heartbeatAt: clock(),
      });
      hooks.onStarted?.(id);
      pool.warm();
      return holdLease(id, hooks.signal, async (signal) => {
        const plan = makePlan(id);
        const planned = plan.rows.filter((row) => row.state === 'planned');
        database.sqlite.transaction(() => {
          for (let start = 0; start < plan.rows.length; start += 5000) journal.insertRows(id, plan.rows.slice(start, start + 5000));
          journal.recordFolders(id, 'created', plan.createdFolders);
          store.update(id, {
            filesTotal: planned.length, bytesTotal: planned.reduce((sum, row) => sum + row.size, 0), skipped: plan.rows.length - planned.length,
            planSummary: planSummaryOfRows(plan.rows, 0), planRecordedAt: clock(), heartbeatAt: clock(),
          });
        })();
        reportPlannedSkips(journal, id, plan.rows.length - planned.length, hooks.onFileOutcomes);
        if (!store.acquire(id, ['planned'], 'running', 'execute', { sameRun: true })) throw new FileOrganizerError('E_BUSY', `operation ${id} was taken over by another process`);
        if (store.cancelRequested(id)) return stopHere(id, 'execute'); // cancelled while the plan was recorded
        const { stopped } = await executeOperation(context, store.get(id) as Operation, { ...hooks, signal, resuming: false });
        return stopped ? stopHere(id, 'execute') : finish(id, 'execute');
      });
    },

    /** Finish an interrupted operation: the rest of its run, or the rest of its undo. */
    async resume(idOrPrefix: string, hooks: RunHooks = {}, scope: Scope = LOCAL_SCOPE): Promise<OperationResult> {
      const resolvedId = store.resolve(idOrPrefix, scope.owner, !scope.exact).id;
      settleAbandoned(resolvedId);
      settleIfOwnerGone(resolvedId);
      const operation = store.resolve(idOrPrefix, scope.owner, !scope.exact);
      guardNotBusy(operation);
      if (operation.dryRun) throw new FileOrganizerError('E_INVALID_STATE', `operation ${operation.id} was a dry run (a preview); run organize without --dry-run`);
      if (operation.status !== 'interrupted') throw new FileOrganizerError('E_INVALID_STATE', `operation ${operation.id} is ${operation.status}; only an interrupted operation can be resumed`);
      if (operation.planRecordedAt === null) throw new FileOrganizerError('E_INVALID_STATE', `operation ${operation.id} stopped while planning, before anything moved; run organize again`);
      if (operation.phase === 'rollback') return this.undo(operation.id, hooks, scope);
      if (!store.acquire(operation.id, ['interrupted'], 'running', 'execute')) throw new FileOrganizerError('E_BUSY', `operation ${operation.id} was taken over by another process`);
      pool.warm();
      return holdLease(operation.id, hooks.signal, async (signal) => {
        const { stopped } = await executeOperation(context, operation, { ...hooks, signal, resuming: true });
        return stopped ? stopHere(operation.id, 'execute') : finish(operation.id, 'execute');
      });
    },

    /** Roll an operation back, newest file first. Safe to run again after an interruption or a conflict. */
    async undo(idOrPrefix: string, hooks: RunHooks = {}, scope: Scope = LOCAL_SCOPE): Promise<OperationResult & { rolled_back: number; rollback_conflicts: number }> {
      const resolvedId = store.resolve(idOrPrefix, scope.owner, !scope.exact).id;
      settleAbandoned(resolvedId);
      settleIfOwnerGone(resolvedId);
      const operation = store.resolve(idOrPrefix, scope.owner, !scope.exact);
      guardNotBusy(operation);
      if (operation.dryRun) throw new FileOrganizerError('E_INVALID_STATE', `operation ${operation.id} was a dry run: nothing was moved, so there is nothing to undo`);
      if (operation.status === 'rolled_back') throw new FileOrganizerError('E_INVALID_STATE', `operation ${operation.id} is already rolled back`);
      const undoable: OperationStatus[] = ['completed', 'completed_with_failures', 'interrupted', 'partially_rolled_back'];
      if (!undoable.includes(operation.status)) throw new FileOrganizerError('E_INVALID_STATE', `operation ${operation.id} is ${operation.status}; it can be undone once it has finished or been interrupted`);
      if (!store.acquire(operation.id, undoable, 'rolling_back', 'rollback')) throw new FileOrganizerError('E_BUSY', `operation ${operation.id} was taken over by another process`);
      pool.warm();
      return holdLease(operation.id, hooks.signal, async (signal) => {
        const { stopped } = await rollbackOperation(context, operation, { ...hooks, signal });
        const result = stopped ? stopHere(operation.id, 'rollback') : finish(operation.id, 'rollback');
        const after = store.get(operation.id) as Operation;
        return { ...result, rolled_back: after.rolledBack, rollback_conflicts: after.rollbackConflicts };
      });
    },

    /**
     * Run a recorded preview (a dry run) exactly as planned: the same journal rows, less those `exclusions`
     * name (recorded `skipped`, `excluded`). The operation keeps the preview's id, so that is the id to undo.
     * A file changed since the preview is skipped with the reason, and a name taken since follows the
     * conflict policy, as in any run.
     */
    async apply(idOrPrefix: string, exclusions: PreviewExclusions = NO_EXCLUSIONS, hooks: RunHooks = {}, scope: Scope = LOCAL_SCOPE): Promise<OperationResult> {
      // An exact scope is an API caller's: told, as for any preview pruned before, how to preview again there.
      const unknown = () => new FileOrganizerError('E_UNKNOWN_OPERATION', unknownPreviewMessage(idOrPrefix, scope.exact ? PREVIEW_AGAIN.api : PREVIEW_AGAIN.cli));
      let preview: Operation;
      try {
        preview = store.resolve(idOrPrefix, scope.owner, !scope.exact);
      } catch (error) {
        throw isFileOrganizerError(error) && error.code === 'E_UNKNOWN_OPERATION' ? unknown() : error;
      }
      // Past its day, a preview is pruned now rather than run, as the hourly pruning would have.
      if (previews.pruneIfExpired(preview.id)) throw unknown();
      // One whose planner died while planning is settled now (interrupted), not answered "still being planned".
      settleIfOwnerGone(preview.id);
      preview = store.get(preview.id) as Operation;
      const refusal = applyRefusal(preview);
      if (refusal) throw refusal;
      previews.take(preview.id, exclusions);
      pool.warm();
      return holdLease(preview.id, hooks.signal, async (signal) => {
        const taken = store.get(preview.id) as Operation;
        reportPlannedSkips(journal, taken.id, taken.skipped, hooks.onFileOutcomes); // the plan's skips and the rows left out
        const { stopped } = await executeOperation(context, taken, { ...hooks, signal, resuming: false });
        return stopped ? stopHere(taken.id, 'execute') : finish(taken.id, 'execute');
      });
    },

    /**
     * Ask a running organize, apply or undo to stop after the files in flight, whichever process runs it: the
     * request is recorded on its row, which that process reads while it works. It then becomes `interrupted`.
     */
    cancel(idOrPrefix: string, scope: Scope = LOCAL_SCOPE): { operation_id: string; status: OperationStatus } {
      const operation = store.resolve(idOrPrefix, scope.owner, !scope.exact);
      // A run whose process is gone has stopped already: settled now, it is answered as stopped.
      settleIfOwnerGone(operation.id);
      const settled = store.get(operation.id) as Operation;
      if (settled.status !== operation.status && settled.status === 'interrupted') return { operation_id: operation.id, status: settled.status };
      if (!store.requestCancel(operation.id)) throw cancelRefusal(store.get(operation.id) as Operation);
      return { operation_id: operation.id, status: (store.get(operation.id) as Operation).status };
    },

    /** Delete the previews never applied that are more than a day old, rows and all. Answers how many. */
    prunePreviews(): number {
      return previews.prune();
    },

    /** An operation by its whole id, whoever owns it: for this process's own bookkeeping, never for a caller's request. */
    byId(id: string): Operation | undefined {
      return store.get(id);
    },

    get(idOrPrefix: string, scope: Scope = LOCAL_SCOPE): Operation {
      return store.resolve(idOrPrefix, scope.owner, !scope.exact);
    },

    /** The owner's operations, newest first, and how many they have in all. */
    history(limit = 1000, owner: string = LOCAL_USER_ID, offset = 0, kind?: Operation['kind']): Operation[] {
      return store.list(limit, owner, offset, kind);
    },
    countOf(owner: string, kind?: Operation['kind']): number {
      return store.count(owner, kind);
    },

    /** One operation and its journal; the rows are read a page at a time as they are iterated. */
    showStream(idOrPrefix: string, scope: Scope = LOCAL_SCOPE): { operation: Operation; files: Iterable<JournalRow>; folders: { created: string[]; removed: string[] } } {
      const operation = store.resolve(idOrPrefix, scope.owner, !scope.exact);
      function* files(): Generator<JournalRow> {
        for (let cursor = 0; ;) {
          const page = journal.pageForward(operation.id, cursor, ['planned', 'done', 'skipped', 'failed', 'rolled_back', 'rollback_conflict'], 5000);
          if (page.length === 0) return;
          yield* page;
          cursor = (page[page.length - 1] as JournalRow).id;
        }
      }
      return { operation, files: files(), folders: { created: journal.folders(operation.id, 'created'), removed: journal.folders(operation.id, 'removed') } };
    },

    /** A page of one operation's journal, by position among the rows `filter` keeps. */
    filesPage(id: string, scope: Scope, offset: number, limit: number, filter: JournalFilter = {}): { rows: ListedJournalRow[]; total: number } {
      return journal.pageAt(store.resolve(id, scope.owner, !scope.exact).id, filter, offset, limit);
    },

    show(idOrPrefix: string, scope: Scope = LOCAL_SCOPE): { operation: Operation; files: JournalRow[]; folders: { created: string[]; removed: string[] } } {
      const shown = this.showStream(idOrPrefix, scope);
      return { ...shown, files: [...shown.files] };
    },

    async scan(roots: string[], options: { includeHidden: boolean }): Promise<ScanSummary> {
      for (const root of roots) {
        dependencies.protectedFolders.refuse(root, 'scan');
        if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new FileOrganizerError('E_BAD_PATH', `${root} is not a folder; give a folder to scan`);
      }
      const resolved = roots.map((root) => path.resolve(root));
      const stream = scanTree({ roots: resolved, excludedFolders: dependencies.protectedFolders.excludedFrom(resolved), excludedIdentities: dependencies.protectedFolders.identities(), includeHidden: options.includeHidden, batchSize: 512 }, { walkers });
      for await (const batch of stream.batches) void batch; // counted in the summary
      return stream.summary;
    },

    /**
     * Put chosen files of a finished (or interrupted) operation back now, through undo's row actions (a restore
     * of some quarantined files); the operation keeps its status. It holds the operation's lease meanwhile (as
     * an undo, so that recovery after a crash settles it like one), and is refused while a run holds it. A
     * cancel stops it between batches: the rows put back stay `rolled_back`, the rest (`notReached`) stay `done`.
     */
    async rollbackRows(idOrPrefix: string, rowIds: readonly number[], scope: Scope = LOCAL_SCOPE) {
      const resolvedId = store.resolve(idOrPrefix, scope.owner, !scope.exact).id;
      settleAbandoned(resolvedId);
      settleIfOwnerGone(resolvedId);
      const operation = store.resolve(idOrPrefix, scope.owner, !scope.exact);
      guardNotBusy(operation);
      const restorable: OperationStatus[] = ['completed', 'completed_with_failures', 'partially_rolled_back', 'interrupted'];
      if (operation.dryRun || !restorable.includes(operation.status)) {
        throw new FileOrganizerError('E_INVALID_STATE', `operation ${operation.id} is ${operation.dryRun ? 'a preview' : operation.status}; files can be put back once it has finished or been interrupted`);
      }
      if (!store.acquire(operation.id, restorable, 'rolling_back', 'rollback')) throw new FileOrganizerError('E_BUSY', `operation ${operation.id} was taken over by another process`);
      return holdLease(operation.id, undefined, async (signal) => {
        const outcome = await rollbackChosenRows(context, operation, rowIds, signal);
        // Back to where it stood: a failure above leaves it leased, and recovery settles it from the disk.
        store.release(operation.id, { status: operation.status, phase: operation.phase, finishedAt: operation.finishedAt, error: operation.error });
        return outcome;
      });
    },
  };
}
export type Operations = ReturnType<typeof createOperations>;
