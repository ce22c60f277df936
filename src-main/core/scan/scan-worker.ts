import { parentPort } from 'node:worker_threads';
import { type WalkerMessage, type WalkerTask } from './scan-types.js';
import { walkFolder } from './walk-tree.js';

// Walker thread: takes one task at a time from the coordinator (scan-tree.ts) and streams its files back.
// It lives in a pool across scans, so every task carries the options of its scan.
const port = parentPort;
if (!port) throw new Error('scan-worker must run in a worker thread');

port.on('message', ({ slot, task, options }: WalkerTask) => {
  try {
    const { summary, subfolders } = walkFolder(task, options, (batch, transfer) => {
      const message: WalkerMessage = { type: 'batch', slot, batch };
      port.postMessage(message, transfer);
    });
    port.postMessage({ type: 'done', slot, summary, subfolders } satisfies WalkerMessage);
  } catch (error) {
    port.postMessage({ type: 'error', slot, message: error instanceof Error ? error.message : String(error) } satisfies WalkerMessage);
  }
});
