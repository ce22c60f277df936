import fs from 'node:fs';

/** Who a file is: the plan remembers this and the run checks it, so a changed file is never moved. */
export interface FileIdentity {
  size: number;
  mtimeMs: number;
  dev: string;
  ino: string;
}

/** Number stats are lossy past 2^53 (inodes are 64-bit); only then are bigint stats read. */
export function identityFromStats(file: string, stats: fs.Stats): FileIdentity {
  if (Number.isSafeInteger(stats.ino) && Number.isSafeInteger(stats.dev)) {
    return { size: stats.size, mtimeMs: stats.mtimeMs, dev: String(stats.dev), ino: String(stats.ino) };
  }
  const exact = fs.lstatSync(file, { bigint: true });
  return { size: stats.size, mtimeMs: stats.mtimeMs, dev: String(exact.dev), ino: String(exact.ino) };
}

/** The identity of a regular file at `file`, or undefined when nothing (or not a regular file) is there. */
export function readIdentity(file: string): FileIdentity | undefined {
  const stats = fs.lstatSync(file, { throwIfNoEntry: false });
  return stats?.isFile() ? identityFromStats(file, stats) : undefined;
}

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.ino === b.ino && a.dev === b.dev && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** Same content and time, maybe another inode: what a verified cross-device copy keeps. */
export function sameSizeAndTime(a: FileIdentity, b: FileIdentity): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs;
}
