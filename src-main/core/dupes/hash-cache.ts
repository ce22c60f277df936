import { BUCKET_INODES, ENTRY_FULL, ENTRY_NATIVE_PARTS, ENTRY_PREFIX, ENTRY_SUFFIX, entryBytes, entryWriter, packEntries, unpackEntries, writeEntry } from '../../../src-worker/cache-entries.js';
import { DIGEST_BYTES, NARROW_BYTES, PART_BITS, PART_BYTES, PART_KINDS, type HashPart, type PartKind } from '../../../src-worker/content-protocol.js';
import { type AppDatabase } from '../db/open-database.js';

/** A row not written for this long belongs, most likely, to files long gone: pruned, at most once a day. */
const FORGET_AFTER_MS = 180 * 24 * 3600 * 1000;
const PRUNE_EVERY_MS = 24 * 3600 * 1000;
/** Per slot: prefix and suffix digests (NARROW_BYTES each); whole-file digests live apart (few files get one). */
const NARROW_SLOT_BYTES = 2 * NARROW_BYTES;
const NARROW_OFFSET = { prefix: 0, suffix: NARROW_BYTES } as const;
/** Seconds are kept as 32-bit unsigned (to 2106); a file with a time outside that is simply not cached. */
const SECONDS_LIMIT = 2 ** 32;

/**
 * What one search learned, kept packed until the end of the search and then written in one transaction.
 * Measured at 100k files: a transaction per hashing task cost the main thread ~0.7 s while the content
 * threads waited for it. A slot per file that got a digest (~40 bytes): the digests it has (from the cache or
 * read now) and the key (mtime and ctime, seconds and nanoseconds) they hold for.
 */
