import { parentPort, workerData } from 'node:worker_threads';
import { type WalkerMessage } from './scan-types.js';
import { type WalkOptions, type WalkTask, walkFolder } from './walk-tree.js';

// Walker thread: takes one task at a time from the coordinator (scan-tree.ts) and streams its files back.
const port = parentPort;
if (!port) throw new Error('scan-worker must run in a worker thread');
const options = workerData as WalkOptions;
const post = (message: WalkerMessage): void => port.postMessage(message);

port.on('message', (message: { slot: number; task: WalkTask }) => {
  try {
    const { summary, subfolders } = walkFolder(message.task, options, (batch) => post({ type: 'batch', slot: message.slot, batch }));
    post({ type: 'done', slot: message.slot, summary, subfolders });
  } catch (error) {
    post({ type: 'error', slot: message.slot, message: error instanceof Error ? error.message : String(error) });
  }
});
