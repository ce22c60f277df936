import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Where the CLI bundle's V8 code cache lives: the user's cache folder (XDG on Linux, ~/Library/Caches on macOS,
 * %LOCALAPPDATA% on Windows), never a shared temp folder: a cache is code this process runs.
 */
function cacheFolder(): string {
  if (process.platform === 'win32') return path.join(process.env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local'), 'fileorg', 'Cache', 'code');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches', 'fileorg', 'code');
  const xdg = process.env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'fileorg', 'code');
}

/**
 * The cache file for this bundle as built (path, size, mtime, inode) under this Node (V8) and architecture, for
 * this command. V8 checks only the source's length before it trusts a cache: a rebuilt bundle must never find
 * the cache of the one before it, so the name changes with the build. A cache holds the functions the command
 * that wrote it compiled: `fileorg --help` and `fileorg dupes` each get their own.
 */
export function codeCacheFile(bundle: string, args: readonly string[]): string | undefined {
  const stats = fs.statSync(bundle, { bigint: true, throwIfNoEntry: false });
  if (!stats) return undefined;
  const command = args.find((word) => /^[a-z][a-z-]{0,31}$/.test(word)) ?? '';
  const key = [bundle, stats.size, stats.mtimeNs, stats.ino, process.version, process.arch, command].join('\0');
  return path.join(cacheFolder(), `${crypto.createHash('sha256').update(key).digest('hex').slice(0, 32)}.bin`);
}

/** Only what this user alone could have written (elsewhere than Windows: owner and mode are checked). */
function ownedAlone(stats: fs.Stats): boolean {
  if (process.platform === 'win32' || process.getuid === undefined) return true;
  return stats.uid === process.getuid() && (stats.mode & 0o022) === 0;
}

/** The cache's bytes, or undefined when there is none or it is not safe to use. */
export function readCodeCache(file: string): Buffer | undefined {
  try {
    const folder = fs.statSync(path.dirname(file));
    const stats = fs.lstatSync(file);
    if (!stats.isFile() || !ownedAlone(folder) || !ownedAlone(stats)) return undefined;
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Write the cache whole or not at all (a temp name, then a rename): two commands starting together may both
 * write it. A failure (read-only home, full disk) only costs the next start its speed-up.
 */
export function writeCodeCache(file: string, data: Buffer): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(temp, data, { mode: 0o600 });
    fs.renameSync(temp, file);
    pruneOldCaches(path.dirname(file));
  } catch {
    try { fs.rmSync(temp, { force: true }); } catch { /* a folder it may not even look into (another user's home) */ }
  }
}

/** Caches kept: one a build and command; past the newest few dozen, they are an old build's. */
const CACHES_KEPT = 24;

function pruneOldCaches(folder: string): void {
  const caches = fs.readdirSync(folder).filter((name) => name.endsWith('.bin'))
    .map((name) => ({ file: path.join(folder, name), time: fs.statSync(path.join(folder, name)).mtimeMs }))
    .sort((a, b) => b.time - a.time);
  for (const old of caches.slice(CACHES_KEPT)) fs.rmSync(old.file, { force: true });
}
