import fs from 'node:fs';
import { attributeCopier } from './native-module.js';

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
}

export function attributesOf(stats: fs.Stats | fs.BigIntStats): FileAttributes {
  return {
    mode: Number(stats.mode) & 0o7777, uid: Number(stats.uid), gid: Number(stats.gid),
    atimeMs: 'atimeNs' in stats ? Number(stats.atimeNs) / 1e6 : stats.atimeMs,
    mtimeMs: 'mtimeNs' in stats ? Number(stats.mtimeNs) / 1e6 : stats.mtimeMs,
  };
}

const mayChangeOwner = (): boolean => process.getuid?.() === 0;

/** Give the open file `descriptor` these attributes (and `fromDescriptor`'s extended attributes, if given). */
export function applyAttributes(descriptor: number, attributes: FileAttributes, fromDescriptor?: number): void {
  if (fromDescriptor !== undefined) {
    const copy = attributeCopier();
    if (copy) {
      const errno = copy(fromDescriptor, descriptor);
      if (errno !== 0) throw Object.assign(new Error(`the file's extended attributes could not be copied (errno ${errno})`), { code: 'EIO' });
    }
  }
  if (mayChangeOwner() && process.platform !== 'win32') {
    const stats = fs.fstatSync(descriptor);
    if (stats.uid !== attributes.uid || stats.gid !== attributes.gid) fs.fchownSync(descriptor, attributes.uid, attributes.gid);
  }
  // After chown, which clears set-id bits.
  if (process.platform !== 'win32') fs.fchmodSync(descriptor, attributes.mode);
  fs.futimesSync(descriptor, attributes.atimeMs / 1000, attributes.mtimeMs / 1000);
}

/** Same owner, group and permissions: what two names of one file (a hard link) must already share. */
export function sameOwnership(a: FileAttributes, b: FileAttributes): boolean {
  return a.mode === b.mode && a.uid === b.uid && a.gid === b.gid;
}
