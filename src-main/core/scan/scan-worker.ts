import { type MessagePort, parentPort } from 'node:worker_threads';
import { collectGarbageNow } from '../../../src-worker/collect-garbage.js';
import { type WalkerJob, type WalkerJobAnswer, type WalkerMessage, type WalkerTask } from './scan-types.js';
import { walkFolder } from './walk-tree.js';

// Walker thread: takes one task at a time from the coordinator (scan-tree.ts) and streams its files back.
// It lives in a pool across scans, so every task carries the options of its scan. After a scan it may be
// given jobs instead (content-on-walkers.ts): the duplicate search reads files here.
if (!parentPort) throw new Error('scan-worker must run in a worker thread');
const port: MessagePort = parentPort;

type ContentTaskModule = typeof import('../../../src-worker/content-task.js');
/** Loaded with the first job: a walker of an organize scan never needs it. */
let contentTask: Promise<ContentTaskModule> | undefined;

port.on('message', (message: WalkerTask | WalkerJob) => {
  if ('type' in message) {
    void runJob(message);
    return;
  }
  const { slot, task, options } = message;
  try {
    const { summary, subfolders } = walkFolder(task, options, (batch, transfer) => {
      port.postMessage({ type: 'batch', slot, batch } satisfies WalkerMessage, transfer);
    });
    port.postMessage({ type: 'done', slot, summary, subfolders } satisfies WalkerMessage);
  } catch (error) {
    port.postMessage({ type: 'error', slot, message: error instanceof Error ? error.message : String(error) } satisfies WalkerMessage);
  }
});

/**
 * A hashing task's buffers (its paths as bytes, sizes, times), moved here with it, go back with the answer: left
 * here, each was a small object on this thread's heap holding ~25 KB outside it, and the thread, allocating
 * little, collected them only every ~64 MB (at 1M files that raised the peak memory by ~30 MB). The main thread,
 * which allocates plenty, frees them at its next young collection.
 */
function movedIn(job: WalkerJob): ArrayBuffer[] {
  if (job.type !== 'content' || job.task.kind !== 'hash') return [];
  const { paths, sizes, mtimesMs } = job.task;
  return [...(typeof paths === 'string' ? [] : [paths.buffer]), sizes.buffer, mtimesMs.buffer].filter((buffer): buffer is ArrayBuffer => buffer instanceof ArrayBuffer);
}

async function runJob(job: WalkerJob): Promise<void> {
  try {
    let result: unknown;
    if (job.type === 'collect') collectGarbageNow();
    else result = await (await (contentTask ??= import('../../../src-worker/content-task.js'))).default(job.task);
    const returned = movedIn(job);
    port.postMessage({ type: 'job-done', job: job.job, result, returned } satisfies WalkerJobAnswer, returned);
  } catch (error) {
    port.postMessage({ type: 'job-error', job: job.job, message: error instanceof Error ? error.message : String(error) } satisfies WalkerJobAnswer);
  }
}
