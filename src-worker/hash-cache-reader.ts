import fs from 'node:fs';
import Database from 'better-sqlite3';
import { millisecondsOf, recordTimes } from './stat-times.js';
import { type CachedResult, type CacheTask, CACHED_FULL, CACHED_PREFIX, CACHED_SUFFIX, DIGEST_BYTES } from './content-protocol.js';

/**
 * Content threads look files up in the hash cache themselves, through a read-only connection of their own
 * (WAL lets them read beside the writer): the lstat and the lookup of each file then spread over the cores.
 */
const statements = new Map<string, Database.Statement>();

function lookupStatement(file: string): Database.Statement {
  let statement = statements.get(file);
  if (!statement) {
    const database = new Database(file, { readonly: true, fileMustExist: true });
    database.pragma('busy_timeout = 5000');
    statement = database.prepare('SELECT size, mtime_ns, ctime_ns, part_kind, prefix, suffix, full FROM hash_cache WHERE identity = ?').raw().safeIntegers(true);
    statements.set(file, statement);
  }
  return statement;
}

type CacheRow = [bigint, bigint, bigint, string, Buffer | null, Buffer | null, Buffer | null];

/** piscina task body: the cached digests of each file still as it was when they were computed. */
export function lookUpCached(task: CacheTask): CachedResult {
  const count = task.sizes.length;
  const result: CachedResult = { parts: new Uint8Array(count), digests: new Uint8Array(count * 3 * DIGEST_BYTES), times: new Float64Array(count * 4) };
  const lookup = lookupStatement(task.databaseFile);
  const paths = task.paths.split('\0');
  const identities = task.identities.split('\0');
  for (let index = 0; index < count; index++) {
    const stats = fs.lstatSync(paths[index] as string, { bigint: true, throwIfNoEntry: false });
    // Anything but the very file scanned, unchanged, is hashed afresh (and worded then, if it is a problem).
    if (!stats?.isFile() || stats.size !== BigInt(task.sizes[index] as number) || millisecondsOf(stats.mtimeNs) !== task.mtimesMs[index]
      || `${stats.dev}:${stats.ino}` !== identities[index]) continue;
    const row = lookup.get(identities[index]) as CacheRow | undefined;
    if (!row || row[0] !== stats.size || row[1] !== stats.mtimeNs || row[2] !== stats.ctimeNs) continue;
    const at = index * 3 * DIGEST_BYTES;
    let parts = 0;
    // The narrowing digests count only if they were made by the function this run uses.
    if (row[3] === task.partKind && row[4]?.length === DIGEST_BYTES) { result.digests.set(row[4], at); parts |= CACHED_PREFIX; }
    if (row[3] === task.partKind && row[5]?.length === DIGEST_BYTES) { result.digests.set(row[5], at + DIGEST_BYTES); parts |= CACHED_SUFFIX; }
    if (row[6]?.length === DIGEST_BYTES) { result.digests.set(row[6], at + 2 * DIGEST_BYTES); parts |= CACHED_FULL; }
    result.parts[index] = parts;
    recordTimes(stats, result.times.subarray(index * 4, (index + 1) * 4));
  }
  return result;
}
