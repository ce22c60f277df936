import { BUCKET_INODES, ENTRY_FULL, ENTRY_NATIVE_PARTS, ENTRY_PREFIX, ENTRY_SUFFIX, entryBytes, packEntries, unpackEntries, writeEntry } from '../../../src-worker/cache-entries.js';
import { DIGEST_BYTES, NARROW_BYTES, PART_BITS, PART_BYTES, PART_KINDS, type HashPart, type PartKind } from '../../../src-worker/content-protocol.js';
import { type AppDatabase } from '../db/open-database.js';

/** A row not written for this long belongs, most likely, to files long gone: pruned, at most once a day. */
const FORGET_AFTER_MS = 180 * 24 * 3600 * 1000;
const PRUNE_EVERY_MS = 24 * 3600 * 1000;
/** Per slot: prefix and suffix (NARROW_BYTES each) and full (DIGEST_BYTES). */
const SLOT_BYTES = 2 * NARROW_BYTES + DIGEST_BYTES;
const PART_OFFSET: Record<HashPart, number> = { prefix: 0, suffix: NARROW_BYTES, full: 2 * NARROW_BYTES };
const PART_WIDTH: Record<HashPart, number> = { prefix: NARROW_BYTES, suffix: NARROW_BYTES, full: DIGEST_BYTES };

/**
 * What one search learned, kept packed until the end of the search and then written in one transaction.
 * Measured at 100k files: a transaction per hashing task cost the main thread ~0.7 s while the content
 * threads waited for it. A slot per file that got a digest: the digests it has (from the cache or read now)
 * and the key (mtime and ctime) they hold for.
 */
export function createCacheRecorder(fileCount: number, expected: number) {
  const slotOf = new Int32Array(fileCount).fill(-1);
  let capacity = Math.max(1024, expected);
  let files = new Uint32Array(capacity);
  let parts = new Uint8Array(capacity);
  let dirty = new Uint8Array(capacity);
  let digests = new Uint8Array(capacity * SLOT_BYTES);
  let times = new Float64Array(capacity * 4);
  let used = 0;
  const slotFor = (file: number): number => {
    let slot = slotOf[file] as number;
    if (slot >= 0) return slot;
    if (used === capacity) {
      capacity *= 2;
      const grow = <T extends Uint8Array | Uint32Array | Float64Array>(old: T, make: (length: number) => T, width: number): T => { const next = make(capacity * width); next.set(old); return next; };
      files = grow(files, (length) => new Uint32Array(length), 1);
      parts = grow(parts, (length) => new Uint8Array(length), 1);
      dirty = grow(dirty, (length) => new Uint8Array(length), 1);
      digests = grow(digests, (length) => new Uint8Array(length), SLOT_BYTES);
      times = grow(times, (length) => new Float64Array(length), 4);
    }
    slot = used++;
    slotOf[file] = slot;
    files[slot] = file;
    return slot;
  };
  /** Copy `width` bytes of digest `index` (DIGEST_BYTES apart) of `from` into the slot's `part`. */
  const keep = (slot: number, part: HashPart, from: Uint8Array, index: number): void => {
    const target = slot * SLOT_BYTES + PART_OFFSET[part];
    const source = index * DIGEST_BYTES;
    for (let byte = 0; byte < PART_WIDTH[part]; byte++) digests[target + byte] = from[source + byte] as number;
  };
  return {
    /** Digests the cache already held (`found` bits; 3 digests at `index` of `from`): kept, not written again alone. */
    seed(file: number, found: number, from: Uint8Array, index: number, key: Float64Array, keyIndex: number): void {
      const slot = slotFor(file);
      parts[slot] = found;
      for (const part of ['prefix', 'suffix', 'full'] as const) if (found & PART_BITS[part]) keep(slot, part, from.subarray((index * 3 + PART_OFFSET_INDEX[part]) * DIGEST_BYTES), 0);
      for (let word = 0; word < 4; word++) times[slot * 4 + word] = key[keyIndex * 4 + word] as number;
    },
    /**
     * A digest read now: the `index`-th of a task's digests and times (passed whole: no view per file). Under
     * another key than the file's earlier digests (it was touched in between), it replaces them.
     */
    note(file: number, part: HashPart, taskDigests: Uint8Array, taskTimes: Float64Array, index: number): void {
      const slot = slotFor(file);
      const at = slot * 4;
      const from = index * 4;
      if (parts[slot] !== 0 && (times[at] !== taskTimes[from] || times[at + 1] !== taskTimes[from + 1] || times[at + 2] !== taskTimes[from + 2] || times[at + 3] !== taskTimes[from + 3])) parts[slot] = 0;
      for (let word = 0; word < 4; word++) times[at + word] = taskTimes[from + word] as number;
      keep(slot, part, taskDigests, index);
      parts[slot] = (parts[slot] as number) | PART_BITS[part];
      dirty[slot] = 1;
    },
    /** The packed slots as they are (read by save, which walks them without making an object per file). */
    slots: () => ({ used, files, parts, dirty, digests, times }),
  };
}
export type CacheRecorder = ReturnType<typeof createCacheRecorder>;
const PART_OFFSET_INDEX: Record<HashPart, number> = { prefix: 0, suffix: 1, full: 2 };

