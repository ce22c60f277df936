/**
 * What the main thread and the content threads exchange (kept apart from the task code, so that the main
 * thread loads no hashing code). What a stage reads of each file:
 * - prefix: the first PART_BYTES (all of a smaller file);
 * - suffix: the last PART_BYTES;
 * - full: every byte, hashed with BLAKE3 (the only digest a group is decided by).
 * Prefix and suffix digests only sort files into candidate groups.
 */
export type HashPart = 'prefix' | 'suffix' | 'full';
export const PART_BYTES = 4096;
export const DIGEST_BYTES = 32;

export interface HashTask {
  kind: 'hash';
  part: HashPart;
  /** joined with NUL */
  paths: string;
  /** as scanned: a file whose size or mtime differs now has changed since, and is not hashed */
  sizes: Float64Array;
  mtimesMs: Float64Array;
}

export const HASHED = 0;
export const CHANGED = 1;
export const UNREADABLE = 2;

export interface HashResult {
  /** DIGEST_BYTES per file, in task order */
  digests: Uint8Array;
  /** per file: HASHED, CHANGED (since the scan, or while it was read) or UNREADABLE */
  status: Uint8Array;
  /** why, for the files that were UNREADABLE */
  errors: Array<{ index: number; message: string }>;
  bytesRead: number;
}

export type ContentTask = HashTask;
