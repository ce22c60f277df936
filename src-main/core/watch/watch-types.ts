import { type WatchState } from '../../../src-shared/api/watch.js';
import { type ConflictPolicy } from '../../../src-shared/operation-status.js';
import { type PresetName, type RuleSet } from '../../../src-shared/rules.js';

/**
 * The shapes the watcher's parts share (issue 19): the watched folders as data (watched-folders.ts), the
 * data-folder lease that decides which process watches (watcher-lease.ts), and the running watcher (watcher.ts).
 */

/** A watched folder as stored (watched_folders), camel-cased; times are Unix milliseconds. */
export interface WatchedFolder {
  id: string;
  userId: string;
  /** absolute, as the user gave it (resolved, never realpath'd) */
  path: string;
  preset: PresetName | null;
  ruleSetId: string | null;
  /** null: category folders inside the watched folder */
  destination: string | null;
  conflict: ConflictPolicy;
  /** 0: the folder alone */
  depth: number;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
  lastActivityAt: number | null;
  /** what the watching process last wrote (null before any watched it) */
  state: WatchState | null;
  stateDetail: string | null;
}

/** What a caller may set when adding; the rest has defaults (preset by-type, conflict rename, depth 0, enabled). */
export interface NewWatchedFolder {
  path: string;
  preset?: PresetName | undefined;
  ruleSetId?: string | undefined;
  destination?: string | null | undefined;
  conflict?: ConflictPolicy | undefined;
  depth?: number | undefined;
  enabled?: boolean | undefined;
}
export type WatchedFolderChanges = Omit<Partial<NewWatchedFolder>, 'path'>;

/** The rules a folder is organized with now: its preset's, or its saved rule set's. */
export interface FolderRules {
  preset: PresetName | null;
  ruleSet: RuleSet;
}

export interface WatchedFolders {
  /** A user's watched folders, oldest first. */
  list(userId: string, offset: number, limit: number): { items: WatchedFolder[]; total: number };
  /** Every user's folders, enabled or not: what the watcher goes by. */
  all(): WatchedFolder[];
  /** One of the user's folders by id (E_NOT_FOUND otherwise, as for another user's). */
  get(userId: string, id: string): WatchedFolder;
  /** By id, or by its path (as given, or any path that resolves to it): `fileorg watch remove DIR|ID`. */
  find(userId: string, idOrPath: string): WatchedFolder;
  /**
   * Check and store: the folder exists and is a folder, is not the data folder or inside it, does not overlap a
   * folder already watched (inside one, or holding one); the rule set is the user's; the destination is not a
   * file; an account may use the folder and destination (folder access). Errors say what to fix.
   */
  add(userId: string, input: NewWatchedFolder): WatchedFolder;
  update(userId: string, id: string, changes: WatchedFolderChanges): WatchedFolder;
  remove(userId: string, id: string): void;
  /** Its rules now; undefined when its saved rule set was deleted (the folder then waits, state `no-rules`). */
  rulesOf(folder: WatchedFolder): FolderRules | undefined;
  /** The watcher organized a batch here. */
  recordActivity(id: string, at: number): void;
  /** The watching process says what it knows of the folder now (watching, gone…), with what to do. */
  setState(id: string, state: WatchState, detail: string | null): void;
  /** Changes whenever any folder is added, removed or changed, by any process: a watcher polls it. */
  version(): string;
  /** Be told at once of changes made through this object (this process). */
  onChange(listener: () => void): () => void;
}

/** Who holds the watcher lease of a data folder. */
export interface LeaseHolder {
  pid: number;
  host: string;
  /** "fileorg serve", "fileorg watch", "the FileOrganizer app" */
  label: string;
  acquiredAt: number;
}

export interface WatcherLease {
  /** Take the lease for this process, unless a live holder has it: answers that holder then (undefined: taken). */
  tryTake(label: string): LeaseHolder | undefined;
  /** The live holder, if any (a dead pid on this host, or a heartbeat older than a minute, holds nothing). */
  holder(): LeaseHolder | undefined;
  /** Keep it fresh while this process holds it (every few seconds). */
  heartbeat(): void;
  /** Give it up (only if this process holds it). */
  release(): void;
}

/** How the watcher waits and how often it looks; tests shorten them. */
export interface WatcherSettings {
  /** chokidar awaitWriteFinish: a file is settled once its size stayed the same this long */
  settleMs: number;
  /** ...checked this often */
  pollMs: number;
  /** a batch closes after this long with no new settled file */
  quietMs: number;
  /** ...or once it holds this many files */
  maxBatchFiles: number;
  /** ...or this long after its first file, however busy the folder */
  maxBatchWaitMs: number;
  /** time rules (age, date) are re-checked this often (and at start) */
  recheckEveryMs: number;
  /** a folder gone, unreadable or not allowed is looked for again this often */
  presenceEveryMs: number;
  /** other processes' changes to the watched folders are looked for this often */
  configEveryMs: number;
  /** a 0-byte file younger than this waits (a download's placeholder) */
  youngEmptyMs: number;
  /**
   * a file held back this long (a stale partial download beside it, a program keeping it open for writing) is told
   * once as watch:skipped, saying what holds it; it stays held and goes once whatever holds it is gone
   */
  heldReportMs: number;
}

export const DEFAULT_WATCHER_SETTINGS: WatcherSettings = {
  settleMs: 2000,
  pollMs: 200,
  quietMs: 1000,
  maxBatchFiles: 5000,
  maxBatchWaitMs: 15_000,
  recheckEveryMs: 60 * 60 * 1000,
  presenceEveryMs: 2000,
  configEveryMs: 2000,
  youngEmptyMs: 60_000,
  heldReportMs: 5 * 60 * 1000,
};

/**
 * Why a file is held back: a partial download (or an Office lock) beside it, empty and new (a download's
 * placeholder), (found by a pass) just written and still to keep still, or held open for writing (Linux).
 */
export type HeldReason = 'partial-sibling' | 'young-empty' | 'settling' | 'open-for-writing';

export interface Watcher {
  /** Plan every watched folder whole (the pass at start): resolves once its batches are done. */
  catchUp(): Promise<void>;
  /** Resolves once every file that has settled so far has been organized (tests wait on it). */
  idle(): Promise<void>;
  /**
   * `fileorg watch --once`: the catch-up pass over every folder watched, resolved once the batches it started
   * are done. A file written just before gets one settle time to keep still; files still changing then, or held
   * back (open for writing, a download beside them, empty and new), are not waited for: they are answered, for
   * the next pass. stop() meanwhile ends it at once (the batch running stops after its page), answering what is held.
   */
  once(): Promise<{ held: Array<{ path: string; reason: HeldReason }> }>;
  /**
   * Stop watching: a batch in flight is asked to stop after its page (it ends `interrupted`, resumable; what it moved
   * is recorded as handled, here and by the next watcher's start), then the lease is given up.
   */
  stop(): Promise<void>;
}
