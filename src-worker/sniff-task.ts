import fs from 'node:fs';
import util from 'node:util';
import { captureDateOf } from './capture-date.js';
import { type SniffResult, type SniffTask, SNIFF_CONTENT, SNIFF_DATE } from './content-protocol.js';
import { openRegularFile } from './open-regular-file.js';

const readAt = util.promisify(fs.read);

/**
 * The bytes file-type is given. It names most types from the first 4100 (its reasonableDetectionSizeInBytes);
 * 64 KiB also hold the first entries of a zip, which tell an Office document or an EPUB from an archive.
 */
const HEAD_BYTES = 64 * 1024;

/** Names a file's type by the signature in its first bytes (read through `descriptor`). */
async function sniffType(descriptor: number, size: number): Promise<{ mime: string | null; extension: string | null }> {
  const head = Buffer.allocUnsafe(Math.min(size, HEAD_BYTES));
  const { bytesRead } = await readAt(descriptor, head, 0, head.length, 0);
  // Loaded on first use: it costs ~100 ms, and most runs never sniff.
  const { fileTypeFromBuffer } = await import('file-type');
  const type = await fileTypeFromBuffer(head.subarray(0, bytesRead));
  return { mime: type?.mime ?? null, extension: type?.ext ?? null };
}

/**
 * Type and capture date of one file into `result` at `index`, as far as `wants` asks. The file is opened here,
 * once, as every read is (openRegularFile: no symlink followed, no wait on a pipe that took its place, only a
 * regular file read) and closed whatever happens; the libraries get its bytes, never its path. A file that is
 * gone, refused or unreadable sniffs as unknown, without a date: its row is planned from its name and mtime,
 * and the move checks the file again.
 */
async function sniffOne(file: string, identity: string | undefined, wants: number, result: SniffResult, index: number): Promise<void> {
  let opened: ReturnType<typeof openRegularFile>;
  try {
    const [dev, ino] = identity ? identity.split(':') : [];
    opened = openRegularFile(file, dev !== undefined && ino !== undefined ? { dev, ino } : {});
  } catch {
    return;
  }
  const { descriptor, stats } = opened;
  const size = Number(stats.size);
  try {
    if (wants & SNIFF_CONTENT) {
      const type = await sniffType(descriptor, size).catch(() => ({ mime: null, extension: null }));
      result.mimes[index] = type.mime;
      result.extensions[index] = type.extension;
    }
    if (wants & SNIFF_DATE) result.dates[index] = await captureDateOf(descriptor, size, file).catch(() => Number.NaN);
  } finally {
    fs.closeSync(descriptor);
  }
}

/** Files of a task read at once: their reads overlap in the thread's I/O, as the planner's lanes once did. */
const IN_FLIGHT = 16;

/** piscina task body: type and capture date of each file, as far as `wants` asks. */
export async function sniffFiles(task: SniffTask): Promise<SniffResult> {
  const paths = task.paths.split('\0');
  const identities = task.identities ? task.identities.split('\0') : [];
  const result: SniffResult = { mimes: new Array<string | null>(paths.length).fill(null), extensions: new Array<string | null>(paths.length).fill(null), dates: new Float64Array(paths.length).fill(Number.NaN) };
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < paths.length) {
      const index = next++;
      await sniffOne(paths[index] as string, identities[index], task.wants[index] as number, result, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, paths.length) }, lane));
  return result;
}
