import { DIGEST_BYTES, NARROW_BYTES } from './content-protocol.js';

/**
 * The hash cache's packed entries (one blob per device and inode bucket, schema.ts `hash_cache`), sorted by
 * inode. An entry, little-endian:
 *   inode f64 | size f64 | mtime seconds f64 | ctime seconds f64 | mtime ns u32 | ctime ns u32 | flags u8
 *   then, as the flags say: prefix (8 bytes), suffix (8 bytes), full BLAKE3 (32 bytes).
 * Inodes and devices past 2^53 (not exact as doubles) are never cached: those rare files are always read.
 */
export const BUCKET_INODES = 256;
const HEADER_BYTES = 41;
export const ENTRY_PREFIX = 1;
export const ENTRY_SUFFIX = 2;
export const ENTRY_FULL = 4;
/** the narrowing digests were made natively (else by the JavaScript path: another function) */
export const ENTRY_NATIVE_PARTS = 8;

export interface CacheEntry {
  ino: number;
  size: number;
  /** mtime s, ns, ctime s, ns */
  times: ArrayLike<number>;
  flags: number;
  /** DIGEST_BYTES each; only the parts the flags name are read */
  prefix: Uint8Array;
  suffix: Uint8Array;
  full: Uint8Array;
}

export const entryBytes = (flags: number): number => HEADER_BYTES + (flags & ENTRY_PREFIX ? NARROW_BYTES : 0) + (flags & ENTRY_SUFFIX ? NARROW_BYTES : 0) + (flags & ENTRY_FULL ? DIGEST_BYTES : 0);

/** A blob being written, with a DataView over it (its setters are inlined by V8; Buffer's writeDoubleLE is not). */
export interface EntryWriter {
  bytes: Uint8Array;
  view: DataView;
}
export const entryWriter = (blob: Uint8Array): EntryWriter => ({ bytes: blob, view: new DataView(blob.buffer, blob.byteOffset, blob.byteLength) });

/**
 * Write one entry at `at` of the blob (sized with entryBytes); answers where the next one starts. The times
 * are 4 numbers from `times` at `timesAt`; each digest is read from its array at its offset (the flags say
 * which).
 */
export function writeEntry(blob: EntryWriter, at: number, ino: number, size: number, times: ArrayLike<number>, timesAt: number, flags: number,
  digests: { prefix: Uint8Array; prefixAt: number; suffix: Uint8Array; suffixAt: number; full: Uint8Array; fullAt: number }): number {
  const { bytes, view } = blob;
  view.setFloat64(at, ino, true);
  view.setFloat64(at + 8, size, true);
  view.setFloat64(at + 16, times[timesAt] as number, true);
  view.setFloat64(at + 24, times[timesAt + 2] as number, true);
  view.setUint32(at + 32, times[timesAt + 1] as number, true);
  view.setUint32(at + 36, times[timesAt + 3] as number, true);
  bytes[at + 40] = flags;
  let next = at + HEADER_BYTES;
  if (flags & ENTRY_PREFIX) next = copyDigest(digests.prefix, digests.prefixAt, NARROW_BYTES, bytes, next);
  if (flags & ENTRY_SUFFIX) next = copyDigest(digests.suffix, digests.suffixAt, NARROW_BYTES, bytes, next);
  if (flags & ENTRY_FULL) next = copyDigest(digests.full, digests.fullAt, DIGEST_BYTES, bytes, next);
  return next;
}

/** `width` bytes of `from` into `to` at `at`; answers the end. (Not a closure made per entry: 83k at 100k files.) */
function copyDigest(from: Uint8Array, fromAt: number, width: number, to: Uint8Array, at: number): number {
  for (let byte = 0; byte < width; byte++) to[at + byte] = from[fromAt + byte] as number;
  return at + width;
}

/** Pack entries (any order) into one bucket's blob, sorted by inode. */
export function packEntries(entries: CacheEntry[]): Buffer {
  entries.sort((a, b) => a.ino - b.ino);
  const blob = Buffer.allocUnsafe(entries.reduce((sum, entry) => sum + entryBytes(entry.flags), 0));
  const writer = entryWriter(blob);
  let at = 0;
  for (const entry of entries) {
    at = writeEntry(writer, at, entry.ino, entry.size, entry.times, 0, entry.flags, { prefix: entry.prefix, prefixAt: 0, suffix: entry.suffix, suffixAt: 0, full: entry.full, fullAt: 0 });
  }
  return blob;
}

/** Every entry of a bucket's blob; digests are copied out at full width (narrow ones zero-padded). */
export function unpackEntries(blob: Uint8Array): CacheEntry[] {
  const view = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const entries: CacheEntry[] = [];
  for (let at = 0; at + HEADER_BYTES <= view.length;) {
    const flags = view[at + 40] as number;
    const entry: CacheEntry = {
      ino: view.readDoubleLE(at), size: view.readDoubleLE(at + 8),
      times: [view.readDoubleLE(at + 16), view.readUInt32LE(at + 32), view.readDoubleLE(at + 24), view.readUInt32LE(at + 36)],
      flags, prefix: new Uint8Array(DIGEST_BYTES), suffix: new Uint8Array(DIGEST_BYTES), full: new Uint8Array(DIGEST_BYTES),
    };
    at += HEADER_BYTES;
    if (flags & ENTRY_PREFIX) { entry.prefix.set(view.subarray(at, at + NARROW_BYTES)); at += NARROW_BYTES; }
    if (flags & ENTRY_SUFFIX) { entry.suffix.set(view.subarray(at, at + NARROW_BYTES)); at += NARROW_BYTES; }
    if (flags & ENTRY_FULL) { entry.full.set(view.subarray(at, at + DIGEST_BYTES)); at += DIGEST_BYTES; }
    entries.push(entry);
  }
  return entries;
}

/**
 * Where each entry of a bucket's blob starts, by inode: a lookup then reads only the entry it needs
 * (readEntry), instead of copying out every entry of the bucket.
 */
export function indexEntries(blob: Buffer): Map<number, number> {
  const offsets = new Map<number, number>();
  for (let at = 0; at + HEADER_BYTES <= blob.length;) {
    offsets.set(blob.readDoubleLE(at), at);
    at += entryBytes(blob[at + 40] as number);
  }
  return offsets;
}

/** The entry at `at`: its key and flags, and where its digests start in the blob (as the flags say). */
export function readEntry(blob: Buffer, at: number): { size: number; times: [number, number, number, number]; flags: number; prefixAt: number; suffixAt: number; fullAt: number } {
  const flags = blob[at + 40] as number;
  let next = at + HEADER_BYTES;
  const prefixAt = next;
  if (flags & ENTRY_PREFIX) next += NARROW_BYTES;
  const suffixAt = next;
  if (flags & ENTRY_SUFFIX) next += NARROW_BYTES;
  return {
    size: blob.readDoubleLE(at + 8), times: [blob.readDoubleLE(at + 16), blob.readUInt32LE(at + 32), blob.readDoubleLE(at + 24), blob.readUInt32LE(at + 36)],
    flags, prefixAt, suffixAt, fullAt: next,
  };
}
