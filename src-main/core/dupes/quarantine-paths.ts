import fs from 'node:fs';
import path from 'node:path';
import { QUARANTINE_FOLDER_NAME } from '../scan/hidden-names.js';
import { isInside } from '../scan/is-inside.js';
import { type HashedFile } from './find-duplicates.js';

/** The app-managed quarantine of a data folder: one folder per operation below it. */
export const quarantineIn = (dataDir: string): string => path.join(dataDir, 'quarantine');

/** An absolute path as a relative one that keeps every part of it: "/home/a/x" -> "home/a/x", "C:\x" -> "C\x". */
function mirrored(file: string): string {
  const absolute = path.resolve(file);
  const { root } = path.parse(absolute);
  const rootPart = root.replace(/[:\\/]+/g, path.sep).split(path.sep).filter(Boolean).join(path.sep);
  return path.join(rootPart, absolute.slice(root.length));
}

/**
 * Make a quarantine's top folder (`quarantine` in the data folder, `.fileorg-quarantine` in a searched folder)
 * this user's alone, so that no other user can read a quarantined file, whatever the modes of the folders it
 * came from (a file from a 0700 folder would otherwise sit in a 0755 one): made 0700 when missing, and narrowed
 * to 0700 when it is this user's and others may enter it. Answers false when it is not a real folder of this
 * user's (a symlink, a file, another user's folder, who could read what is put there) or cannot be made or
 * narrowed: it is not used then.
 * Opened without following a symlink, and changed through that descriptor, so a swapped name is never chmodded.
 */
export function makePrivateFolder(folder: string): boolean {
  if (process.platform === 'win32') {
    try { fs.mkdirSync(folder, { recursive: true }); return true; } catch { return false; } // ACLs decide who reads it there
  }
  let descriptor: number | undefined;
  try {
    try {
      fs.mkdirSync(folder, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    descriptor = fs.openSync(folder, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW);
    const stats = fs.fstatSync(descriptor);
    if (stats.uid !== process.getuid?.()) return false;
    if ((stats.mode & 0o077) !== 0) fs.fchmodSync(descriptor, 0o700);
    return true;
  } catch {
    // A symlink (ELOOP), a file (ENOTDIR), a folder that cannot be made or narrowed: not one to put files in.
    return false;
  } finally {
    if (descriptor !== undefined) fs.closeSync(descriptor);
  }
}

/**
 * Could another user rename entries of `folder` (its owner, or anyone when it is writable by group or others and
 * not sticky)? Then a `.fileorg-quarantine` in it could be swapped for theirs between its check and the moves,
 * and the files sent into their folder (a re-probe did it with inotify on the first try).
 */
function othersCanRenameIn(folder: string): boolean {
  if (process.platform === 'win32') return false; // ACLs decide there
  const stats = fs.lstatSync(folder, { throwIfNoEntry: false });
  if (!stats?.isDirectory()) return true;
  const me = process.getuid?.();
  if (stats.uid !== me && stats.uid !== 0) return true;
  return (stats.mode & 0o022) !== 0 && (stats.mode & 0o1000) === 0;
}

/**
 * Where each quarantined file goes, so that quarantining is a rename, never a copy: into the data folder's
 * quarantine when the file is on its device (under the file's whole original path), else into a
 * `.fileorg-quarantine` folder at the top of the searched folder that holds the file (under its path from
 * there). Scans never enter either. One folder per operation, named by its id.
 *
 * Each top folder is made this user's alone (makePrivateFolder) when the first file is placed in it, before
 * anything moves. A `.fileorg-quarantine` that is not a real folder of this user's, or sits in a folder others
 * could rename it in, is not used: its files go to the data folder's quarantine instead (copied there, as a move
 * to another device is).
 */
export function createQuarantinePlacer(dataDir: string, roots: readonly string[], operationId: string) {
  const deviceOf = (folder: string): string => String(fs.statSync(folder, { bigint: true }).dev);
  const dataDevice = deviceOf(dataDir);
  const central = path.join(quarantineIn(dataDir), operationId);
  const beside = roots.map((root) => ({ root, device: deviceOf(root), folder: path.join(root, QUARANTINE_FOLDER_NAME, operationId) }));
  /** each top folder's answer from makePrivateFolder, asked once */
  const usable = new Map<string, boolean>();
  const privateTop = (operationFolder: string): boolean => {
    const top = path.dirname(operationFolder);
    let answer = usable.get(top);
    if (answer === undefined) usable.set(top, answer = makePrivateFolder(top));
    return answer;
  };
  return {
    /** the operation's quarantine folders that may be used (each created only when a file goes there) */
    folders: (): string[] => [central, ...beside.map((entry) => entry.folder)],
    place(file: HashedFile): string {
      if (file.dev !== dataDevice) {
        const home = beside.find((entry) => entry.device === file.dev && isInside(file.path, entry.root));
        if (home && !othersCanRenameIn(home.root) && privateTop(home.folder)) return path.join(home.folder, path.relative(home.root, file.path));
      }
      // The data folder is the user's own: its quarantine is used even if it is not a real folder of theirs
      // (the moves then refuse a symlink on the way, as always).
      privateTop(central);
      return path.join(central, mirrored(file.path));
    },
  };
}
export type QuarantinePlacer = ReturnType<typeof createQuarantinePlacer>;
