import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { builtFile } from '../built-file.js';
import { type ScanBatch, type ScanRequest, type ScanSummary, type WalkerMessage } from './scan-types.js';
import { emptySummary, type WalkTask } from './walk-tree.js';

export interface ScanStream {
  batches: AsyncIterable<ScanBatch>;
  /** resolves after the last batch */
  summary: Promise<ScanSummary>;
}

/**
 * A folder with fewer subfolders than this is split further (its children walked as separate tasks), so
 * that a tree with one big folder near the top still spreads over the walker threads.
 */
const SPLIT_BELOW_SUBFOLDERS = 8;
const SPLIT_MAX_DEPTH = 3;
/** Batches waiting for the planner before the walkers get no new subtree (about 130k files). */
const MAX_READY_BATCHES = 32;

interface Slot {
  id: number;
  task: WalkTask;
  depth: number;
  state: 'pending' | 'running' | 'done';
  batches: ScanBatch[];
  summary?: ScanSummary;
}

function mergeSummary(into: ScanSummary, part: ScanSummary): void {
  into.files += part.files;
  into.bytes += part.bytes;
  into.folders += part.folders;
  into.symlinks += part.symlinks;
  into.special += part.special;
  into.hidden += part.hidden;
  into.skipped.push(...part.skipped);
}

/**
 * Scans on walker threads (one per core, measured: `lstat` is the cost, and the kernel runs two at once).
 * The tree is cut into tasks in a way that depends only on its shape: each root is walked alone first, and
 * its subfolders become subtree tasks (split further near the top when there are few). Results are handed
 * out strictly in depth-first order of sorted names, the order a single walk would give, so the plan is the
 * same however the threads were scheduled.
 */
export function scanTree(request: ScanRequest, threads = Math.max(1, Math.min(2, os.availableParallelism()))): ScanStream {
  const options = { excludedFolders: request.excludedFolders, includeHidden: request.includeHidden, batchSize: request.batchSize };
  let nextId = 0;
  const byId = new Map<number, Slot>();
  const newSlot = (task: WalkTask, depth: number): Slot => {
    const slot: Slot = { id: nextId++, task, depth, state: 'pending', batches: [] };
    byId.set(slot.id, slot);
    return slot;
  };
  // Slots in depth-first order; tasks refer to them by id, since children are inserted as parents finish.
  const slots: Slot[] = request.roots.map((root, rootIndex) => newSlot({ folder: root, rootIndex, kind: 'shallow' }, 0));
  const workers = Array.from({ length: threads }, () => new Worker(builtFile(import.meta.url, './scan-worker.js'), { workerData: options }));
  const idle = [...workers];
  const total = emptySummary();
  let emitted = 0; // slots before this index are fully handed out
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const ready: ScanBatch[] = [];
  let resolveSummary!: (summary: ScanSummary) => void;
  let rejectSummary!: (error: Error) => void;
  const summary = new Promise<ScanSummary>((resolve, reject) => { resolveSummary = resolve; rejectSummary = reject; });
  summary.catch(() => undefined); // surfaced through the batch iterator too

  const finished = (): boolean => failure !== undefined || emitted === slots.length;
  const stop = (): void => { for (const worker of workers) void worker.terminate(); };

  const dispatch = (): void => {
    // Backpressure: while the consumer (the planner) is far behind, start no new subtree.
    if (ready.length > MAX_READY_BATCHES) return;
    for (const slot of slots) {
      if (idle.length === 0) return;
      if (slot.state !== 'pending') continue;
      const worker = idle.pop() as Worker;
      slot.state = 'running';
      worker.postMessage({ slot: slot.id, task: slot.task });
    }
  };

  // Hand out every batch of the leading completed slots; a slot in the middle waits for those before it.
  const advance = (): void => {
    while (emitted < slots.length && (slots[emitted] as Slot).state === 'done') {
      const slot = slots[emitted] as Slot;
      ready.push(...slot.batches);
      slot.batches = [];
      mergeSummary(total, slot.summary as ScanSummary);
      emitted++;
    }
    if (emitted === slots.length && !failure) { stop(); resolveSummary(total); }
    wake?.();
  };

  const fail = (error: Error): void => {
    if (failure) return;
    failure = error;
    stop();
    rejectSummary(error);
    wake?.();
  };

  for (const worker of workers) {
    worker.on('message', (message: WalkerMessage) => {
      const slot = byId.get(message.slot) as Slot;
      if (message.type === 'batch') { slot.batches.push(message.batch); return; }
      if (message.type === 'error') { fail(new Error(`scan failed in ${slot.task.folder}: ${message.message}`)); return; }
      slot.state = 'done';
      slot.summary = message.summary;
      byId.delete(slot.id);
      idle.push(worker);
      if (message.subfolders.length > 0) {
        // Children go right after their parent, in name order: depth-first order is kept.
        const split = slot.depth + 1 < SPLIT_MAX_DEPTH && message.subfolders.length < SPLIT_BELOW_SUBFOLDERS;
        const children = message.subfolders.map((folder) => newSlot({ folder, rootIndex: slot.task.rootIndex, kind: split ? 'shallow' : 'deep' }, slot.depth + 1));
        slots.splice(slots.indexOf(slot) + 1, 0, ...children);
      }
      advance();
      dispatch();
    });
    worker.on('error', (error) => fail(error));
    worker.on('exit', (code) => { if (code !== 0 && !finished()) fail(new Error(`scan worker exited with code ${code}`)); });
  }
  dispatch();

  async function* batches(): AsyncGenerator<ScanBatch> {
    for (;;) {
      const next = ready.shift();
      if (next) {
        if (ready.length === MAX_READY_BATCHES) dispatch();
        yield next;
        continue;
      }
      if (failure) throw failure;
      if (emitted === slots.length) return;
      await new Promise<void>((resolve) => { wake = resolve; });
      wake = undefined;
    }
  }
  return { batches: batches(), summary };
}
