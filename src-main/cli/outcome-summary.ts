import { type FileOutcome } from '../core/ops/file-outcomes.js';

/** How many files a run's human summary lists by name; the rest are counted, and `fileorg show` lists them all. */
export const LISTED_OUTCOMES = 10;

/**
 * What a run left undone, gathered as its pages report it, for the summary under its result line: how many
 * files per state and reason, and the first few by name (failures before skips: they are what needs acting on).
 */
export function createOutcomeSummary(listed = LISTED_OUTCOMES) {
  const counts = new Map<string, Map<string, number>>();
  const failures: FileOutcome[] = [];
  const others: FileOutcome[] = [];
  let total = 0;
  return {
    add(outcomes: readonly FileOutcome[]): void {
      for (const outcome of outcomes) {
        total++;
        const byReason = counts.get(outcome.state) ?? new Map<string, number>();
        const reason = outcome.reason ?? 'no reason recorded';
        byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
        counts.set(outcome.state, byReason);
        const list = outcome.state === 'skipped' ? others : failures;
        if (list.length < listed) list.push(outcome);
      }
    },
    /** "disk-full 3, io-error 1" per state, in the order the states were first seen */
    reasonsByState(): [state: string, reasons: string][] {
      return [...counts].map(([state, byReason]) => [state, [...byReason].map(([reason, count]) => `${reason} ${count}`).join(', ')]);
    },
    /** the files to name, at most `listed`, failures first */
    listed(): FileOutcome[] {
      return [...failures, ...others].slice(0, listed);
    },
    get total(): number { return total; },
  };
}
export type OutcomeSummary = ReturnType<typeof createOutcomeSummary>;
