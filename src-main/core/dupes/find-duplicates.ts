import os from 'node:os';
import { type DuplicateGroup, type DuplicateProgress, type DuplicateSearchResult, type DuplicateSkip, type DuplicateStage } from '../../../src-shared/duplicates.js';
import { CHANGED, DIGEST_BYTES, HASHED, type HashPart, NOT_REGULAR, PART_BITS, PART_BYTES, UNREADABLE } from '../../../src-worker/content-protocol.js';
import { collectGarbageNow } from '../../../src-worker/collect-garbage.js';
import { nativeModule } from '../../../src-worker/native-module.js';
import { nanosecondsOf } from '../../../src-worker/stat-times.js';
import { scanTreePacked } from '../scan/scan-tree.js';
import { type WalkerPool } from '../scan/walker-pool.js';
import { contentOnWalkers, type ContentTasks, TASKS_PER_THREAD, type WalkerContent } from './content-on-walkers.js';
import { createFileTableBuilder, type FileTable } from './file-table.js';
import { type CacheRecorder, createCacheRecorder, type HashCache } from './hash-cache.js';

export interface DuplicateSearchRequest {
  roots: string[];
  /** files smaller than this are never grouped */
  minSize: number;
  /** zero-byte files are all alike; they are grouped only when asked */
  includeEmpty: boolean;
  includeHidden: boolean;
  /** folders never entered (the data folder) */
  excludedFolders: string[];
  /** the same known by "dev:ino", whatever path reaches them */
  excludedIdentities?: string[];
}

/** Files above this size get a suffix stage before their full hash (fclones' choice too). */
const SUFFIX_ABOVE = 64 * 1024;
/** What resolving a group needs to know of each of its files, as it was when it was hashed. */
export interface HashedFile {
  path: string;
  mtimeMs: number;
  dev: string;
  ino: string;
  /** ctime in nanoseconds, decimal */
  ctimeNs: string;
}

/** A search's result, and beside each of its groups (same order, same file order) the files' facts. */
export interface DuplicateSearch {
  result: DuplicateSearchResult;
  details: () => HashedFile[][];
  /** the hash cache's write of what this search learned, running on a walker thread (failures are dropped) */
  saved: Promise<void>;
}

/**
 * A hashing task: this many files, or fewer when their bytes add up to BYTES_PER_TASK (full stage). A content
 * thread holds a task's files whole (up to 8 MiB each, see content-task.ts), so this bounds its buffer.
 */
const FILES_PER_TASK = 256;
const BYTES_PER_TASK = 8 * 1024 * 1024;
/**
 * From this many files scanned, a search puts memory before speed: it gives freed memory back to the system
 * after each stage, and builds its groups only once the hash cache is written (not beside the writing). At
 * 1M files that took peak RSS from ~470 MiB to ~325 (npm run bench:dupes); below, it would cost time (each
 * release is a full garbage collection, ~10 ms at 1M files) for little memory.
 */
const BIG_SEARCH_FILES = 200_000;
/** FILEORG_BIG_SEARCH_FILES lowers it: the tests run small trees the way a big one runs. */
function bigSearchFiles(): number {
  const set = Number(process.env.FILEORG_BIG_SEARCH_FILES);
  return Number.isSafeInteger(set) && set > 0 ? set : BIG_SEARCH_FILES;
}

/**
 * Groups as two packed arrays: the files of group g are members[bounds[g] .. bounds[g + 1]). A stage reads
 * one Groups and makes a narrower one; nothing holds an object per file.
 */
interface Groups {
  members: Uint32Array;
  bounds: number[];
  /** the content hash each group shares after the last stage it went through, DIGEST_BYTES a group */
  digests: Uint8Array;
}

const groupCount = (groups: Groups): number => groups.bounds.length - 1;

/**
 * fclones' pipeline: group by size, drop second names of one file (hard links), then digest the first 4 KiB,
 * the last 4 KiB (files over 64 KiB) and hash the whole file, dropping groups of one after each stage. A file
 * that is unreadable, or that changed since the scan or while it was read, leaves its group and is reported
 * as skipped.
 */
