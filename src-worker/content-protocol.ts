/**
 * What the main thread and the content threads exchange (kept apart from the task code, so that the main
 * thread loads no hashing code). What a stage reads of each file:
 * - prefix: the first PART_BYTES; a file no bigger is read whole, and its prefix digest is its BLAKE3 (final);
 * - suffix: the last PART_BYTES;
 * - full: every byte, hashed with BLAKE3 (the only digest a group is decided by).
 * Prefix and suffix digests only sort files into candidate groups.
 */
export type HashPart = 'prefix' | 'suffix' | 'full';
export const PART_BYTES = 4096;
export const DIGEST_BYTES = 32;
/**
 * The narrowing (prefix and suffix) digests of files over PART_BYTES carry 64 bits, the rest of their
 * DIGEST_BYTES zero: plenty to sort files into candidate groups (a collision costs one needless full read),
 * and a quarter of the room in the hash cache.
 */
export const NARROW_BYTES = 8;

/**
 * A task's paths: joined with NUL, or as UTF-8 bytes, each path followed by a NUL (the duplicate search builds
 * them so from the bytes its scan kept: no string per path on either thread; pathsOf gives them as text).
 */
export type PathList = string | Uint8Array;

/** The paths of a PathList, one string each. */
export function pathsOf(list: PathList): string[] {
  if (typeof list === 'string') return list.split('\0');
  if (list.length === 0) return [];
  return Buffer.from(list.buffer, list.byteOffset, list.byteLength - 1).toString('utf8').split('\0');
}

export interface HashTask {
  kind: 'hash';
  part: HashPart;
  paths: PathList;
  /** as scanned: a file whose size or mtime differs now has changed since, and is not hashed */
  sizes: Float64Array;
  mtimesMs: Float64Array;
  /** as scanned, 2 a file: device and inode (NaN when unknown); another file at the path now has changed */
  ids?: Float64Array;
}

export const HASHED = 0;
export const CHANGED = 1;
export const UNREADABLE = 2;
/** the name holds a pipe, device, socket, folder or symlink now, not the regular file scanned: it was not read */
export const NOT_REGULAR = 3;

export interface HashResult {
  /** DIGEST_BYTES per file, in task order */
  digests: Uint8Array;
  /** per file: HASHED, CHANGED (since the scan, or while it was read), UNREADABLE or NOT_REGULAR */
  status: Uint8Array;
  /** why, for the files that were UNREADABLE */
  errors: Array<{ index: number; message: string }>;
  bytesRead: number;
  /**
   * per file, 4 numbers: mtime seconds and nanoseconds, ctime seconds and nanoseconds, as fstat saw the file
   * that was read (the hash cache's key; exact, unlike mtimeMs)
   */
  times: Float64Array;
}

/** The narrowing digests' function: the native one, or BLAKE3 of the part when the native module is absent. */
export const PART_KINDS = { native: 'mix256-1', javascript: 'blake3' } as const;
export type PartKind = (typeof PART_KINDS)[keyof typeof PART_KINDS];

/** Bits of CachedResult.parts: which digests the cache held for a file. */
export const CACHED_PREFIX = 1;
export const CACHED_SUFFIX = 2;
export const CACHED_FULL = 4;
export const PART_BITS: Record<HashPart, number> = { prefix: CACHED_PREFIX, suffix: CACHED_SUFFIX, full: CACHED_FULL };

/**
 * Look files up in the hash cache (no file is opened): lstat each, and answer the digests cached for it if
 * it is still the file scanned and its size, mtime and ctime are what they were when it was hashed.
 */
export interface CacheTask {
  kind: 'cached';
  databaseFile: string;
  partKind: PartKind;
  paths: string;
  /** as scanned, NUL-joined "device:inode" */
  identities: string;
  sizes: Float64Array;
  mtimesMs: Float64Array;
}

export interface CachedResult {
  /** per file: the CACHED_* bits of the digests found (0: none, or the file changed) */
  parts: Uint8Array;
  /** 3 * DIGEST_BYTES per file: prefix, suffix, full */
  digests: Uint8Array;
  /** 4 per file, as in HashResult.times: the key the digests were found under */
  times: Float64Array;
}

/**
 * Write what a search learned into the hash cache (src-worker/hash-cache-writer.ts), on a walker thread while
 * the main thread reports the groups. The arrays are transferred, not copied: the search's cache recorder
 * (slots) and its file table's number columns (indexed by file number) are given up to this task.
 */
export interface SaveCacheTask {
  kind: 'save-cache';
  databaseFile: string;
  /** ENTRY_NATIVE_PARTS when the narrowing digests were made natively, else 0 */
  nativeFlag: number;
  /** a later search merges with the rows already stored; a first search (empty cache) just writes */
  mergeWithStored: boolean;
  /** the clock's time (ms) to stamp rows with and prune by */
  now: number;
  slots: RecordedSlots;
  table: { sizes: Float64Array; devs: Float64Array; inos: Float64Array };
}

/**
 * A search's recorder slots (src-main/core/dupes/hash-cache.ts createCacheRecorder), a slot per file that got a
 * digest: its file number, the CACHED_* parts it has, whether any was read now (dirty), its narrow digests
 * (NARROW_SLOT_BYTES), its key times (4 a slot, as in HashResult.times) and where its full digest sits in
 * `full` (-1: none).
 */
export interface RecordedSlots {
  used: number;
  files: Uint32Array;
  parts: Uint8Array;
  dirty: Uint8Array;
  narrow: Uint8Array;
  times: Uint32Array;
  fullAt: Int32Array;
  full: Uint8Array;
}
/** A slot's narrow digests: prefix then suffix, NARROW_BYTES each. */
export const NARROW_SLOT_BYTES = 2 * NARROW_BYTES;
export const NARROW_OFFSET = { prefix: 0, suffix: NARROW_BYTES } as const;

export interface SaveCacheResult {
  rows: number;
}

/** Bits of SniffTask.wants. */
export const SNIFF_CONTENT = 1;
export const SNIFF_DATE = 2;

/** The categorizer's content reads: each file's type by signature, and a photo's EXIF capture date. */
export interface SniffTask {
  kind: 'sniff';
  paths: string;
  /** per file: SNIFF_CONTENT and/or SNIFF_DATE */
  wants: Uint8Array;
  /**
   * per file, "dev:ino" as the scan found it, joined by NUL: a file is read only if the one opened is that one
   * (a folder on the way swapped for a symlink since the scan would otherwise lead to another file). Empty: no check.
   */
  identities?: string;
}

export interface SniffResult {
  /** e.g. "image/png"; null when the content has no known signature (plain text, most likely) or was not asked */
  mimes: Array<string | null>;
  extensions: Array<string | null>;
  /** capture date in ms, NaN when none */
  dates: Float64Array;
}

export type ContentTask = HashTask | CacheTask | SniffTask | SaveCacheTask;