export function createCacheRecorder(fileCount: number, expected: number) {
  const slotOf = new Int32Array(fileCount).fill(-1);
  let capacity = Math.max(1024, expected);
  let files = new Uint32Array(capacity);
  let parts = new Uint8Array(capacity);
  let dirty = new Uint8Array(capacity);
  let narrow = new Uint8Array(capacity * NARROW_SLOT_BYTES);
  let times = new Uint32Array(capacity * 4);
  let fullAt = new Int32Array(capacity).fill(-1);
  let full = new Uint8Array(1024 * DIGEST_BYTES);
  let fullUsed = 0;
  let used = 0;
  const grow = <T extends Uint8Array | Uint32Array | Int32Array>(old: T, make: (length: number) => T, length: number): T => { const next = make(length); next.set(old); return next; };
  const slotFor = (file: number): number => {
    let slot = slotOf[file] as number;
    if (slot >= 0) return slot;
    if (used === capacity) {
      capacity *= 2;
      files = grow(files, (length) => new Uint32Array(length), capacity);
      parts = grow(parts, (length) => new Uint8Array(length), capacity);
      dirty = grow(dirty, (length) => new Uint8Array(length), capacity);
      narrow = grow(narrow, (length) => new Uint8Array(length), capacity * NARROW_SLOT_BYTES);
      times = grow(times, (length) => new Uint32Array(length), capacity * 4);
      fullAt = grow(fullAt, (length) => new Int32Array(length).fill(-1), capacity);
    }
    slot = used++;
    slotOf[file] = slot;
    files[slot] = file;
    return slot;
  };
  /** Copy the digest at `index` (DIGEST_BYTES apart) of `from` into the slot's `part`. */
  const keep = (slot: number, part: HashPart, from: Uint8Array, index: number): void => {
    const source = index * DIGEST_BYTES;
    if (part === 'full') {
      let at = fullAt[slot] as number;
      if (at < 0) {
        if ((fullUsed + 1) * DIGEST_BYTES > full.length) full = grow(full, (length) => new Uint8Array(length), full.length * 2);
        at = fullUsed++;
        fullAt[slot] = at;
      }
      for (let byte = 0; byte < DIGEST_BYTES; byte++) full[at * DIGEST_BYTES + byte] = from[source + byte] as number;
      return;
    }
    const target = slot * NARROW_SLOT_BYTES + NARROW_OFFSET[part];
    for (let byte = 0; byte < NARROW_BYTES; byte++) narrow[target + byte] = from[source + byte] as number;
  };
  /** The key from a times array (4 numbers a file at `index`); false when a second count does not fit. */
  const setKey = (slot: number, key: ArrayLike<number>, index: number): boolean => {
    const seconds = [key[index * 4] as number, key[index * 4 + 2] as number];
    if (seconds.some((value) => value < 0 || value >= SECONDS_LIMIT)) return false;
    for (let word = 0; word < 4; word++) times[slot * 4 + word] = key[index * 4 + word] as number;
    return true;
  };
  const sameKey = (slot: number, key: ArrayLike<number>, index: number): boolean =>
    times[slot * 4] === key[index * 4] && times[slot * 4 + 1] === key[index * 4 + 1] && times[slot * 4 + 2] === key[index * 4 + 2] && times[slot * 4 + 3] === key[index * 4 + 3];
  return {
    /** Digests the cache already held (`found` bits; 3 digests at `index` of `from`): kept, not written again alone. */
    seed(file: number, found: number, from: Uint8Array, index: number, key: Float64Array, keyIndex: number): void {
      const slot = slotFor(file);
      if (!setKey(slot, key, keyIndex)) return;
      parts[slot] = found;
      for (const part of ['prefix', 'suffix', 'full'] as const) if (found & PART_BITS[part]) keep(slot, part, from, index * 3 + PART_OFFSET_INDEX[part]);
    },
    /**
     * A digest read now: the `index`-th of a task's digests and times (passed whole: no view per file). Under
     * another key than the file's earlier digests (it was touched in between), it replaces them.
     */
    note(file: number, part: HashPart, taskDigests: Uint8Array, taskTimes: Float64Array, index: number): void {
      const slot = slotFor(file);
      if (parts[slot] !== 0 && !sameKey(slot, taskTimes, index)) parts[slot] = 0;
      if (!setKey(slot, taskTimes, index)) { parts[slot] = 0; dirty[slot] = 0; return; }
      keep(slot, part, taskDigests, index);
      parts[slot] = (parts[slot] as number) | PART_BITS[part];
      dirty[slot] = 1;
    },
    /** The ctime a file's digests were made under, as (seconds, nanoseconds), or undefined when it has none. */
    ctime(file: number): [number, number] | undefined {
      const slot = slotOf[file] as number;
      return slot >= 0 && parts[slot] !== 0 ? [times[slot * 4 + 2] as number, times[slot * 4 + 3] as number] : undefined;
    },
    /** The packed slots as they are (read by save, which walks them without making an object per file). */
    slots: () => ({ used, files, parts, dirty, narrow, times, fullAt, full }),
  };
}
export type CacheRecorder = ReturnType<typeof createCacheRecorder>;
const PART_OFFSET_INDEX: Record<HashPart, number> = { prefix: 0, suffix: 1, full: 2 };

/** The file facts the cache needs from the search's file table. */
export interface CachedFileFacts {
  /** device and inode as exact numbers; NaN past 2^53 (such a file is never cached) */
  devNumber(file: number): number;
  inoNumber(file: number): number;
  size(file: number): number;
}

/**
 * The slots to write, by device, each device's ordered by inode (so each inode bucket is one run). The sort
 * is a native numeric sort of keys packing inode and slot into one double; only inodes too big to share a
 * double with a slot number take a comparator sort. Measured at 1M files: Maps of per-slot arrays, an
 * identity object per slot and a comparator sort per bucket cost the main thread ~1.3 s.
 */
