import fs from 'node:fs';
import util from 'node:util';
import { type Blake3, createBlake3 } from './blake3.js';
import { type CachedResult, CHANGED, type ContentTask, DIGEST_BYTES, HASHED, type HashPart, type HashResult, type HashTask, PART_BYTES, type SniffResult, UNREADABLE } from './content-protocol.js';
import { lookUpCached } from './hash-cache-reader.js';
import { sniffFiles } from './sniff-task.js';
import { nativeModule } from './native-module.js';
import { millisecondsOf, recordTimes } from './stat-times.js';

// O_NOFOLLOW: a name that became a symlink since the scan is not followed (Windows has no such flag).
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0);
const READ_BUFFER_BYTES = 1 << 20;
let buffer: Buffer | undefined;
let hasher: Promise<Blake3> | undefined;

function unchanged(stats: fs.BigIntStats, size: number, mtimeMs: number): boolean {
  return stats.isFile() && stats.size === BigInt(size) && millisecondsOf(stats.mtimeNs) === mtimeMs;
}

/** Hash one file's part into `out` with BLAKE3; answers its status and the bytes read. */
function hashOne(blake3: Blake3, file: string, size: number, mtimeMs: number, part: HashPart, out: Uint8Array, times: Float64Array): { status: number; bytes: number } {
  const descriptor = fs.openSync(file, OPEN_FLAGS);
  try {
    const before = fs.fstatSync(descriptor, { bigint: true });
    if (!unchanged(before, size, mtimeMs)) return { status: CHANGED, bytes: 0 };
    recordTimes(before, times);
    const read = buffer ??= Buffer.allocUnsafe(READ_BUFFER_BYTES);
    blake3.reset();
    let bytes = 0;
    if (part === 'full') {
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
    out.set(blake3.digest());
    return { status: HASHED, bytes };
  } finally {
    fs.closeSync(descriptor);
  }
}

function hashInJavaScript(blake3: Blake3, task: HashTask, paths: string[], result: HashResult): void {
  paths.forEach((file, index) => {
    try {
      const { status, bytes } = hashOne(blake3, file, task.sizes[index] as number, task.mtimesMs[index] as number, task.part,
        result.digests.subarray(index * DIGEST_BYTES, (index + 1) * DIGEST_BYTES), result.times.subarray(index * 4, (index + 1) * 4));
      result.status[index] = status;
      result.bytesRead += bytes;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Gone or turned into a symlink (ELOOP with O_NOFOLLOW) since the scan: it changed; else unreadable.
      result.status[index] = code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR' ? CHANGED : UNREADABLE;
      if (result.status[index] === UNREADABLE) result.errors.push({ index, message: (error as Error).message });
    }
  });
}

/** piscina task: a digest of a part of each file of the task. */
export default async function runContentTask(task: ContentTask): Promise<HashResult | CachedResult | SniffResult> {
  if (task.kind === 'cached') return lookUpCached(task);
  if (task.kind === 'sniff') return sniffFiles(task);
  const count = task.sizes.length;
  const result: HashResult = { digests: new Uint8Array(count * DIGEST_BYTES), status: new Uint8Array(count), errors: [], bytesRead: 0, times: new Float64Array(count * 4) };
  const partDigests = nativeModule().partDigests;
  if (task.part !== 'full' && partDigests) {
    const errors = new Int32Array(count);
    result.bytesRead = partDigests(task.paths, task.sizes, task.mtimesMs, task.part === 'suffix', result.digests, result.status, errors, result.times);
    if (result.status.includes(UNREADABLE)) {
      const paths = task.paths.split('\0'); // only to word the rare error
      result.status.forEach((status, index) => {
        if (status === UNREADABLE) result.errors.push({ index, message: `${util.getSystemErrorName(-(errors[index] as number))}: cannot read ${paths[index]}` });
      });
    }
    return result;
  }
  hashInJavaScript(await (hasher ??= createBlake3()), task, task.paths.split('\0'), result);
  return result;
}
