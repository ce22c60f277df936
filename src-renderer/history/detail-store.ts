import { create } from 'zustand';
import { type OperationView } from '../../src-shared/api/operations.js';
import { onSessionEnd } from '../app/session-end.js';
import { ClientError, messageOf } from '../client/client.js';
import { followOperation, isLive } from '../client/follow-operation.js';
import { client } from '../client/index.js';
import { plural, visibleName } from '../ui/format.js';
import { createRateMeter, type RateEstimate } from '../ui/rate-meter.js';
import { type RunProgressView } from '../ui/RunProgress.js';
import { useJournal } from './journal-store.js';
import { movedWord, type OperationAction } from './operation-words.js';

/**
 * While a run goes, its counts and the journal's rows in view are read again at most this often, when its
 * progress events say files moved (events carry no counts, and rows change state): reads that follow events,
 * never a timer.
 */
const CATCH_UP_MS = 1500;

const CHANNELS = { apply: 'operations:apply', undo: 'operations:rollback', resume: 'operations:resume', cancel: 'operations:cancel' } as const;

interface DetailState {
  operationId: string | null;
  operation: OperationView | null;
  phase: 'loading' | 'ready' | 'not-found' | 'error';
  /** why the operation could not be read */
  error: string | null;
  /** the action being asked for (its button waits) */
  acting: OperationAction | null;
  /** why an action was refused, in the API's words */
  actionError: string | null;
  /** live progress while the operation runs; null otherwise */
  progress: RunProgressView | null;
  /** what the last action here came to, in words, once it settled */
  result: string | null;
  /** the run this window started on the operation (Apply, Resume or Undo), which its progress is named after */
  started: Exclude<OperationAction, 'cancel'> | null;
  open(operationId: string): Promise<void>;
  close(): void;
  act(action: OperationAction): Promise<void>;
}

let stopFollowing: (() => void) | null = null;
/** While an operation is shown and not followed: its events (another window's or the CLI's run) start following it. */
let stopWatching: (() => void) | null = null;
/** Answers for an operation no longer shown are dropped. */
let generation = 0;

/**
 * The stage a read of the operation implies when the server does not say it (it knows the stage only of runs
 * it holds, and only since their last event): a run whose plan is whole is moving files, an undo putting back.
 */
function stageOf(operation: OperationView): RunProgressView['stage'] {
  if (operation.progress.stage !== null) return operation.progress.stage;
  if (operation.status === 'rolling_back') return 'rollback';
  if (operation.status === 'running') return operation.plan !== null || operation.progress.files_done > 0 ? 'execute' : null;
  return operation.status === 'planned' ? 'plan' : null;
}

/** Progress as read with the whole operation (at its start, at each result, after a reconnection): its counters, and the rate they imply. */
function progressOf(operation: OperationView, previous: RunProgressView | null, rate: RateEstimate | null): RunProgressView {
  const { progress } = operation;
  return {
    stage: stageOf(operation) ?? previous?.stage ?? null,
    filesDone: progress.files_done, filesTotal: progress.files_total, bytesDone: progress.bytes_done, bytesTotal: progress.bytes_total,
    currentPath: previous?.currentPath ?? null,
    bytesPerSecond: rate?.bytesPerSecond ?? previous?.bytesPerSecond ?? null, secondsLeft: rate?.secondsLeft ?? previous?.secondsLeft ?? null,
  };
}

/** What an action came to, said once it settled. */
function resultWords(action: OperationAction, operation: OperationView): string {
  const left = [operation.skipped > 0 ? `${plural(operation.skipped, 'file')} skipped` : '', operation.failed > 0 ? `${plural(operation.failed, 'file')} failed` : ''].filter(Boolean);
  if (action === 'undo' || operation.status === 'rolled_back' || operation.status === 'partially_rolled_back') {
    const notBack = operation.rollback_conflicts > 0 ? `; ${plural(operation.rollback_conflicts, 'file')} not put back (see below)` : '';
    return `Undo put back ${plural(operation.rolled_back, 'file')}${notBack}.`;
  }
  if (operation.status === 'interrupted') return `Stopped: ${plural(operation.moved, 'file')} ${movedWord(operation).toLowerCase()} so far. Resume finishes it; Undo puts them back.`;
  return `${movedWord(operation)} ${plural(operation.moved, 'file')}${left.length > 0 ? `; ${left.join(', ')}` : ''}.`;
}

