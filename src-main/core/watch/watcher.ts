import type fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import { type WatchState } from '../../../src-shared/api/watch.js';
import { describeError } from '../../../src-shared/errors.js';
import { type AppCore } from '../compose.js';
import { currentPlatform } from '../rules/safe-names.js';
import { ALWAYS_EXCLUDED_FOLDERS } from '../scan/hidden-names.js';
import { physicalPath } from '../scan/physical-path.js';
import { accountRefusal } from './account-folders.js';
import { isIgnoredName, judgeArrival, type NamedTime, partialDownloadsIn } from './arrival-filter.js';
import { type Batch, type BatchTrigger, createBatchQueue } from './batch-queue.js';
import { isExcluded, listWatchedFolder } from './folder-listing.js';
import { lookAtFolder } from './folder-presence.js';
import { createHandledFiles, identityOf, lstatOrUndefined } from './handled-files.js';
import { createHandledSync } from './handled-sync.js';
import { busyError, keepLease } from './lease-keeper.js';
import { filesOpenForWriting } from './open-writers.js';
import { type BatchOutcome, runWatchBatch } from './run-batch.js';
import { usesTimeConditions } from './time-rules.js';
import { createWatchReports } from './watch-reports.js';
import { DEFAULT_WATCHER_SETTINGS, type HeldReason, type LeaseHolder, type WatchedFolder, type Watcher, type WatcherSettings } from './watch-types.js';

/** What became of a file that settled (or that a pass found): for tests and the bench, which wait on it. */
export type ArrivalOutcome = 'queued' | 'handled' | 'held';

export interface WatcherOptions {
  /** who watches, for the lease: "fileorg watch", "fileorg serve", "the FileOrganizer app" */
  label: string;
  /**
   * false (fileorg watch): another live process holding the lease is an E_BUSY naming it. true (serve, the
   * app): the watcher is answered at once and starts watching when the lease is free (tried every 5 s).
   */
  wait?: boolean;
  /** the catch-up pass over every enabled folder at start (default true) */
  catchUp?: boolean;
  settings?: Partial<WatcherSettings>;
  /** ages of 0-byte files (default Date.now) */
  clock?: () => number;
  /** each line of what it does and what went wrong, without a prefix (default: stderr, after "fileorg: watcher: ") */
  log?: (message: string) => void;
  /** log each batch and folder state change too (default true); false where the events are printed already (fileorg watch) */
  logEvents?: boolean;
  observe?: (file: string, outcome: ArrivalOutcome) => void;
}

/** A file held back, and why (see HeldReason). */
interface Held {
  reason: HeldReason;
  /** what holds it, in words (told once it has been held heldReportMs) */
  detail: string;
  /** real time it was first held (kept while it stays held, whatever for) */
  since: number;
  /** why it was looked at: it arrived, or a pass found it (its batch says so once it may go) */
  trigger: BatchTrigger;
  size: number;
  mtimeMs: number;
  /** real time */
  lookAgainAt: number;
  /** open for writing: how often it was found so (each look waits longer, pollMs up to presenceEveryMs) */
  openChecks?: number;
}

interface FolderRuntime {
  folder: WatchedFolder;
  chokidar: FSWatcher | undefined;
  /** "dev:ino" of the folder the chokidar watcher was opened on */
  identity: string | undefined;
  /** bumped whenever its chokidar watcher is replaced or closed: events of an old one are dropped */
  generation: number;
  /** where its batches must never reach into: the destination and FileOrganizer's own folders */
  excluded: string[];
  held: Map<string, Held>;
  refreshing: Promise<void> | undefined;
  /** asked to refresh again while refreshing; `restart`: its settings changed, open it afresh */
  again: boolean;
  restart: boolean;
  passing: Promise<void> | undefined;
  retired: boolean;
  /** ends the wait for its chokidar watcher's first listing (a watcher closed meanwhile never says it is ready) */
  endReadyWait: (() => void) | undefined;
  /** the catch-up pass due after a failed batch, and how long the next one waits (undefined: presenceEveryMs) */
  retryTimer: NodeJS.Timeout | undefined;
  retryMs: number | undefined;
}

