import util from 'node:util';
import { type FileIdentity } from './file-identity.js';
import { nativeModule } from './native-module.js';

/**
 * The optional native fast path for a same-device move (native/fast-move.c): the identity check, link and
 * unlink in one call. On two cores the JavaScript around three sync fs calls a file (argument checks, Stats
 * objects and their garbage) cost as much CPU as the kernel's work; see docs/architecture.md for figures.
 *
 * It only does the plain case. Whenever it answers `not-done`, nothing was changed and the caller does the
 * row the JavaScript way, which decides and words every other outcome. Where the module was not built (no
 * compiler at install, Windows) or FILEORG_NATIVE=off, every row goes the JavaScript way.
 */
export type FastMoveOutcome = 'moved' | 'taken' | 'not-done';

/** Is the fast path in use in this thread? (Tests and the benchmark say which path they measured.) */
export function nativeMovesAvailable(): boolean {
  return nativeModule().moveIfUnchanged !== undefined;
}

/**
 * Move `from` to `to` if `from` is still exactly `expected` (a regular file), never replacing a file at `to`
 * and never through a symlink: each side's folders are opened one by one below its anchor (the UTF-8 length
 * of the root it lies under; 0 when unknown, then only the folder itself is opened as named). With
 * `cacheFolders` the folders stay open for the next moves of this thread, until forgetFolders() (a chunk's end).
 * Throws only when the source could not be removed after linking and the new name could not be taken back:
 * the file then has both names, as the JavaScript path would leave it.
 */
export function fastMove(from: string, to: string, expected: FileIdentity, fromAnchorBytes: number, toAnchorBytes: number, cacheFolders: boolean): FastMoveOutcome {
  const move = nativeModule().moveIfUnchanged;
  if (!move) return 'not-done';
  const code = move(from, to, expected.size, expected.mtimeMs, expected.dev, expected.ino, fromAnchorBytes, toAnchorBytes, cacheFolders);
  if (code === 0) return 'moved';
  if (code === 1) return 'taken';
  if (code === 2) return 'not-done';
  const errno = code >> 8;
  throw new Error(`${from} could not be removed after it was linked to ${to} (${util.getSystemErrorName(-errno)}), and that new name could not be taken back either: the file now has both names`);
}
