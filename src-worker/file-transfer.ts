import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyAttributes, attributesOf, type FileAttributes } from './file-attributes.js';
import { identityFromStats, readIdentity, type FileIdentity } from './file-identity.js';
import { anchoredLink, anchoredMove, anchoredNewFile, anchoredUnlink, type NativeAnswer, systemError } from './native-moves.js';
import { FileRefused, openRegularFile } from './open-regular-file.js';
import { folderRefused, type FolderChecks } from './real-folders.js';
import { pauseForTest } from './test-pause.js';

const CHUNK = 1024 * 1024;
const { EEXIST, ENOENT, EXDEV } = os.constants.errno;
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

/** The source changed between the start of its copy and the last check before it would be unlinked. */
export class ChangedDuringMove extends Error {
  readonly reason = 'changed-during-move';
}

/**
 * What a native action below the anchors came to, for a caller that goes on only when it was done: taken is
 * answered; a symlink on the way is a FolderRefused; a file that is no longer the one checked a moment ago is
 * `changed`, one that is gone `gone`; anything else the OS error, worded as Node words its own.
 */
function settled(answer: NativeAnswer, words: { syscall: string; file: string; destination?: string; changed: () => Error; gone?: () => Error }): 'done' | 'taken' {
  if (answer.outcome === 'moved') return 'done';
  if (answer.outcome === 'taken') return 'taken';
  if (answer.outcome === 'refused') throw folderRefused(answer.folder, answer.symlink);
  if (answer.errno === 0) throw words.changed();
  if (answer.errno === ENOENT) throw words.gone?.() ?? new FileRefused('source-missing', `${words.file} is gone`);
  throw systemError(answer.errno, words.syscall, words.file, words.destination);
}

/**
 * Both paths lie below anchors and the native module is loaded: then the writes are made through it, relative
 * to folders opened without following a symlink, never by path. Answers the two anchor lengths.
 */
function anchored(folders: FolderChecks, from: string, to: string): [number, number] | undefined {
  const fromAnchor = folders.nativeAnchorOf(from);
  const toAnchor = folders.nativeAnchorOf(to);
  return fromAnchor > 0 && toAnchor > 0 ? [fromAnchor, toAnchor] : undefined;
}

/**
 * Remove `file`, which was `expected` a moment ago, reached through real folders only where the native module is
 * loaded (by path, after the caller's lstat checks of its folders, where it is not). `changed`: the error when
 * it is no longer that file. A file already gone is fine.
 */
export function removeFile(file: string, expected: FileIdentity, folders: FolderChecks, changed: () => Error): void {
  const anchor = folders.nativeAnchorOf(file);
  if (anchor === 0) {
    fs.rmSync(file, { force: true });
    return;
  }
  const answer = anchoredUnlink(file, expected, anchor);
  if (answer.outcome === 'not-done' && answer.errno === ENOENT) return;
  settled(answer, { syscall: 'unlink', file, changed });
}

/**
 * Give `from` the additional name `to` without ever replacing a file at `to`. Returns false when `to` is
 * taken. Where hard links are unsupported it falls back to check-then-rename (the only non-atomic path).
 * With the native module and anchors, `from` must still be `expected`, and no folder on the way is followed.
 */
function linkNoClobber(from: string, to: string, folders: FolderChecks, expected: FileIdentity): 'linked' | 'renamed' | 'taken' {
  const anchors = anchored(folders, from, to);
  if (anchors) {
    const changed = (): Error => new ChangedDuringMove(`the copy of ${from} was replaced or removed by another program before it was put in place; the file was left where it is`);
    // Linked, or renamed where there are no hard links: either way `to` is the file now, and a temp name left goes in the end.
    return settled(anchoredLink(from, to, expected, ...anchors), { syscall: 'link', file: from, destination: to, changed, gone: changed }) === 'taken' ? 'taken' : 'linked';
  }
  try {
    fs.linkSync(from, to);
    return 'linked';
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') return 'taken';
    if (!code || !LINK_UNSUPPORTED.has(code)) throw error;
    if (fs.lstatSync(to, { throwIfNoEntry: false })) return 'taken';
    fs.renameSync(from, to);
    return 'renamed';
  }
}

export function hashFile(file: string): string {
  const hash = crypto.createHash('sha256');
  const { descriptor } = openRegularFile(file);
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
  const descriptor = fs.openSync(folder, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW);
  try { fs.fsyncSync(descriptor); } finally { fs.closeSync(descriptor); }
}

