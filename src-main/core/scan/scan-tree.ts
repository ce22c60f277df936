import { Worker } from 'node:worker_threads';
import { builtFile } from '../built-file.js';
import { type ScanBatch, type ScanMessage, type ScanRequest, type ScanSummary } from './scan-types.js';

export interface ScanStream {
  batches: AsyncIterable<ScanBatch>;
  /** resolves after the last batch */
  summary: Promise<ScanSummary>;
}

/** Scans in a worker thread; batches arrive in walk order while the walk goes on. */
export function scanTree(request: ScanRequest): ScanStream {
  const worker = new Worker(builtFile(import.meta.url, './scan-worker.js'), { workerData: request });
  const queue: ScanBatch[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let failure: Error | undefined;
  let resolveSummary!: (summary: ScanSummary) => void;
  let rejectSummary!: (error: Error) => void;
  const summary = new Promise<ScanSummary>((resolve, reject) => { resolveSummary = resolve; rejectSummary = reject; });
  summary.catch(() => undefined); // surfaced through the batch iterator too
  const finish = (error?: Error): void => {
    if (finished) return;
    finished = true;
    failure = error;
    if (error) rejectSummary(error);
    wake?.();
  };
  worker.on('message', (message: ScanMessage) => {
    if (message.type === 'batch') queue.push(message.batch);
    else if (message.type === 'done') { resolveSummary(message.summary); finish(); }
    else finish(new Error(`scan failed: ${message.message}`));
    wake?.();
  });
  worker.on('error', (error) => finish(error));
  worker.on('exit', (code) => finish(code === 0 ? undefined : new Error(`scan worker exited with code ${code}`)));

  async function* batches(): AsyncGenerator<ScanBatch> {
    for (;;) {
      const next = queue.shift();
      if (next) { yield next; continue; }
      if (finished) {
        if (failure) throw failure;
        return;
      }
      await new Promise<void>((resolve) => { wake = resolve; });
      wake = undefined;
    }
  }
  return { batches: batches(), summary };
}
