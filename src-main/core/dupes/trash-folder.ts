import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makePrivateFolder } from './quarantine-paths.js';

/**
 * The trash folder the `trash` package (10.x, lib/linux.js with xdg-trashdir 3.x) moves a file into on Linux and
 * other XDG systems, worked out the same way: the home trash ($XDG_DATA_HOME/Trash) for a file on the home
 * folder's device or on a device it finds no mount point for; else, at the top of the file's mount, `.Trash/<uid>`
 * when `.Trash` is a real folder of mode exactly 1777, `.Trash-<uid>` otherwise (or the home trash when `.Trash`
 * cannot be looked at).
 * The package itself never checks who owns those folders: another user who made `.Trash-<uid>` (0777) on a shared
 * disk would get every file sent there. So each file's trash folder is checked, and made when missing, first.
 */

/** Mounts the package leaves out of its map (it takes the first mount point listed for each device). */
const IGNORED_MOUNTS = /^\/(snap|var\/snap|run|sys|proc|dev)($|\/)/;
/** A folder of mode 1777, as xdg-trashdir requires `.Trash` to be (its `stats.mode !== 17407`). */
const STICKY_OPEN_FOLDER = 0o41777;
/** The sticky bit: only an entry's owner (or the folder's) may rename or remove it. */
const STICKY = 0o1000;

/** `/proc/self/mountinfo` escapes a space, tab, newline and backslash in a path as \ and three octal digits. */
const unescaped = (field: string): string => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));

/** The device number Node's stat gives for major:minor (new_encode_dev, as @stroncium/procfs computes it). */
const deviceNumber = (major: number, minor: number): number => ((minor >> 8) << 20) | ((major & 0xff) << 8) | (minor & 0xff);

/** Each device's mount point, the first one listed (as the package keeps it), and every mount point in order. */
function readMounts(): { byDevice: Map<number, string>; all: string[] } {
  const byDevice = new Map<number, string>();
  const all: string[] = [];
  let text = '';
  try { text = fs.readFileSync('/proc/self/mountinfo', 'utf8'); } catch { /* no /proc: the package finds no mount either */ }
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const [major, minor] = (fields[2] ?? '').split(':').map(Number);
    const mountPoint = fields[4];
    if (mountPoint === undefined || major === undefined || minor === undefined || Number.isNaN(major) || Number.isNaN(minor)) continue;
    const top = unescaped(mountPoint);
    all.push(top);
    if (IGNORED_MOUNTS.test(top)) continue;
    const device = deviceNumber(major, minor);
    if (!byDevice.has(device)) byDevice.set(device, top);
  }
  return { byDevice, all };
}

/** The mount that holds `file` (the deepest mount point above it; the last one listed at that point), as df answers. */
function mountPointOf(file: string, mountPoints: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const top of mountPoints) {
    const inside = top === '/' || file === top || file.startsWith(`${top}/`);
    if (inside && (best === undefined || top.length >= best.length)) best = top;
  }
  return best;
}

