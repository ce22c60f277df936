import { create } from 'zustand';
import { type OperationView } from '../../src-shared/api/operations.js';
import { ClientError, messageOf } from '../client/client.js';
import { followOperation, isLive } from '../client/follow-operation.js';
import { client } from '../client/index.js';
import { plural } from '../ui/format.js';
import { createRateMeter, type RateEstimate } from '../ui/rate-meter.js';
import { type RunProgressView } from '../ui/RunProgress.js';
import { useJournal } from './journal-store.js';
import { movedWord, type OperationAction } from './operation-words.js';

/** While a run goes, the journal's rows in view are read again at most this often (their states change). */
const JOURNAL_REFRESH_MS = 1500;

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
  open(operationId: string): Promise<void>;
  close(): void;
  act(action: OperationAction): Promise<void>;
}

let stopFollowing: (() => void) | null = null;
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

/** Progress as read with the whole operation (every second while it runs): its counters, and the rate they imply. */
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
  /** Follow the operation while it is live: progress from events, the whole operation at each result (and a 1 s fallback). */
  const follow = (action: OperationAction | null): void => {
    stopFollowing?.();
    const { operationId } = get();
    if (operationId === null) return;
    const asked = generation;
    const meter = createRateMeter();
    let journalReadAt = 0;
    let journalCounted = -1;
    stopFollowing = followOperation(operationId, {
      progress(event) {
        if (asked !== generation) return;
        const rate = meter.sample(event.bytes_done, event.bytes_total);
        set({
          progress: {
            stage: event.stage, filesDone: event.files_done, filesTotal: event.files_total, bytesDone: event.bytes_done, bytesTotal: event.bytes_total,
            currentPath: event.current_path, bytesPerSecond: rate.bytesPerSecond, secondsLeft: rate.secondsLeft,
          },
        });
      },
      update(operation) {
        if (asked !== generation) return;
        const live = isLive(operation);
        const rate = live ? meter.sample(operation.progress.bytes_done, operation.progress.bytes_total) : null;
        set({ operation, progress: live ? progressOf(operation, get().progress, rate) : null });
        const counted = operation.moved + operation.skipped + operation.failed + operation.rolled_back + operation.rollback_conflicts;
        if (live && counted !== journalCounted && performance.now() - journalReadAt >= JOURNAL_REFRESH_MS) {
          journalCounted = counted;
          journalReadAt = performance.now();
          useJournal.getState().refresh();
        }
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
  };

  return {
    operationId: null,
    operation: null,
    phase: 'loading',
    error: null,
    acting: null,
    actionError: null,
    progress: null,
    result: null,

    async open(operationId) {
      stopFollowing?.();
      stopFollowing = null;
      generation += 1;
      const asked = generation;
      set({ operationId, operation: null, phase: 'loading', error: null, acting: null, actionError: null, progress: null, result: null });
      useJournal.getState().open(operationId);
      try {
        const operation = await client.call('operations:get', { id: operationId });
        if (asked !== generation) return;
        set({ operation, phase: 'ready', progress: isLive(operation) ? progressOf(operation, null, null) : null });
        if (isLive(operation)) follow(null);
      } catch (error) {
        if (asked !== generation) return;
        const notFound = error instanceof ClientError && error.status === 404;
        set({ phase: notFound ? 'not-found' : 'error', error: messageOf(error) });
      }
    },

    close() {
      stopFollowing?.();
      stopFollowing = null;
      generation += 1;
      set({ operationId: null, operation: null, phase: 'loading', progress: null, result: null, acting: null, actionError: null });
      useJournal.getState().close();
    },

    async act(action) {
      const { operationId, acting } = get();
      if (operationId === null || acting !== null) return;
      const asked = generation;
      set({ acting: action, actionError: null, result: null });
      try {
        await client.call(CHANNELS[action], { id: operationId });
        if (asked !== generation) return;
        set({ acting: null });
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
