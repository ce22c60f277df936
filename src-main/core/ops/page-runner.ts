import { type ExecuteOutcome, type JournalUpdate } from '../../../src-worker/row-actions.js';
import { type EngineContext, pathKey, yieldToEventLoop } from './engine-context.js';
import { independentRuns } from './independent-runs.js';
import { type JournalRow } from './journal.js';

export interface PagePhase {
  phase: 'execute' | 'rollback';
  /** the path a row frees when it runs (null: it frees none) */
  origin(row: JournalRow): string | null;
  /** the path a row fills */
  target(row: JournalRow): string;
}

/**
 * Runs pages of journal rows on the worker pool, pipelined: while the workers carry out one page, the main
 * thread writes the previous page's outcomes and reads the next page. A page starts only after the one
 * before it has finished on disk, so at most two pages are ever unrecorded (recovery checks that many).
 */
export async function runPages(context: EngineContext, operationId: string, phase: PagePhase, nextPage: () => JournalRow[],
  finishPage: (page: JournalRow[], outcomes: (ExecuteOutcome | JournalUpdate | null)[]) => void, signal?: AbortSignal): Promise<{ stopped: boolean }> {
  const key = pathKey(context.platform);
  const start = async (page: JournalRow[]): Promise<(ExecuteOutcome | JournalUpdate | null)[]> => {
    const outcomes: (ExecuteOutcome | JournalUpdate | null)[] = [];
    for (const run of independentRuns(page, phase.origin, phase.target, key)) {
      outcomes.push(...await context.pool.run(phase.phase, operationId, run));
    }
    return outcomes;
  };
  let page = nextPage();
  let work = page.length > 0 ? start(page) : undefined;
  while (work) {
    const next = nextPage(); // read while the workers run
    const outcomes = await work;
    if (signal?.aborted) {
      finishPage(page, outcomes);
      return { stopped: true };
    }
    work = next.length > 0 ? start(next) : undefined;
    // Page outcomes are in run order, which is page order: runs are consecutive slices of the page.
    finishPage(page, outcomes);
    page = next;
    await yieldToEventLoop();
  }
  return { stopped: false };
}
