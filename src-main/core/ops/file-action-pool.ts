import os from 'node:os';
import { Piscina } from 'piscina';
import { type ChunkResult, type FileActionsTask, type JournalChunkTask } from '../../../src-worker/file-actions-task.js';
import { holdNativeModule } from '../../../src-worker/native-module.js';
import { builtFile } from '../built-file.js';
import { readinessOf } from '../pool-readiness.js';
import { CHUNKS_PER_THREAD, PAGES_IN_FLIGHT } from './engine-context.js';

/**
 * File actions run on worker threads, one per core: a move is a few syscalls of kernel time, and two
 * threads finish a page in about half the time of one (measured: 100k lstat+link+unlink, 2.5 s on one
 * thread, 1.5 s on two). The main thread keeps the journal.
 */
export function createFileActionPool(threads = Math.max(1, Math.min(4, os.availableParallelism()))) {
  let pool: Piscina | undefined;
  let loaded: (() => Promise<void>) | undefined;
  const getPool = (): Piscina => {
    if (!pool) holdNativeModule();
    pool ??= new Piscina({
      filename: builtFile(import.meta.url, '../../../src-worker/file-actions-task.js'),
      minThreads: threads,
      maxThreads: threads,
      maxQueue: threads * 16,
      // Each thread holds its next chunks already (all of the pages in flight): it goes on without waiting
      // for the main thread to hand it one (measured: a thread otherwise sat idle for 10-20 % of a run
      // while the main thread committed or checkpointed).
      concurrentTasksPerWorker: PAGES_IN_FLIGHT * CHUNKS_PER_THREAD,
      idleTimeout: 30_000,
      // A thread keeps little alive (the chunk in hand, a folder-device cache, its statements): a low limit
      // keeps a million rows' garbage from growing the process (peak RSS at 1M files must stay under 600 MiB).
      resourceLimits: { maxOldGenerationSizeMb: 128 },
    });
    loaded ??= readinessOf(pool);
    return pool;
  };

  /** Carry out one slice of the journal on a thread (the thread reads the rows itself). */
  function run(task: JournalChunkTask): Promise<ChunkResult> {
    return getPool().run(task satisfies FileActionsTask) as Promise<ChunkResult>;
  }

  /**
   * rmdir (which refuses a folder that is not empty) or mkdir -p many folders at once, split over the
   * threads. Folders given together must not depend on each other (siblings, not parent and child).
   * Answers the folders that failed.
   */
  async function folders(phase: 'remove-folders' | 'create-folders', list: string[], anchors: readonly string[]): Promise<string[]> {
    if (list.length === 0) return [];
    const chunkSize = Math.ceil(list.length / threads);
    const chunks: string[][] = [];
    for (let start = 0; start < list.length; start += chunkSize) chunks.push(list.slice(start, start + chunkSize));
    const results = await Promise.all(chunks.map((chunk) => getPool().run({ phase, folders: chunk, anchors } satisfies FileActionsTask) as Promise<string[]>));
    return results.flat();
  }

  return {
    threads,
    run,
    folders,
    /** Start the threads now (while planning), so the first page does not wait for them. */
    warm(): void { getPool(); },
    async close(): Promise<void> {
      await loaded?.(); // never terminate a thread still loading its modules
      await pool?.destroy();
      pool = undefined;
      loaded = undefined;
    },
  };
}
export type FileActionPool = ReturnType<typeof createFileActionPool>;