export async function findDuplicates(request: DuplicateSearchRequest, using: { walkers: WalkerPool; cache?: HashCache },
  onProgress?: (progress: DuplicateProgress) => void): Promise<DuplicateSearch> {
  const table = await scanAll(request, using.walkers, onProgress);
  const big = table.count >= bigSearchFiles();
  // The walkers that scanned now read the files (see content-on-walkers.ts); they go back to their pool once
  // the cache is written, or when the search fails.
  const content = contentOnWalkers(using.walkers, Math.max(1, os.availableParallelism()));
  try {
    return await searchScanned(request, table, big, { content, cache: using.cache }, onProgress);
  } catch (error) {
    content.release();
    throw error;
  }
}

async function searchScanned(request: DuplicateSearchRequest, table: FileTable, big: boolean, using: { content: WalkerContent; cache?: HashCache },
  onProgress?: (progress: DuplicateProgress) => void): Promise<DuplicateSearch> {
  // A search of a million files is long after its scan: what the walk left on the walkers' heaps goes now.
  if (big) await using.content.collectGarbage();
  const smallest = Math.max(request.minSize, request.includeEmpty ? 0 : 1);
  const sameSize = table.sameSize((size) => size >= smallest);
  let groups = withoutSecondNames(table, { ...sameSize, digests: new Uint8Array((sameSize.bounds.length - 1) * DIGEST_BYTES) });
  // A first search (empty cache) looks nothing up; later ones look up every candidate before reading any.
  const recorder = createCacheRecorder(table.count, groups.members.length);
  const cacheHasRows = using.cache !== undefined && !using.cache.isEmpty();
  if (big) releaseFreedMemory();
  const cached = using.cache && cacheHasRows ? await lookUpCached(table, groups, using.content, using.cache, recorder, onProgress) : undefined;

  const skipped: DuplicateSkip[] = [];
  // The decided groups, as each stage's packed Groups (a few per search), not a pair of typed arrays per group
  // (at 1M files, 64k groups: 128k small typed arrays, each with its own buffer object).
  const done: Groups[] = [];
  const collect = (finished: Groups): void => { if (groupCount(finished) > 0) done.push(finished); };
  let hashedBytes = 0;
  const stage = async (part: HashPart, needs: (size: number) => boolean, finalFor: (size: number) => boolean): Promise<void> => {
    const [hashed, passing] = split(table, groups, needs);
    const totals = stageTotals(table, hashed, part, cached);
    // Room for every whole-file digest of the stage at once (slice by slice, it grew by copying).
    if (part !== 'suffix') recorder.reserveFull(totals.wholeFiles);
    const progress = { type: 'progress', stage: part satisfies DuplicateStage, files_done: 0, files_total: totals.files, bytes_done: 0, bytes_total: totals.bytes } satisfies DuplicateProgress;
    if (totals.files === 0) onProgress?.(progress);
    const report = throttled(onProgress);
    let going = emptyGroups();
    // A big search hashes a stage's groups a slice at a time: each slice's digests, statuses and regrouping
    // are garbage before the next begins (at 1M files the prefix stage's came to ~40 MB at once, at the
    // search's peak of memory).
    for (const slice of big ? slices(hashed, bigSliceFiles()) : [hashed]) {
      const outcome = await hashStage(table, slice, part, { pool: using.content, cached, recorder }, skipped, (done) => {
        progress.files_done += done.files;
        progress.bytes_done += done.bytes;
        report(progress, progress.files_done === progress.files_total);
      });
      hashedBytes += outcome.bytesRead;
      const [finished, next] = split(table, regroup(slice, outcome.digests, outcome.status), finalFor);
      collect(finished);
      going = concat(going, next);
      if (big) releaseFreedMemory();
    }
    groups = concat(going, passing);
  };
  // The empty file's content is nothing: its group needs no reading.
  if (request.includeEmpty) {
    const [empty, rest] = split(table, groups, (size) => size === 0);
    for (let group = 0; group < groupCount(empty); group++) empty.digests.set(EMPTY_BLAKE3, group * DIGEST_BYTES);
    collect(empty);
    groups = rest;
  }
  // Files of at most 4 KiB are read whole by the prefix stage, whose digest of them is their BLAKE3: decided
  // there. The other narrowing digests are not BLAKE3 (see native/part-digests.c): the full hash decides.
  await stage('prefix', () => true, (size) => size <= PART_BYTES);
  await stage('suffix', (size) => size > SUFFIX_ABOVE, () => false);
  await stage('full', () => true, () => true);

  // The decided groups as one Groups, and what reporting needs of their files taken now: the recorder and the
  // table's number columns go to the cache writer below, and nothing may read them after that.
  const decided = done.reduce(concat, { members: new Uint32Array(0), bounds: [0], digests: new Uint8Array(0) });
  done.length = 0;
  const sizes = Array.from({ length: groupCount(decided) }, (_, group) => table.size(decided.members[decided.bounds[group] as number] as number));
  const facts = groupedFileFacts(decided.members, table, recorder);
  const filesScanned = table.count;
  // The cache is written on a walker thread (at 1M files ~1.6 s, mostly SQLite's). A failed write costs the
  // next search its reads, nothing else. A big search builds its groups only once it is done: the recorder
  // and the columns it was given (~100 MB at 1M files) are then freed, not held beside the result.
  const { content } = using;
  const saved = (using.cache ? using.cache.save(content, recorder, table.giveUpColumns(), cacheHasRows).then(() => undefined, () => undefined) : Promise.resolve())
    .finally(() => { content.release(); });
  if (big) {
    await saved;
    releaseFreedMemory();
  }

  const found: Array<{ group: DuplicateGroup; positions: number[] }> = [];
  for (let index = 0; index < groupCount(decided); index++) {
    const start = decided.bounds[index] as number;
    const group = decided.members.subarray(start, decided.bounds[index + 1]);
    const paths = Array.from(group, (file) => table.path(file));
    const order = paths.map((_, at) => at).sort((a, b) => byCodeUnits(paths[a] as string, paths[b] as string));
    const hash = Buffer.from(decided.digests.buffer, decided.digests.byteOffset + index * DIGEST_BYTES, DIGEST_BYTES).toString('hex');
    found.push({
      group: { size: sizes[index] as number, hash, files: order.map((at) => paths[at] as string) } satisfies DuplicateGroup,
      positions: order.map((at) => start + at),
    });
  }
  // Most space to win first; then by first path, compared as code units like the paths within a group (the
  // ICU collation of localeCompare showed in profiles of a 1M-file search, and no locale is wanted here).
  const wasted = (group: DuplicateGroup): number => group.size * (group.files.length - 1);
  found.sort((a, b) => wasted(b.group) - wasted(a.group) || byCodeUnits(a.group.files[0] as string, b.group.files[0] as string));
  const reported = found.map((entry) => entry.group);
  // Each reported file's position among the decided members (where its facts are), in result order.
  const positions = Uint32Array.from(found.flatMap((entry) => entry.positions));
  found.length = 0;
  return {
    result: {
      type: 'result', groups: reported,
      wasted_bytes: reported.reduce((sum, group) => sum + wasted(group), 0),
      files_scanned: filesScanned, hashed_bytes: hashedBytes, cache_hits: cached?.hits ?? 0, skipped,
    },
    // Objects made when asked (resolving needs them; a plain search does not).
    details: () => {
      let flat = 0;
      return reported.map((group) => group.files.map((path): HashedFile => facts(positions[flat++] as number, path)));
    },
    saved,
  };
}

