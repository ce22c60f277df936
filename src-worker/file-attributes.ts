import fs from 'node:fs';
import util from 'node:util';
import { nativeAttributeCalls } from './native-module.js';

/**
 * A copy keeps what makes the file the user's: its permissions, its times (atime and mtime), its owner and
 * group when this process may set them (root), and its extended attributes where the native module can copy
 * them (Linux, macOS). Without this a private 0600 file moved across devices came out world-readable.
 */
export interface FileAttributes {
  mode: number;
  uid: number;
  gid: number;
  atimeMs: number;
  mtimeMs: number;
  /** the times to the nanosecond, where they were read so (bigint stats): given back exactly where the OS can */
  atimeNs?: bigint;
  mtimeNs?: bigint;
}

export function attributesOf(stats: fs.Stats | fs.BigIntStats): FileAttributes {
  const own = { mode: Number(stats.mode) & 0o7777, uid: Number(stats.uid), gid: Number(stats.gid) };
  if ('atimeNs' in stats) return { ...own, atimeMs: Number(stats.atimeNs) / 1e6, mtimeMs: Number(stats.mtimeNs) / 1e6, atimeNs: stats.atimeNs, mtimeNs: stats.mtimeNs };
  return { ...own, atimeMs: stats.atimeMs, mtimeMs: stats.mtimeMs };
}

const BILLION = 1_000_000_000n;
const nanosecondsOf = (exact: bigint | undefined, milliseconds: number): bigint => exact ?? BigInt(Math.round(milliseconds * 1e6));

/** atime and mtime: exactly with the native futimens, else through fs.futimes (float seconds: microseconds). */
function setTimes(descriptor: number, attributes: FileAttributes): void {
  const exact = nativeAttributeCalls().setTimes;
  if (exact) {
    const atime = nanosecondsOf(attributes.atimeNs, attributes.atimeMs);
    const mtime = nanosecondsOf(attributes.mtimeNs, attributes.mtimeMs);
    const errno = exact(descriptor, Number(atime / BILLION), Number(atime % BILLION), Number(mtime / BILLION), Number(mtime % BILLION));
    if (errno === 0) return;
  }
  setTimes(descriptor, attributes);
}

const mayChangeOwner = (): boolean => process.getuid?.() === 0;

/** Give the open file `descriptor` these attributes (and `fromDescriptor`'s extended attributes, if given). */
export function applyAttributes(descriptor: number, attributes: FileAttributes, fromDescriptor?: number): void {
  if (fromDescriptor !== undefined) {
    const copy = nativeAttributeCalls().copyAttributes;
    const failed = copy?.(fromDescriptor, descriptor);
    if (failed) {
      const [errno, name] = failed;
      const code = util.getSystemErrorName(-errno);
      throw Object.assign(new Error(`${code}: the extended attribute ${name} could not be copied with the file (${util.getSystemErrorMap().get(-errno)?.[1] ?? 'error'}); the file was left where it is`), { code });
    }
  }
  if (mayChangeOwner() && process.platform !== 'win32') {
    const stats = fs.fstatSync(descriptor);
    if (stats.uid !== attributes.uid || stats.gid !== attributes.gid) fs.fchownSync(descriptor, attributes.uid, attributes.gid);
  }
  // After chown, which clears set-id bits.
  if (process.platform !== 'win32') fs.fchmodSync(descriptor, attributes.mode);
  setTimes(descriptor, attributes);
}

/** Same owner, group and permissions: what two names of one file (a hard link) must already share. */
export function sameOwnership(a: FileAttributes, b: FileAttributes): boolean {
  return a.mode === b.mode && a.uid === b.uid && a.gid === b.gid;
}
