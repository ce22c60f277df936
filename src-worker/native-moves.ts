import util from 'node:util';
import { type FileIdentity } from './file-identity.js';
import { nativeModule } from './native-module.js';

/**
 * The native file actions below an anchor (native/fast-move.c): every folder on the way is opened from the
 * anchor one component at a time without following a symlink (and made there with mkdirat when asked), and the
 * link, unlink or rename is made relative to those descriptors. A call by path would follow a folder another
 * user swapped for a symlink between a check and the call (issue 15), so where the module is loaded every
 * write below an anchor goes through here: the same-device move on its happy path in one call (on two cores
 * the JavaScript around three sync fs calls a file cost as much CPU as the kernel's work; see
 * docs/architecture.md), the JavaScript path's own links, unlinks and new folders, and hard-link dedupe's link
 * and rename over a duplicate (and its undo's rename of a copy over the link).
 *
 * Where the module was not built (no compiler at install, Windows) or FILEORG_NATIVE=off, every action is made
 * by path, each folder checked with lstat first (real-folders.ts).
 */
export type NativeAnswer =
  /** moved, linked or unlinked as asked; a folder asked for is there; a file made is open as `descriptor` */
  | { outcome: 'moved'; descriptor: number }
  /** the new name exists (nothing was replaced) */
  | { outcome: 'taken' }
  /** `folder`, on the way below the anchor, is a symlink (or not a folder): nothing was done, nor may be by path */
  | { outcome: 'refused'; folder: string; symlink: boolean }
  /**
   * nothing was changed; `errno` says why (0: the file is not the one expected: changed, or not a regular file).
   * `fromChanged`, in the modes that replace a name: it is `from` that is gone or not the file expected.
   * `folderShared`, in link over: `to`'s folder is another user's, or others may write it and it is not sticky.
   */
  | { outcome: 'not-done'; errno: number; notRegular?: true; fromChanged?: true; folderShared?: true };

/** The modes and flags of native/fast-move.c (the `how` argument). */
const MODE_MOVE = 0;
const MODE_LINK = 1;
const MODE_UNLINK = 2;
const MODE_FOLDER = 3;
const MODE_NEW_FILE = 4;
const MODE_REMOVE_FOLDER = 5;
const MODE_LINK_OVER = 6;
const MODE_RENAME_OVER = 7;
const CREATE_FOLDERS = 8;
const RENAME_WITHOUT_LINKS = 16;
/** Its answers (the low byte) and the refusal's bits above them. */
const MOVED = 0;
const TAKEN = 1;
const NOT_DONE = 2;
const REFUSED = 4;
/** not-done's errno for a name that is there but not a regular file (decoded as errno 0 with notRegular) */
const NOT_A_REGULAR_FILE = 4095;
/** not-done's errno, in the modes that replace a name, when `from` is gone or not the file expected */
const FROM_CHANGED = 4094;
/** not-done's errno, in link over, when another user could rename entries in `to`'s folder (nothing was linked) */
const FOLDER_SHARED = 4093;
const REFUSED_TO = 1 << 8;
const REFUSED_SYMLINK = 1 << 9;
const REFUSED_AT_SHIFT = 10;

type NativeCall = NonNullable<ReturnType<typeof nativeModule>['moveIfUnchanged']>;
const nativeCall = (): NativeCall | undefined => nativeModule().moveIfUnchanged;

/** Is the native path in use in this thread? (Tests and the benchmark say which path they measured.) */
export function nativeMovesAvailable(): boolean {
  return nativeCall() !== undefined;
}

/** The first `bytes` UTF-8 bytes of `text` (where the native walk stopped), or `fallback` when not known. */
function prefixOf(text: string, bytes: number, fallback: string): string {
  if (bytes <= 0) return fallback;
  return Buffer.from(text).subarray(0, bytes).toString('utf8');
}

/** The parent folder of `file` as the native walk saw it. */
const parentOf = (file: string): string => file.slice(0, Math.max(1, file.lastIndexOf('/')));

