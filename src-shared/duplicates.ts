import { z } from 'zod';

/** The stages of a duplicate search, in order: each narrows the groups the one before left. */
export const DUPLICATE_STAGES = ['scan', 'cache', 'prefix', 'suffix', 'full'] as const;
export type DuplicateStage = (typeof DUPLICATE_STAGES)[number];

export interface DuplicateProgress {
  type: 'progress';
  stage: DuplicateStage;
  files_done: number;
  files_total: number;
  bytes_done: number;
  bytes_total: number;
}

/** Files with the same content: `hash` is the BLAKE3 of the whole file, hex. */
export interface DuplicateGroup {
  size: number;
  hash: string;
  files: string[];
}

export interface DuplicateSkip {
  path: string;
  reason: 'unreadable' | 'changed' | 'not-a-regular-file';
  detail: string;
}

export interface DuplicateSearchResult {
  type: 'result';
  groups: DuplicateGroup[];
  /** what deleting all but one file of every group would free */
  wasted_bytes: number;
  files_scanned: number;
  hashed_bytes: number;
  cache_hits: number;
  /** files left out of the groups: unreadable, or changed while the search ran */
  skipped: DuplicateSkip[];
}

/**
 * Which file of a group is kept when the others are resolved: the oldest or newest (mtime), or the shortest
 * path; ties go to the shortest path, then the first by name. A reference folder, when given, wins over the
 * policy (a file inside it is kept, and never quarantined), and an explicit choice wins over both.
 */
export const KEEP_POLICIES = ['oldest', 'newest', 'shortest'] as const;
export const keepPolicySchema = z.enum(KEEP_POLICIES);
export type KeepPolicy = z.infer<typeof keepPolicySchema>;

/** What happens to the files not kept: moved to the quarantine (undoable), or replaced by hard links to the kept one. */
export const RESOLUTIONS = ['quarantine', 'hardlink'] as const;
export const resolutionSchema = z.enum(RESOLUTIONS);
export type Resolution = z.infer<typeof resolutionSchema>;

export interface DedupeResult {
  type: 'result';
  operation_id: string;
  status: string;
  /** files moved to the quarantine (hardlink: 0) */
  quarantined: number;
  /** files replaced by a hard link to the kept copy (quarantine: 0) */
  linked: number;
  /** bytes no longer held twice: at once for hard links, once the quarantine is emptied for quarantined files */
  freed_bytes: number;
  /** files left as they were: changed since they were hashed, or gone */
  skipped: number;
  failed: number;
}

/** One file in the quarantine, as `fileorg quarantine list` shows it. */
export interface QuarantinedFile {
  operation_id: string;
  /** where it was, and where it will go back on undo */
  original: string;
  quarantined: string;
  /** the copy that was kept */
  kept: string | null;
  size: number;
  quarantined_at: number;
}
