import fs from 'node:fs';
import util from 'node:util';
import { type Blake3, createBlake3 } from './blake3.js';
import { type CachedResult, CHANGED, type ContentTask, DIGEST_BYTES, HASHED, type HashPart, type HashResult, type HashTask, NARROW_BYTES, NOT_REGULAR, pathsOf, type SaveCacheResult, PART_BYTES, type SniffResult, UNREADABLE } from './content-protocol.js';
import { sniffFiles } from './sniff-task.js';
import { collectGarbageSoon } from './collect-garbage.js';
import { type NativeModule, nativeModule } from './native-module.js';
import { type ExpectedFile, FileRefused, openRegularFile } from './open-regular-file.js';
import { millisecondsOf, recordTimes } from './stat-times.js';

/**
 * The one buffer a thread reads into, for every task: made once and kept. Memory a thread takes anew costs a
 * page fault per 4 KiB, ~25 us each on the VMs measured here (8 MiB: ~50 ms): the content buffer grown to each
 * task's size, up to 8 MiB, was ~16k of the 47k page faults of a 100k-file search.
 */
const READ_BUFFER_BYTES = 1 << 20;
let buffer: Buffer | undefined;
const readBuffer = (): Buffer => (buffer ??= Buffer.allocUnsafe(READ_BUFFER_BYTES));
let hasher: Promise<Blake3> | undefined;

function unchanged(stats: fs.BigIntStats, size: number, mtimeMs: number): boolean {
  return stats.size === BigInt(size) && millisecondsOf(stats.mtimeNs) === mtimeMs;
}

/** The device and inode the scan saw of the task's file at `index`, as far as known. */
function identityOf(task: HashTask, index: number): ExpectedFile {
  const dev = task.ids?.[index * 2];
  const ino = task.ids?.[index * 2 + 1];
  return { dev: dev === undefined || Number.isNaN(dev) ? undefined : String(dev), ino: ino === undefined || Number.isNaN(ino) ? undefined : String(ino) };
}

/**
 * Hash one file's part into `out` with BLAKE3; answers its status and the bytes read. Opened as every read is
 * (openRegularFile: no symlink followed, no wait on a pipe, the descriptor checked to be the scanned file).
 */
function hashOne(blake3: Blake3, file: string, scanned: ExpectedFile & { size: number; mtimeMs: number }, part: HashPart, out: Uint8Array, times: Float64Array): { status: number; bytes: number } {
  const { size, mtimeMs } = scanned;
  const { descriptor, stats: before } = openRegularFile(file, { dev: scanned.dev, ino: scanned.ino });
  try {
    if (!unchanged(before, size, mtimeMs)) return { status: CHANGED, bytes: 0 };
    recordTimes(before, times);
    const read = readBuffer();
    blake3.reset();
    let bytes = 0;
    // A file of at most PART_BYTES is whole after its prefix read: that digest is final, so it is checked as one.
    if (part === 'full' || (part === 'prefix' && size <= PART_BYTES)) {
      for (;;) {
        const got = fs.readSync(descriptor, read, 0, read.length, bytes);
        if (got === 0) break;
        blake3.update(read.subarray(0, got));
        bytes += got;
      }
      // Read whole: it must still be the file that was scanned, unchanged while it was read.
      // (ctime too: the cache trusts this digest for as long as ctime stays as it was before the read.)
      const after = fs.fstatSync(descriptor, { bigint: true });
      if (bytes !== size || !unchanged(after, size, mtimeMs) || after.ctimeNs !== before.ctimeNs) return { status: CHANGED, bytes };
    } else {
      const length = Math.min(size, PART_BYTES);
      bytes = fs.readSync(descriptor, read, 0, length, part === 'prefix' ? 0 : size - length);
      if (bytes !== length) return { status: CHANGED, bytes };
      blake3.update(read.subarray(0, length));
    }
    const digest = blake3.digest();
    // A narrowing digest keeps 64 bits, like the native one (see NARROW_BYTES); a whole file's keeps all.
    out.set(part === 'full' || size <= PART_BYTES ? digest : digest.subarray(0, NARROW_BYTES));
    return { status: HASHED, bytes };
  } finally {
    fs.closeSync(descriptor);
  }
}

