import fs from 'node:fs';
import Database from 'better-sqlite3';
import { BUCKET_INODES, ENTRY_FULL, ENTRY_NATIVE_PARTS, ENTRY_PREFIX, ENTRY_SUFFIX, indexEntries, readEntry } from './cache-entries.js';
import { type CachedResult, type CacheTask, CACHED_FULL, CHANGED, HASHED, CACHED_PREFIX, CACHED_SUFFIX, DIGEST_BYTES, NARROW_BYTES, PART_BYTES, PART_KINDS } from './content-protocol.js';
import { nativeModule } from './native-module.js';
import { sqliteBinding } from './sqlite-binding.js';
import { millisecondsOf, recordTimes } from './stat-times.js';

/**
 * Content threads look files up in the hash cache themselves, through a read-only connection of their own
 * (WAL lets them read beside the writer): the lstat and the lookup of each file then spread over the cores.
 */
const statements = new Map<string, Database.Statement>();

function bucketStatement(file: string): Database.Statement {
  let statement = statements.get(file);
  if (!statement) {
    const database = new Database(file, { readonly: true, fileMustExist: true, ...sqliteBinding() });
    database.pragma('busy_timeout = 5000');
    statement = database.prepare('SELECT entries FROM hash_cache WHERE dev = ? AND bucket = ?').pluck();
    statements.set(file, statement);
  }
  return statement;
}

/**
 * Each file's current state, without opening it: natively (one call, each file looked up from its folder's
 * descriptor), else with bigint lstat. status HASHED: still the regular file scanned (size, mtime).
 */
function currentKeys(task: CacheTask, paths: string[]): { status: Uint8Array; times: Float64Array; ids: Float64Array } {
  const count = paths.length;
  const found = { status: new Uint8Array(count).fill(CHANGED), times: new Float64Array(count * 4), ids: new Float64Array(count * 2).fill(Number.NaN) };
  const statFiles = nativeModule().statFiles;
  if (statFiles) {
    statFiles(task.paths, task.sizes, task.mtimesMs, found.status, found.times, found.ids);
    return found;
  }
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  paths.forEach((file, index) => {
    const stats = fs.lstatSync(file, { bigint: true, throwIfNoEntry: false });
    if (!stats?.isFile() || stats.size !== BigInt(task.sizes[index] as number) || millisecondsOf(stats.mtimeNs) !== task.mtimesMs[index]) return;
    found.status[index] = HASHED;
    recordTimes(stats, found.times.subarray(index * 4, index * 4 + 4));
    if (stats.dev <= limit && stats.ino <= limit) { found.ids[index * 2] = Number(stats.dev); found.ids[index * 2 + 1] = Number(stats.ino); }
  });
  return found;
}

/** piscina task body: the cached digests of each file still as it was when they were computed. */
export function lookUpCached(task: CacheTask): CachedResult {
  const count = task.sizes.length;
  const result: CachedResult = { parts: new Uint8Array(count), digests: new Uint8Array(count * 3 * DIGEST_BYTES), times: new Float64Array(count * 4) };
  const statement = bucketStatement(task.databaseFile);
  const paths = task.paths.split('\0');
  const identities = task.identities.split('\0');
  // Files of a task are neighbours in the tree, and their inodes mostly share a few buckets.
  const buckets = new Map<string, { blob: Buffer; offsets: Map<number, number> }>();
  const key = new Float64Array(4);
  const nativeParts = task.partKind === PART_KINDS.native;
  const current = currentKeys(task, paths);
  for (let index = 0; index < count; index++) {
    // Anything but the very file scanned, unchanged, is hashed afresh (and worded then, if it is a problem).
    if (current.status[index] !== HASHED) continue;
    const dev = current.ids[index * 2] as number;
    const ino = current.ids[index * 2 + 1] as number;
    if (Number.isNaN(dev) || Number.isNaN(ino) || `${dev}:${ino}` !== identities[index]) continue;
    const bucket = Math.floor(ino / BUCKET_INODES);
    for (let word = 0; word < 4; word++) key[word] = current.times[index * 4 + word] as number;
    const name = `${dev}:${bucket}`;
    let found = buckets.get(name);
    if (!found) {
      const blob = (statement.get(String(dev), bucket) as Buffer | undefined) ?? Buffer.alloc(0);
      found = { blob, offsets: indexEntries(blob) };
      buckets.set(name, found);
    }
    const offset = found.offsets.get(ino);
    if (offset === undefined) continue;
    const { blob } = found;
    const entry = readEntry(blob, offset);
    if (entry.size !== task.sizes[index] || entry.times[0] !== key[0] || entry.times[1] !== key[1] || entry.times[2] !== key[2] || entry.times[3] !== key[3]) continue;
    const at = index * 3 * DIGEST_BYTES;
    let parts = 0;
    const sameKind = ((entry.flags & ENTRY_NATIVE_PARTS) !== 0) === nativeParts;
    // The narrowing digests count only if they were made by the function this run uses.
    if (sameKind && entry.flags & ENTRY_PREFIX) { blob.copy(result.digests, at, entry.prefixAt, entry.prefixAt + NARROW_BYTES); parts |= CACHED_PREFIX; }
    if (sameKind && entry.flags & ENTRY_SUFFIX) { blob.copy(result.digests, at + DIGEST_BYTES, entry.suffixAt, entry.suffixAt + NARROW_BYTES); parts |= CACHED_SUFFIX; }
    if (entry.flags & ENTRY_FULL) {
      blob.copy(result.digests, at + 2 * DIGEST_BYTES, entry.fullAt, entry.fullAt + DIGEST_BYTES);
      parts |= CACHED_FULL;
      // A file of at most PART_BYTES: its prefix digest is its BLAKE3 (either way it was made).
      if (entry.size <= PART_BYTES) { blob.copy(result.digests, at, entry.fullAt, entry.fullAt + DIGEST_BYTES); parts |= CACHED_PREFIX; }
    }
    result.parts[index] = parts;
    result.times.set(key, index * 4);
  }
  return result;
}