/** How long to wait for chokidar's first listing of a folder before watching anyway (a hung network drive). */
const READY_WAIT_MS = 60_000;
/** How long a batch waits at most for an undo of a watch batch under way to finish (it puts files back meanwhile). */
const UNDO_WAIT_MS = 60_000;
/** The longest wait before a folder's catch-up pass after batches that failed again and again. */
const RETRY_MOST_MS = 5 * 60 * 1000;
/** A pass over a big folder gives the event loop a turn this often (as planning does), so events and the API go on. */
const SLICE_MS = 5;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => { setTimeout(resolve, ms); });
/** The data folders watched in this process: the lease is per process, so two watchers here are refused here. */
const watchingInProcess = new Map<string, LeaseHolder>();

/**
 * The running watcher of a data folder's watched folders (issue 19): one chokidar watcher per enabled folder,
 * settled files batched into operations of kind `watch`, a catch-up pass at start and whenever a folder comes
 * (back), time rules re-checked, folders that go away or become unreadable or not allowed looked at again until
 * they return. Nothing a folder does stops the others or the watcher.
 */
export async function startWatcher(core: AppCore, options: WatcherOptions): Promise<Watcher> {
  const settings: WatcherSettings = { ...DEFAULT_WATCHER_SETTINGS, ...options.settings };
  const clock = options.clock ?? Date.now;
  const log = options.log ?? ((message: string) => { process.stderr.write(`fileorg: watcher: ${message}\n`); });
  const platform = currentPlatform();
  const handled = createHandledFiles(core.database, clock);
  const handledSync = createHandledSync({ core, handled, log });
  const reports = createWatchReports({ events: core.events, watchedFolders: core.watchedFolders, log, logEvents: options.logEvents ?? true });
  // Nothing after these can fail before the watcher is answered: the lease taken is given up by stop() alone.
  const processKey = physicalPath(core.dataDir);
  const here = watchingInProcess.get(processKey);
  if (here) throw busyError(core.dataDir, here);
  const heldBy = core.watcherLease.tryTake(options.label);
  if (heldBy && !options.wait) throw busyError(core.dataDir, heldBy);
  watchingInProcess.set(processKey, { label: options.label, pid: process.pid, host: os.hostname(), acquiredAt: Date.now() });
  const folders = new Map<string, FolderRuntime>();
  const loopsTold = new Set<string>();
  const idleWaiters: Array<() => void> = [];
  const timers: NodeJS.Timeout[] = [];
  let active = false;
  let stopped = false;
  let passes = 0;
  let lastVersion: string | undefined;
  let syncScheduled = false;
  let checkingWriters = false;
  let stopping: Promise<void> | undefined;
  /** the operation of the batch running now, for stop() to ask it to stop after its page */
  let runningOperation: { id: string; owner: string } | undefined;
  let endStopWait = (): void => undefined;
  /** resolves when stop() is called: once() answers then rather than wait for its pass */
  const whenStopped = new Promise<void>((resolve) => { endStopWait = resolve; });

  const observe = (file: string, outcome: ArrivalOutcome): void => {
    try { options.observe?.(file, outcome); } catch (error) { log(`a watch observer failed: ${describeError(error)}`); }
  };
  const guarded = (what: string, work: () => void): void => {
    try { work(); } catch (error) { log(`${what}: ${describeError(error)}`); }
  };
  const stateOf = (runtime: FolderRuntime): WatchState | undefined => reports.stateOf(runtime.folder.id);

  const busy = (): boolean => {
    if (queue.busy() || passes > 0 || syncScheduled) return true;
    for (const runtime of folders.values()) {
      if (runtime.refreshing) return true;
      for (const held of runtime.held.values()) if (held.reason === 'settling') return true;
    }
    return false;
  };
  const checkIdle = (): void => {
    if (!stopped && busy()) return;
    for (const resolve of idleWaiters.splice(0)) resolve();
  };

  const canRun = (runtime: FolderRuntime | undefined): runtime is FolderRuntime =>
    runtime !== undefined && !runtime.retired && active && !stopped && stateOf(runtime) === 'watching';

  /**
   * What undo put back (and batches interrupted or resumed elsewhere) recorded as handled first; while an undo of a
   * watch batch is under way, its files still coming back, the batch waits for it (up to a minute).
   */
  const catchUpWithJournal = async (): Promise<void> => {
    const deadline = Date.now() + UNDO_WAIT_MS;
    for (;;) {
      let undoing = false;
      guarded('reading what undo put back', () => { undoing = handledSync.beforeBatch({ waitForUndo: true }).undoing; });
      if (!undoing || !active || stopped) return;
      if (Date.now() >= deadline) {
        log('an undo of a watch batch has run for over a minute; this batch goes on meanwhile, knowing what it put back so far');
        guarded('reading what undo put back', () => { handledSync.beforeBatch(); });
        return;
      }
      await sleep(settings.pollMs);
    }
  };

  /** Looked at again after pollMs, then twice as long each time, up to presenceEveryMs. */
  const openWait = (checks: number): number => Math.min(settings.presenceEveryMs, settings.pollMs * 2 ** Math.min(checks, 20));
  /** Hold a file back, or keep it held for another reason: since when it is held carries over while it stays held. */
  const hold = (runtime: FolderRuntime, file: string, entry: Omit<Held, 'since'>): void => {
    runtime.held.set(file, { ...entry, since: runtime.held.get(file)?.since ?? Date.now() });
  };
  const holdOpen = (runtime: FolderRuntime, file: string, trigger: BatchTrigger, checks: number): void => {
    const stats = lstatOrUndefined(file);
    if (!stats?.isFile()) return;
    hold(runtime, file, {
      reason: 'open-for-writing', detail: 'a program has it open for writing', trigger, size: stats.size, mtimeMs: stats.mtimeMs,
      lookAgainAt: Date.now() + openWait(checks), openChecks: checks,
    });
    observe(file, 'held');
  };

  /**
   * A file held back for heldReportMs (a download that stopped and left its partial file, a program that keeps it
   * open) would wait unseen for ever: told once (watch:skipped), with what holds it and what to do. It stays held.
   */
  const tellLongHeld = (runtime: FolderRuntime, file: string, held: Held, now: number): void => {
    if (held.reason === 'settling' || now - held.since < settings.heldReportMs) return;
    const waited = settings.heldReportMs >= 60_000 ? `${Math.floor(settings.heldReportMs / 60_000)} min` : `${Math.round(settings.heldReportMs / 1000)} s`;
    const [reason, advice] = held.reason === 'open-for-writing'
      ? ['open-for-writing', 'close the program writing to it (or let it finish), and it is organized then']
      : ['still-arriving', 'if that download stopped, finish it or remove its partial file (.part, .crdownload…), and it is organized then'];
    reports.skipped(runtime.folder, file, reason, `held for over ${waited}: ${held.detail}; ${advice}`);
  };

  /** The batch's files some process holds open for writing (one look at /proc for them all); none when that fails. */
  const openForWriting = async (files: readonly string[]): Promise<Set<string>> => {
    try {
      return await filesOpenForWriting(files);
    } catch (error) {
      log(`could not look for programs writing to the files: ${describeError(error)}`);
      return new Set();
    }
  };

  const runBatch = async (batch: Batch): Promise<void> => {
    if (!canRun(folders.get(batch.folderId)) || coreClosed()) return;
    await catchUpWithJournal();
    // A file still open for writing is never moved, however long its writer pauses: held until it is closed.
    const open = await openForWriting(batch.files);
    const runtime = folders.get(batch.folderId);
    if (!canRun(runtime)) return;
    for (const file of open) holdOpen(runtime, file, batch.trigger, 0);
    const files = open.size === 0 ? batch.files : batch.files.filter((file) => !open.has(file));
    if (files.length === 0) return;
    const owner = runtime.folder.userId;
    let outcome: BatchOutcome;
    try {
      outcome = await runWatchBatch({
        core, handled, reports, clock, platform, log, loopsTold,
        onHandled: (file) => observe(file, 'handled'),
        onStarted: (id) => {
          runningOperation = { id, owner };
          if (stopped) cancelRunning(); // stop() came before the operation was recorded
        },
      }, { folder: runtime.folder, files, trigger: batch.trigger, excluded: runtime.excluded });
    } catch (error) {
      outcome = { kind: 'failed', error, operationId: undefined };
    } finally {
      runningOperation = undefined;
    }
    const kept = outcome.kind === 'ran' && !outcome.discarded ? outcome.operationId : outcome.kind === 'failed' ? outcome.operationId : undefined;
    if (kept !== undefined) guarded('reading the batch\'s operation', () => { handledSync.known(kept); });
    if (outcome.kind === 'ran') runtime.retryMs = undefined;
    if (outcome.kind === 'no-rules' || outcome.kind === 'not-allowed') {
      await leave(runtime, outcome.kind, outcome.kind === 'no-rules' ? noRulesDetail(runtime.folder) : outcome.detail);
    } else if (outcome.kind === 'failed') {
      log(`${runtime.folder.path}: a batch of ${batch.files.length} files ${outcome.operationId ? `(operation ${outcome.operationId}) ` : ''}stopped: ${describeError(outcome.error)}`);
      void refresh(runtime); // the folder may be gone: looked at now rather than at the next presence check
      retryLater(runtime);
    }
  };

  /** Ask the batch running to stop after its page (stop()): it ends interrupted, resumable, what it moved recorded. */
  const cancelRunning = (): void => {
    const running = runningOperation;
    if (!running || !core.database.sqlite.open) return;
    guarded('stopping the batch running', () => { core.operations.cancel(running.id, { owner: running.owner, exact: true }); });
  };

  /**
   * A failed batch's files are neither held nor queued (a folder that stays watched is not looked at again): its
   * folder gets a catch-up pass after presenceEveryMs, twice as long after each failure in a row (up to five
   * minutes), back to presenceEveryMs once a batch runs.
   */
  const retryLater = (runtime: FolderRuntime): void => {
    if (runtime.retired || stopped || runtime.retryTimer) return;
    const wait = Math.min(runtime.retryMs ?? settings.presenceEveryMs, RETRY_MOST_MS);
    runtime.retryMs = Math.min(wait * 2, RETRY_MOST_MS);
    runtime.retryTimer = setTimeout(() => {
      runtime.retryTimer = undefined;
      if (coreClosed() || !canRun(runtime)) return; // let go meanwhile: a catch-up pass comes when it is watched again
      log(`${runtime.folder.path}: looking at it again after a batch that stopped`);
      void pass(runtime, 'catch-up');
    }, wait);
  };
  const queue = createBatchQueue({ settings, log, run: runBatch, onSettled: checkIdle });

  // ---- a file that settled, or that a pass found --------------------------------------------------------

  /** Whether a file may go into a batch now; if not it is held (to be looked at again) or left (placed by us, gone). */
  const consider = (runtime: FolderRuntime, file: string, trigger: BatchTrigger, source: 'arrival' | 'listing' | 'held', known?: fs.Stats,
    partialsIn?: (folder: string) => NamedTime[]): 'ready' | 'held' | 'left' => {
    const stats = known ?? lstatOrUndefined(file);
    const identity = identityOf(file, stats);
    if (!identity || !stats) { runtime.held.delete(file); return 'left'; }
    if (handled.isHandled(identity)) {
      runtime.held.delete(file);
      observe(file, 'handled');
      return 'left';
    }
    const now = Date.now();
    const verdict = judgeArrival({ path: file, size: stats.size, mtimeMs: stats.mtimeMs }, { now: clock(), youngEmptyMs: settings.youngEmptyMs, ...(partialsIn ? { partialsIn } : {}) });
    if (!verdict.ready) {
      const wait = verdict.lookAgainAt === undefined ? settings.presenceEveryMs : Math.min(settings.presenceEveryMs, Math.max(settings.pollMs, verdict.lookAgainAt - clock()));
      hold(runtime, file, { reason: verdict.reason, detail: verdict.detail, trigger, size: stats.size, mtimeMs: stats.mtimeMs, lookAgainAt: now + wait });
      observe(file, 'held');
      return 'held';
    }
    // Chokidar said it settled; a file a pass found must show it has, by keeping still for settleMs.
    const age = now - stats.mtimeMs;
    if (source !== 'arrival' && age >= 0 && age < settings.settleMs) {
      hold(runtime, file, { reason: 'settling', detail: 'it was written a moment ago', trigger, size: stats.size, mtimeMs: stats.mtimeMs, lookAgainAt: now + settings.settleMs - age });
      observe(file, 'held');
      return 'held';
    }
    runtime.held.delete(file);
    return 'ready';
  };

  const arrived = (runtime: FolderRuntime, generation: number, file: string): void => {
    if (generation !== runtime.generation || !active || stopped || coreClosed()) return;
    guarded(`looking at ${file}`, () => {
      if (consider(runtime, file, 'arrivals', 'arrival') !== 'ready') return;
      queue.add(runtime.folder.id, file);
      observe(file, 'queued');
    });
  };

  /** Held files whose time has come: still arriving (wait again), changed (wait again), or ready now. */
  const lookAgainAtHeld = (): void => {
    if (!active) return;
    const now = Date.now();
    const stillOpen: Array<{ runtime: FolderRuntime; file: string; held: Held }> = [];
    for (const runtime of folders.values()) {
      if (stateOf(runtime) !== 'watching') continue;
      for (const [file, held] of runtime.held) {
        guarded(`telling what holds ${file}`, () => { tellLongHeld(runtime, file, held, now); });
        if (held.lookAgainAt > now) continue;
        if (held.reason === 'open-for-writing') { stillOpen.push({ runtime, file, held }); continue; }
        guarded(`looking at ${file}`, () => {
          const stats = lstatOrUndefined(file);
          if (!stats?.isFile()) { runtime.held.delete(file); return; }
          // Changed since it was held (a placeholder being filled, a file still being written): it must keep still first.
          if (stats.size !== held.size || stats.mtimeMs !== held.mtimeMs) {
            runtime.held.set(file, { ...held, reason: 'settling', detail: 'it is still being written', size: stats.size, mtimeMs: stats.mtimeMs, lookAgainAt: now + settings.settleMs });
            return;
          }
          if (consider(runtime, file, held.trigger, 'held', stats) !== 'ready') return;
          queue.add(runtime.folder.id, file, held.trigger);
          observe(file, 'queued');
        });
      }
    }
    if (stillOpen.length > 0 && !checkingWriters) lookAgainAtOpen(stillOpen);
    checkIdle();
  };

  /** Files held open for writing whose time has come, in one look: still open (wait longer), or closed (they settle first). */
  const lookAgainAtOpen = (due: Array<{ runtime: FolderRuntime; file: string; held: Held }>): void => {
    checkingWriters = true;
    void openForWriting(due.map((entry) => entry.file)).then((open) => {
      const now = Date.now();
      for (const { runtime, file, held } of due) {
        if (runtime.held.get(file) !== held) continue; // it arrived again, was queued, or its folder let go meanwhile
        const checks = (held.openChecks ?? 0) + 1;
        if (open.has(file)) runtime.held.set(file, { ...held, openChecks: checks, lookAgainAt: now + openWait(checks) });
        // Closed: looked at now as a file that must keep still for settleMs after its last write.
        else runtime.held.set(file, { ...held, reason: 'settling', detail: 'it was written a moment ago', lookAgainAt: now });
      }
    }).finally(() => {
      checkingWriters = false;
      checkIdle();
    });
  };

  // ---- passes over a whole folder ------------------------------------------------------------------------

  /** List the folder and run what may go as batches (trigger catch-up or recheck); resolves once they ran. */
  const pass = (runtime: FolderRuntime, trigger: BatchTrigger): Promise<void> => {
    if (runtime.passing) return runtime.passing;
    passes++;
    const generation = runtime.generation;
    runtime.passing = (async () => {
      // Files undo put back since the last batch are known as handled before the pass looks at them.
      guarded('reading what undo put back', () => { handledSync.beforeBatch(); });
      const listed = await listWatchedFolder(runtime.folder.path, runtime.folder.depth, runtime.excluded);
      if (generation !== runtime.generation || !active || stopped) return;
      const ready: string[] = [];
      // Each folder's partial downloads read once a pass (an empty file is judged by them), not once per empty file.
      const partials = new Map<string, NamedTime[]>();
      const partialsIn = (folder: string): NamedTime[] => {
        let found = partials.get(folder);
        if (!found) partials.set(folder, found = partialDownloadsIn(folder));
        return found;
      };
      let sliceStart = performance.now();
      for (const file of listed) {
        if (performance.now() - sliceStart >= SLICE_MS) {
          await new Promise<void>((resolve) => { setImmediate(resolve); });
          if (generation !== runtime.generation || !active || stopped) return;
          sliceStart = performance.now();
        }
        if (consider(runtime, file.path, trigger, 'listing', file.stats, partialsIn) !== 'ready') continue;
        ready.push(file.path);
        observe(file.path, 'queued');
      }
      await queue.enqueue(runtime.folder.id, ready, trigger);
    })().catch((error: unknown) => {
      log(`${runtime.folder.path}: the ${trigger} pass stopped: ${describeError(error)}`);
      void refresh(runtime);
    }).finally(() => {
      passes--;
      runtime.passing = undefined;
      checkIdle();
    });
    return runtime.passing;
  };

  const recheckTimeRules = (): void => {
    if (!active) return;
    for (const runtime of folders.values()) {
      if (stateOf(runtime) !== 'watching') continue;
      guarded(`re-checking ${runtime.folder.path}`, () => {
        const rules = core.watchedFolders.rulesOf(runtime.folder);
        if (rules && usesTimeConditions(rules.ruleSet)) void pass(runtime, 'recheck');
      });
    }
  };

  // ---- a folder's state: watching, or why not ------------------------------------------------------------

  const noRulesDetail = (folder: WatchedFolder): string =>
    `its rule set was deleted; choose rules for it again (PUT /api/v1/watched-folders/${folder.id} with preset or rule_set_id, or fileorg watch remove and add)`;

  /** What the folder's state should be now. */
  const assess = (folder: WatchedFolder): { state: 'watching'; identity: string } | { state: Exclude<WatchState, 'watching'>; detail: string } => {
    if (!core.watchedFolders.rulesOf(folder)) return { state: 'no-rules', detail: noRulesDetail(folder) };
    const presence = lookAtFolder(folder.path);
    if (presence.state !== 'present') return presence;
    const refusal = accountRefusal(core.folderAccess, folder);
    if (refusal !== undefined) return { state: 'not-allowed', detail: refusal };
    return { state: 'watching', identity: presence.identity };
  };

  const closeChokidar = async (runtime: FolderRuntime): Promise<void> => {
    runtime.generation++;
    runtime.endReadyWait?.();
    const open = runtime.chokidar;
    runtime.chokidar = undefined;
    runtime.identity = undefined;
    if (!open) return;
    // chokidar 5.0.0 re-adds a path from an event that comes in after close() (its _remove calls add()), opening
    // a new fs.watch that nothing closes and that keeps the process alive: a closed watcher takes no more paths.
    open.add = () => open;
    try { await open.close(); } catch (error) { log(`${runtime.folder.path}: closing its watcher: ${describeError(error)}`); }
  };

  /** Not watching it for now: its watcher closed, its files not yet batched forgotten (a catch-up pass finds them when it is back). */
  const leave = async (runtime: FolderRuntime, state: Exclude<WatchState, 'watching'>, detail: string): Promise<void> => {
    await closeChokidar(runtime);
    queue.drop(runtime.folder.id);
    runtime.held.clear();
    if (!runtime.retired) reports.folderState(runtime.folder, state, detail);
  };

  /** Open the folder's chokidar watcher and wait for its first listing; false when it was closed meanwhile. */
  const openChokidar = async (runtime: FolderRuntime, identity: string): Promise<boolean> => {
    await closeChokidar(runtime);
    const { folder } = runtime;
    const generation = runtime.generation;
    runtime.excluded = [...core.protectedFolders.excludedFrom([folder.path]), ...(folder.destination ? [path.resolve(folder.destination)] : [])];
    const ignored = (candidate: string): boolean => {
      if (candidate === folder.path) return false;
      const name = path.basename(candidate);
      return isIgnoredName(name) || ALWAYS_EXCLUDED_FOLDERS.has(name) || isExcluded(candidate, runtime.excluded);
    };
    const watcher = watch(folder.path, {
      depth: folder.depth, ignoreInitial: true, followSymlinks: false, ignorePermissionErrors: true, ignored,
      awaitWriteFinish: { stabilityThreshold: settings.settleMs, pollInterval: settings.pollMs },
    });
    runtime.chokidar = watcher;
    runtime.identity = identity;
    watcher.on('add', (file) => arrived(runtime, generation, file));
    watcher.on('change', (file) => arrived(runtime, generation, file));
    watcher.on('unlinkDir', (gone) => { if (gone === folder.path && generation === runtime.generation) void refresh(runtime); });
    watcher.on('error', (error) => {
      if (generation !== runtime.generation) return;
      log(`${folder.path}: ${describeError(error)}`);
      void refresh(runtime);
    });
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        runtime.endReadyWait = undefined;
        resolve();
      };
      const timer = setTimeout(() => {
        log(`${folder.path} is slow to list (over ${READY_WAIT_MS / 1000} s); watching it anyway`);
        done();
      }, READY_WAIT_MS);
      runtime.endReadyWait = done;
      watcher.once('ready', done);
    });
    return generation === runtime.generation;
  };

  /**
   * Bring a folder to the state it should be in: watching (its watcher opened, a catch-up pass), or why not
   * (its watcher closed). One refresh of a folder at a time; asked again meanwhile, it runs again after.
   */
  const refresh = (runtime: FolderRuntime, catchUp = true): Promise<void> => {
    if (runtime.refreshing) {
      runtime.again = true;
      return runtime.refreshing;
    }
    runtime.refreshing = (async () => {
      if (runtime.retired || !active) return;
      if (runtime.restart) {
        runtime.restart = false;
        await closeChokidar(runtime);
        queue.drop(runtime.folder.id);
        runtime.held.clear();
      }
      const want = assess(runtime.folder);
      if (want.state !== 'watching') {
        if (stateOf(runtime) !== want.state || runtime.chokidar) await leave(runtime, want.state, want.detail);
        else reports.folderState(runtime.folder, want.state, want.detail); // the same state, perhaps in other words
        return;
      }
      // Watching the same folder already (not one deleted and made again under its name): nothing to do.
      if (runtime.chokidar && stateOf(runtime) === 'watching' && runtime.identity === want.identity) return;
      const opened = await openChokidar(runtime, want.identity);
      if (!opened || runtime.retired || !active) { await closeChokidar(runtime); return; }
      reports.folderState(runtime.folder, 'watching', null);
      if (catchUp) void pass(runtime, 'catch-up');
    })().catch((error: unknown) => {
      log(`${runtime.folder.path}: ${describeError(error)}`);
    }).finally(() => {
      runtime.refreshing = undefined;
      if (runtime.again) {
        runtime.again = false;
        void refresh(runtime);
      }
      checkIdle();
    });
    return runtime.refreshing;
  };

  // ---- the folders as configured -------------------------------------------------------------------------

  const retire = (runtime: FolderRuntime): void => {
    runtime.retired = true;
    clearTimeout(runtime.retryTimer);
    folders.delete(runtime.folder.id);
    queue.drop(runtime.folder.id);
    runtime.held.clear();
    reports.forget(runtime.folder.id);
    void closeChokidar(runtime).finally(checkIdle);
  };

  /** Follow the watched folders as stored: new ones watched, removed or paused ones let go, changed ones opened afresh. */
  const sync = (catchUp: boolean): Array<Promise<void>> => {
    if (!active) return [];
    lastVersion = core.watchedFolders.version();
    const stored = core.watchedFolders.all();
    const byId = new Map(stored.map((folder) => [folder.id, folder]));
    for (const runtime of [...folders.values()]) {
      const now = byId.get(runtime.folder.id);
      if (now?.enabled) continue;
      retire(runtime);
      if (now) core.events.publish(now.userId, { name: 'watch:folder', data: { type: 'watch-folder', folder_id: now.id, path: now.path, state: 'paused', detail: null } });
    }
    const started: Array<Promise<void>> = [];
    for (const folder of stored) {
      if (!folder.enabled) continue;
      const runtime = folders.get(folder.id);
      if (!runtime) {
        const added: FolderRuntime = {
          folder, chokidar: undefined, identity: undefined, generation: 0, excluded: [], held: new Map(),
          refreshing: undefined, again: false, restart: false, passing: undefined, retired: false, endReadyWait: undefined,
          retryTimer: undefined, retryMs: undefined,
        };
        folders.set(folder.id, added);
        started.push(refresh(added, catchUp));
      } else if (runtime.folder.updatedAt !== folder.updatedAt) {
        runtime.folder = folder;
        runtime.restart = true;
        started.push(refresh(runtime));
      }
    }
    return started;
  };
  const scheduleSync = (): void => {
    if (syncScheduled) return;
    syncScheduled = true;
    setImmediate(() => {
      syncScheduled = false;
      guarded('reading the watched folders', () => { sync(true); });
      checkIdle();
    });
  };
  const pollConfig = (): void => {
    if (!active) return;
    guarded('reading the watched folders', () => { if (core.watchedFolders.version() !== lastVersion) sync(true); });
  };
  const lookAtFolders = (): void => {
    if (!active) return;
    for (const runtime of folders.values()) if (!runtime.refreshing) void refresh(runtime);
  };

  // ---- start, lose the lease, stop -----------------------------------------------------------------------

  const begin = async (catchUp: boolean): Promise<void> => {
    if (stopped) return;
    active = true;
    // Before any pass: what the journal says the watcher placed or had put back while it did not watch here.
    guarded('reading what the watcher\'s batches did', () => { handledSync.atStart(); });
    let started: Array<Promise<void>> = [];
    guarded('reading the watched folders', () => { started = sync(catchUp); });
    await Promise.all(started);
  };
  const suspend = (): void => {
    active = false;
    for (const runtime of [...folders.values()]) retire(runtime);
    checkIdle();
  };

  /**
   * The core closed under a running watcher (its owner closed it without stopping the watcher first): the watcher
   * stops itself, saying so once, rather than read a closed database at every tick. Its lease cannot be given up
   * then; it lapses when this process exits (or its heartbeat is a minute old).
   */
  const coreClosed = (): boolean => {
    if (core.database.sqlite.open) return false;
    if (!stopped) {
      log('the data folder was closed while the watcher ran, so the watcher stopped; stop the watcher before closing the core');
      void stopWatching();
    }
    return true;
  };
  const unsubscribe = core.watchedFolders.onChange(scheduleSync);
  // setInterval takes at most 2^31-1 ms (about 24 days); a longer re-check comes that often.
  const every = (ms: number, work: () => void): void => {
    timers.push(setInterval(() => { if (!coreClosed()) work(); }, Math.min(ms, 2 ** 31 - 1)));
  };
  every(settings.configEveryMs, pollConfig);
  every(settings.presenceEveryMs, lookAtFolders);
  every(Math.max(settings.pollMs, 20), lookAgainAtHeld);
  every(settings.recheckEveryMs, recheckTimeRules);
  const lease = keepLease({
    lease: core.watcherLease, label: options.label, log, heldBy,
    onTaken: () => { void begin(true); },
    onLost: suspend,
  });
  if (!heldBy) await begin(options.catchUp ?? true);

  const watcher: Watcher = {
    async catchUp() {
      await Promise.all([...folders.values()].filter((runtime) => stateOf(runtime) === 'watching').map((runtime) => pass(runtime, 'catch-up')));
    },
    idle() {
      if (stopped || !busy()) return Promise.resolve();
      return new Promise((resolve) => { idleWaiters.push(resolve); });
    },
    async once() {
      const work = onceWork();
      work.catch(() => undefined); // answered below, unless stop() came first
      await Promise.race([work, whenStopped]);
      const held: Array<{ path: string; reason: HeldReason }> = [];
      for (const runtime of folders.values()) for (const [file, entry] of runtime.held) held.push({ path: file, reason: entry.reason });
      return { held: held.sort((one, other) => one.path.localeCompare(other.path)) };
    },
    stop: stopWatching,
  };
  return watcher;

  /** once() but for its answer (a function declaration: once() is written before it). */
  async function onceWork(): Promise<void> {
    // Not idle(): a file that keeps changing would keep it waiting for ever.
    await watcher.catchUp();
    // A file written a moment before the pass gets one settle time to keep still, then goes in a batch this pass
    // waits for; one that changed meanwhile (still being written) is answered, as are the files held for other reasons.
    const settling = [...folders.values()].flatMap((runtime) => [...runtime.held]
      .filter(([, entry]) => entry.reason === 'settling').map(([file, entry]) => ({ runtime, file, size: entry.size, mtimeMs: entry.mtimeMs })));
    if (settling.length > 0 && active && !stopped) {
      await sleep(settings.settleMs + settings.pollMs);
      const ready = new Map<FolderRuntime, string[]>();
      for (const { runtime, file, size, mtimeMs } of settling) {
        const stats = lstatOrUndefined(file);
        if (!stats?.isFile() || stats.size !== size || stats.mtimeMs !== mtimeMs || Date.now() - stats.mtimeMs < settings.settleMs) continue;
        runtime.held.delete(file);
        observe(file, 'queued');
        ready.set(runtime, [...(ready.get(runtime) ?? []), file]);
      }
      await Promise.all([...ready].map(([runtime, files]) => queue.enqueue(runtime.folder.id, files, 'catch-up')));
    }
  }

  /** Stop watching (a function declaration: the watcher stops itself from a timer when its core was closed). */
  function stopWatching(): Promise<void> {
    stopping ??= (async () => {
      stopped = true;
      active = false;
      endStopWait();
      for (const timer of timers) clearInterval(timer);
      unsubscribe();
      const runtimes = [...folders.values()];
      for (const runtime of runtimes) clearTimeout(runtime.retryTimer);
      // Not the whole batch (up to maxBatchFiles): it stops after its page, interrupted and resumable; what it moved is recorded.
      cancelRunning();
      await Promise.all(runtimes.map((runtime) => closeChokidar(runtime)));
      await queue.close();
      await Promise.all(runtimes.flatMap((runtime) => [runtime.refreshing, runtime.passing]));
      lease.stop(core.database.sqlite.open);
      watchingInProcess.delete(processKey);
      checkIdle();
    })();
    return stopping;
  }
}
