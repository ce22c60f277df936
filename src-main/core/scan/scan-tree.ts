import { type Worker } from 'node:worker_threads';
import { type ScanBatch, type ScanRequest, type ScanSummary, type WalkTask, type WalkerMessage, type WalkerTask, type WireBatch } from './scan-types.js';
import { joinPath } from './join-path.js';
import { emptySummary, rootIdentity } from './walk-tree.js';
import { createWalkerPool, scanThreads, type WalkerPool } from './walker-pool.js';

export interface ScanStream<Batch = ScanBatch> {
  batches: AsyncIterable<Batch>;
  /** resolves after the last batch */
  summary: Promise<ScanSummary>;
}

/**
 * A folder with fewer subfolders than this is split further (its children walked as separate tasks), so
 * that a tree with one big folder near the top still spreads over the walker threads.
 */
const SPLIT_BELOW_SUBFOLDERS = 8;
const SPLIT_MAX_DEPTH = 3;
/**
 * The top levels are always walked a folder at a time, so the subtrees handed out as whole tasks are many
 * and small enough that the last one to finish does not leave the other threads idle for long.
 */
const ALWAYS_SPLIT_DEPTH = 2;
/**
 * Batches held for the planner (ready, or waiting for an earlier subtree to finish) before the walkers get no
 * new subtree but the one the planner waits for: about 32k files. Measured: counting only the ready ones let
 * a walker that finished many later subtrees park a quarter of a 1M-file tree in memory (peak RSS 655 MiB
 * instead of ~450).
 */
const MAX_BUFFERED_BATCHES = 64;
/**
 * Tasks a walker holds at once: the one it walks and the next, waiting in its port. Given one at a time, a
 * walker sat idle after each task for the round trip through the main thread (busy packing batches): at 100k
 * files ~125 tasks a walker, idle ~160 ms of a ~550 ms scan. A second task is given only while more are
 * pending than there are walkers, so none waits behind another's queue at the end of the walk.
 */
const TASKS_PER_WALKER = 2;

interface Slot {
  id: number;
  task: WalkTask;
  depth: number;
  state: 'pending' | 'running' | 'done';
  batches: WireBatch[];
  summary?: ScanSummary;
}

