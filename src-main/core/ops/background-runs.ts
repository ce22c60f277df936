import { describeError } from '../../../src-shared/errors.js';
import { type OperationStatus } from '../../../src-shared/operation-status.js';
import { type OperationProgress, type OperationResult } from '../../../src-shared/progress.js';
import { type EventHub } from '../events/event-hub.js';
import { type PreviewExclusions } from './apply-preview.js';
import { type OrganizeRequest } from './operation-request.js';
import { type Operation } from './operation-store.js';
import { type Operations, type Scope } from './operations.js';

export type RunEvent = OperationProgress | (OperationResult & { rolled_back: number; rollback_conflicts: number; message: string | null });
export type RunListener = (event: RunEvent) => void;

interface LiveRun {
  owner: string;
  listeners: Set<RunListener>;
  last: OperationProgress | undefined;
  stop: AbortController;
  done: Promise<void>;
}

/** Statuses in which an operation's own process is still working on it. */
const ACTIVE: readonly OperationStatus[] = ['running', 'rolling_back'];
export function isSettled(operation: Pick<Operation, 'status' | 'ownerPid'>): boolean {
  if (ACTIVE.includes(operation.status)) return false;
  // planned and leased: a run still planning; planned and released: a finished dry run (or one to recover)
  return !(operation.status === 'planned' && operation.ownerPid !== null);
}

export function finalEventOf(operation: Pick<Operation, 'id' | 'status' | 'moved' | 'skipped' | 'failed' | 'conflicts' | 'rolledBack' | 'rollbackConflicts' | 'error'>): Extract<RunEvent, { type: 'result' }> {
  return {
    type: 'result', operation_id: operation.id, status: operation.status,
    moved: operation.moved, skipped: operation.skipped, failed: operation.failed, conflicts: operation.conflicts,
    rolled_back: operation.rolledBack, rollback_conflicts: operation.rollbackConflicts, message: operation.error,
  };
}

/**
 * Runs started by the API (HTTP or the window): each goes on in the background after the call that started it
 * has answered, and its progress goes to whoever listens (a WebSocket, the window). Closing stops every run
 * after the page in flight, leaving it interrupted and resumable, as Ctrl-C does in the CLI.
 */
