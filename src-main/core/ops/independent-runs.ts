import { type ActionRow } from '../../../src-worker/row-actions.js';

/**
 * Split rows (in journal order) into runs that may execute concurrently. A row whose target is the origin of
 * an earlier row of the same run waits for the next run: the plan counted on that earlier file being gone
 * first. `key` folds case where the filesystem does.
 */
export function independentRuns<Row extends ActionRow>(rows: readonly Row[], origin: (row: Row) => string | null, target: (row: Row) => string, key: (file: string) => string): Row[][] {
  const runs: Row[][] = [];
  let current: Row[] = [];
  let origins = new Set<string>();
  for (const row of rows) {
    if (origins.has(key(target(row)))) {
      runs.push(current);
      current = [];
      origins = new Set();
    }
    current.push(row);
    const from = origin(row);
    if (from !== null) origins.add(key(from));
  }
  if (current.length > 0) runs.push(current);
  return runs;
}
