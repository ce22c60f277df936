import os from 'node:os';
import { Piscina } from 'piscina';
import { type CachedResult, type CacheTask, type ContentTask, type HashResult, type HashTask } from '../../../src-worker/content-protocol.js';
import { holdNativeModule } from '../../../src-worker/native-module.js';
import { builtFile } from '../built-file.js';

/**
 * Threads that read file contents (hashing for the duplicate search), one per core: reading the first 4 KiB of
 * many small files is syscalls, and hashing whole files is CPU, and both spread over cores. The queue is
 * bounded; callers keep at most a few tasks per thread in flight.
 */
export function createContentPool(threads = Math.max(1, os.availableParallelism())) {
  let pool: Piscina | undefined;
  const getPool = (): Piscina => {
    if (!pool) holdNativeModule();
    pool ??= new Piscina({
      filename: builtFile(import.meta.url, '../../../src-worker/content-task.js'),
      minThreads: threads,
      maxThreads: threads,
      maxQueue: threads * 16,
      concurrentTasksPerWorker: 1,
      idleTimeout: 30_000,
      // A thread holds one 1 MiB read buffer and a task's digests; nothing grows with the tree.
      resourceLimits: { maxOldGenerationSizeMb: 64 },
    });
    return pool;
  };
  return {
    threads,
    hash(task: Omit<HashTask, 'kind'>): Promise<HashResult> {
      return getPool().run({ kind: 'hash', ...task } satisfies ContentTask) as Promise<HashResult>;
    },
    cached(task: Omit<CacheTask, 'kind'>): Promise<CachedResult> {
      return getPool().run({ kind: 'cached', ...task } satisfies ContentTask) as Promise<CachedResult>;
    },
    async close(): Promise<void> {
      await pool?.destroy();
      pool = undefined;
    },
  };
}
export type ContentPool = ReturnType<typeof createContentPool>;
