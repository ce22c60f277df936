import { type OperationStage } from '../../../src-shared/progress.js';
import { type ChunkResult } from '../../../src-worker/file-actions-task.js';
import { type EngineContext } from './engine-context.js';
import { createProgressThrottle, type ProgressListener } from './progress-throttle.js';

/**
 * A run's progress (execute or rollback), fed by the marks the file threads send with each chunk: a mark
 * counts rows and bytes from the start of its chunk and names the file it got to.
 */
export function createRunProgress(context: EngineContext, operationId: string, listener: ProgressListener | undefined, stage: OperationStage,
  done: { files: number; bytes: number }, totals: { files: number; bytes: number }) {
  const progress = createProgressThrottle({ operationId, listener, everyFiles: context.progressEveryFiles, everyMs: context.progressEveryMs });
  let files = done.files;
  let bytes = done.bytes;
  const snapshot = (current: string | null) => ({ files_done: files, files_total: totals.files, bytes_done: bytes, bytes_total: totals.bytes, current_path: current });
  return {
    chunk(chunk: ChunkResult): void {
      const before = { files, bytes };
      for (const mark of chunk.marks) {
        files = before.files + mark.rows;
        bytes = before.bytes + mark.bytes;
        progress.tick(stage, snapshot(mark.path));
      }
    },
    /** the end of the stage (or of the part that ran before a stop) */
    finish(): void { progress.flush(stage, snapshot(null)); },
  };
}
