import { type Worker } from 'node:worker_threads';
import { type CachedResult, type CacheTask, type ContentTask, type HashResult, type HashTask, type SaveCacheResult, type SaveCacheTask } from '../../../src-worker/content-protocol.js';
import { type WalkerJob, type WalkerJobAnswer } from '../scan/scan-types.js';
import { type WalkerPool } from '../scan/walker-pool.js';

/**
 * Tasks a walker is given at once, and what a caller keeps in flight per thread. The tasks run one after
 * another there (their reads are synchronous); the point is that the next one already waits in the thread's
 * port when one ends. Given one at a time (measured on the piscina threads that read before the walkers did),
 * a thread sat idle for the round trip through the main thread's event loop after each task: ~35% of the
 * prefix stage's time (perf at 100k files), and `fileorg dupes` took 2688 ms against 2557 (median of 7
 * alternating runs).
 */
export const TASKS_PER_THREAD = 4;

/** The duplicate search's reading. */
export interface ContentTasks {
  threads: number;
  hash(task: Omit<HashTask, 'kind'>): Promise<HashResult>;
  cached(task: Omit<CacheTask, 'kind'>): Promise<CachedResult>;
  /** `transfer`: the buffers of the task's arrays, moved to the thread (the caller gives them up) */
  saveCache(task: Omit<SaveCacheTask, 'kind'>, transfer: ArrayBuffer[]): Promise<SaveCacheResult>;
}

export interface WalkerContent extends ContentTasks {
  /** A full garbage collection on every walker: what a big scan left on their heaps is given back. */
  collectGarbage(): Promise<void>;
  /** Once every task has been answered: the walkers go back to their pool (or stop, if any failed or is busy). */
  release(): void;
}

interface Answer {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}
interface Waiting extends Answer {
  job: WalkerJob;
  transfer: ArrayBuffer[];
}

/**
 * The duplicate search reads files on the walker threads its scan just used, not on threads of its own: a
 * thread's start-up costs ~150 ms of CPU here (Node's bootstrap, then the modules), and two more threads
 * started as the scan ended also left the first stage waiting for them. Each walker is given up to
 * TASKS_PER_THREAD tasks at once.
 * `threads` beyond the idle walkers start new ones (hashing whole files uses every core; walking uses two).
 */
export function contentOnWalkers(walkers: WalkerPool, threads: number): WalkerContent {
  const workers = walkers.acquire(threads);
  const given = new Map<Worker, number>(workers.map((worker) => [worker, 0]));
  // Only how to answer a job sent: the job itself (its paths, ~25 KB a task) is not held while a walker
  // works on it. Held, every task's paths outlived a young-generation collection or two and were copied
  // into the old one: 1-3.5 MB promoted a scavenge in the prefix stage at 100k files, pauses of 15-30 ms.
  const answering = new Map<number, Answer>();
  const waiting: Waiting[] = [];
  let nextJob = 0;
  let failure: Error | undefined;
  let released = false;

  const leastBusy = (): Worker | undefined => {
    let best: Worker | undefined;
    for (const [worker, count] of given) if (count < TASKS_PER_THREAD && (best === undefined || count < (given.get(best) as number))) best = worker;
    return best;
  };
  const send = (worker: Worker, job: Waiting): void => {
    given.set(worker, (given.get(worker) as number) + 1);
    answering.set(job.job.job, { resolve: job.resolve, reject: job.reject });
    worker.postMessage(job.job, job.transfer);
  };
  const pump = (): void => {
    for (let worker = leastBusy(); worker && waiting.length > 0; worker = leastBusy()) send(worker, waiting.shift() as Waiting);
  };
  const fail = (error: Error): void => {
    if (failure) return;
    failure = error;
    for (const pending of answering.values()) pending.reject(error);
    answering.clear();
    for (const queued of waiting.splice(0)) queued.reject(error);
  };

  function onMessage(this: Worker, answer: WalkerJobAnswer): void {
    const pending = answering.get(answer.job);
    if (!pending) return;
    answering.delete(answer.job);
    given.set(this, (given.get(this) as number) - 1);
    if (answer.type === 'job-done') pending.resolve(answer.result);
    else pending.reject(new Error(answer.message));
    pump();
  }
  const onError = (error: Error): void => { fail(error); };
  const onExit = (code: number): void => { fail(new Error(`a walker thread stopped (exit code ${code}) while it read files for the duplicate search`)); };
  for (const worker of workers) {
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  }

  /** A job for `worker`, or for the least busy walker once one may take it. */
  const submit = (job: WalkerJob, transfer: ArrayBuffer[] = [], worker?: Worker): Promise<unknown> => new Promise((resolve, reject) => {
    if (failure) { reject(failure); return; }
    if (released) { reject(new Error('the walkers were given back before this task was run')); return; }
    if (worker) send(worker, { job, transfer, resolve, reject });
    else { waiting.push({ job, transfer, resolve, reject }); pump(); }
  });
  const run = <Result>(task: ContentTask, transfer?: ArrayBuffer[]): Promise<Result> => submit({ type: 'content', job: nextJob++, task }, transfer) as Promise<Result>;

  return {
    threads: workers.length,
    // A task's arrays move to the walker (the caller gives them up).
    hash: (task) => run<HashResult>({ kind: 'hash', ...task }, [
      ...(typeof task.paths === 'string' ? [] : [task.paths.buffer as ArrayBuffer]), task.sizes.buffer as ArrayBuffer, task.mtimesMs.buffer as ArrayBuffer,
      ...(task.ids ? [task.ids.buffer as ArrayBuffer] : []),
    ]),
    cached: (task) => run<CachedResult>({ kind: 'cached', ...task }),
    saveCache: (task, transfer) => run<SaveCacheResult>({ kind: 'save-cache', ...task }, transfer),
    async collectGarbage() {
      await Promise.all(workers.map((worker) => submit({ type: 'collect', job: nextJob++ }, [], worker)));
    },
    release() {
      if (released) return;
      released = true;
      for (const worker of workers) {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      }
      // A walker still working (the search failed mid-stage) is in an unknown state: it stops.
      if (failure || answering.size > 0 || waiting.length > 0) walkers.discard(workers);
      else walkers.release(workers);
      fail(new Error('the walkers were given back before this task was answered'));
    },
  };
}
