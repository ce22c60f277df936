import { ENTRY_NATIVE_PARTS } from '../../../src-worker/cache-entries.js';
import { DIGEST_BYTES, NARROW_BYTES, NARROW_OFFSET, NARROW_SLOT_BYTES, PART_BITS, PART_KINDS, type HashPart, type PartKind, type RecordedSlots } from '../../../src-worker/content-protocol.js';
import { type AppDatabase } from '../db/open-database.js';
import { type ContentTasks } from './content-on-walkers.js';

/** Seconds are kept as 32-bit unsigned (to 2106); a file with a time outside that is simply not cached. */
const SECONDS_LIMIT = 2 ** 32;

/**
 * What one search learned, kept packed until the end of the search and then written in one transaction (on a
 * walker thread: src-worker/hash-cache-writer.ts). Measured at 100k files: a transaction per hashing task
 * cost the main thread ~0.7 s while the reading threads waited for it. A slot per file that got a digest (~40
 * bytes): the digests it has (from the cache or read now) and the key (mtime and ctime, seconds and
 * nanoseconds) they hold for.
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
  let full = new Uint8Array(0);
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
        if ((fullUsed + 1) * DIGEST_BYTES > full.length) full = grow(full, (length) => new Uint8Array(length), Math.max(1024 * DIGEST_BYTES, full.length * 2));
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
    const mtimeSeconds = key[index * 4] as number;
    const ctimeSeconds = key[index * 4 + 2] as number;
    if (!(mtimeSeconds >= 0 && mtimeSeconds < SECONDS_LIMIT && ctimeSeconds >= 0 && ctimeSeconds < SECONDS_LIMIT)) return false;
    for (let word = 0; word < 4; word++) times[slot * 4 + word] = key[index * 4 + word] as number;
    return true;
  };
  const sameKey = (slot: number, key: ArrayLike<number>, index: number): boolean =>
    times[slot * 4] === key[index * 4] && times[slot * 4 + 1] === key[index * 4 + 1] && times[slot * 4 + 2] === key[index * 4 + 2] && times[slot * 4 + 3] === key[index * 4 + 3];
  return {
    /**
     * Room for `count` more whole-file digests, made at once: a stage that may note that many asks first. By
     * doubling, at 1M files (860k files of at most 4 KiB) the array went to 32 MiB, with the old 16 beside it.
     */
    reserveFull(count: number): void {
      if ((fullUsed + count) * DIGEST_BYTES > full.length) full = grow(full, (length) => new Uint8Array(length), (fullUsed + count) * DIGEST_BYTES);
    },
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
    /** The packed slots as they are (the cache writer walks them without making an object per file). */
    slots: (): RecordedSlots => ({ used, files, parts, dirty, narrow, times, fullAt, full }),
  };
}
export type CacheRecorder = ReturnType<typeof createCacheRecorder>;
const PART_OFFSET_INDEX: Record<HashPart, number> = { prefix: 0, suffix: 1, full: 2 };

/**
 * The hash cache (schema.ts `hash_cache`, entries packed per device and inode bucket by
 * src-worker/cache-entries.ts). Content threads read it (src-worker/hash-cache-reader.ts) and write it
 * (src-worker/hash-cache-writer.ts); the main thread only asks whether it holds anything.
 */
export function createHashCache(database: AppDatabase, partKind: PartKind, clock: () => number) {
  const { sqlite } = database;
  const anyRow = sqlite.prepare('SELECT 1 FROM hash_cache LIMIT 1').pluck();
  return {
    databaseFile: sqlite.name,
    partKind,
    /** No row at all: a first search skips the lookups entirely. */
    isEmpty: (): boolean => anyRow.get() === undefined,
    /**
     * Write what the search learned on a walker thread, in one transaction, a row per bucket. The recorder's
     * arrays and the table's columns move to that thread (no copy): neither may be used after this call.
     */
    save(pool: ContentTasks, recorder: CacheRecorder, table: { sizes: Float64Array; devs: Float64Array; inos: Float64Array }, mergeWithStored: boolean): Promise<unknown> {
      const slots = recorder.slots();
      const arrays = [slots.files, slots.parts, slots.dirty, slots.narrow, slots.times, slots.fullAt, slots.full, table.sizes, table.devs, table.inos];
      return pool.saveCache({
        databaseFile: sqlite.name, nativeFlag: partKind === PART_KINDS.native ? ENTRY_NATIVE_PARTS : 0, mergeWithStored, now: clock(), slots, table,
      }, arrays.map((array) => array.buffer as ArrayBuffer));
    },
  };
}
export type HashCache = ReturnType<typeof createHashCache>;
