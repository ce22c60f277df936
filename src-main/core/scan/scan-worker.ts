import { parentPort, workerData } from 'node:worker_threads';
import { type ScanMessage, type ScanRequest } from './scan-types.js';
import { walkTree } from './walk-tree.js';

// Worker-thread entry: the synchronous walk happens here so the main thread stays responsive.
const port = parentPort;
if (!port) throw new Error('scan-worker must run in a worker thread');
const post = (message: ScanMessage): void => port.postMessage(message);
try {
  const summary = walkTree(workerData as ScanRequest, (batch) => post({ type: 'batch', batch }));
  post({ type: 'done', summary });
} catch (error) {
  post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}
