import { type OperationProgress } from '../../src-shared/progress.js';

/** A one-line progress bar for a terminal, redrawn in place on stderr. */
export function createProgressBar(stream: NodeJS.WriteStream) {
  let drawn = false;
  return {
    update(progress: OperationProgress): void {
      const width = 30;
      const fraction = progress.files_total > 0 ? Math.min(1, progress.files_done / progress.files_total) : 0;
      const filled = Math.round(fraction * width);
      const counts = progress.files_total > 0 ? `${progress.files_done}/${progress.files_total} files` : `${progress.files_done} files`;
      const line = `${progress.stage.padEnd(8)} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${counts}`;
      const columns = stream.columns ?? 80;
      stream.write(`\r${line.slice(0, columns - 1).padEnd(Math.min(columns - 1, line.length + 10))}`);
      drawn = true;
    },
    clear(): void {
      if (drawn) stream.write(`\r${' '.repeat((stream.columns ?? 80) - 1)}\r`);
      drawn = false;
    },
  };
}