/** Strings for the planner, made one batch at a time as it reads them (so few are alive at once). */
function unpack(wire: WireBatch): ScanBatch {
  const { count } = wire;
  const names = count === 0 ? [] : wire.names.split('\0');
  const paths = names.map((name, index) => joinPath(wire.folders[wire.folderOf[index] as number] as string, name));
  const devs = new Array<string>(count);
  const inos = new Array<string>(count);
  let lastDev = Number.NaN;
  let lastDevText = '';
  for (let index = 0; index < count; index++) {
    const dev = wire.devs[index] as number;
    if (dev !== lastDev) { lastDev = dev; lastDevText = String(dev); }
    devs[index] = lastDevText;
    inos[index] = String(wire.inos[index]);
  }
  for (const wide of wire.wideIds) { devs[wide.index] = wide.dev; inos[wide.index] = wide.ino; }
  return { paths, sizes: wire.sizes, mtimesMs: wire.mtimesMs, devs, inos, roots: wire.roots };
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
export function scanTree(request: ScanRequest, using: ScanUsing = {}): ScanStream {
  return scanTreeAs(request, using, unpack);
}

/**
 * The same scan, its batches as they crossed from the walkers: one string of paths and number arrays. The
 * duplicate search keeps a whole tree's metadata and wants it packed, not as strings per file.
 */
export function scanTreePacked(request: ScanRequest, using: ScanUsing = {}): ScanStream<WireBatch> {
  return scanTreeAs(request, using, (wire) => wire);
}

export interface ScanUsing { threads?: number; walkers?: WalkerPool }

function scanTreeAs<Batch>(request: ScanRequest, using: ScanUsing, convert: (wire: WireBatch) => Batch): ScanStream<Batch> {
  const threads = using.threads ?? scanThreads();
  // Without a pool of the caller's, walkers live for this scan alone.
  const pool = using.walkers ?? createWalkerPool({ idleMs: 0 });
  const options = { excludedFolders: request.excludedFolders, excludedIdentities: request.excludedIdentities ?? [], includeHidden: request.includeHidden, batchSize: request.batchSize };
  let nextId = 0;
  const byId = new Map<number, Slot>();
  const newSlot = (task: WalkTask, depth: number): Slot => {
    const slot: Slot = { id: nextId++, task, depth, state: 'pending', batches: [] };
    byId.set(slot.id, slot);
    return slot;
  };
  // Slots in depth-first order; tasks refer to them by id, since children are inserted as parents finish.
  // Each root's identity is taken now: its listing is checked against it, as each subfolder's is against the
  // identity its parent's listing showed.
  const slots: Slot[] = request.roots.map((root, rootIndex) => newSlot({ folder: root, rootIndex, kind: 'shallow', found: rootIdentity(root), root: true }, 0));
  const workers = pool.acquire(threads);
  const held = new Map<Worker, number>(workers.map((worker) => [worker, 0])); // tasks given and not yet done
  const total = emptySummary();
  let emitted = 0; // slots before this index are fully handed out
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const ready: WireBatch[] = [];
  let buffered = 0; // batches received and not yet read by the planner
  let resolveSummary!: (summary: ScanSummary) => void;
  let rejectSummary!: (error: Error) => void;
  const summary = new Promise<ScanSummary>((resolve, reject) => { resolveSummary = resolve; rejectSummary = reject; });
  summary.catch(() => undefined); // surfaced through the batch iterator too

  const finished = (): boolean => failure !== undefined || emitted === slots.length;
  let handedBack = false;
  const detach = (): void => {
    for (const worker of workers) { worker.off('message', onMessage); worker.off('error', onError); worker.off('exit', onExit); }
  };
  /** Every task answered: the walkers are idle and go back to the pool. */
  const stop = (): void => {
    if (handedBack) return;
    handedBack = true;
    detach();
    pool.release(workers);
  };
  /** A failure or an abandoned scan: walkers may be mid-task, so they are stopped. */
  const abandon = (): void => {
    if (handedBack) return;
    handedBack = true;
    detach();
    pool.discard(workers);
  };

  /** The walker holding the fewest tasks, if it may take one more (`most`). */
  const leastHeld = (most: number): Worker | undefined => {
    let best: Worker | undefined;
    for (const [worker, count] of held) if (count < most && (best === undefined || count < (held.get(best) as number))) best = worker;
    return best;
  };
  const start = (slot: Slot, worker: Worker): void => {
    held.set(worker, (held.get(worker) as number) + 1);
    slot.state = 'running';
    worker.postMessage({ slot: slot.id, task: slot.task, options } satisfies WalkerTask);
  };
  const dispatch = (): void => {
    // Backpressure: while much is held for the planner, start no new subtree but the one it waits for (the
    // head, which must run for anything held to be handed out).
    if (buffered > MAX_BUFFERED_BATCHES) {
      const head = slots[emitted];
      const worker = leastHeld(1);
      if (head?.state === 'pending' && worker) start(head, worker);
      return;
    }
    let pending = 0;
    for (const slot of slots) if (slot.state === 'pending') pending++;
    for (const slot of slots) {
      if (slot.state !== 'pending') continue;
      const worker = leastHeld(pending > held.size ? TASKS_PER_WALKER : 1);
      if (!worker) return;
      start(slot, worker);
      pending--;
    }
  };

  // Hand out the batches of the leading slots: all of a finished one's, and what the first unfinished one has
  // sent so far (its later batches go straight out as they come). A slot further on waits for those before it.
  const advance = (): void => {
    while (emitted < slots.length) {
      const slot = slots[emitted] as Slot;
      if (slot.batches.length > 0) { ready.push(...slot.batches); slot.batches = []; }
      if (slot.state !== 'done') break;
      mergeSummary(total, slot.summary as ScanSummary);
      emitted++;
    }
    if (emitted === slots.length && !failure) { stop(); resolveSummary(total); }
    wake?.();
  };

  const fail = (error: Error): void => {
    if (failure) return;
    failure = error;
    abandon();
    rejectSummary(error);
    wake?.();
  };

  function onMessage(this: Worker, message: WalkerMessage): void {
    const slot = byId.get(message.slot) as Slot;
    if (message.type === 'batch') {
      buffered++;
      if (slot === slots[emitted]) { ready.push(message.batch); wake?.(); } else slot.batches.push(message.batch);
      return;
    }
    if (message.type === 'error') { fail(new Error(`scan failed in ${slot.task.folder}: ${message.message}`)); return; }
    slot.state = 'done';
    slot.summary = message.summary;
    byId.delete(slot.id);
    held.set(this, (held.get(this) as number) - 1);
    if (message.subfolders.length > 0) {
      // Children go right after their parent, in name order: depth-first order is kept.
      const depth = slot.depth + 1;
      const split = depth < ALWAYS_SPLIT_DEPTH || (depth < SPLIT_MAX_DEPTH && message.subfolders.length < SPLIT_BELOW_SUBFOLDERS);
      const children = message.subfolders.map(({ folder, dev, ino }) => newSlot({ folder, rootIndex: slot.task.rootIndex, kind: split ? 'shallow' : 'deep', found: { dev, ino }, root: false }, depth));
      slots.splice(slots.indexOf(slot) + 1, 0, ...children);
    }
    advance();
    dispatch();
  }
  function onError(error: Error): void { fail(error); }
  function onExit(code: number): void { if (!finished()) fail(new Error(`scan worker exited with code ${code}`)); }
  for (const worker of workers) {
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  }
  dispatch();

  async function* batches(): AsyncGenerator<Batch> {
    try {
      for (;;) {
        const next = ready.shift();
        if (next) {
          buffered--;
          if (buffered === MAX_BUFFERED_BATCHES) dispatch();
          yield convert(next);
          continue;
        }
        if (failure) throw failure;
        if (emitted === slots.length) return;
        await new Promise<void>((resolve) => { wake = resolve; });
        wake = undefined;
      }
    } finally {
      // The reader stopped early (Ctrl-C while planning, an error in the planner): stop the walk too.
      if (!finished()) { abandon(); rejectSummary(new Error('the scan was abandoned before it finished')); }
    }
  }
  return { batches: batches(), summary };
}