/**
 * The grouped files' mtime, device, inode and the ctime their digests were made under, packed by position among
 * `members`; answers a function making one file's HashedFile.
 */
function groupedFileFacts(members: Uint32Array, table: FileTable, recorder: CacheRecorder): (position: number, path: string) => HashedFile {
  const total = members.length;
  const mtimes = new Float64Array(total);
  const devs = new Float64Array(total);
  const inos = new Float64Array(total);
  const ctimes = new Float64Array(total * 2).fill(Number.NaN);
  const wide = new Map<number, string>();
  for (let flat = 0; flat < total; flat++) {
    const file = members[flat] as number;
    mtimes[flat] = table.mtimeMs(file);
    devs[flat] = table.devNumber(file);
    inos[flat] = table.inoNumber(file);
    if (Number.isNaN(devs[flat]) || Number.isNaN(inos[flat])) wide.set(flat, table.identity(file));
    const ctime = recorder.ctime(file);
    if (ctime) ctimes.set(ctime, flat * 2);
  }
  return (at, path) => {
    const [dev, ino] = (wide.get(at) ?? `${devs[at]}:${inos[at]}`).split(':') as [string, string];
    const seconds = ctimes[at * 2] as number;
    // The ctime its digests were made under (the recorder has it for every file read or found in the cache).
    return { path, mtimeMs: mtimes[at] as number, dev, ino, ctimeNs: Number.isNaN(seconds) ? '' : String(nanosecondsOf(seconds, ctimes[at * 2 + 1] as number)) };
  };
}

