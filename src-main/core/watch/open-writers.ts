import fs from 'node:fs';
import { identityOf } from './handled-files.js';

/** Where Linux shows each process's open files: /proc/PID/fd/N (a link to the file) and /proc/PID/fdinfo/N (its flags). */
const PROC = '/proc';
/** The access mode bits of open(2)'s flags: O_WRONLY 1, O_RDWR 2 (O_RDONLY 0). */
const ACCESS_MODE = 0o3;
/** Processes looked at between turns of the event loop: a busy machine's thousands of descriptors never hold up a serve for long. */
const PROCESSES_PER_TURN = 64;
const nextTurn = (): Promise<void> => new Promise((resolve) => { setImmediate(resolve); });

let procReadable: boolean | undefined;
/** Whether this system shows open files under /proc (Linux). Elsewhere (macOS, Windows) nothing is found: the settle time alone decides there. */
function hasProc(): boolean {
  procReadable ??= fs.existsSync(`${PROC}/self/fdinfo`);
  return procReadable;
}

/** "dev:ino" as identityOf spells them (exact decimals). */
const keyOf = (dev: string, ino: string): string => `${dev}:${ino}`;

/** Whether descriptor `fd` of `pid` was opened for writing (O_WRONLY or O_RDWR), by its fdinfo's octal `flags:`. */
function openedForWriting(pid: string, fd: string): boolean {
  let info: string;
  try {
    info = fs.readFileSync(`${PROC}/${pid}/fdinfo/${fd}`, 'utf8');
  } catch {
    return false; // closed meanwhile, or the process is gone
  }
  const flags = /^flags:\s*([0-7]+)\s*$/m.exec(info)?.[1];
  if (flags === undefined) return false;
  const access = Number.parseInt(flags, 8) & ACCESS_MODE;
  return access === 1 || access === 2;
}

/** "dev:ino" of the regular file a descriptor link points at; undefined for anything else (a socket, a pipe) or one closed meanwhile. */
function openFileKey(link: string): string | undefined {
  try {
    const stats = fs.statSync(link, { throwIfNoEntry: false });
    if (!stats?.isFile()) return undefined;
    // Past 2^53 a float cannot hold them: read again as bigint, as identityOf does.
    const wide = Number.isSafeInteger(stats.dev) && Number.isSafeInteger(stats.ino) ? undefined : fs.statSync(link, { bigint: true, throwIfNoEntry: false });
    return keyOf((wide?.dev ?? stats.dev).toString(), (wide?.ino ?? stats.ino).toString());
  } catch {
    return undefined;
  }
}

/**
 * Which of `files` some process holds open for writing now: a writer that pauses longer than the settle time
 * looks settled, and a file moved then is split (its writes after a copy to another device go into the deleted
 * original). One walk of /proc for all the files of a batch: each process's open descriptors are stat'ed (the
 * file they point at, by device and inode), and only a descriptor of one of these files has its flags read.
 * Processes that cannot be read (another user's, unless this one is root) are passed over, and so are
 * descriptors closed on the way. Without /proc (not Linux) it answers none at once.
 */
export async function filesOpenForWriting(files: readonly string[]): Promise<Set<string>> {
  const open = new Set<string>();
  if (files.length === 0 || !hasProc()) return open;
  const wanted = new Map<string, string[]>();
  for (const file of files) {
    const identity = identityOf(file);
    if (!identity) continue;
    const key = keyOf(identity.dev, identity.ino);
    wanted.set(key, [...(wanted.get(key) ?? []), file]);
  }
  if (wanted.size === 0) return open;
  let processes: string[];
  try {
    processes = fs.readdirSync(PROC).filter((name) => /^\d+$/.test(name));
  } catch {
    return open;
  }
  let sinceTurn = 0;
  for (const pid of processes) {
    if (++sinceTurn >= PROCESSES_PER_TURN) {
      await nextTurn();
      sinceTurn = 0;
    }
    const descriptors = `${PROC}/${pid}/fd`;
    let fds: string[];
    try {
      fds = fs.readdirSync(descriptors);
    } catch {
      continue; // gone, or another user's
    }
    for (const fd of fds) {
      const paths = wanted.get(openFileKey(`${descriptors}/${fd}`) ?? '');
      if (!paths || paths.every((file) => open.has(file))) continue;
      if (!openedForWriting(pid, fd)) continue;
      for (const file of paths) open.add(file);
    }
  }
  return open;
}
