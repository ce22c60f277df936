import { DIGEST_BYTES, PART_BITS, type HashPart, type PartKind } from '../../../src-worker/content-protocol.js';
import { nanosecondsOf } from '../../../src-worker/stat-times.js';
import { type AppDatabase } from '../db/open-database.js';

/** A row not written for this long belongs, most likely, to a file long gone: pruned, at most once a day. */
const FORGET_AFTER_MS = 180 * 24 * 3600 * 1000;
const PRUNE_EVERY_MS = 24 * 3600 * 1000;
const SLOT_DIGESTS = 3 * DIGEST_BYTES;
const PART_OFFSET: Record<HashPart, number> = { prefix: 0, suffix: DIGEST_BYTES, full: 2 * DIGEST_BYTES };

/**
 * What one search learned, kept packed until the end of the search and then written in one transaction.
 * Measured at 100k files: a transaction per hashing task cost the main thread ~0.7 s (each commit wrote the
 * same B-tree pages to the WAL again), while the content threads waited for it; one transaction costs a
 * fraction. A slot per file that got a digest: the digests it has (from the cache or read now) and the key
 * (mtime and ctime) they hold for.
 */
export function createCacheRecorder(fileCount: number, expected: number) {
  const slotOf = new Int32Array(fileCount).fill(-1);
  let capacity = Math.max(1024, expected);
  let files = new Uint32Array(capacity);
  let parts = new Uint8Array(capacity);
  let dirty = new Uint8Array(capacity);
  let digests = new Uint8Array(capacity * SLOT_DIGESTS);
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
      digests = grow(digests, (length) => new Uint8Array(length), SLOT_DIGESTS);
      times = grow(times, (length) => new Float64Array(length), 4);
    }
    slot = used++;
    slotOf[file] = slot;
    files[slot] = file;
    return slot;
  };
  return {
    /** Digests the cache already held (valid under `key`): kept, not written again unless joined by new ones. */
    seed(file: number, found: number, slotDigests: Uint8Array, key: Float64Array): void {
      const slot = slotFor(file);
      parts[slot] = found;
      digests.set(slotDigests, slot * SLOT_DIGESTS);
      times.set(key, slot * 4);
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
      const target = slot * SLOT_DIGESTS + PART_OFFSET[part];
      const source = index * DIGEST_BYTES;
      for (let byte = 0; byte < DIGEST_BYTES; byte++) digests[target + byte] = taskDigests[source + byte] as number;
      parts[slot] = (parts[slot] as number) | PART_BITS[part];
      dirty[slot] = 1;
    },
    /** The slots with something new, as rows: file number, the digests' bits, digests and key. */
    *changed(): Generator<{ file: number; parts: number; digests: Uint8Array; times: Float64Array }> {
      for (let slot = 0; slot < used; slot++) {
        if (dirty[slot] === 0) continue;
        yield { file: files[slot] as number, parts: parts[slot] as number, digests: digests.subarray(slot * SLOT_DIGESTS, (slot + 1) * SLOT_DIGESTS), times: times.subarray(slot * 4, slot * 4 + 4) };
      }
    },
  };
}
export type CacheRecorder = ReturnType<typeof createCacheRecorder>;

/**
 * The writing side of the hash cache (schema.ts `hash_cache`); content threads read it (src-worker/
 * hash-cache-reader.ts). A row holds the digests its file got as far as, under the key they are valid for.
 */
export function createHashCache(database: AppDatabase, partKind: PartKind, clock: () => number) {
  const { sqlite } = database;
  const replace = sqlite.prepare(`INSERT OR REPLACE INTO hash_cache (identity, size, mtime_ns, ctime_ns, part_kind, prefix, suffix, full, written_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const anyRow = sqlite.prepare('SELECT 1 FROM hash_cache LIMIT 1').pluck();
  const prune = sqlite.prepare('DELETE FROM hash_cache WHERE written_at < ?');
  const prunedAt = sqlite.prepare("SELECT value FROM app_state WHERE key = 'hash_cache_pruned_at'").pluck();
  const setPrunedAt = sqlite.prepare("INSERT OR REPLACE INTO app_state (key, value) VALUES ('hash_cache_pruned_at', ?)");
  const digestOf = (row: { parts: number; digests: Uint8Array }, part: HashPart): Buffer | null =>
    ((row.parts & PART_BITS[part]) !== 0 ? Buffer.from(row.digests.buffer, row.digests.byteOffset + PART_OFFSET[part], DIGEST_BYTES) : null);
  return {
    databaseFile: sqlite.name,
    partKind,
    /** No row at all: a first search skips the lookups entirely. */
    isEmpty: (): boolean => anyRow.get() === undefined,
    /** Write what the search learned, in one transaction; prune old rows once a day. */
    save: sqlite.transaction((recorder: CacheRecorder, identityOf: (file: number) => string, sizeOf: (file: number) => number) => {
      const now = clock();
      for (const row of recorder.changed()) {
        replace.run(identityOf(row.file), sizeOf(row.file), nanosecondsOf(row.times[0] as number, row.times[1] as number), nanosecondsOf(row.times[2] as number, row.times[3] as number),
          partKind, digestOf(row, 'prefix'), digestOf(row, 'suffix'), digestOf(row, 'full'), now);
      }
      if (now - Number(prunedAt.get() ?? 0) >= PRUNE_EVERY_MS) {
        prune.run(now - FORGET_AFTER_MS);
        setPrunedAt.run(String(now));
      }
    }),
  };
}
export type HashCache = ReturnType<typeof createHashCache>;