/** The trash folder for files on `device`, the folder it is made in (which must keep others from swapping it), and whether it is the home trash. */
function trashFolderOf(device: number, mounts: ReturnType<typeof readMounts>): { folder: string; parent: string; home: boolean } {
  const home = os.homedir();
  const dataHome = process.env.XDG_DATA_HOME || path.join(home, '.local', 'share');
  const homeTrash = { folder: path.join(dataHome, 'Trash'), parent: dataHome, home: true };
  if (device === fs.lstatSync(home).dev) return homeTrash;
  const top = mounts.byDevice.get(device);
  let realHome = home;
  try { realHome = fs.realpathSync(home); } catch { /* df would fail too: compared as given */ }
  if (top === undefined || mountPointOf(top, mounts.all) === mountPointOf(realHome, mounts.all)) return homeTrash;
  const shared = path.join(top, '.Trash');
  const uid = String(process.getuid?.());
  try {
    const stats = fs.lstatSync(shared);
    if (stats.isSymbolicLink() || stats.mode !== STICKY_OPEN_FOLDER) return { folder: `${shared}-${uid}`, parent: top, home: false };
    return { folder: path.join(shared, uid), parent: shared, home: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { folder: `${shared}-${uid}`, parent: top, home: false };
    return homeTrash;
  }
}

/**
 * Why `parent` may let another user swap the trash folder made in it, or undefined: it must be a folder of this
 * user's or root's, and sticky if others may write in it (as /tmp and a shared `.Trash` are).
 */
function parentRefusal(parent: string): string | undefined {
  const stats = fs.statSync(parent, { throwIfNoEntry: false });
  if (!stats?.isDirectory()) return `${parent} is not a folder`;
  if (stats.uid !== process.getuid?.() && stats.uid !== 0) return `${parent}, which holds it, belongs to another user (uid ${stats.uid})`;
  if ((stats.mode & 0o022) !== 0 && (stats.mode & STICKY) === 0) return `others may write in ${parent}, which holds it, and it is not sticky`;
  return undefined;
}

/** Why an existing `folder` is not one of this user's to put files in, or undefined (also when it does not exist). */
function existingRefusal(folder: string): string | undefined {
  const stats = fs.lstatSync(folder, { throwIfNoEntry: false });
  if (!stats) return undefined;
  if (stats.isSymbolicLink()) return `${folder} is a symlink`;
  if (!stats.isDirectory()) return `${folder} is not a folder`;
  if (stats.uid !== process.getuid?.()) return `${folder} belongs to another user (uid ${stats.uid})`;
  return undefined;
}

/**
 * Make (or check) the trash folder and its files/ and info/ this user's alone, so the package finds ours: each
 * made 0700 when missing, narrowed to 0700 when ours and open to others (makePrivateFolder, which opens it without
 * following a symlink and so also refuses one swapped in meanwhile), refused when a symlink or another user's.
 * Answers why it is not safe, or undefined when it is.
 */
function trashFolderRefusal({ folder, parent, home }: ReturnType<typeof trashFolderOf>): string | undefined {
  // The home trash's parents are the user's own ($XDG_DATA_HOME): made as the package would make them.
  if (home) { try { fs.mkdirSync(parent, { recursive: true, mode: 0o700 }); } catch { /* answered below */ } }
  const parentProblem = parentRefusal(parent);
  if (parentProblem) return parentProblem;
  for (const part of [folder, path.join(folder, 'files'), path.join(folder, 'info')]) {
    const problem = existingRefusal(part);
    if (problem) return problem;
    if (!makePrivateFolder(part)) return `${part} could not be made a folder of yours alone`;
  }
  return undefined;
}

/**
 * For each file, why it must not be sent to the trash the `trash` package would put it in (its trash folder is
 * not safe: another user could read or remove it there), keyed by path; files not listed may go. Nothing is
 * refused on macOS and Windows, where the package hands files to the OS's own trash.
 */
export function trashRefusals(files: readonly string[]): Map<string, string> {
  const refusals = new Map<string, string>();
  if (process.platform === 'darwin' || process.platform === 'win32' || files.length === 0) return refusals;
  const mounts = readMounts();
  const byDevice = new Map<number, string | undefined>();
  for (const file of files) {
    const stats = fs.lstatSync(file, { throwIfNoEntry: false });
    if (!stats) continue; // gone: the package skips it too
    if (!byDevice.has(stats.dev)) {
      let refusal: string | undefined;
      try {
        const trash = trashFolderOf(stats.dev, mounts);
        const why = trashFolderRefusal(trash);
        if (why) refusal = `not sent to the trash: its trash folder ${trash.folder} is not safe to use (${why}; another user could read or remove the file there). Remove or fix that folder (it should be a folder of yours, mode 0700) and empty the quarantine again, or put the file back (fileorg undo, or POST /api/v1/quarantine/restore) and delete it yourself`;
      } catch (error) {
        refusal = `not sent to the trash: its trash folder could not be checked (${(error as Error).message}); put the file back (fileorg undo, or POST /api/v1/quarantine/restore) and delete it yourself`;
      }
      byDevice.set(stats.dev, refusal);
    }
    const refusal = byDevice.get(stats.dev);
    if (refusal) refusals.set(file, refusal);
  }
  return refusals;
}
