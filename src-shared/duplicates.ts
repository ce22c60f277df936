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
  reason: 'unreadable' | 'changed';
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