/** The file facts the cache needs from the search's file table. */
export interface CachedFileFacts {
  /** device and inode as exact numbers, or undefined past 2^53 (never cached) */
  numericIdentity(file: number): { dev: number; ino: number } | undefined;
  size(file: number): number;
}

/**
 * The writing side of the hash cache (schema.ts `hash_cache`, entries packed per device and inode bucket by
 * src-worker/cache-entries.ts); content threads read it (src-worker/hash-cache-reader.ts).
 */
export function createHashCache(database: AppDatabase, partKind: PartKind, clock: () => number) {
  const { sqlite } = database;
  const write = sqlite.prepare('INSERT OR REPLACE INTO hash_cache (dev, bucket, entries, written_at) VALUES (?, ?, ?, ?)');
  const read = sqlite.prepare('SELECT entries FROM hash_cache WHERE dev = ? AND bucket = ?').pluck();
  const anyRow = sqlite.prepare('SELECT 1 FROM hash_cache LIMIT 1').pluck();
  const prune = sqlite.prepare('DELETE FROM hash_cache WHERE written_at < ?');
  const prunedAt = sqlite.prepare("SELECT value FROM app_state WHERE key = 'hash_cache_pruned_at'").pluck();
  const setPrunedAt = sqlite.prepare("INSERT OR REPLACE INTO app_state (key, value) VALUES ('hash_cache_pruned_at', ?)");
  const nativeFlag = partKind === PART_KINDS.native ? ENTRY_NATIVE_PARTS : 0;
  return {
    databaseFile: sqlite.name,
    partKind,
    /** No row at all: a first search skips the lookups entirely. */
    isEmpty: (): boolean => anyRow.get() === undefined,
    /** Write what the search learned, in one transaction, a row per bucket; prune old rows once a day. */
    save: sqlite.transaction((recorder: CacheRecorder, table: CachedFileFacts, mergeWithStored: boolean) => {
      const { used, files, parts, dirty, digests, times } = recorder.slots();
      // Slots by device, then by inode bucket: numbers all the way (a first search of 1M files has ~1M slots).
      const byDevice = new Map<number, Map<number, number[]>>();
      const inos = new Float64Array(used);
      for (let slot = 0; slot < used; slot++) {
        if (dirty[slot] === 0) continue;
        const identity = table.numericIdentity(files[slot] as number);
        if (!identity) continue;
        inos[slot] = identity.ino;
        let buckets = byDevice.get(identity.dev);
        if (!buckets) { buckets = new Map(); byDevice.set(identity.dev, buckets); }
        const bucket = Math.floor(identity.ino / BUCKET_INODES);
        const members = buckets.get(bucket);
        if (members) members.push(slot); else buckets.set(bucket, [slot]);
      }
      const now = clock();
      const flagsOf = (slot: number): number => {
        const bits = parts[slot] as number;
        // A file of at most PART_BYTES: its prefix digest is its full hash, kept once (as the full one).
        const whole = table.size(files[slot] as number) <= PART_BYTES;
        return (bits & PART_BITS.prefix && !whole ? ENTRY_PREFIX : 0) | (bits & PART_BITS.suffix ? ENTRY_SUFFIX : 0) | (bits & PART_BITS.full ? ENTRY_FULL : 0) | nativeFlag;
      };
      const source = { prefix: digests, prefixAt: 0, suffix: digests, suffixAt: 0, full: digests, fullAt: 0 };
      for (const [dev, buckets] of byDevice) {
        const device = String(dev);
        for (const [bucket, slots] of buckets) {
          slots.sort((a, b) => (inos[a] as number) - (inos[b] as number));
          const stored = mergeWithStored ? read.get(device, bucket) as Buffer | undefined : undefined;
          if (stored) {
            // Entries of this bucket from earlier searches stay, unless this search read their file anew.
            const fresh = new Set(slots.map((slot) => inos[slot] as number));
            const entries = unpackEntries(stored).filter((old) => !fresh.has(old.ino));
            for (const slot of slots) {
              const at = slot * SLOT_BYTES;
              entries.push({ ino: inos[slot] as number, size: table.size(files[slot] as number), times: times.subarray(slot * 4, slot * 4 + 4), flags: flagsOf(slot),
                prefix: digests.subarray(at + PART_OFFSET.prefix), suffix: digests.subarray(at + PART_OFFSET.suffix), full: digests.subarray(at + PART_OFFSET.full) });
            }
            write.run(device, bucket, packEntries(entries), now);
            continue;
          }
          // The first search's path: written straight from the packed slots.
          let bytes = 0;
          for (const slot of slots) bytes += entryBytes(flagsOf(slot));
          const blob = Buffer.allocUnsafe(bytes);
          let at = 0;
          for (const slot of slots) {
            const base = slot * SLOT_BYTES;
            source.prefixAt = base + PART_OFFSET.prefix;
            source.suffixAt = base + PART_OFFSET.suffix;
            source.fullAt = base + PART_OFFSET.full;
            at = writeEntry(blob, at, inos[slot] as number, table.size(files[slot] as number), times, slot * 4, flagsOf(slot), source);
          }
          write.run(device, bucket, blob, now);
        }
      }
      if (now - Number(prunedAt.get() ?? 0) >= PRUNE_EVERY_MS) {
        prune.run(now - FORGET_AFTER_MS);
        setPrunedAt.run(String(now));
      }
    }),
  };
}
export type HashCache = ReturnType<typeof createHashCache>;
