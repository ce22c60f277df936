import fs from 'node:fs';
import Database from 'better-sqlite3';
import { BUCKET_INODES, type CacheEntry, ENTRY_FULL, ENTRY_NATIVE_PARTS, ENTRY_PREFIX, ENTRY_SUFFIX, unpackEntries } from './cache-entries.js';
import { type CachedResult, type CacheTask, CACHED_FULL, CACHED_PREFIX, CACHED_SUFFIX, DIGEST_BYTES, PART_BYTES, PART_KINDS } from './content-protocol.js';
import { millisecondsOf, recordTimes } from './stat-times.js';

/**
 * Content threads look files up in the hash cache themselves, through a read-only connection of their own
 * (WAL lets them read beside the writer): the lstat and the lookup of each file then spread over the cores.
 */
const statements = new Map<string, Database.Statement>();

function bucketStatement(file: string): Database.Statement {
  let statement = statements.get(file);
  if (!statement) {
    const database = new Database(file, { readonly: true, fileMustExist: true });
    database.pragma('busy_timeout = 5000');
    statement = database.prepare('SELECT entries FROM hash_cache WHERE dev = ? AND bucket = ?').pluck();
    statements.set(file, statement);
  }
  return statement;
}

const LIMIT = BigInt(Number.MAX_SAFE_INTEGER);

/** piscina task body: the cached digests of each file still as it was when they were computed. */
export function lookUpCached(task: CacheTask): CachedResult {
  const count = task.sizes.length;
  const result: CachedResult = { parts: new Uint8Array(count), digests: new Uint8Array(count * 3 * DIGEST_BYTES), times: new Float64Array(count * 4) };
  const statement = bucketStatement(task.databaseFile);
  const paths = task.paths.split('\0');
  const identities = task.identities.split('\0');
  // Files of a task are neighbours in the tree, and their inodes mostly share a few buckets.
  const buckets = new Map<string, Map<number, CacheEntry>>();
  const key = new Float64Array(4);
  const nativeParts = task.partKind === PART_KINDS.native;
  for (let index = 0; index < count; index++) {
    const stats = fs.lstatSync(paths[index] as string, { bigint: true, throwIfNoEntry: false });
    // Anything but the very file scanned, unchanged, is hashed afresh (and worded then, if it is a problem).
    if (!stats?.isFile() || stats.size !== BigInt(task.sizes[index] as number) || millisecondsOf(stats.mtimeNs) !== task.mtimesMs[index]
      || `${stats.dev}:${stats.ino}` !== identities[index] || stats.ino > LIMIT || stats.dev > LIMIT) continue;
    const dev = String(stats.dev);
    const bucket = Number(stats.ino / BigInt(BUCKET_INODES));
    const name = `${dev}:${bucket}`;
    let entries = buckets.get(name);
    if (!entries) {
      const blob = statement.get(dev, bucket) as Buffer | undefined;
      entries = new Map((blob ? unpackEntries(blob) : []).map((entry) => [entry.ino, entry]));
      buckets.set(name, entries);
    }
    const entry = entries.get(Number(stats.ino));
    recordTimes(stats, key);
    if (!entry || entry.size !== Number(stats.size) || entry.times[0] !== key[0] || entry.times[1] !== key[1] || entry.times[2] !== key[2] || entry.times[3] !== key[3]) continue;
    const at = index * 3 * DIGEST_BYTES;
    let parts = 0;
    const sameKind = ((entry.flags & ENTRY_NATIVE_PARTS) !== 0) === nativeParts;
    // The narrowing digests count only if they were made by the function this run uses.
    if (sameKind && entry.flags & ENTRY_PREFIX) { result.digests.set(entry.prefix, at); parts |= CACHED_PREFIX; }
    if (sameKind && entry.flags & ENTRY_SUFFIX) { result.digests.set(entry.suffix, at + DIGEST_BYTES); parts |= CACHED_SUFFIX; }
    if (entry.flags & ENTRY_FULL) {
      result.digests.set(entry.full, at + 2 * DIGEST_BYTES);
      parts |= CACHED_FULL;
      // A file of at most PART_BYTES: its prefix digest is its BLAKE3 (either way it was made).
      if (entry.size <= PART_BYTES) { result.digests.set(entry.full, at); parts |= CACHED_PREFIX; }
    }
    result.parts[index] = parts;
    result.times.set(key, index * 4);
  }
  return result;
}