export const useDetail = create<DetailState>((set, get) => {
  /** Follow the operation while it is live: progress from events, the whole operation at each result and when the event stream reconnects. */
  const follow = (action: OperationAction | null): void => {
    stopFollowing?.();
    const { operationId } = get();
    if (operationId === null) return;
    const asked = generation;
    const meter = createRateMeter();
    let caughtUpAt = performance.now();
    let caughtUpDone = -1;
    let handle: (() => void) | null = null;
    const following = (): boolean => asked === generation && handle !== null && stopFollowing === handle;
    /** Counts and journal rows as they are now, read because events said files moved. */
    const catchUp = async (): Promise<void> => {
      useJournal.getState().refresh();
      try {
        const operation = await client.call('operations:get', { id: operationId });
        // Only while still following: a read answered after the run settled must not undo what settling showed.
        if (following() && isLive(operation)) set({ operation });
      } catch {
        // The next result or reconnection reads it again; the progress bar goes on meanwhile.
      }
    };
    handle = followOperation(operationId, {
      progress(event) {
        if (asked !== generation) return;
        const rate = meter.sample(event.bytes_done, event.bytes_total);
        set({
          progress: {
            stage: event.stage, filesDone: event.files_done, filesTotal: event.files_total, bytesDone: event.bytes_done, bytesTotal: event.bytes_total,
            currentPath: event.current_path === null ? null : visibleName(event.current_path), bytesPerSecond: rate.bytesPerSecond, secondsLeft: rate.secondsLeft,
          },
        });
        if (event.files_done !== caughtUpDone && performance.now() - caughtUpAt >= CATCH_UP_MS && following()) {
          caughtUpDone = event.files_done;
          caughtUpAt = performance.now();
          void catchUp();
        }
      },
      update(operation) {
        if (asked !== generation) return;
        const live = isLive(operation);
        const rate = live ? meter.sample(operation.progress.bytes_done, operation.progress.bytes_total) : null;
        set({ operation, progress: live ? progressOf(operation, get().progress, rate) : null });
      },
      settled(operation) {
        if (asked !== generation) return;
        stopFollowing = null;
        set({ operation, progress: null, ...(action === null || (action === 'cancel' && operation.status !== 'interrupted') ? {} : { result: resultWords(action, operation) }) });
        useJournal.getState().refresh();
      },
      failed(error) {
        if (asked === generation) set({ actionError: messageOf(error) });
      },
    });
    // followOperation's first read answers later (never synchronously), so settled() comes after this.
    stopFollowing = handle;
  };

  /**
   * A run on the shown operation that this window did not start (the CLI undoes it, another window resumes it):
   * its first event starts following it; a result, or the event stream back after a drop, reads it once. No polling.
   */
  const watch = (operationId: string): void => {
    stopWatching?.();
    const wake = (id: string): void => { if (id === operationId && stopFollowing === null && get().phase === 'ready') follow(null); };
    const offProgress = client.on('operations:progress', (event) => wake(event.operation_id));
    const offResult = client.on('operations:result', (event) => wake(event.operation_id));
    const offConnected = client.onConnected(() => wake(operationId));
    stopWatching = () => { offProgress(); offResult(); offConnected(); stopWatching = null; };
  };

  const EMPTY = { operationId: null, operation: null, phase: 'loading', error: null, acting: null, actionError: null, progress: null, result: null, started: null } as const;
  const forget = (): void => {
    stopFollowing?.();
    stopFollowing = null;
    stopWatching?.();
    generation += 1;
    set(EMPTY);
    useJournal.getState().close();
  };
  // Signed out: nothing of this operation stays on screen for the next person, and nothing follows it.
  onSessionEnd(forget);

  return {
    ...EMPTY,

    async open(operationId) {
      stopFollowing?.();
      stopFollowing = null;
      generation += 1;
      const asked = generation;
      set({ ...EMPTY, operationId });
      useJournal.getState().open(operationId);
      watch(operationId);
      try {
        const operation = await client.call('operations:get', { id: operationId });
        if (asked !== generation) return;
        set({ operation, phase: 'ready', progress: isLive(operation) ? progressOf(operation, null, null) : null });
        if (isLive(operation)) follow(null);
      } catch (error) {
        if (asked !== generation) return;
        // The id comes from the address: one no operation could have (too long, say) is not found either.
        const notFound = error instanceof ClientError && (error.status === 404 || error.code === 'E_VALIDATION');
        set({ phase: notFound ? 'not-found' : 'error', error: messageOf(error) });
      }
    },

    close: forget,

    async act(action) {
      const { operationId, acting } = get();
      if (operationId === null || acting !== null) return;
      const asked = generation;
      set({ acting: action, actionError: null, result: null });
      try {
        await client.call(CHANNELS[action], { id: operationId });
        if (asked !== generation) return;
        set({ acting: null, ...(action === 'cancel' ? {} : { started: action }) });
        // Apply, Undo and Resume start a run; Cancel asks the run to stop. Either way the detail follows it to its end.
        follow(action);
      } catch (error) {
        if (asked !== generation) return;
        set({ acting: null, actionError: messageOf(error) });
        // The refusal may come from a status this screen had not seen yet (another window or the CLI acted): show it.
        follow(null);
      }
    },
  };
});