function slotsByInode(used: number, dirty: Uint8Array, files: Uint32Array, table: CachedFileFacts): Array<{ dev: number; slots: Uint32Array; inos: Float64Array }> {
  const devs = new Float64Array(used);
  const inos = new Float64Array(used);
  const perDevice = new Map<number, number>();
  for (let slot = 0; slot < used; slot++) {
    if (dirty[slot] === 0) { devs[slot] = Number.NaN; continue; }
    const file = files[slot] as number;
    const dev = table.devNumber(file);
    const ino = table.inoNumber(file);
    if (Number.isNaN(dev) || Number.isNaN(ino)) { devs[slot] = Number.NaN; continue; }
    devs[slot] = dev;
    inos[slot] = ino;
    perDevice.set(dev, (perDevice.get(dev) ?? 0) + 1);
  }
  const slotBits = Math.max(1, Math.ceil(Math.log2(used + 1)));
  const scale = 2 ** slotBits;
  const packable = 2 ** (53 - slotBits);
  return [...perDevice].map(([dev, count]) => {
    const slots = new Uint32Array(count);
    let next = 0;
    let widest = 0;
    for (let slot = 0; slot < used; slot++) {
      if (devs[slot] !== dev) continue;
      slots[next++] = slot;
      if ((inos[slot] as number) > widest) widest = inos[slot] as number;
    }
    if (widest < packable) {
      const keys = new Float64Array(count);
      for (let index = 0; index < count; index++) keys[index] = (inos[slots[index] as number] as number) * scale + (slots[index] as number);
      keys.sort();
      for (let index = 0; index < count; index++) slots[index] = (keys[index] as number) % scale;
    } else {
      slots.sort((a, b) => (inos[a] as number) - (inos[b] as number));
    }
    return { dev, slots, inos };
  });
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
      const { used, files, parts, dirty, narrow, times, fullAt, full } = recorder.slots();
      const now = clock();
      const flagsOf = (slot: number): number => {
        const bits = parts[slot] as number;
        // A file of at most PART_BYTES: its prefix digest is its full hash, kept once (as the full one).
        const whole = table.size(files[slot] as number) <= PART_BYTES;
        return (bits & PART_BITS.prefix && !whole ? ENTRY_PREFIX : 0) | (bits & PART_BITS.suffix ? ENTRY_SUFFIX : 0) | (bits & PART_BITS.full ? ENTRY_FULL : 0) | nativeFlag;
      };
      const source = { prefix: narrow, prefixAt: 0, suffix: narrow, suffixAt: 0, full, fullAt: 0 };
      const digestsOf = (slot: number) => {
        source.prefixAt = slot * NARROW_SLOT_BYTES + NARROW_OFFSET.prefix;
        source.suffixAt = slot * NARROW_SLOT_BYTES + NARROW_OFFSET.suffix;
        source.fullAt = Math.max(0, fullAt[slot] as number) * DIGEST_BYTES;
        return source;
      };
      for (const { dev, slots: ordered, inos } of slotsByInode(used, dirty, files, table)) {
        const device = String(dev);
        for (let start = 0; start < ordered.length;) {
          const bucket = Math.floor((inos[ordered[start] as number] as number) / BUCKET_INODES);
          let end = start + 1;
          while (end < ordered.length && Math.floor((inos[ordered[end] as number] as number) / BUCKET_INODES) === bucket) end++;
          const slots = ordered.subarray(start, end);
          start = end;
          const stored = mergeWithStored ? read.get(device, bucket) as Buffer | undefined : undefined;
          if (stored) {
            // Entries of this bucket from earlier searches stay, unless this search read their file anew.
            const fresh = new Set(Array.from(slots, (slot) => inos[slot] as number));
            const entries = unpackEntries(stored).filter((old) => !fresh.has(old.ino));
            for (const slot of slots) {
              const from = digestsOf(slot);
              entries.push({ ino: inos[slot] as number, size: table.size(files[slot] as number), times: [...times.subarray(slot * 4, slot * 4 + 4)], flags: flagsOf(slot),
                prefix: narrow.subarray(from.prefixAt), suffix: narrow.subarray(from.suffixAt), full: full.subarray(from.fullAt) });
            }
            write.run(device, bucket, packEntries(entries), now);
            continue;
          }
          // The first search's path: written straight from the packed slots.
          let bytes = 0;
          for (const slot of slots) bytes += entryBytes(flagsOf(slot));
          const blob = Buffer.allocUnsafe(bytes);
          const writer = entryWriter(blob);
          let at = 0;
          for (const slot of slots) at = writeEntry(writer, at, inos[slot] as number, table.size(files[slot] as number), times, slot * 4, flagsOf(slot), digestsOf(slot));
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
