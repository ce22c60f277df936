import { create } from 'zustand';
import { type OperationFileView, type OperationView } from '../../src-shared/api/operations.js';
import { onSessionEnd } from '../app/session-end.js';
import { messageOf } from '../client/client.js';
import { followOperation } from '../client/follow-operation.js';
import { client } from '../client/index.js';
import { createRateMeter } from '../ui/rate-meter.js';
import { type RunProgressView } from '../ui/RunProgress.js';
import { useFind } from './duplicates-store.js';
import { bytesWon, progressView, rowsIn } from './operation-rows.js';

export type ResolveKind = 'quarantine' | 'hardlink';

/** Rows of the journal shown under a result, with how many there are in all. */
export interface RowList { rows: OperationFileView[]; total: number }

/**
 * Quarantine selected / Hard link selected, after their confirmation: the run followed live, its result (space
 * won, files left alone and why), and Undo with its own progress and result.
 */
export interface ResolveState {
  /** the confirmation dialog open, and for which action */
  confirming: ResolveKind | null;
  /** the confirmed action is being sent (the ticked groups gathered first) */
  sending: boolean;
  phase: 'idle' | 'running' | 'done' | 'undoing' | 'undone';
  kind: ResolveKind | null;
  operationId: string | null;
  progress: RunProgressView | null;
  /** the run as it ended */
  result: OperationView | null;
  wonBytes: number | null;
  /** files left alone (skipped) or that failed, with their reasons */
  leftAlone: RowList | null;
  /** the undo as it ended, and the files it could not put back */
  undone: OperationView | null;
  notPutBack: RowList | null;
  error: string | null;

  ask(kind: ResolveKind): void;
  cancel(): void;
  confirm(): Promise<void>;
  undo(): Promise<void>;
  /** forget the last run (a new search starts) */
  reset(): void;
}

let stopFollowing: (() => void) | null = null;
/** Bumped by reset: an answer or a result that arrives for a forgotten run is dropped. */
let generation = 0;

const idle = {
  confirming: null, sending: false, phase: 'idle', kind: null, operationId: null, progress: null, result: null, wonBytes: null,
  leftAlone: null, undone: null, notPutBack: null, error: null,
} as const;

export const useResolve = create<ResolveState>((set, get) => {
  /** Follow the operation's run (or its undo) to its end, then `settled`. */
  const follow = (operationId: string, settled: (operation: OperationView) => Promise<void>): void => {
    stopFollowing?.();
    const mine = generation;
    const meter = createRateMeter();
    stopFollowing = followOperation(operationId, {
      progress: (event) => set({ progress: progressView(event, meter.sample(event.bytes_done, event.bytes_total)) }),
      update: (operation) => {
        // The read progress fills in when events were missed; a live event's current file is kept.
        const current = get().progress;
        if (current === null || operation.progress.files_done > current.filesDone) set({ progress: progressView(operation.progress, meter.sample(operation.progress.bytes_done, operation.progress.bytes_total)) });
      },
      settled: (operation) => {
        stopFollowing = null;
        settled(operation).catch((error: unknown) => { if (mine === generation) set({ error: `The result could not be read: ${messageOf(error)}` }); });
      },
      failed: (error) => set({ error: `Progress could not be read: ${messageOf(error)}. It goes on; see History.` }),
    });
  };

  return {
    ...idle,

    ask: (kind) => set({ confirming: kind, error: null }),
    cancel: () => { if (!get().sending) set({ confirming: null }); },

    async confirm() {
      const kind = get().confirming;
      const searchId = useFind.getState().search?.search_id;
      if (kind === null || searchId === undefined || get().sending) return;
      const mine = generation;
      set({ sending: true, error: null });
      try {
        const { groups, keepPaths } = await useFind.getState().selection();
        if (mine !== generation) return;
        const input = { search_id: searchId, keep: useFind.getState().keep, keep_paths: keepPaths, ...(groups ? { groups } : {}) };
        const { operation_id: operationId } = await client.call(kind === 'quarantine' ? 'duplicates:quarantine' : 'duplicates:hardlink', input);
        if (mine !== generation) return;
        set({
          ...idle, phase: 'running', kind, operationId,
          progress: { stage: null, filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0, currentPath: null, bytesPerSecond: null, secondsLeft: null },
        });
        follow(operationId, async (operation) => {
          const [wonBytes, skipped, failed] = await Promise.all([bytesWon(operation), rowsIn(operationId, 'skipped'), rowsIn(operationId, 'failed')]);
          if (mine !== generation) return;
          set({
            phase: 'done', progress: null, result: operation, wonBytes,
            leftAlone: { rows: [...failed.rows, ...skipped.rows], total: failed.total + skipped.total },
          });
        });
      } catch (error) {
        if (mine === generation) set({ sending: false, confirming: null, error: messageOf(error) });
      }
    },

    async undo() {
      const operationId = get().operationId;
      if (operationId === null || get().phase !== 'done') return;
      const mine = generation;
      set({ error: null });
      try {
        await client.call('operations:rollback', { id: operationId });
        if (mine !== generation) return;
        set({ phase: 'undoing', progress: { stage: 'rollback', filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0, currentPath: null, bytesPerSecond: null, secondsLeft: null } });
        follow(operationId, async (operation) => {
          const notPutBack = operation.rollback_conflicts > 0 ? await rowsIn(operationId, 'rollback_conflict') : { rows: [], total: 0 };
          if (mine !== generation) return;
          set({ phase: 'undone', progress: null, undone: operation, notPutBack });
        });
      } catch (error) {
        if (mine === generation) set({ error: messageOf(error) });
      }
    },

    reset() {
      stopFollowing?.();
      stopFollowing = null;
      generation += 1;
      set({ ...idle });
    },
  };
});

// A new search starts afresh: the last run's result and Undo belong to the groups it replaces.
useFind.subscribe((state, previous) => {
  if (state.phase === 'searching' && previous.phase !== 'searching') useResolve.getState().reset();
});

/**
 * Whether the ticked groups are what a Quarantine or Hard link was sent with, or ran on: from the confirmation
 * until Undo has put the files back, the selection (ticks, picks, policy) cannot change.
 */
export const isLocked = (state: Pick<ResolveState, 'sending' | 'phase'>): boolean =>
  state.sending || state.phase === 'running' || state.phase === 'done' || state.phase === 'undoing';

/** The groups a finished run acted on are marked in the list, with these words. */
export const ACTED_WORDS: Record<ResolveKind, string> = { quarantine: 'Quarantined', hardlink: 'Linked' };

useResolve.subscribe((state) => {
  const locked = isLocked(state);
  if (useFind.getState().locked !== locked) useFind.setState({ locked });
});

// Sign out forgets the run, its result and Undo, and stops following it.
onSessionEnd(() => useResolve.getState().reset());