/** What a file was when its copy began: the last check before the source goes compares against this. */
export interface CopyStart {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

const startOf = (stats: fs.BigIntStats): CopyStart => ({ dev: stats.dev, ino: stats.ino, size: stats.size, mtimeNs: stats.mtimeNs, ctimeNs: stats.ctimeNs });
const unchangedSince = (start: CopyStart, stats: fs.BigIntStats | undefined): boolean => stats !== undefined && stats.isFile()
  && stats.dev === start.dev && stats.ino === start.ino && stats.size === start.size && stats.mtimeNs === start.mtimeNs && stats.ctimeNs === start.ctimeNs;

/**
 * A new temp file, open for writing: made relative to its folder opened without following a symlink where the
 * native module is loaded and `folders` knows its anchor, else by path (only its own name is not followed then).
 */
function createTemporary(temporary: string, folders: FolderChecks | undefined): number {
  const anchor = folders?.nativeAnchorOf(temporary) ?? 0;
  if (anchor === 0) return fs.openSync(temporary, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0), 0o600);
  const answer = anchoredNewFile(temporary, anchor);
  if (answer.outcome === 'moved') return answer.descriptor;
  if (answer.outcome === 'refused') throw folderRefused(answer.folder, answer.symlink);
  throw systemError(answer.outcome === 'taken' ? EEXIST : answer.errno, 'open', temporary);
}

/**
 * Copy into a fresh temp file (exclusive create, private until it is whole), hashing as it goes; give it the
 * source's permissions, owner, times and extended attributes (or `attributes`, where undo gives a name its
 * own back); fsync. Answers the content's hash, the source as it was when the copy began, and the copy's inode.
 * With `folders`, the temp file is made through real folders below its anchor (where the native module is loaded).
 */
export function copyToTemporary(from: string, temporary: string, expected: FileIdentity, attributes?: FileAttributes, folders?: FolderChecks): { hash: string; start: CopyStart; ino: bigint } {
  const hash = crypto.createHash('sha256');
  const { descriptor: input, stats: before } = openRegularFile(from, { dev: expected.dev, ino: expected.ino, size: expected.size, mtimeMs: expected.mtimeMs });
  let output: number | undefined;
  try {
    output = createTemporary(temporary, folders);
    for (;;) {
      const read = fs.readSync(input, copyBuffer, 0, CHUNK, null);
      if (read === 0) break;
      hash.update(copyBuffer.subarray(0, read));
      let written = 0;
      while (written < read) written += fs.writeSync(output, copyBuffer, written, read - written);
    }
    const start = startOf(before);
    if (!unchangedSince(start, fs.fstatSync(input, { bigint: true }))) throw new ChangedDuringMove(`${from} changed while it was copied; the copy was discarded and the file left where it is`);
    applyAttributes(output, attributes ?? attributesOf(before), input);
    fs.fsyncSync(output);
    return { hash: hash.digest('hex'), start, ino: fs.fstatSync(output, { bigint: true }).ino };
  } finally {
    if (output !== undefined) fs.closeSync(output);
    fs.closeSync(input);
  }
}

/**
 * Remove the source once its copy or second name is in place. If the source cannot be removed (its folder
 * is read-only), take the new name back, so the file is not doubled, and report the error. With the native
 * module and anchors both are removed only through real folders, and each only while it is the file checked
 * (`sourceAs`: the source at its last check; `placedAs`: the name placed).
 */
function unlinkOrRetract(source: string, placed: string, folders: FolderChecks, sourceAs: FileIdentity | undefined, placedAs: FileIdentity): void {
  const anchors = anchored(folders, source, placed);
  if (!anchors) {
    try {
      fs.unlinkSync(source);
    } catch (error) {
      fs.unlinkSync(placed);
      throw error;
    }
    return;
  }
  const changed = (): Error => new ChangedDuringMove(`${source} changed while it was being moved; the copy was discarded and the file left where it is`);
  try {
    if (!sourceAs) throw changed();
    settled(anchoredUnlink(source, sourceAs, anchors[0]), { syscall: 'unlink', file: source, changed, gone: changed });
  } catch (error) {
    removeFile(placed, placedAs, folders, () => new Error(`${placed} changed before it could be taken back; the file now has two names`));
    throw error;
  }
}

export type TransferOutcome =
  | { placed: true; identity: FileIdentity; contentHash: string | null }
  | { placed: false };

/**
 * Put the file at `from` (whose identity the caller has just checked) at `to`, never replacing anything and
 * never through a symlinked folder (every folder below an anchor is checked, and created, one at a time).
 * - keepSource false, same device: link + unlink (same inode; a crash in between leaves two names of one file).
 * - otherwise: copy to a temp name beside `to`, fsync, verify the hash, link into place, check that the source
 *   is still exactly as it was when the copy began, then (for a move) unlink it. A failure or a change at any
 *   step leaves the source intact, no temp file and no copy behind (ChangedDuringMove says the source changed).
 */