/** The files at `indexes` (of the task), one by one, in JavaScript with the BLAKE3 binding. */
function hashInJavaScript(blake3: Blake3, task: HashTask, paths: string[], indexes: Iterable<number>, result: HashResult): void {
  for (const index of indexes) {
    const file = paths[index] as string;
    try {
      const scanned = { ...identityOf(task, index), size: task.sizes[index] as number, mtimeMs: task.mtimesMs[index] as number };
      const { status, bytes } = hashOne(blake3, file, scanned, task.part,
        result.digests.subarray(index * DIGEST_BYTES, (index + 1) * DIGEST_BYTES), result.times.subarray(index * 4, (index + 1) * 4));
      result.status[index] = status;
      result.bytesRead += bytes;
    } catch (error) {
      // A pipe, device, folder or symlink in its place: not read. Gone or another file since the scan: it changed.
      if (error instanceof FileRefused) result.status[index] = error.reason === 'not-a-regular-file' ? NOT_REGULAR : CHANGED;
      else result.status[index] = (error as NodeJS.ErrnoException).code === 'ENOTDIR' ? CHANGED : UNREADABLE;
      if (result.status[index] === UNREADABLE) result.errors.push({ index, message: (error as Error).message });
    }
  }
}

type PartDigests = NonNullable<NativeModule['partDigests']>;
const NATIVE_PART = { prefix: 0, suffix: 1, full: 2 } as const;
/** partDigests' mode that reads whole files into the caller's buffer instead of digesting them */
const NATIVE_CONTENT = 3;

/** The files at `indexes` (all of the task when omitted) in one native call; results land at their task index. */
function hashNatively(partDigests: PartDigests, task: HashTask, result: HashResult, indexes?: number[]): void {
  const count = indexes?.length ?? task.sizes.length;
  const { paths, sizes, mtimesMs, ids } = indexes ? subsetOf(task, indexes) : task;
  const own = indexes ? { digests: new Uint8Array(count * DIGEST_BYTES), status: new Uint8Array(count), times: new Float64Array(count * 4) } : result;
  const errors = new Int32Array(count);
  result.bytesRead += partDigests(paths, sizes, mtimesMs, NATIVE_PART[task.part], own.digests, own.status, errors, own.times, ids);
  const at = (position: number): number => indexes?.[position] ?? position;
  if (indexes) {
    indexes.forEach((index, position) => {
      result.digests.set(own.digests.subarray(position * DIGEST_BYTES, (position + 1) * DIGEST_BYTES), index * DIGEST_BYTES);
      result.times.set(own.times.subarray(position * 4, (position + 1) * 4), index * 4);
      result.status[index] = own.status[position] as number;
    });
  }
  if (own.status.includes(UNREADABLE)) {
    const words = pathsOf(paths); // only to word the rare error
    own.status.forEach((status, position) => {
      if (status === UNREADABLE) result.errors.push({ index: at(position), message: `${util.getSystemErrorName(-(errors[position] as number))}: cannot read ${words[position]}` });
    });
  }
}

/**
 * The full stage, by size. Up to 4 KiB: natively with the portable BLAKE3 (one call for them all; the
 * binding's per-call cost is the hashing's there). Up to the read buffer's 1 MiB: read natively into it, as
 * many files as fit at a time, then hashed by the binding's SIMD BLAKE3 (6-8 GB/s here, against 0.67 for the
 * portable one), one call a file. Bigger: streamed through the same buffer in JavaScript.
 */
const PORTABLE_MAX_BYTES = 4 * 1024;
const CONTENT_MAX_BYTES = READ_BUFFER_BYTES;

/** Read the files at `indexes` whole into the read buffer natively, as many as fit at once, then hash each. */
async function hashFromContent(partDigests: PartDigests, task: HashTask, result: HashResult, indexes: number[]): Promise<void> {
  const all = pathsOf(task.paths); // once for the task, not once for each bufferful
  for (let start = 0; start < indexes.length;) {
    let end = start;
    let total = 0;
    while (end < indexes.length && total + (task.sizes[indexes[end] as number] as number) <= READ_BUFFER_BYTES) total += task.sizes[indexes[end++] as number] as number;
    await hashFittingContent(partDigests, task, result, indexes.slice(start, end), total, all);
    start = end;
  }
}

