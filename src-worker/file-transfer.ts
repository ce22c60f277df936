import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { identityFromStats, type FileIdentity } from './file-identity.js';

const CHUNK = 1024 * 1024;
const copyBuffer = Buffer.allocUnsafe(CHUNK);

/** Where a copy is written before it is put in place: beside the target, hidden, named after its journal row. */
export function temporaryPathFor(target: string, tag: string): string {
  return path.join(path.dirname(target), `.fileorg-${tag}.tmp`);
}

/** link(2) refuses to replace an existing name: that is our atomic "never clobber". Some filesystems lack it. */
const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS', 'EINVAL']);

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Give `from` the additional name `to` without ever replacing a file at `to`. Returns false when `to` is
 * taken. Where hard links are unsupported it falls back to check-then-rename (the only non-atomic path).
 */
function linkNoClobber(from: string, to: string, fallbackRename: boolean): 'linked' | 'renamed' | 'taken' {
  try {
    fs.linkSync(from, to);
    return 'linked';
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') return 'taken';
    if (!fallbackRename || !code || !LINK_UNSUPPORTED.has(code)) throw error;
    if (fs.lstatSync(to, { throwIfNoEntry: false })) return 'taken';
    fs.renameSync(from, to);
    return 'renamed';
  }
}

export function hashFile(file: string): string {
  const hash = crypto.createHash('sha256');
  const descriptor = fs.openSync(file, 'r');
  try {
    for (;;) {
      const read = fs.readSync(descriptor, copyBuffer, 0, CHUNK, null);
      if (read === 0) break;
      hash.update(copyBuffer.subarray(0, read));
    }
  } finally {
    fs.closeSync(descriptor);
  }
  return hash.digest('hex');
}

function fsyncFolder(folder: string): void {
  if (process.platform === 'win32') return; // folders cannot be opened for fsync on Windows
  const descriptor = fs.openSync(folder, 'r');
  try { fs.fsyncSync(descriptor); } finally { fs.closeSync(descriptor); }
}

/** Copy into a fresh temp file (exclusive create), hashing as it goes; fsync; keep the source's times. */
function copyToTemporary(from: string, temporary: string, expected: FileIdentity): string {
  const hash = crypto.createHash('sha256');
  const input = fs.openSync(from, 'r');
  let output: number | undefined;
  try {
    output = fs.openSync(temporary, 'wx');
    for (;;) {
      const read = fs.readSync(input, copyBuffer, 0, CHUNK, null);
      if (read === 0) break;
      hash.update(copyBuffer.subarray(0, read));
      let written = 0;
      while (written < read) written += fs.writeSync(output, copyBuffer, written, read - written);
    }
    const after = fs.fstatSync(input);
    if (after.size !== expected.size || after.mtimeMs !== expected.mtimeMs) throw Object.assign(new Error('the file changed while it was copied'), { code: 'E_CHANGED_SINCE_PLAN' });
    fs.futimesSync(output, after.atime, after.mtime);
    fs.fsyncSync(output);
  } finally {
    if (output !== undefined) fs.closeSync(output);
    fs.closeSync(input);
  }
  return hash.digest('hex');
}

/**
 * Remove the source once its copy or second name is in place. If the source cannot be removed (its folder
 * is read-only), take the new name back, so the file is not doubled, and report the error.
 */
function unlinkOrRetract(source: string, placed: string): void {
  try {
    fs.unlinkSync(source);
  } catch (error) {
    fs.unlinkSync(placed);
    throw error;
  }
}

export type TransferOutcome =
  | { placed: true; identity: FileIdentity; contentHash: string | null }
  | { placed: false };

/**
 * Put the file at `from` (whose identity the caller has just checked) at `to`, never replacing anything.
 * - keepSource false, same device: link + unlink (same inode; a crash in between leaves two names of one file).
 * - otherwise: copy to a temp name beside `to`, fsync, verify the hash, link into place, then (for a move)
 *   unlink the source. A failure at any step leaves the source intact and no temp file behind.
 */
export function transferFile(from: string, to: string, options: {
  keepSource: boolean;
  sameDevice: boolean;
  temporaryTag: string;
  expected: FileIdentity;
}): TransferOutcome {
  if (!options.keepSource && options.sameDevice) {
    try {
      const result = linkNoClobber(from, to, true);
      if (result === 'taken') return { placed: false };
      if (result === 'linked') unlinkOrRetract(from, to);
      return { placed: true, identity: options.expected, contentHash: null };
    } catch (error) {
      if (errorCode(error) !== 'EXDEV') throw error;
      // Same st_dev but another mount (a bind mount): fall through to the copy.
    }
  }
  const temporary = temporaryPathFor(to, options.temporaryTag);
  fs.rmSync(temporary, { force: true }); // a leftover of an interrupted attempt at this very row
  try {
    const written = copyToTemporary(from, temporary, options.expected);
    const verified = hashFile(temporary);
    if (verified !== written) throw new Error(`the copy of ${from} does not match the original (hash mismatch); the original was left in place`);
    const result = linkNoClobber(temporary, to, true);
    if (result === 'taken') return { placed: false };
    if (result === 'linked') fs.unlinkSync(temporary);
    fsyncFolder(path.dirname(to));
    const identity = identityFromStats(to, fs.lstatSync(to));
    if (!options.keepSource) unlinkOrRetract(from, to);
    return { placed: true, identity, contentHash: written };
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}