/** Digests the hash cache holds for files as they are now: slot per file number (-1: none), 3 digests a slot. */
interface CachedDigests {
  slotOf: Int32Array;
  parts: Uint8Array;
  digests: Uint8Array;
  hits: number;
}

async function lookUpCached(table: FileTable, groups: Groups, pool: ContentTasks, cache: HashCache, recorder: CacheRecorder,
  onProgress?: (progress: DuplicateProgress) => void): Promise<CachedDigests> {
  const count = groups.members.length;
  const order = Uint32Array.from(groups.members).sort(); // scan order: neighbours share cached path lookups
  const found: CachedDigests = { slotOf: new Int32Array(table.count).fill(-1), parts: new Uint8Array(count), digests: new Uint8Array(count * 3 * DIGEST_BYTES), hits: 0 };
  const progress = { type: 'progress', stage: 'cache', files_done: 0, files_total: count, bytes_done: 0, bytes_total: 0 } satisfies DuplicateProgress;
  let next = 0;
  const report = throttled(onProgress);
  const runOne = async (): Promise<void> => {
    while (next < count) {
      const files = order.subarray(next, Math.min(count, next + FILES_PER_TASK));
      next += files.length;
      const result = await pool.cached({
        databaseFile: cache.databaseFile, partKind: cache.partKind,
        paths: Array.from(files, (file) => table.path(file)).join('\0'),
        identities: Array.from(files, (file) => table.identity(file)).join('\0'),
        sizes: Float64Array.from(files, (file) => table.size(file)),
        mtimesMs: Float64Array.from(files, (file) => table.mtimeMs(file)),
      });
      files.forEach((file, index) => {
        if (result.parts[index] === 0) return;
        const slot = found.hits++;
        found.slotOf[file] = slot;
        found.parts[slot] = result.parts[index] as number;
        recorder.seed(file, result.parts[index] as number, result.digests, index, result.times, index);
        found.digests.set(result.digests.subarray(index * 3 * DIGEST_BYTES, (index + 1) * 3 * DIGEST_BYTES), slot * 3 * DIGEST_BYTES);
      });
      progress.files_done += files.length;
      report(progress, progress.files_done === count);
    }
  };
  await Promise.all(Array.from({ length: pool.threads * TASKS_PER_THREAD }, runOne));
  if (count === 0) onProgress?.(progress);
  return found;
}

/**
 * Progress at most every PROGRESS_EVERY_MS, and always a stage's last: a line per hashing task was ~3k lines
 * (each a JSON line written) in a 1M-file search, more than any reader wants.
 */
