import { DIGEST_BYTES, type PartKind } from '../../../src-worker/content-protocol.js';
import { nanosecondsOf } from '../../../src-worker/stat-times.js';
import { type AppDatabase } from '../db/open-database.js';

/** A row not written for this long belongs, most likely, to a file long gone: pruned after a search. */
const FORGET_AFTER_MS = 180 * 24 * 3600 * 1000;

/** One digest computed this run, with the file's key as fstat saw it when it was read (see HashResult.times). */
export interface CacheEntry {
  identity: string;
  size: number;
  /** mtime s, ns, ctime s, ns */
  times: Float64Array;
  part: 'prefix' | 'suffix' | 'full';
  digest: Uint8Array;
}

/**
 * The writing side of the hash cache (schema.ts `hash_cache`); content threads read it (src-worker/
 * hash-cache-reader.ts). A row gathers the digests its file got as far as; a digest computed under another
 * key (the file changed) replaces the row's others instead of joining them.
 */
export function createHashCache(database: AppDatabase, partKind: PartKind, clock: () => number) {
  const { sqlite } = database;
  const same = 'size = excluded.size AND mtime_ns = excluded.mtime_ns AND ctime_ns = excluded.ctime_ns';
  const keep = (column: string, kindMatters: boolean): string =>
    `${column} = CASE WHEN ${same}${kindMatters ? ' AND part_kind = excluded.part_kind' : ''} THEN coalesce(excluded.${column}, ${column}) ELSE excluded.${column} END`;
  const upsert = sqlite.prepare(`INSERT INTO hash_cache (identity, size, mtime_ns, ctime_ns, part_kind, prefix, suffix, full, written_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (identity) DO UPDATE SET ${keep('prefix', true)}, ${keep('suffix', true)}, ${keep('full', false)},
      size = excluded.size, mtime_ns = excluded.mtime_ns, ctime_ns = excluded.ctime_ns, part_kind = excluded.part_kind, written_at = excluded.written_at`);
  const anyRow = sqlite.prepare('SELECT 1 FROM hash_cache LIMIT 1').pluck();
  const prune = sqlite.prepare('DELETE FROM hash_cache WHERE written_at < ?');
  const write = sqlite.transaction((entries: readonly CacheEntry[], now: number) => {
    for (const entry of entries) {
      const digest = Buffer.from(entry.digest.buffer, entry.digest.byteOffset, DIGEST_BYTES);
      upsert.run(entry.identity, entry.size, nanosecondsOf(entry.times[0] as number, entry.times[1] as number), nanosecondsOf(entry.times[2] as number, entry.times[3] as number),
        partKind, entry.part === 'prefix' ? digest : null, entry.part === 'suffix' ? digest : null, entry.part === 'full' ? digest : null, now);
    }
  });
  return {
    databaseFile: sqlite.name,
    partKind,
    /** No row at all: a first search skips the lookups entirely. */
    isEmpty: (): boolean => anyRow.get() === undefined,
    record(entries: readonly CacheEntry[]): void {
      if (entries.length > 0) write(entries, clock());
    },
    forgetOld(): void {
      prune.run(clock() - FORGET_AFTER_MS);
    },
  };
}
export type HashCache = ReturnType<typeof createHashCache>;