export function transferFile(from: string, to: string, options: {
  keepSource: boolean;
  sameDevice: boolean;
  temporaryTag: string;
  expected: FileIdentity;
  /** the roots the paths lie below: folders under them must be real folders */
  /** the folders of this chunk of rows: each used only while it is a real folder below its anchor */
  folders: FolderChecks;
}): TransferOutcome {
  if (!options.folders.real(path.dirname(from), false)) throw new FileRefused('source-missing', `${from} is gone`);
  options.folders.real(path.dirname(to), true);
  if (!options.keepSource && options.sameDevice) {
    const anchors = anchored(options.folders, from, to);
    if (anchors) {
      // Link and unlink relative to folders opened without following a symlink (never by path).
      const answer = anchoredMove(from, to, options.expected, ...anchors);
      if (answer.outcome !== 'not-done' || answer.errno !== EXDEV) {
        const changed = (): Error => new ChangedDuringMove(`${from} changed while it was being moved; it was left where it is`);
        if (settled(answer, { syscall: 'move', file: from, destination: to, changed }) === 'taken') return { placed: false };
        return { placed: true, identity: options.expected, contentHash: null };
      }
      // Same st_dev but another mount (a bind mount): on to the copy.
    } else {
      try {
        const result = linkNoClobber(from, to, options.folders, options.expected);
        if (result === 'taken') return { placed: false };
        if (result === 'linked') unlinkOrRetract(from, to, options.folders, undefined, options.expected);
        return { placed: true, identity: options.expected, contentHash: null };
      } catch (error) {
        if (errorCode(error) !== 'EXDEV') throw error;
        // Same st_dev but another mount (a bind mount): fall through to the copy.
      }
    }
  }
  const temporary = temporaryPathFor(to, options.temporaryTag);
  removeTemporary(temporary, undefined, options.folders); // a leftover of an interrupted attempt at this very row
  let ours: bigint | undefined;
  try {
    const copied = copyToTemporary(from, temporary, options.expected, undefined, options.folders);
    ours = copied.ino;
    const { hash: written, start } = copied;
    const verified = hashFile(temporary);
    if (verified !== written) throw new Error(`the copy of ${from} does not match the original (hash mismatch); the original was left in place`);
    pauseForTest('after-copy', from);
    options.folders.real(path.dirname(to), true);
    // The temp name must still hold the copy written and checked (no one put another file there meanwhile).
    const copyAs = readIdentity(temporary);
    if (copyAs?.ino !== String(ours)) {
      throw new ChangedDuringMove(`the copy of ${from} was replaced by another program before it was put in place; the file was left where it is`);
    }
    // The temp name stays until the source is gone: after a crash, recovery knows the placed copy by it.
    const result = linkNoClobber(temporary, to, options.folders, copyAs);
    if (result === 'taken') return { placed: false };
    fsyncFolder(path.dirname(to));
    const identity = identityFromStats(to, fs.lstatSync(to));
    pauseForTest('before-unlink', from);
    // The last moment: the source must be exactly as it was when the copy began, or the copy is not the file.
    const placedNow = fs.lstatSync(to, { bigint: true, throwIfNoEntry: false });
    if (!unchangedSince(start, fs.lstatSync(from, { bigint: true, throwIfNoEntry: false })) || placedNow?.ino !== ours) {
      const changed = new ChangedDuringMove(`${from} changed while it was being ${options.keepSource ? 'copied' : 'moved'}; the copy was discarded and the file left where it is`);
      const placedAs = placedNow?.ino === ours && options.folders.real(path.dirname(to), false) ? readIdentity(to) : undefined;
      if (placedAs) removeFile(to, placedAs, options.folders, () => changed);
      throw changed;
    }
    if (!options.keepSource) unlinkOrRetract(from, to, options.folders, readIdentity(from), identity);
    return { placed: true, identity, contentHash: written };
  } finally {
    removeTemporary(temporary, ours, options.folders);
  }
}

/**
 * Remove a row's temp file, by its name, only through real folders (never through a folder swapped for a
 * symlink) and, when its inode is known, only if it is still that file.
 */
export function removeTemporary(temporary: string, ino: bigint | undefined, folders: FolderChecks): void {
  try {
    if (!folders.real(path.dirname(temporary), false)) return;
  } catch {
    return; // a symlink on the way: whatever is there is not ours to remove
  }
  const stats = fs.lstatSync(temporary, { bigint: true, throwIfNoEntry: false });
  if (!stats || (ino !== undefined && stats.ino !== ino)) return;
  if (folders.nativeAnchorOf(temporary) === 0) {
    fs.rmSync(temporary, { force: true });
    return;
  }
  const found = readIdentity(temporary);
  if (!found || found.ino !== String(stats.ino)) return;
  // Only the file just seen goes: one put there meanwhile, or one reached through a symlink by now, is not ours.
  const answer = anchoredUnlink(temporary, found, folders.nativeAnchorOf(temporary));
  if (answer.outcome === 'not-done' && answer.errno !== 0 && answer.errno !== ENOENT) throw systemError(answer.errno, 'unlink', temporary);
}
