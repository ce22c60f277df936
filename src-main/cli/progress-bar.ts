/** What the bar shows of an operation's or a duplicate search's progress. */
interface StageProgress { stage: string; files_done: number; files_total: number }

/** A one-line progress bar for a terminal, redrawn in place on stderr. */
export function createProgressBar(stream: NodeJS.WriteStream) {
  let drawn = false;
  let drawnAt = 0;
  // A pseudo-terminal may report 0 columns: fall back to 80.
  const columns = (): number => Math.max(20, stream.columns || 80);
  return {
    update(progress: StageProgress): void {
      // A terminal needs no more than about 20 frames a second.
      const now = performance.now();
      if (drawn && now - drawnAt < 50 && progress.files_done !== progress.files_total) return;
      drawnAt = now;
      const barWidth = 30;
      const fraction = progress.files_total > 0 ? Math.min(1, progress.files_done / progress.files_total) : 0;
      const filled = Math.round(fraction * barWidth);
      const counts = progress.files_total > 0 ? `${progress.files_done}/${progress.files_total} files` : `${progress.files_done} files`;
      const line = `${progress.stage.padEnd(8)} [${'#'.repeat(filled)}${' '.repeat(barWidth - filled)}] ${counts}`;
      const width = columns() - 1;
      stream.write(`\r${line.slice(0, width).padEnd(width)}`);
      drawn = true;
    },
    clear(): void {
      if (drawn) stream.write(`\r${' '.repeat(columns() - 1)}\r`);
      drawn = false;
    },
  };
}
