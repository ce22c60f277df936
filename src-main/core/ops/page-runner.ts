import { type FileState } from '../../../src-shared/operation-status.js';
import { type ChunkResult } from '../../../src-worker/file-actions-task.js';
import { CHUNKS_PER_THREAD, type EngineContext, PAGES_IN_FLIGHT, yieldToEventLoop } from './engine-context.js';

export interface PagePhase {
  phase: 'execute' | 'rollback';
  /** the rows to act on are in one of these states */
  states: readonly FileState[];
  /** rollback walks the journal newest first */
  newestFirst: boolean;
  /** the operation's roots and destination: folders below them are used only when real (see real-folders.ts) */
  anchors: readonly string[];
}

/** One page: its first and last id in walk order, and its chunks' results in walk order. */
export interface PageResult {
  firstId: number;
  lastId: number;
  chunks: ChunkResult[];
}

/**
 * Runs the journal page by page on the file-action threads, which read their rows themselves; the main
 * thread only cuts each page (a range of ids) into chunks and writes back what each page came to.
 *
 * PAGES_IN_FLIGHT pages run at once, so the threads never wait for the main thread; the next page starts only
 * when the oldest is written back, so at most that many pages are ever unrecorded (recovery checks that many).
 * Rows of one page run concurrently and out of order: a row whose target was still taken by an earlier
 * row's file comes back `destination-taken` (link never replaces anything), and `finishPage` retries it once
 * everything before it has run.
 */
export async function runPages(context: EngineContext, operationId: string, phase: PagePhase,
  finishPage: (page: PageResult) => void, signal?: AbortSignal): Promise<{ stopped: boolean }> {
  // Pages are ranges of ids, not lists read first: the threads' queries keep the rows in `states` (rows done
  // already, skipped, or of another operation are passed over), so a page holds at most pageSize rows.
  const bounds = context.journal.idBounds(operationId);
  if (!bounds) return { stopped: false };
  let next = phase.newestFirst ? bounds.high : bounds.low;
  const chunkIds = Math.max(1, Math.ceil(context.pageSize / (context.pool.threads * CHUNKS_PER_THREAD)));

  const startPage = (): { firstId: number; lastId: number; chunks: Promise<ChunkResult[]> } | undefined => {
    if (next < bounds.low || next > bounds.high) return undefined;
    const firstId = next;
    const lastId = phase.newestFirst ? Math.max(bounds.low, firstId - context.pageSize + 1) : Math.min(bounds.high, firstId + context.pageSize - 1);
    next = phase.newestFirst ? lastId - 1 : lastId + 1;
    const chunks: Promise<ChunkResult>[] = [];
    for (let offset = 0; offset <= Math.abs(lastId - firstId); offset += chunkIds) {
      const from = phase.newestFirst ? firstId - offset : firstId + offset;
      const to = phase.newestFirst ? Math.max(lastId, from - chunkIds + 1) : Math.min(lastId, from + chunkIds - 1);
      chunks.push(context.pool.run({
        phase: phase.phase, databaseFile: context.databaseFile, operationId,
        lowId: Math.min(from, to), highId: Math.max(from, to), states: phase.states, progressEvery: context.progressEveryFiles, anchors: phase.anchors,
      }));
    }
    const all = Promise.all(chunks);
    all.catch(() => undefined); // awaited in turn; a failure while an earlier page is awaited must not go unhandled
    return { firstId, lastId, chunks: all };
  };

  type StartedPage = NonNullable<ReturnType<typeof startPage>>;
  const inFlight: StartedPage[] = [];
  const delay = context.pageDelayMs;
  /** Start the next page, after the test-only delay; nothing once a stop was asked for (it may come during the delay). */
  const startNext = async (): Promise<StartedPage | undefined> => {
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (signal?.aborted) return undefined;
    const page = startPage();
    if (page) inFlight.push(page);
    return page;
  };
  try {
    for (let count = 0; count < PAGES_IN_FLIGHT; count++) if (!await startNext()) break;
    while (inFlight.length > 0) {
      const page = inFlight.shift() as StartedPage;
      finishPage({ firstId: page.firstId, lastId: page.lastId, chunks: await page.chunks });
      if (signal?.aborted) {
        // Stop after the pages already started: write them back, start nothing more.
        while (inFlight.length > 0) {
          const rest = inFlight.shift() as StartedPage;
          finishPage({ firstId: rest.firstId, lastId: rest.lastId, chunks: await rest.chunks });
        }
        return { stopped: true };
      }
      await startNext();
      await yieldToEventLoop();
    }
  } catch (error) {
    // A page could not be written back (the data folder's disk is full...): the pages still running end
    // first, so that whoever settles the operation from the disk sees every file action finished.
    await Promise.allSettled(inFlight.map((page) => page.chunks));
    throw error;
  }
  // Asked to stop while no page was in flight (during the delay, or before the first): stopped if pages remain.
  return { stopped: signal?.aborted === true && next >= bounds.low && next <= bounds.high };
}
