import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type ScanBatch, type ScanMessage, type ScanRequest, type ScanSummary } from './scan-types.js';

/**
 * The worker must be JavaScript. Built code finds it beside itself; tests run the TypeScript sources and
 * use the build of the same file (`npm test` builds first).
 */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return path.join(path.dirname(here), 'scan-worker.js');
  const projectRoot = path.resolve(path.dirname(here), '..', '..', '..');
  const built = path.join(projectRoot, 'dist', path.relative(projectRoot, path.dirname(here)), 'scan-worker.js');
  if (!fs.existsSync(built)) throw new Error(`scan worker not built (${built}): run npm run build`);
  return built;
}

export interface ScanStream {
  batches: AsyncIterable<ScanBatch>;
  /** resolves after the last batch */
  summary: Promise<ScanSummary>;
}

/** Scans in a worker thread; batches arrive in walk order while the walk goes on. */
export function scanTree(request: ScanRequest): ScanStream {
  const worker = new Worker(workerFile(), { workerData: request });
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