function decode(code: number, from: string, to: string): NativeAnswer {
  const kind = code & 0xff;
  if (kind === MOVED) return { outcome: 'moved', descriptor: code >>> 8 };
  if (kind === TAKEN) return { outcome: 'taken' };
  if (kind === REFUSED) {
    const side = (code & REFUSED_TO) !== 0 ? to : from;
    return { outcome: 'refused', folder: prefixOf(side, code >>> REFUSED_AT_SHIFT, parentOf(side)), symlink: (code & REFUSED_SYMLINK) !== 0 };
  }
  const errno = code >> 8;
  if (kind === NOT_DONE) {
    if (errno === NOT_A_REGULAR_FILE) return { outcome: 'not-done', errno: 0, notRegular: true };
    if (errno === FROM_CHANGED) return { outcome: 'not-done', errno: 0, fromChanged: true };
    if (errno === FOLDER_SHARED) return { outcome: 'not-done', errno: 0, folderShared: true };
    return { outcome: 'not-done', errno };
  }
  throw new Error(`${from} could not be removed after it was linked to ${to} (${util.getSystemErrorName(-errno)}), and that new name could not be taken back either: the file now has both names`);
}

/** An OS error as Node words its own ("EACCES: permission denied, link 'a' -> 'b'"), for a not-done answer's errno. */
export function systemError(errno: number, syscall: string, file: string, destination?: string): NodeJS.ErrnoException {
  const [code, description] = util.getSystemErrorMap().get(-errno) ?? [`E${errno}`, 'unknown error'];
  const words = `${code}: ${description}, ${syscall} '${file}'${destination === undefined ? '' : ` -> '${destination}'`}`;
  return Object.assign(new Error(words), { code, errno: -errno, syscall, path: file, ...(destination === undefined ? {} : { dest: destination }) });
}

/**
 * Move `from` to `to` if `from` is still exactly `expected` (a regular file), never replacing a file at `to` and
 * never through a symlink: each side's folders are opened one by one below its anchor (the UTF-8 length of the
 * root it lies under; 0 when unknown: then not done). Folders missing on the way to `to` are made. With
 * `cacheFolders` the folders stay open for the next moves of this thread, until forgetFolders() (a chunk's end).
 * Where the file system has no hard links it checks that `to` is free, then renames. Throws only when the
 * source could not be removed after linking and the new name could not be taken back: the file then has both
 * names, as the JavaScript path would leave it.
 */
export function fastMove(from: string, to: string, expected: FileIdentity, fromAnchorBytes: number, toAnchorBytes: number, cacheFolders: boolean): NativeAnswer {
  const call = nativeCall();
  if (!call) return { outcome: 'not-done', errno: 0 };
  const code = call(from, to, expected.size, expected.mtimeMs, expected.dev, expected.ino, fromAnchorBytes, toAnchorBytes, cacheFolders, MODE_MOVE | CREATE_FOLDERS | RENAME_WITHOUT_LINKS);
  return decode(code, from, to);
}

/**
 * Give `from` (still exactly `expected`) the name `to` as well, below their anchors, never replacing anything;
 * where the file system has no hard links, rename it after checking `to` is free. For a copy's temp name: it
 * keeps its name until the source is gone, so recovery knows the placed copy by it.
 */
export function anchoredLink(from: string, to: string, expected: FileIdentity, fromAnchorBytes: number, toAnchorBytes: number): NativeAnswer {
  const call = nativeCall();
  if (!call) return { outcome: 'not-done', errno: 0 };
  return decode(call(from, to, expected.size, expected.mtimeMs, expected.dev, expected.ino, fromAnchorBytes, toAnchorBytes, false, MODE_LINK | RENAME_WITHOUT_LINKS), from, to);
}

/** fastMove without the folder cache: the JavaScript path's same-device move. */
export function anchoredMove(from: string, to: string, expected: FileIdentity, fromAnchorBytes: number, toAnchorBytes: number): NativeAnswer {
  const call = nativeCall();
  if (!call) return { outcome: 'not-done', errno: 0 };
  return decode(call(from, to, expected.size, expected.mtimeMs, expected.dev, expected.ino, fromAnchorBytes, toAnchorBytes, false, MODE_MOVE | CREATE_FOLDERS | RENAME_WITHOUT_LINKS), from, to);
}

/**
 * Create `file` (exclusively, 0600, never through a symlink, its folders made where missing) and answer it open
 * for writing as `descriptor` (the caller closes it): a copy's temp name.
 */