const PROGRESS_EVERY_MS = 100;
function throttled(onProgress: ((progress: DuplicateProgress) => void) | undefined): (progress: DuplicateProgress, last: boolean) => void {
  let reportedAt = Number.NEGATIVE_INFINITY;
  return (progress, last) => {
    const now = performance.now();
    if (!last && now - reportedAt < PROGRESS_EVERY_MS) return;
    reportedAt = now;
    onProgress?.({ ...progress });
  };
}

/**
 * Give freed memory back to the system: the stage's garbage now (its big arrays would wait for a full
 * collection, which this thread, allocating little, rarely needs), then the C heap's free pages (see
 * native/release-memory.c: the threads' buffers, freed here, leave it full of holes).
 */
function releaseFreedMemory(): void {
  collectGarbageNow();
  nativeModule().releaseMemory?.();
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const PART_INDEX: Record<HashPart, number> = { prefix: 0, suffix: 1, full: 2 };

/** BLAKE3 of no bytes (the first official test vector). */
const EMPTY_BLAKE3 = Buffer.from('af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262', 'hex');

async function scanAll(request: DuplicateSearchRequest, walkers: WalkerPool, onProgress?: (progress: DuplicateProgress) => void): Promise<FileTable> {
  const builder = createFileTableBuilder();
  const stream = scanTreePacked({ roots: request.roots, excludedFolders: request.excludedFolders, excludedIdentities: request.excludedIdentities ?? [], includeHidden: request.includeHidden, batchSize: 512 }, { walkers });
  let files = 0;
  let bytes = 0;
  let reported = 0;
  for await (const batch of stream.batches) {
    builder.add(batch);
    files += batch.count;
    for (let index = 0; index < batch.count; index++) bytes += batch.sizes[index] as number;
    if (files - reported >= 10_000) { reported = files; onProgress?.({ type: 'progress', stage: 'scan', files_done: files, files_total: files, bytes_done: bytes, bytes_total: bytes }); }
  }
  await stream.summary;
  onProgress?.({ type: 'progress', stage: 'scan', files_done: files, files_total: files, bytes_done: bytes, bytes_total: bytes });
  return builder.finish();
}

/** Hard links are one file under two names: each group keeps one name per (device, inode). */
function withoutSecondNames(table: FileTable, groups: Groups): Groups {
  const members = new Uint32Array(groups.members.length);
  const bounds: number[] = [0];
  let kept = 0;
  for (let group = 0; group < groupCount(groups); group++) {
    const start = kept;
    const from = groups.bounds[group] as number;
    const to = groups.bounds[group + 1] as number;
    // Most groups hold two or three files: comparing numbers beats building identity strings. A big group
    // (thousands of small files share a size in a large tree) takes sets instead of comparing every pair: of
    // inodes for files on its first file's device, of identity strings for the rare others.
    const big = to - from > 8;
    const firstDev = table.devNumber(groups.members[from] as number);
    const seenInodes = big ? new Set<number>() : undefined;
    let seenElsewhere: Set<string> | undefined;
    for (let index = from; index < to; index++) {
      const file = groups.members[index] as number;
      let second = false;
      if (seenInodes) {
        const ino = table.inoNumber(file);
        if (table.devNumber(file) === firstDev && !Number.isNaN(ino)) {
          second = seenInodes.has(ino);
          seenInodes.add(ino);
        } else {
          const identity = table.identity(file);
          seenElsewhere ??= new Set();
          second = seenElsewhere.has(identity);
          seenElsewhere.add(identity);
        }
      } else {
        for (let earlier = start; earlier < kept && !second; earlier++) second = table.sameFile(members[earlier] as number, file);
      }
      if (!second) members[kept++] = file;
    }
    if (kept - start > 1) bounds.push(kept); else kept = start;
  }
  return { members: members.subarray(0, kept), bounds, digests: new Uint8Array((bounds.length - 1) * DIGEST_BYTES) };
}

/** 32 bytes from one digest array to another, without making a view of either (a stage copies ~100k). */
function copyDigest(from: Uint8Array, fromIndex: number, to: Uint8Array, toIndex: number): void {
  const source = fromIndex * DIGEST_BYTES;
  const target = toIndex * DIGEST_BYTES;
  for (let byte = 0; byte < DIGEST_BYTES; byte++) to[target + byte] = from[source + byte] as number;
}

/** The groups whose size passes `test`, and the others (a group's files all have one size). */
function split(table: FileTable, groups: Groups, test: (size: number) => boolean): [Groups, Groups] {
  const parts = [true, false].map(() => ({ members: new Uint32Array(groups.members.length), bounds: [0], digests: new Uint8Array(groups.digests.length) }));
  for (let group = 0; group < groupCount(groups); group++) {
    const start = groups.bounds[group] as number;
    const end = groups.bounds[group + 1] as number;
    const into = parts[test(table.size(groups.members[start] as number)) ? 0 : 1] as Groups;
    const at = into.bounds[into.bounds.length - 1] as number;
    into.members.set(groups.members.subarray(start, end), at);
    into.digests.set(groups.digests.subarray(group * DIGEST_BYTES, (group + 1) * DIGEST_BYTES), (into.bounds.length - 1) * DIGEST_BYTES);
    into.bounds.push(at + end - start);
  }
  const trim = (part: Groups): Groups => ({
    members: part.members.subarray(0, part.bounds[part.bounds.length - 1]), bounds: part.bounds, digests: part.digests.subarray(0, (part.bounds.length - 1) * DIGEST_BYTES),
  });
  return [trim(parts[0] as Groups), trim(parts[1] as Groups)];
}

function concat(a: Groups, b: Groups): Groups {
  const members = new Uint32Array(a.members.length + b.members.length);
  members.set(a.members);
  members.set(b.members, a.members.length);
  const digests = new Uint8Array(a.digests.length + b.digests.length);
  digests.set(a.digests);
  digests.set(b.digests, a.digests.length);
  return { members, bounds: [...a.bounds, ...b.bounds.slice(1).map((bound) => bound + a.members.length)], digests };
}

const emptyGroups = (): Groups => ({ members: new Uint32Array(0), bounds: [0], digests: new Uint8Array(0) });

/**
 * Files a big search's stage hashes at once (see `stage` in searchScanned); fewer when FILEORG_BIG_SEARCH_FILES
 * makes small trees big, so that their stages run in many slices too.
 */
const bigSliceFiles = (): number => Math.min(131_072, Math.max(2, bigSearchFiles()));

/** The groups cut, between groups, into runs of about `files` files (a group larger than that is one run). */
function slices(groups: Groups, files: number): Groups[] {
  const runs: Groups[] = [];
  for (let first = 0; first < groupCount(groups);) {
    const start = groups.bounds[first] as number;
    let last = first + 1;
    while (last < groupCount(groups) && (groups.bounds[last + 1] as number) - start <= files) last++;
    const end = groups.bounds[last] as number;
    runs.push({
      members: groups.members.subarray(start, end),
      bounds: groups.bounds.slice(first, last + 1).map((bound) => bound - start),
      digests: groups.digests.subarray(first * DIGEST_BYTES, last * DIGEST_BYTES),
    });
    first = last;
  }
  return runs;
}

/** Bytes a stage reads of a file of `size`: the whole file, or one part of it. */
const readFor = (part: HashPart) => (size: number): number => (part === 'full' || size <= PART_BYTES ? size : PART_BYTES);

/** What a stage will read (files the cache does not answer), and how many of those it reads whole. */
function stageTotals(table: FileTable, groups: Groups, part: HashPart, cached: CachedDigests | undefined): { files: number; bytes: number; wholeFiles: number } {
  const readOf = readFor(part);
  const totals = { files: 0, bytes: 0, wholeFiles: 0 };
  for (let position = 0; position < groups.members.length; position++) {
    const file = groups.members[position] as number;
    const slot = cached ? cached.slotOf[file] as number : -1;
    if (slot >= 0 && ((cached?.parts[slot] as number) & PART_BITS[part]) !== 0) continue;
    const size = table.size(file);
    totals.files++;
    totals.bytes += readOf(size);
    if (part === 'full' || size <= PART_BYTES) totals.wholeFiles++;
  }
  return totals;
}

/**
 * Hash `part` of every file in the groups on the walker threads; digests and statuses by member position.
 * `onRead` hears of each task's files and bytes as it ends.
 */
async function hashStage(table: FileTable, groups: Groups, part: HashPart,
  using: { pool: ContentTasks; cached: CachedDigests | undefined; recorder: CacheRecorder },
  skipped: DuplicateSkip[], onRead: (done: { files: number; bytes: number }) => void): Promise<{ digests: Uint8Array; status: Uint8Array; bytesRead: number }> {
  const { pool, cached, recorder } = using;
  const digests = new Uint8Array(groups.members.length * DIGEST_BYTES);
  const status = new Uint8Array(groups.members.length);
  // Files are read in scan order, not group by group: neighbours in a folder share the kernel's cached path
  // lookups (measured: 15 us a file against 21 us in random order).
  let order = positionsInScanOrder(groups.members, table.count);
  if (cached) order = takeCached(groups, order, part, cached, digests);
  const count = order.length;
  const readOf = readFor(part);
  let bytesRead = 0;
  let next = 0;
  const runOne = async (): Promise<void> => {
    while (next < count) {
      const start = next;
      let bytes = 0;
      while (next < count && next - start < FILES_PER_TASK && (next === start || bytes + readOf(table.size(groups.members[order[next] as number] as number)) <= BYTES_PER_TASK)) {
        bytes += readOf(table.size(groups.members[order[next] as number] as number));
        next++;
      }
      const positions = order.subarray(start, next);
      const taskSize = positions.length;
      const sizes = new Float64Array(taskSize);
      const mtimesMs = new Float64Array(taskSize);
      // Device and inode as scanned: the thread reads a file only if it is still that one (fstat has them anyway).
      const ids = new Float64Array(taskSize * 2);
      const fileAt = (index: number): number => groups.members[positions[index] as number] as number;
      for (let index = 0; index < taskSize; index++) {
        sizes[index] = table.size(fileAt(index));
        mtimesMs[index] = table.mtimeMs(fileAt(index));
        ids[index * 2] = table.devNumber(fileAt(index));
        ids[index * 2 + 1] = table.inoNumber(fileAt(index));
      }
      // The paths as bytes, moved to the walker with the task (not copied): no string per path here or there.
      const paths = table.pathBytes(taskSize, fileAt) ?? Array.from({ length: taskSize }, (_, index) => table.path(fileAt(index))).join('\0');
      const result = await pool.hash({ part, paths, sizes, mtimesMs, ids });
      const pathOf = (index: number): string => table.path(fileAt(index));
      for (let index = 0; index < taskSize; index++) {
        const position = positions[index] as number;
        copyDigest(result.digests, index, digests, position);
        status[position] = result.status[index] as number;
        if (result.status[index] === HASHED) {
          const file = groups.members[position] as number;
          recorder.note(file, part, result.digests, result.times, index);
          // A whole small file's prefix digest is its full hash too (see the prefix stage).
          if (part === 'prefix' && table.size(file) <= PART_BYTES) recorder.note(file, 'full', result.digests, result.times, index);
        }
      }
      bytesRead += result.bytesRead;
      result.status.forEach((state, index) => {
        if (state === CHANGED) skipped.push({ path: pathOf(index), reason: 'changed', detail: 'it changed while the search ran; search again to include it' });
        // Opened without waiting and checked on its descriptor: a pipe in a file's place is skipped, never read.
        if (state === NOT_REGULAR) skipped.push({ path: pathOf(index), reason: 'not-a-regular-file', detail: 'it is no longer a regular file (a pipe, device, folder or symlink took its place since the scan); it was not read' });
      });
      for (const error of result.errors) {
        if (result.status[error.index] === UNREADABLE) skipped.push({ path: pathOf(error.index), reason: 'unreadable', detail: error.message });
      }
      onRead({ files: taskSize, bytes });
    }
  };
  await Promise.all(Array.from({ length: pool.threads * TASKS_PER_THREAD }, runOne));
  return { digests, status, bytesRead };
}

/**
 * Fill in the digests of `part` the cache holds (those files count as hashed) and answer the positions left
 * to read, still in scan order.
 */
function takeCached(groups: Groups, order: Uint32Array, part: HashPart, cached: CachedDigests, digests: Uint8Array): Uint32Array {
  const left = new Uint32Array(order.length);
  let count = 0;
  const offset = PART_INDEX[part] * DIGEST_BYTES;
  for (const position of order) {
    const slot = cached.slotOf[groups.members[position] as number] as number;
    if (slot >= 0 && ((cached.parts[slot] as number) & PART_BITS[part]) !== 0) {
      const at = slot * 3 * DIGEST_BYTES + offset;
      digests.set(cached.digests.subarray(at, at + DIGEST_BYTES), position * DIGEST_BYTES);
    } else {
      left[count++] = position;
    }
  }
  return left.subarray(0, count);
}

/** The positions of `members` ordered by file number (scan order); every file is in one group at most. */
function positionsInScanOrder(members: Uint32Array, files: number): Uint32Array {
  // Indexed loops: an iterator over a million-entry typed array showed in profiles.
  const positionOf = new Int32Array(files).fill(-1);
  for (let position = 0; position < members.length; position++) positionOf[members[position] as number] = position;
  const order = new Uint32Array(members.length);
  let next = 0;
  for (let file = 0; file < files; file++) {
    const position = positionOf[file] as number;
    if (position >= 0) order[next++] = position;
  }
  return order;
}

/**
 * Each group cut by digest; files not HASHED leave; groups of one are dropped. The digests are compared in
 * place (a group's hashed positions sorted by digest, stably, so files keep their scan order): no key string
 * or Map per group, which at 1M files was ~1M short-lived Buffer views and strings a stage.
 */
function regroup(groups: Groups, digests: Uint8Array, status: Uint8Array): Groups {
  const members = new Uint32Array(groups.members.length);
  const bounds: number[] = [0];
  const kept: number[] = []; // for each new group, the position of a member (its digest is the group's)
  let count = 0;
  const compare = (a: number, b: number): number => {
    for (let byte = 0; byte < DIGEST_BYTES; byte++) {
      const difference = (digests[a * DIGEST_BYTES + byte] as number) - (digests[b * DIGEST_BYTES + byte] as number);
      if (difference !== 0) return difference;
    }
    return 0;
  };
  const hashed: number[] = [];
  for (let group = 0; group < groupCount(groups); group++) {
    hashed.length = 0;
    for (let position = groups.bounds[group] as number; position < (groups.bounds[group + 1] as number); position++) {
      if (status[position] === HASHED) hashed.push(position);
    }
    if (hashed.length < 2) continue;
    if (hashed.length > 2) hashed.sort(compare);
    for (let start = 0; start < hashed.length;) {
      let end = start + 1;
      while (end < hashed.length && compare(hashed[start] as number, hashed[end] as number) === 0) end++;
      if (end - start > 1) {
        for (let at = start; at < end; at++) members[count++] = groups.members[hashed[at] as number] as number;
        bounds.push(count);
        kept.push(hashed[start] as number);
      }
      start = end;
    }
  }
  const groupDigests = new Uint8Array(kept.length * DIGEST_BYTES);
  kept.forEach((position, group) => groupDigests.set(digests.subarray(position * DIGEST_BYTES, (position + 1) * DIGEST_BYTES), group * DIGEST_BYTES));
  return { members: members.subarray(0, count), bounds, digests: groupDigests };
}
