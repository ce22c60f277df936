import fs from 'node:fs';
import path from 'node:path';

/**
 * Why another OS user could put something else at `physical` (a real path, symlinks resolved) after it was
 * checked, or undefined when only this process's user and root could.
 *
 * Checking a path's text is not enough on its own: if someone else may rename an entry of a folder on the way
 * (they own that folder, or it is writable by others), they can swap a checked folder for a symlink to one
 * this process may write and they may not, between the check and the run. The engine then trusts the folders
 * it was given (it follows no symlink below them, but it opens them by name). So every folder on the way must
 * be one only this user and root may change: owned by one of them and not writable by group or others, or
 * sticky (like /tmp) with the entry itself owned by one of them. A tail that does not exist yet is made by the
 * engine inside the deepest existing folder, which then must not be writable by anyone else at all.
 * Windows has no such owners: undefined there.
 */
export function replaceableReason(physical: string): string | undefined {
  if (process.platform === 'win32' || process.getuid === undefined) return undefined;
  const me = process.getuid();
  const trusted = (uid: number): boolean => uid === 0 || uid === me;
  const parts = physical.split(path.sep).filter(Boolean);
  let parent = path.parse(physical).root;
  let parentStats = fs.lstatSync(parent);
  for (const part of parts) {
    const current = path.join(parent, part);
    const stats = fs.lstatSync(current, { throwIfNoEntry: false });
    if (!trusted(parentStats.uid)) return `${parent} belongs to another user (uid ${parentStats.uid}), who could replace ${current} by a symlink`;
    const othersWrite = (parentStats.mode & 0o022) !== 0;
    if (!stats) {
      if (othersWrite) return `${parent} is writable by other users, who could put a symlink at ${current} before it is made`;
      return undefined;
    }
    const sticky = (parentStats.mode & 0o1000) !== 0;
    if (othersWrite && !(sticky && trusted(stats.uid))) {
      return `${parent} is writable by other users${sticky ? ` and ${current} belongs to uid ${stats.uid}` : ''}, so ${current} could be replaced by a symlink`;
    }
    parent = current;
    parentStats = stats;
  }
  return undefined;
}
