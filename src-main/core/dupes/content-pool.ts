import os from 'node:os';
import { Piscina } from 'piscina';
import { type ContentTask, type SniffResult, type SniffTask } from '../../../src-worker/content-protocol.js';
import { holdNativeModule } from '../../../src-worker/native-module.js';
import { builtFile } from '../built-file.js';
import { readinessOf } from '../pool-readiness.js';

/**
 * Threads that read file contents for the categorizer, one per core: sniffing types and photo dates. (The
 * duplicate search reads on its walker threads instead: content-on-walkers.ts.) Started on first use; the
 * queue is bounded, and callers keep a few tasks per thread in flight.
 */
export function createContentPool(threads = Math.max(1, os.availableParallelism())) {
  let pool: Piscina | undefined;
  let loaded: (() => Promise<void>) | undefined;
  const getPool = (): Piscina => {
    if (!pool) holdNativeModule();
    pool ??= new Piscina({
      filename: builtFile(import.meta.url, '../../../src-worker/content-task.js'),
      minThreads: threads,
      maxThreads: threads,
      maxQueue: threads * 16,
      concurrentTasksPerWorker: 1,
      // No run and wait time histograms: nothing reads them.
      recordTiming: false,
      // Idle threads wait on the event loop, not in Atomics.wait: piscina's wait loop runs inside the finished
      // task's frame, which keeps that task's arrays alive.
      atomics: 'disabled',
      idleTimeout: 30_000,
      // A thread holds a task's files and their results; nothing grows with the tree. Its garbage is small and
      // short-lived: a small young generation keeps its RSS down.
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 4 },
    });
    loaded ??= readinessOf(pool);
    return pool;
  };
  return {
    threads,
    sniff(task: Omit<SniffTask, 'kind'>): Promise<SniffResult> {
      return getPool().run({ kind: 'sniff', ...task } satisfies ContentTask) as Promise<SniffResult>;
    },
    async close(): Promise<void> {
      await loaded?.(); // never terminate a thread still loading its modules
      await pool?.destroy();
      pool = undefined;
      loaded = undefined;
    },
  };
}
export type ContentPool = ReturnType<typeof createContentPool>;