async function hashFittingContent(partDigests: PartDigests, task: HashTask, result: HashResult, indexes: number[], total: number, all: string[]): Promise<void> {
  const whole = readBuffer();
  const blake3 = await (hasher ??= createBlake3());
  const sub = subsetOf(task, indexes, all);
  const status = new Uint8Array(indexes.length);
  const times = new Float64Array(indexes.length * 4);
  const errors = new Int32Array(indexes.length);
  result.bytesRead += partDigests(sub.paths, sub.sizes, sub.mtimesMs, NATIVE_CONTENT, whole.subarray(0, total), status, errors, times, sub.ids);
  let at = 0;
  indexes.forEach((index, position) => {
    const size = task.sizes[index] as number;
    result.status[index] = status[position] as number;
    result.times.set(times.subarray(position * 4, position * 4 + 4), index * 4);
    if (status[position] === HASHED) result.digests.set(blake3.hashOf(whole.subarray(at, at + size)), index * DIGEST_BYTES);
    if (status[position] === UNREADABLE) result.errors.push({ index, message: `${util.getSystemErrorName(-(errors[position] as number))}: cannot read ${all[index]}` });
    at += size;
  });
}

/** The task's paths, sizes, mtimes (and identities) of the files at `indexes` only. */
function subsetOf(task: HashTask, indexes: number[], all = pathsOf(task.paths)): { paths: string; sizes: Float64Array; mtimesMs: Float64Array; ids?: Float64Array } {
  const { ids } = task;
  return {
    paths: indexes.map((index) => all[index] as string).join('\0'),
    sizes: Float64Array.from(indexes, (index) => task.sizes[index] as number),
    mtimesMs: Float64Array.from(indexes, (index) => task.mtimesMs[index] as number),
    ids: ids && Float64Array.from({ length: indexes.length * 2 }, (_, at) => ids[(indexes[at >> 1] as number) * 2 + (at & 1)] as number),
  };
}

/** piscina task: a digest of a part of each file of the task. */
export default async function runContentTask(task: ContentTask): Promise<HashResult | CachedResult | SniffResult | SaveCacheResult> {
  // The cache's reader and writer load SQLite (~25 ms a thread): only when a task needs them, not at start-up
  // (a thread's start-up delays the first hashing stage).
  if (task.kind === 'cached') return (await import('./hash-cache-reader.js')).lookUpCached(task);
  if (task.kind === 'save-cache') {
    try {
      return (await import('./hash-cache-writer.js')).writeCacheEntries(task);
    } finally {
      collectGarbageSoon();
    }
  }
  if (task.kind === 'sniff') return sniffFiles(task);
  const count = task.sizes.length;
  const result: HashResult = { digests: new Uint8Array(count * DIGEST_BYTES), status: new Uint8Array(count), errors: [], bytesRead: 0, times: new Float64Array(count * 4) };
  const partDigests = nativeModule().partDigests;
  if (partDigests && task.part !== 'full') {
    hashNatively(partDigests, task, result);
    return result;
  }
  const indexes = Array.from({ length: count }, (_, index) => index);
  const sizeOf = (index: number): number => task.sizes[index] as number;
  const small = partDigests ? indexes.filter((index) => sizeOf(index) <= PORTABLE_MAX_BYTES) : [];
  const medium = partDigests ? indexes.filter((index) => sizeOf(index) > PORTABLE_MAX_BYTES && sizeOf(index) <= CONTENT_MAX_BYTES) : [];
  if (small.length > 0) hashNatively(partDigests as PartDigests, task, result, small.length === count ? undefined : small);
  if (medium.length > 0) await hashFromContent(partDigests as PartDigests, task, result, medium);
  if (small.length + medium.length < count) {
    const large = indexes.filter((index) => !partDigests || sizeOf(index) > CONTENT_MAX_BYTES);
    hashInJavaScript(await (hasher ??= createBlake3()), task, pathsOf(task.paths), large, result);
  }
  return result;
}