export function anchoredNewFile(file: string, anchorBytes: number): NativeAnswer {
  const call = nativeCall();
  if (!call) return { outcome: 'not-done', errno: 0 };
  return decode(call(file, file, 0, 0, '0', '0', anchorBytes, anchorBytes, false, MODE_NEW_FILE | CREATE_FOLDERS), file, file);
}

/** Remove `file` if it is still exactly `expected` (a regular file), reached through real folders below its anchor. */
export function anchoredUnlink(file: string, expected: FileIdentity, anchorBytes: number): NativeAnswer {
  const call = nativeCall();
  if (!call) return { outcome: 'not-done', errno: 0 };
  return decode(call(file, file, expected.size, expected.mtimeMs, expected.dev, expected.ino, anchorBytes, anchorBytes, false, MODE_UNLINK), file, file);
}

/** Is `folder` a real folder below its anchor, every component on the way too? With `create`, each missing one is made. */
export function anchoredFolder(folder: string, anchorBytes: number, create: boolean): NativeAnswer {
  const call = nativeCall();
  if (!call) return { outcome: 'not-done', errno: 0 };
  return decode(call(folder, folder, 0, 0, '0', '0', anchorBytes, anchorBytes, false, MODE_FOLDER | (create ? CREATE_FOLDERS : 0)), folder, folder);
}

/** Remove the empty folder `folder`, reached through real folders below its anchor (never through a symlink). */
export function anchoredRemoveFolder(folder: string, anchorBytes: number): NativeAnswer {
  const call = nativeCall();
  if (!call) return { outcome: 'not-done', errno: 0 };
  return decode(call(folder, folder, 0, 0, '0', '0', anchorBytes, anchorBytes, false, MODE_REMOVE_FOLDER), folder, folder);
}

/** What the calls that replace a name check of `from` besides `to` itself: its device and inode, and `to`'s ctime. */
export interface ReplaceChecks {
  fromDev: string;
  fromIno: string;
  /** `to`'s ctime in ns as checked last (a quiet edit keeps size and mtime); undefined: not compared */
  ctimeNs?: string;
}

/**
 * Hard-link dedupe's last step: link `from` (the kept file, still `checks.fromDev`/`fromIno`) to `temporary`
 * beside `to` (the duplicate), check that the temp name holds `from` and that `to` is still exactly `expected`
 * (and its ctime), then rename the temp name over `to`; on any failure after the link the temp name goes again.
 * Both folders are opened from their anchors without following a symlink and every step is made relative to
 * them. Answers taken when the temp name exists, not-done with fromChanged for a kept file that is not the one checked,
 * and not-done with folderShared, before anything is linked, when another user could rename the temp name away.
 */
export function anchoredLinkOver(from: string, temporary: string, to: string, expected: FileIdentity, checks: ReplaceChecks, fromAnchorBytes: number, toAnchorBytes: number): NativeAnswer {
  const call = nativeCall();
  if (!call) return { outcome: 'not-done', errno: 0 };
  return decode(call(from, to, expected.size, expected.mtimeMs, expected.dev, expected.ino, fromAnchorBytes, toAnchorBytes, false, MODE_LINK_OVER,
    temporary, checks.fromDev, checks.fromIno, checks.ctimeNs ?? ''), from, to);
}

/**
 * Rename `from` (still `checks.fromDev`/`fromIno`: a copy under its temp name) over `to`, which must still be
 * exactly `expected` (and its ctime), both reached through real folders below their anchors: the undo of a hard
 * link puts the name's own copy over the link this way.
 */
export function anchoredRenameOver(from: string, to: string, expected: FileIdentity, checks: ReplaceChecks, fromAnchorBytes: number, toAnchorBytes: number): NativeAnswer {
  const call = nativeCall();
  if (!call) return { outcome: 'not-done', errno: 0 };
  return decode(call(from, to, expected.size, expected.mtimeMs, expected.dev, expected.ino, fromAnchorBytes, toAnchorBytes, false, MODE_RENAME_OVER,
    '', checks.fromDev, checks.fromIno, checks.ctimeNs ?? ''), from, to);
}
