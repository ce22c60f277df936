import fs from 'node:fs';
import path from 'node:path';
import { anchoredFolder, nativeMovesAvailable, systemError } from './native-moves.js';

/**
 * Folders below a root are used only when they are real folders at that moment: a symlink named like a
 * category folder, or a folder swapped for a symlink before undo, would otherwise send files outside the
 * tree. Each component below the anchor (the root the user gave, trusted as given) is checked with lstat
 * and, when asked, created one at a time. The native module does the same atomically with openat and mkdirat;
 * where it is loaded, folders are made through it (a folder swapped for a symlink between an lstat and a mkdir
 * by path would have the new folder made wherever the symlink points).
 */
export class FolderRefused extends Error {
  readonly reason = 'symlink-in-path';
}

/** The refusal of `at`, a symlink (or some other file) where a folder should be, in the words every path uses. */
export function folderRefused(at: string, symlink: boolean): FolderRefused {
  return new FolderRefused(`${at} is ${symlink ? 'a symlink' : 'not a folder'}; FileOrganizer never follows one, so nothing was put through it`);
}

/** The longest anchor that `target` is, or lies inside; undefined when none does. */
export function anchorOf(anchors: readonly string[], target: string): string | undefined {
  let best: string | undefined;
  for (const anchor of anchors) {
    const inside = target === anchor || target.startsWith(anchor.endsWith(path.sep) ? anchor : anchor + path.sep);
    if (inside && (best === undefined || anchor.length > best.length)) best = anchor;
  }
  return best;
}

/**
 * Check (and with `create`, make) every folder from the anchor down to `folder`. Throws FolderRefused for a
 * symlink or a non-folder on the way; answers false when a component is missing and `create` is off.
 * With no anchors at all (a unit test's row), only `folder` itself is checked (it must not be a symlink).
 * `verified`: folders already checked by this same batch of folder work (making or removing many folders at
 * once), not checked again within it.
 */
export function ensureRealFolder(anchors: readonly string[], given: string, create: boolean, verified?: Set<string>): boolean {
  const folder = path.resolve(given);
  const anchor = anchorOf(anchors, folder);
  // Every path an operation acts on lies below one of its folders; one that does not is never used.
  if (anchor === undefined && anchors.length > 0) throw new FolderRefused(`${given} is outside the folders of this operation; nothing was put there`);
  const parts = anchor === undefined ? [] : path.relative(anchor, folder).split(path.sep).filter(Boolean);
  let current = anchor ?? folder;
  const check = (at: string): boolean => {
    let stats = fs.lstatSync(at, { throwIfNoEntry: false });
    if (!stats) {
      if (!create) return false;
      try { fs.mkdirSync(at); } catch (error) { if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; }
      stats = fs.lstatSync(at);
    }
    if (!stats.isDirectory()) throw folderRefused(at, stats.isSymbolicLink());
    return true;
  };
  if (anchor === undefined) {
    if (create) fs.mkdirSync(folder, { recursive: true });
    return check(folder);
  }
  if (create && !verified?.has(anchor)) fs.mkdirSync(anchor, { recursive: true }); // the root itself (a destination not made yet)
  verified?.add(anchor);
  if (create && nativeMovesAvailable() && !verified?.has(folder)) {
    // Made below the anchor relative to each opened parent, never through a symlink (native/fast-move.c).
    const answer = anchoredFolder(folder, anchorBytes([anchor], folder), true);
    if (answer.outcome === 'refused') throw folderRefused(answer.folder, answer.symlink);
    if (answer.outcome === 'not-done') throw systemError(answer.errno, 'mkdir', folder);
    for (const part of parts) {
      current = path.join(current, part);
      verified?.add(current);
    }
    return true;
  }
  for (const part of parts) {
    current = path.join(current, part);
    if (verified?.has(current)) continue;
    if (!check(current)) return false;
    verified?.add(current);
  }
  return true;
}

/** The UTF-8 length of the anchor of `target` (what the native move walks from); 0 when there is none. */
export function anchorBytes(anchors: readonly string[], target: string): number {
  const anchor = anchorOf(anchors, target);
  return anchor === undefined ? 0 : Buffer.byteLength(anchor.endsWith(path.sep) && anchor.length > 1 ? anchor.slice(0, -1) : anchor);
}

/**
 * The UTF-8 length of the anchor of `target` when the native module makes this thread's writes below anchors;
 * 0 (by path, after lstat checks) where it is not loaded or `target` lies below no anchor.
 */
export function nativeAnchorBytes(anchors: readonly string[], target: string): number {
  return nativeMovesAvailable() ? anchorBytes(anchors, target) : 0;
}

/**
 * The folders one chunk of rows uses (or one recovery, one retry on the main thread): each is checked from its
 * anchor, component by component, the first time; at each later use, only that its path still names that same
 * folder (one lstat against the device and inode checked). A folder renamed away, or replaced, is checked anew
 * from its anchor. The native move keeps its folders the same way (native/fast-move.c).
 */
export function createFolderChecks(anchors: readonly string[]) {
  const known = new Map<string, { dev: bigint; ino: bigint }>();
  /** Is `folder` a real folder below its anchor (made, one checked component at a time, when `create`)? */
  const real = (folder: string, create: boolean): boolean => {
    const seen = known.get(folder);
    if (seen) {
      const now = fs.lstatSync(folder, { bigint: true, throwIfNoEntry: false });
      if (now?.isDirectory() && now.dev === seen.dev && now.ino === seen.ino) return true;
      known.delete(folder);
    }
    if (!ensureRealFolder(anchors, folder, create)) return false;
    // Renamed away or swapped since ensureRealFolder looked: gone, or refused as any swapped folder is.
    const stats = fs.lstatSync(folder, { bigint: true, throwIfNoEntry: false });
    if (!stats) return false;
    if (!stats.isDirectory()) throw folderRefused(folder, stats.isSymbolicLink());
    known.set(folder, { dev: stats.dev, ino: stats.ino });
    return true;
  };
  return {
    anchors,
    real,
    /** the anchor length the native module walks `target` from; 0: write by path (not loaded, or no anchor) */
    nativeAnchorOf: (target: string): number => nativeAnchorBytes(anchors, target),
    /** The device of a folder, made if needed. */
    deviceOf(folder: string): string {
      real(folder, true);
      return String((known.get(folder) as { dev: bigint }).dev);
    },
  };
}
export type FolderChecks = ReturnType<typeof createFolderChecks>;
