import { type OperationProgress, type OperationStage } from '../../../src-shared/progress.js';

export type ProgressListener = (progress: OperationProgress) => void;

const BIG_STEP_BYTES = 1024 * 1024;

/**
 * Emits progress at least every `everyFiles` files or every `everyMs` milliseconds, whichever comes first,
 * and always at the end of a stage, so a listener sees steady progress without one event per file.
 */
export function createProgressThrottle(options: {
  operationId: string;
  listener: ProgressListener | undefined;
  everyFiles: number;
  everyMs: number;
  now?: () => number;
}) {
  const now = options.now ?? (() => performance.now());
  let lastFiles = 0;
  let lastBytes = 0;
  let lastAt = now();
  const send = (stage: OperationStage, state: Omit<OperationProgress, 'type' | 'operation_id' | 'stage'>): void => {
    lastFiles = state.files_done;
    lastBytes = state.bytes_done;
    lastAt = now();
    try {
      options.listener?.({ type: 'progress', operation_id: options.operationId, stage, ...state });
    } catch {
      // A display that fails (a closed pipe, a terminal gone) must never stop files half way.
    }
  };
  return {
    /** call after every file; emits when due */
    tick(stage: OperationStage, state: Omit<OperationProgress, 'type' | 'operation_id' | 'stage'>): void {
      if (!options.listener) return;
      if (state.files_done - lastFiles >= options.everyFiles) { send(stage, state); return; }
      // Reading the clock costs more than the rest of a tick: look at it every 16th file, or after each MiB
      // (a run of a few big files would otherwise show nothing until its stage ends; its ticks are slow anyway).
      if (((state.files_done & 15) === 0 || state.bytes_done - lastBytes >= BIG_STEP_BYTES) && now() - lastAt >= options.everyMs) send(stage, state);
    },
    /** emit now (end of a stage) */
    flush(stage: OperationStage, state: Omit<OperationProgress, 'type' | 'operation_id' | 'stage'>): void {
      send(stage, state);
    },
  };
}
export type ProgressThrottle = ReturnType<typeof createProgressThrottle>;
