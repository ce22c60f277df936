import { describeError } from '../../../src-shared/errors.js';
import { type WATCH_TRIGGERS } from '../../../src-shared/api/watch.js';
import { type WatcherSettings } from './watch-types.js';

export type BatchTrigger = (typeof WATCH_TRIGGERS)[number];

export interface Batch {
  folderId: string;
  files: string[];
  trigger: BatchTrigger;
}

interface Collecting {
  folderId: string;
  files: Set<string>;
  quiet: NodeJS.Timeout | undefined;
  longest: NodeJS.Timeout | undefined;
}

interface Ready extends Batch {
  done: () => void;
}

/**
 * Settled files become batches: per folder, arrivals are collected until the folder has been quiet for
 * `quietMs`, or `maxBatchFiles` have come, or `maxBatchWaitMs` has passed since the first (a folder that never
 * goes quiet still gets organized). Closed batches (and the passes' batches) then run one at a time, whatever
 * their folder: two folders may share a destination, and a batch planned while another moves files into the
 * same folders would meet names taken under it; one at a time, each plan sees what the last one placed. It also
 * keeps the watcher to one operation's worth of threads, however many folders are busy.
 */
export function createBatchQueue(options: {
  settings: Pick<WatcherSettings, 'quietMs' | 'maxBatchFiles' | 'maxBatchWaitMs'>;
  run: (batch: Batch) => Promise<void>;
  log: (message: string) => void;
  /** told whenever the queue may have become empty */
  onSettled: () => void;
}) {
  const { quietMs, maxBatchFiles, maxBatchWaitMs } = options.settings;
  const collecting = new Map<string, Collecting>();
  const ready: Ready[] = [];
  let running: Promise<void> | undefined;
  let closed = false;

  const pump = (): void => {
    if (running || closed) return;
    const next = ready.shift();
    if (!next) { options.onSettled(); return; }
    running = options.run(next).catch((error: unknown) => {
      options.log(`a watch batch of ${next.files.length} files failed: ${describeError(error)}`);
    }).finally(() => {
      running = undefined;
      next.done();
      pump();
    });
  };

  const push = (folderId: string, files: string[], trigger: BatchTrigger): Promise<void> => {
    const chunks: Array<Promise<void>> = [];
    for (let start = 0; start < files.length; start += maxBatchFiles) {
      chunks.push(new Promise((resolve) => {
        ready.push({ folderId, files: files.slice(start, start + maxBatchFiles), trigger, done: resolve });
      }));
    }
    pump();
    return Promise.all(chunks).then(() => undefined);
  };

  const keyOf = (folderId: string, trigger: BatchTrigger): string => `${trigger}\0${folderId}`;
  const closeCollecting = (folderId: string, trigger: BatchTrigger): void => {
    const key = keyOf(folderId, trigger);
    const open = collecting.get(key);
    if (!open) return;
    clearTimeout(open.quiet);
    clearTimeout(open.longest);
    collecting.delete(key);
    void push(folderId, [...open.files], trigger);
  };

  return {
    /**
     * A settled file of a folder: it joins the folder's open batch (once, however often it settles). `trigger`:
     * why it is organized (a file a pass found that had to settle first keeps its pass's trigger).
     */
    add(folderId: string, file: string, trigger: BatchTrigger = 'arrivals'): void {
      if (closed) return;
      const key = keyOf(folderId, trigger);
      let open = collecting.get(key);
      if (!open) {
        open = { folderId, files: new Set(), quiet: undefined, longest: setTimeout(() => closeCollecting(folderId, trigger), maxBatchWaitMs) };
        collecting.set(key, open);
      }
      open.files.add(file);
      clearTimeout(open.quiet);
      if (open.files.size >= maxBatchFiles) { closeCollecting(folderId, trigger); return; }
      open.quiet = setTimeout(() => closeCollecting(folderId, trigger), quietMs);
    },

    /** Files a pass found, as batches of their own (at most maxBatchFiles each); resolves once they have run. */
    enqueue(folderId: string, files: string[], trigger: BatchTrigger): Promise<void> {
      if (closed || files.length === 0) return Promise.resolve();
      return push(folderId, files, trigger);
    },

    /** Forget a folder's batches not yet started (it is gone, paused or removed); one running finishes. */
    drop(folderId: string): void {
      for (const [key, open] of collecting) {
        if (open.folderId !== folderId) continue;
        clearTimeout(open.quiet);
        clearTimeout(open.longest);
        collecting.delete(key);
      }
      for (let index = ready.length - 1; index >= 0; index--) {
        const batch = ready[index] as Ready;
        if (batch.folderId !== folderId) continue;
        ready.splice(index, 1);
        batch.done();
      }
      if (!running) options.onSettled();
    },

    /** Anything collected, waiting or running? */
    busy(): boolean {
      return collecting.size > 0 || ready.length > 0 || running !== undefined;
    },

    /** Stop taking files, forget what has not started, and wait for the batch running. */
    async close(): Promise<void> {
      closed = true;
      for (const open of collecting.values()) {
        clearTimeout(open.quiet);
        clearTimeout(open.longest);
      }
      collecting.clear();
      for (const batch of ready.splice(0)) batch.done();
      await running;
    },
  };
}
export type BatchQueue = ReturnType<typeof createBatchQueue>;
