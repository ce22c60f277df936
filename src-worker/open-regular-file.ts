import fs from 'node:fs';
import { millisecondsOf } from './stat-times.js';

/**
 * Every file the engine reads is opened here: without following a symlink (O_NOFOLLOW), without blocking
 * (O_NONBLOCK: opening a named pipe that took a file's place would otherwise wait for a writer forever),
 * then checked on the descriptor itself (fstat), so what is read is a regular file and, when the caller
 * says which, still the one that was scanned. Windows has neither flag; there a name cannot become a pipe.
 */
const READ_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);

/**
 * O_NOATIME (Linux): reading a file to copy, verify or hash it does not touch its atime, which a moved file
 * keeps. Only the file's owner (or root) may ask for it; anyone else opens it the ordinary way.
 */
const NO_ATIME = fs.constants.O_NOATIME ?? 0;
function openWithoutAtime(file: string): number {
  if (NO_ATIME !== 0) {
    try {
      return fs.openSync(file, READ_FLAGS | NO_ATIME);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    }
  }
  return fs.openSync(file, READ_FLAGS);
}

/** Why a file was not opened: a stable reason (see SKIP_REASONS) and the words for it. */
export class FileRefused extends Error {
  constructor(readonly reason: 'not-a-regular-file' | 'changed-since-plan' | 'source-missing', message: string) {
    super(message);
  }
}

export interface ExpectedFile {
  dev?: string;
  ino?: string;
  size?: number;
  mtimeMs?: number;
}

export interface OpenedFile {
  descriptor: number;
  stats: fs.BigIntStats;
}

/** Open `file` for reading if it is a regular file (and the expected one); the caller closes the descriptor. */
export function openRegularFile(file: string, expected: ExpectedFile = {}): OpenedFile {
  let descriptor: number;
  try {
    descriptor = openWithoutAtime(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FileRefused('source-missing', `${file} is gone`);
    // ELOOP: the name is a symlink now (O_NOFOLLOW); ENXIO: a socket or a pipe's unmatched end.
    if (code === 'ELOOP' || code === 'ENXIO' || code === 'EISDIR') throw new FileRefused('not-a-regular-file', `${file} is no longer a regular file (a symlink, pipe or folder took its place); it was not read`);
    throw error;
  }
  try {
    const stats = fs.fstatSync(descriptor, { bigint: true });
    if (!stats.isFile()) throw new FileRefused('not-a-regular-file', `${file} is no longer a regular file (a pipe, device or folder took its place); it was not read`);
    const changed = (expected.dev !== undefined && String(stats.dev) !== expected.dev) || (expected.ino !== undefined && String(stats.ino) !== expected.ino)
      || (expected.size !== undefined && Number(stats.size) !== expected.size)
      || (expected.mtimeMs !== undefined && millisecondsOf(stats.mtimeNs) !== expected.mtimeMs);
    if (changed) throw new FileRefused('changed-since-plan', `${file} is not the file that was scanned (it was replaced or changed)`);
    return { descriptor, stats };
  } catch (error) {
    fs.closeSync(descriptor);
    throw error;
  }
}