export function createBackgroundRuns(operations: Operations, options: { events?: EventHub; log?: (message: string) => void } = {}) {
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const live = new Map<string, LiveRun>();

  const emit = (run: LiveRun, event: RunEvent): void => {
    for (const listener of run.listeners) {
      try { listener(event); } catch (error) { log(`fileorg: a progress listener failed: ${describeError(error)}`); }
    }
    // Every window and /ws/events socket of the run's owner hears it too.
    options.events?.publish(run.owner, event.type === 'result' ? { name: 'operations:result', data: event } : { name: 'operations:progress', data: event });
  };

  /** When the work ends, however it ends: the listeners get the operation's final state, and the run is forgotten. */
  const settle = (id: string, run: LiveRun, working: Promise<unknown>): void => {
    run.done = working.then(() => undefined, (error: unknown) => {
      // The engine recorded the failure on the operation (interrupted, with its message); the log says it too.
      log(`fileorg: operation ${id}: ${describeError(error)}`);
    }).finally(() => {
      live.delete(id);
      // Read by id alone: the account that started it may have been removed meanwhile (its operations pass to
      // the local profile), and its followers must still hear the end. The result goes to whoever owns it now.
      const ended = operations.byId(id);
      if (!ended) return; // the operation is gone
      run.owner = ended.userId;
      emit(run, finalEventOf(ended));
    });
  };

  /**
   * The engine checks a request (folders exist, the operation may be undone...) and records the operation
   * before its first await, so right after the call either the operation exists or the promise has already
   * rejected. A race against an already resolved promise tells which without waiting for the run: an already
   * rejected `working`, listed first, wins it.
   */
  const refusedAtOnce = async (working: Promise<unknown>): Promise<void> => {
    await Promise.race([working, Promise.resolve()]);
  };

  const track = (owner: string): LiveRun => ({ owner, listeners: new Set(), last: undefined, stop: new AbortController(), done: Promise.resolve() });
  const hooksOf = (run: LiveRun) => ({
    onProgress: (progress: OperationProgress) => { run.last = progress; emit(run, progress); },
    signal: run.stop.signal,
  });

  /** Undo or resume an operation that exists: a refusal (not undoable, not interrupted, busy) is thrown here. */
  const onExisting = async (id: string, scope: Scope, work: (resolvedId: string, hooks: ReturnType<typeof hooksOf>) => Promise<unknown>): Promise<string> => {
    const operation = operations.get(id, scope);
    const run = track(scope.owner);
    const working = work(operation.id, hooksOf(run));
    await refusedAtOnce(working); // throws the refusal
    live.set(operation.id, run);
    settle(operation.id, run, working);
    return operation.id;
  };

  return {
    /**
     * Start a new operation in the background (organize, a duplicate resolution): `work` gets the hooks to pass
     * to the engine, whose `onStarted` must come before its first await. Answers the new operation's id (bad
     * input is thrown instead).
     */
    async start(owner: string, work: (hooks: ReturnType<typeof hooksOf> & { onStarted: (operationId: string) => void }) => Promise<unknown>): Promise<string> {
      const run = track(owner);
      let id: string | undefined;
      const working = work({ ...hooksOf(run), onStarted: (started) => { id = started; live.set(started, run); } });
      if (id === undefined) {
        await refusedAtOnce(working); // throws the refusal (a missing folder, say)
        throw new Error('the operation did not start'); // unreachable: the engine records the operation before its first await
      }
      settle(id, run, working);
      return id;
    },

    /** Start organizing in the background; answers the new operation's id (bad input is thrown instead). */
    async organize(request: OrganizeRequest, options: { dryRun: boolean; owner: string }): Promise<string> {
      return this.start(options.owner, (hooks) => operations.organize(request, options, hooks));
    },

    /** Start rolling an operation back in the background; once this answers, it is `rolling_back`. */
    async rollback(id: string, scope: Scope): Promise<string> {
      return onExisting(id, scope, (resolved, hooks) => operations.undo(resolved, hooks, scope));
    },

    /**
     * Apply a recorded preview in the background, leaving out the rows named; once this answers, it is running
     * under the preview's id (a refusal: not a preview, applied already, a row it does not have, is thrown here).
     */
    async apply(id: string, exclusions: PreviewExclusions, scope: Scope): Promise<string> {
      return onExisting(id, scope, (resolved, hooks) => operations.apply(resolved, exclusions, hooks, scope));
    },

    /** Finish an interrupted operation (the rest of its run, or of its undo) in the background. */
    async resume(id: string, scope: Scope): Promise<string> {
      return onExisting(id, scope, (resolved, hooks) => operations.resume(resolved, hooks, scope));
    },

    /** Follow a run of this process: the last progress at once, then every event; undefined if it is not live here. */
    follow(id: string, listener: RunListener): (() => void) | undefined {
      const run = live.get(id);
      if (!run) return undefined;
      run.listeners.add(listener);
      if (run.last) listener(run.last);
      return () => { run.listeners.delete(listener); };
    },

    /**
     * Follow a run to its end: as `follow` while it is live here; once it has ended (it may end before a
     * listener comes), its result at once.
     */
    followToEnd(id: string, owner: string, listener: RunListener): void {
      const unfollow = this.follow(id, (event) => {
        listener(event);
        if (event.type === 'result') unfollow?.();
      });
      if (!unfollow) listener(finalEventOf(operations.get(id, { owner, exact: true })));
    },

    /** Is this run live in this process? (Then its events come from here, not from following the database.) */
    isLive(id: string): boolean {
      return live.has(id);
    },

    /** The stage of a run live in this process (null when it is not). */
    stageOf(id: string): OperationProgress['stage'] | null {
      return live.get(id)?.last?.stage ?? null;
    },

    /** Stop every run after the page in flight and wait for them to settle (interrupted, resumable). */
    async close(): Promise<void> {
      const runs = [...live.values()];
      for (const run of runs) run.stop.abort();
      await Promise.all(runs.map((run) => run.done));
    },
  };
}
export type BackgroundRuns = ReturnType<typeof createBackgroundRuns>;
