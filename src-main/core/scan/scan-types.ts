import { type ContentTask } from '../../../src-worker/content-protocol.js';

/** A batch of scanned files as the planner reads it: columns rather than one object per file. */
export interface ScanBatch {
  paths: string[];
  sizes: Float64Array;
  mtimesMs: Float64Array;
  devs: string[];
  inos: string[];
  /** index into the roots the scan was given */
  roots: Uint16Array;
}

/**
 * `symlink-in-path`: a folder was not listed because it is no longer the folder the walk found (it, or a folder on
 * the way, was renamed or replaced by a symlink while the scan ran; see FolderIdentity).
 */
export type ScanSkipReason = 'unreadable' | 'unsupported-name' | 'vanished' | 'symlink-in-path';
export interface ScanSkip {
  path: string;
  reason: ScanSkipReason;
  detail: string;
}

export interface ScanSummary {
  files: number;
  bytes: number;
  folders: number;
  symlinks: number;
  special: number;
  hidden: number;
  skipped: ScanSkip[];
}

export interface ScanRequest {
  roots: string[];
  /** absolute folders never walked (a destination root outside the source, for instance) */
  excludedFolders: string[];
  /** folders never walked whatever their name ("dev:ino"): the data folder and its quarantine, bind-mounted elsewhere */
  excludedIdentities?: string[];
  includeHidden: boolean;
  batchSize: number;
}

/**
 * A batch as it crosses from a walker thread: the paths as one string and the numbers in arrays whose
 * memory is handed over, not copied. Measured: cloning 3 strings per file cost the receiving thread more
 * in allocation and GC than its walk cost the walker.
 */
export interface WireBatch {
  count: number;
  /** the folders of the batch's files, each once, in walk order */
  folders: string[];
  /** per file, its folder's index in `folders` */
  folderOf: Uint32Array;
  /** the files' names joined with NUL, the one character no name can hold (path = joinPath(folder, name)) */
  names: string;
  sizes: Float64Array;
  mtimesMs: Float64Array;
  devs: Float64Array;
  inos: Float64Array;
  roots: Uint16Array;
  /** identities past 2^53 (a float cannot hold them), read again as bigint: exact decimal text */
  wideIds: Array<{ index: number; dev: string; ino: string }>;
}

/**
 * A folder as the walk found it (issue 15): its device and inode, exact. A subfolder's come from its parent's
 * listing (lstat'ed relative to the parent), a root's from a stat when the scan starts; the folder is listed only
 * if the one its path opens is still that folder, so a folder swapped for a symlink to another (one the user
 * whose tree it is may not read) is never listed as if it were below the tree.
 */
export interface FolderIdentity { dev: bigint; ino: bigint }

/** A folder to walk: its path and the identity it must still have. */
export interface FoundFolder extends FolderIdentity { folder: string }

/** One unit of walking: a folder alone (its files, and its subfolders handed back), or a whole subtree. */
export interface WalkTask {
  folder: string;
  rootIndex: number;
  kind: 'shallow' | 'deep';
  /** the folder's identity as found, or (a root that could not be looked at when the scan started) the error code */
  found: FolderIdentity | { error: string };
  /** a root: a symlink at its last name is followed, as it was typed (its identity was taken through it) */
  root: boolean;
}

/** Coordinator -> walker thread: walk this. */
export interface WalkerTask {
  slot: number;
  task: WalkTask;
  options: { excludedFolders: string[]; excludedIdentities?: string[]; includeHidden: boolean; batchSize: number };
}

/** Walker thread -> coordinator, about the task in slot `slot`. */
export type WalkerMessage =
  | { type: 'batch'; slot: number; batch: WireBatch }
  | { type: 'done'; slot: number; summary: ScanSummary; subfolders: FoundFolder[] }
  | { type: 'error'; slot: number; message: string };

/**
 * Coordinator -> walker thread, after its scan: a content task (src-worker/content-protocol.ts) to run there,
 * or a full garbage collection of the scan's leftovers. The duplicate search reads files on the walkers its
 * scan used (src-main/core/dupes/content-on-walkers.ts).
 */
export type WalkerJob = { type: 'content'; job: number; task: ContentTask } | { type: 'collect'; job: number };

/** Walker thread -> the content runner, about job `job`. */
/** `returned`: the buffers the job was moved in with, moved back (see runJob in scan-worker.ts); the caller drops them. */
export type WalkerJobAnswer = { type: 'job-done'; job: number; result: unknown; returned: ArrayBuffer[] } | { type: 'job-error'; job: number; message: string };

