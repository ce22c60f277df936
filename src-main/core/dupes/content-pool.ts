import os from 'node:os';
import { Piscina } from 'piscina';
import { type CachedResult, type CacheTask, type ContentTask, type HashResult, type HashTask, type SaveCacheResult, type SaveCacheTask, type SniffResult, type SniffTask } from '../../../src-worker/content-protocol.js';
import { holdNativeModule } from '../../../src-worker/native-module.js';
import { builtFile } from '../built-file.js';

/**
 * Tasks a content thread is given at once (piscina's concurrentTasksPerWorker), and what a caller keeps in
 * flight per thread. The tasks run one after another there (their reads are synchronous); the point is that
 * the next one already waits in the thread's port when one ends. Given one at a time, a thread sat idle for
 * the round trip through the main thread's event loop after each task: ~35% of the prefix stage's time
 * (perf at 100k files), and `fileorg dupes` took 2688 ms against 2557 (median of 7 alternating runs).
 */
export const TASKS_PER_THREAD = 4;

/** The duplicate search's reading, on whichever threads run it (this pool, or the walkers: content-on-walkers.ts). */
export interface ContentTasks {
  threads: number;
  hash(task: Omit<HashTask, 'kind'>): Promise<HashResult>;
  cached(task: Omit<CacheTask, 'kind'>): Promise<CachedResult>;
  /** `transfer`: the buffers of the task's arrays, moved to the thread (the caller gives them up) */
  saveCache(task: Omit<SaveCacheTask, 'kind'>, transfer: ArrayBuffer[]): Promise<SaveCacheResult>;
}

/**
 * Threads that read file contents, one per core: hashing for the duplicate search (reading the first 4 KiB of
 * many small files is syscalls, hashing whole files is CPU; both spread over cores) and the categorizer's
 * sniffing of types and photo dates. The queue is bounded; callers keep a few tasks per thread in flight.
 */
export function createContentPool(threads = Math.max(1, os.availableParallelism())): ContentTasks & {
  warm(): void; sniff(task: Omit<SniffTask, 'kind'>): Promise<SniffResult>; close(): Promise<void>;
} {
  let pool: Piscina | undefined;
  const getPool = (): Piscina => {
    if (!pool) holdNativeModule();
    pool ??= new Piscina({
      filename: builtFile(import.meta.url, '../../../src-worker/content-task.js'),
      minThreads: threads,
      maxThreads: threads,
      maxQueue: threads * 16,
      concurrentTasksPerWorker: TASKS_PER_THREAD,
      // No run and wait time histograms: nothing reads them, and a search posts thousands of tasks.
      recordTiming: false,
      // Idle threads wait on the event loop, not in Atomics.wait: piscina's wait loop runs inside the finished
      // task's frame, which keeps that task's arrays alive (the cache writer's ~100 MB at 1M files, measured).
      atomics: 'disabled',
      idleTimeout: 30_000,
      // A thread holds one 1 MiB read buffer, a task's files (BYTES_PER_TASK) and its digests; nothing grows
      // with the tree. Its garbage is small and short-lived: a small young generation keeps its RSS down.
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 4 },
    });
    return pool;
  };
  return {
    threads,
    /** Start the threads now (piscina starts minThreads at once), so their start-up overlaps the scan. */
    warm(): void { getPool(); },
    hash(task: Omit<HashTask, 'kind'>): Promise<HashResult> {
      return getPool().run({ kind: 'hash', ...task } satisfies ContentTask) as Promise<HashResult>;
    },
    cached(task: Omit<CacheTask, 'kind'>): Promise<CachedResult> {
      return getPool().run({ kind: 'cached', ...task } satisfies ContentTask) as Promise<CachedResult>;
    },
    /** `transfer`: the buffers of the task's arrays, moved to the thread (the caller gives them up) */
    saveCache(task: Omit<SaveCacheTask, 'kind'>, transfer: ArrayBuffer[]): Promise<SaveCacheResult> {
      return getPool().run({ kind: 'save-cache', ...task } satisfies ContentTask, { transferList: transfer }) as Promise<SaveCacheResult>;
    },
    sniff(task: Omit<SniffTask, 'kind'>): Promise<SniffResult> {
      return getPool().run({ kind: 'sniff', ...task } satisfies ContentTask) as Promise<SniffResult>;
    },
    async close(): Promise<void> {
      await pool?.destroy();
      pool = undefined;
    },
  };
}
export type ContentPool = ReturnType<typeof createContentPool>;
