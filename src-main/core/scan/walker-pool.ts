import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { holdNativeModule } from '../../../src-worker/native-module.js';
import { builtFile } from '../built-file.js';

/**
 * Walker threads outlive one scan: starting a thread and loading its code costs about 70 ms here, a tenth
 * of a 100k-file scan, and the app scans often (watched folders, organize, duplicates). Idle walkers do not
 * keep the process alive and stop after a while unused.
 */
export interface WalkerPool {
  /** `count` walker threads for one scan; started when not enough are idle */
  acquire(count: number): Worker[];
  /** back after a scan that ended cleanly (every task answered) */
  release(workers: readonly Worker[]): void;
  /** after a scan that failed or was abandoned mid-task: their state is unknown, so they stop */
  discard(workers: readonly Worker[]): void;
  close(): Promise<void>;
}

const DEFAULT_IDLE_MS = 60_000;

/** Walker threads a scan uses: one per core, two at most (measured: `lstat` is the cost, and the kernel runs two at once). */
export const scanThreads = (): number => Math.max(1, Math.min(2, os.availableParallelism()));

// A walker keeps little alive (a batch, the folders still to visit); a low heap limit keeps a long scan's
// garbage (one Stats object per file) from growing the process. Walkers list folders with the native module:
// this thread loads it first and holds it (see holdNativeModule), so a walker torn down at exit (a prestarted
// one, when the command stops early on bad input) never unloads it.
const newWalker = (): Worker => {
  holdNativeModule();
  return new Worker(builtFile(import.meta.url, './scan-worker.js'), { resourceLimits: { maxOldGenerationSizeMb: 96 } });
};

/** Walkers started before any pool asked for them (prestartWalkers), not yet taken by one: each with its stop timer. */
const spares = new Map<Worker, NodeJS.Timeout>();

/**
 * Start walker threads now, for the first pool that needs threads to take. The CLI calls this first thing
 * when its command scans a tree: the threads load while the rest of the CLI does, on a core that is idle then
 * (measured at 100k files, `fileorg dupes` 3.29 s against 3.43 s, mean of 5 alternating runs). They keep no
 * process alive, and stop after a while unused.
 */
export function prestartWalkers(count = scanThreads()): void {
  for (let started = 0; started < count; started++) {
    const worker = newWalker();
    worker.unref();
    worker.on('error', () => undefined); // a spare that fails is simply not taken
    worker.once('exit', () => { clearTimeout(spares.get(worker)); spares.delete(worker); });
    const timer = setTimeout(() => { void worker.terminate(); }, DEFAULT_IDLE_MS);
    timer.unref();
    spares.set(worker, timer);
  }
}

function takeSpare(): Worker | undefined {
  const [spare] = spares;
  if (!spare) return undefined;
  const [worker, timer] = spare;
  clearTimeout(timer);
  spares.delete(worker);
  return worker;
}

export function createWalkerPool(options: { idleMs?: number } = {}): WalkerPool {
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const idle = new Map<Worker, NodeJS.Timeout>();
  const all = new Set<Worker>();
  let closed = false;

  const start = (): Worker => {
    const worker = takeSpare() ?? newWalker();
    all.add(worker);
    // A walker that dies while idle is simply forgotten; one that dies mid-scan is reported by that scan.
    worker.on('error', () => undefined);
    worker.on('exit', () => {
      all.delete(worker);
      const timer = idle.get(worker);
      if (timer) clearTimeout(timer);
      idle.delete(worker);
    });
    return worker;
  };

  return {
    acquire(count) {
      if (closed) throw new Error('the walker pool is closed');
      const taken: Worker[] = [];
      for (const [worker, timer] of idle) {
        if (taken.length === count) break;
        clearTimeout(timer);
        idle.delete(worker);
        taken.push(worker);
      }
      while (taken.length < count) taken.push(start());
      for (const worker of taken) worker.ref();
      return taken;
    },
    release(workers) {
      for (const worker of workers) {
        if (closed || !all.has(worker)) { void worker.terminate(); continue; }
        worker.unref();
        const timer = setTimeout(() => { void worker.terminate(); }, idleMs);
        timer.unref();
        idle.set(worker, timer);
      }
    },
    discard(workers) {
      for (const worker of workers) void worker.terminate();
    },
    async close() {
      closed = true;
      await Promise.all([...all].map((worker) => worker.terminate()));
    },
  };
}
