import { Worker } from 'node:worker_threads';
import { builtFile } from '../built-file.js';

/**
 * Checkpoints of the write-ahead log on a thread of their own, for processes that must keep answering
 * (`fileorg serve`, the app). SQLite checkpoints automatically inside the commit that crosses
 * wal_autocheckpoint (64 MiB here), on the committing thread: measured by bench/health.mjs at 100k files, that
 * one commit held the main thread 150-200 ms while other commits took 13-17 ms, and /health waited behind it.
 * With the log copied every 200 ms from here, that commit finds nothing left to copy; the automatic
 * checkpoint stays on as the backstop if this thread falls behind or stops. The CLI does not start it: a
 * command that answers no one gains nothing from a thread that costs ~30 ms to start.
 */
export function startWalCheckpointer(file: string, everyMs = 200): { stop(): Promise<void> } {
  const worker = new Worker(builtFile(import.meta.url, '../../../src-worker/wal-checkpoint-task.js'), { workerData: { file, everyMs } });
  // A thread that failed (a damaged file, say) only loses the latency gain; the process goes on.
  worker.on('error', () => {});
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let stopped: Promise<void> | undefined;
  return {
    // Held while it stops: an unref'd thread's exit keeps nothing waiting, so a process with no other work (the
    // app at quit) would end mid-await, before its close finished.
    stop: () => (stopped ??= (worker.ref(), worker.postMessage('stop'), exited)),
  };
}
