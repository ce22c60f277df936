import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { nativeModule } from '../../../src-worker/native-module.js';
import { ALWAYS_EXCLUDED_FOLDERS, isHiddenName } from './hidden-names.js';
import { joinPath } from './join-path.js';
import { type FolderIdentity, type FoundFolder, type ScanSkip, type ScanSkipReason, type ScanSummary, type WalkTask, type WireBatch } from './scan-types.js';

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function isValidUtf8(bytes: Buffer): boolean {
  try { utf8Strict.decode(bytes); return true; } catch { return false; }
}

/**
 * Names whose bytes are not valid UTF-8. Node decodes them with U+FFFD, so only a folder with a U+FFFD in
 * some name is read a second time as raw bytes to tell a real U+FFFD from an undecodable name.
 */
function invalidNamesIn(folder: string): Set<string> {
  const invalid = new Set<string>();
  for (const raw of fs.readdirSync(folder, { encoding: 'buffer' })) {
    if (!isValidUtf8(raw)) invalid.add(raw.toString('utf8'));
  }
  return invalid;
}

/** Entry kinds, as native/read-folder.c reports them. */
const FILE = 0;
const FOLDER = 1;
const SYMLINK = 2;
const SPECIAL = 3;
const VANISHED = 4;
const UNREADABLE = 5;
const BAD_NAME = 6;
/**
 * One entry of a folder. `exactDev`/`exactIno`: the exact identity (bigint), given for every folder (its listing
 * is checked against it) and for a file whose `dev` or `ino` a number cannot hold (NaN); 0n otherwise.
 */
type Visit = (folder: string, name: string, kind: number, size: number, mtimeMs: number, dev: number, ino: number, error: string, exactDev: bigint, exactIno: bigint) => void;
/** A folder listed, or why it was not. */
type Listed = true | { reason: ScanSkipReason; detail: string };

/** readFolder with the identity the folder must have (see src-worker/native-module.ts). */
type PinnedReadFolder = NonNullable<ReturnType<typeof nativeModule>['readFolder']>;
/** readFolder's answer when the path now leads to another folder than the one found. */
const FOLDER_CHANGED = 1;

const changedFolder: Listed = {
  reason: 'symlink-in-path',
  detail: 'this is no longer the folder the scan found here (it, or a folder on the way, was renamed or replaced by a symlink while the scan ran); it was not listed',
};

/** A folder that could not be opened: ELOOP or ENOTDIR mean a symlink or a file is in its place now. */
function refusedOpen(code: string): Listed {
  if (code === 'ELOOP' || code === 'ENOTDIR') return { reason: 'symlink-in-path', detail: `${code}: the folder was replaced by a symlink or a file while the scan ran; it was not followed` };
  return { reason: 'unreadable', detail: code };
}

/** One folder through the native module: one call opens it (checked to be `found`), lists it, sorted, with each entry's lstat facts. */
function listNatively(readFolder: PinnedReadFolder, folder: string, found: FolderIdentity, followLast: boolean, visit: Visit): Listed {
  const listed = readFolder(folder, found.dev, found.ino, followLast);
  if (listed === FOLDER_CHANGED) return changedFolder;
  if (typeof listed === 'number') return refusedOpen(util.getSystemErrorName(listed));
  const [names, kinds, sizes, mtimesMs, devs, inos, errors, ids] = listed;
  if (kinds.length === 0) return true;
  const split = names.split('\0');
  for (let index = 0; index < kinds.length; index++) {
    const kind = kinds[index] as number;
    const dev = devs[index] as number;
    const ino = inos[index] as number;
    // Reading a BigUint64Array makes a BigInt: only for folders and the rare file past 2^53.
    const exact = kind === FOLDER || (kind === FILE && !(Number.isSafeInteger(dev) && Number.isSafeInteger(ino)));
    visit(folder, split[index] as string, kind, sizes[index] as number, mtimesMs[index] as number, dev, ino,
      kind === UNREADABLE ? util.getSystemErrorName(-(errors[index] as number)) : '',
      exact ? ids[index * 2] as bigint : 0n, exact ? ids[index * 2 + 1] as bigint : 0n);
  }
  return true;
}

/** The folder at `folder` now is `found` (a root's symlink followed), or why not. */
function stillFound(folder: string, found: FolderIdentity, followLast: boolean): Listed {
  let stats: fs.BigIntStats;
  try {
    stats = followLast ? fs.statSync(folder, { bigint: true }) : fs.lstatSync(folder, { bigint: true });
  } catch (error) {
    return refusedOpen((error as NodeJS.ErrnoException).code ?? String(error));
  }
  if (stats.isSymbolicLink()) return refusedOpen('ELOOP');
  if (!stats.isDirectory()) return refusedOpen('ENOTDIR');
  return stats.dev === found.dev && stats.ino === found.ino ? true : changedFolder;
}

/**
 * One folder through fs: a Dirent per entry, an lstat per file and folder (the path when the native module is
 * absent). Node can neither list a folder through a descriptor nor lstat relative to one, so the folder is
 * compared with `found` before it is listed and again after its entries were lstat'ed, and its entries are
 * visited only then. That narrows the window a swap of the folder (or of one on the way) for a symlink has, but
 * cannot close it: swapped and swapped back between the two checks, it goes unseen. The native path closes it.
 */
function listInJavaScript(folder: string, found: FolderIdentity, followLast: boolean, visit: Visit): Listed {
  const before = stillFound(folder, found, followLast);
  if (before !== true) return before;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    return refusedOpen((error as NodeJS.ErrnoException).code ?? String(error));
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const invalid = entries.some((entry) => entry.name.includes('\uFFFD')) ? invalidNamesIn(folder) : undefined;
  const seen: Array<Parameters<Visit>> = [];
  for (const entry of entries) {
    const name = entry.name;
    if (invalid?.has(name)) { seen.push([folder, name, BAD_NAME, 0, 0, 0, 0, '', 0n, 0n]); continue; }
    if (entry.isSymbolicLink()) { seen.push([folder, name, SYMLINK, 0, 0, 0, 0, '', 0n, 0n]); continue; }
    if (!entry.isFile() && !entry.isDirectory()) { seen.push([folder, name, SPECIAL, 0, 0, 0, 0, '', 0n, 0n]); continue; }
    const full = joinPath(folder, name);
    try {
      // A folder's identity (what its own listing is checked against) is read exactly, as a bigint; a file's
      // numbers are Node's own (its mtimeMs is compared with later ones), exact again only past 2^53.
      const stats = entry.isDirectory() ? fs.lstatSync(full, { bigint: true, throwIfNoEntry: false }) : fs.lstatSync(full, { throwIfNoEntry: false });
      if (!stats) seen.push([folder, name, VANISHED, 0, 0, 0, 0, '', 0n, 0n]);
      else if (stats.isDirectory()) {
        const exact = typeof stats.ino === 'bigint' ? stats as fs.BigIntStats : fs.lstatSync(full, { bigint: true });
        seen.push([folder, name, FOLDER, 0, 0, 0, 0, '', exact.dev, exact.ino]);
      } else if (!stats.isFile()) seen.push([folder, name, stats.isSymbolicLink() ? SYMLINK : SPECIAL, 0, 0, 0, 0, '', 0n, 0n]);
      else {
        const { size, mtimeMs, dev, ino } = stats as fs.Stats;
        if (Number.isSafeInteger(dev) && Number.isSafeInteger(ino)) seen.push([folder, name, FILE, size, mtimeMs, dev, ino, '', 0n, 0n]);
        else {
          const exact = fs.lstatSync(full, { bigint: true });
          seen.push([folder, name, FILE, size, mtimeMs, Number.NaN, Number.NaN, '', exact.dev, exact.ino]);
        }
      }
    } catch (error) {
      seen.push([folder, name, UNREADABLE, 0, 0, 0, 0, (error as NodeJS.ErrnoException).code ?? String(error), 0n, 0n]);
    }
  }
  const after = stillFound(folder, found, followLast);
  if (after !== true) return after;
  for (const entry of seen) visit(...entry);
  return true;
}

/**
 * A batch being filled: each folder once and the files' names (a million paths repeat a few thousand folders:
 * sent and kept whole they cost the duplicate search over 100 MB), numbers written straight into the arrays sent.
 */
class BatchBuilder {
  private names: string[] = [];
  private folders: string[] = [];
  private folderOf!: Uint32Array;
  private sizes!: Float64Array;
  private mtimesMs!: Float64Array;
  private devs!: Float64Array;
  private inos!: Float64Array;
  private roots!: Uint16Array;
  private wideIds: WireBatch['wideIds'] = [];

  constructor(private readonly capacity: number) { this.reset(); }

  /** New arrays each time: the last ones were handed to the other thread. */
  private reset(): void {
    this.names = [];
    this.folders = [];
    this.folderOf = new Uint32Array(this.capacity);
    this.wideIds = [];
    this.sizes = new Float64Array(this.capacity);
    this.mtimesMs = new Float64Array(this.capacity);
    this.devs = new Float64Array(this.capacity);
    this.inos = new Float64Array(this.capacity);
    this.roots = new Uint16Array(this.capacity);
  }

  get count(): number { return this.names.length; }

  /** `exactDev`/`exactIno`: the identity as bigints, read when the numbers are not exact (NaN past 2^53). */
  add(folder: string, name: string, size: number, mtimeMs: number, dev: number, ino: number, rootIndex: number, exactDev: bigint, exactIno: bigint): void {
    const at = this.names.length;
    if (this.folders[this.folders.length - 1] !== folder) this.folders.push(folder);
    this.folderOf[at] = this.folders.length - 1;
    this.names.push(name);
    this.sizes[at] = size;
    this.mtimesMs[at] = mtimeMs;
    this.roots[at] = rootIndex;
    if (Number.isSafeInteger(ino) && Number.isSafeInteger(dev)) {
      this.devs[at] = dev;
      this.inos[at] = ino;
    } else {
      // Numbers are lossy past 2^53 (inodes are 64-bit): the listing read those exactly, through the folder found.
      this.devs[at] = Number.NaN;
      this.inos[at] = Number.NaN;
      this.wideIds.push({ index: at, dev: String(exactDev), ino: String(exactIno) });
    }
  }

  /** The batch and the buffers to transfer with it; the builder starts over. */
  take(): { batch: WireBatch; transfer: ArrayBuffer[] } {
    const count = this.names.length;
    const batch: WireBatch = {
      count, folders: this.folders, folderOf: this.folderOf.subarray(0, count), names: this.names.join('\0'), wideIds: this.wideIds,
      sizes: this.sizes.subarray(0, count), mtimesMs: this.mtimesMs.subarray(0, count),
      devs: this.devs.subarray(0, count), inos: this.inos.subarray(0, count), roots: this.roots.subarray(0, count),
    };
    const transfer = [this.folderOf.buffer, this.sizes.buffer, this.mtimesMs.buffer, this.devs.buffer, this.inos.buffer, this.roots.buffer] as ArrayBuffer[];
    this.reset();
    return { batch, transfer };
  }
}

export interface WalkOptions {
  /** absolute folders never walked (a destination root outside the source, for instance) */
  excludedFolders: string[];
  /** folders never walked, known by "dev:ino" whatever path reaches them (a bind mount of the data folder) */
  excludedIdentities?: string[];
  includeHidden: boolean;
  batchSize: number;
}

export type { WalkTask } from './scan-types.js';

export const emptySummary = (): ScanSummary => ({ files: 0, bytes: 0, folders: 0, symlinks: 0, special: 0, hidden: 0, skipped: [] });

/**
 * A root's identity when the scan starts, what its listing is checked against (a symlink typed as the root is
 * followed, as it always was); or why it cannot be looked at (reported as the root skipped, unreadable).
 */
export function rootIdentity(root: string): WalkTask['found'] {
  try {
    const stats = fs.statSync(root, { bigint: true });
    return stats.isDirectory() ? { dev: stats.dev, ino: stats.ino } : { error: 'ENOTDIR' };
  } catch (error) {
    return { error: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
}

/**
 * Walks synchronously (measured: far faster than async walkers) and hands out batches; it runs on worker
 * threads so the main thread never blocks. Never follows symlinks; entries are visited in code-unit order of
 * their names, depth first, so two scans of an unchanged tree produce the same plan. A folder is listed only if
 * the folder its path opens is the one the walk found (its identity from the parent's listing, a root's from
 * when the scan started); any other is skipped with `symlink-in-path` (issue 15).
 */
export function walkFolder(task: WalkTask, options: WalkOptions, emit: (batch: WireBatch, transfer: ArrayBuffer[]) => void): { summary: ScanSummary; subfolders: FoundFolder[] } {
  const summary = emptySummary();
  const excluded = new Set(options.excludedFolders);
  const excludedIdentities = new Set(options.excludedIdentities ?? []);
  // The identity comes with the listing (one fstatat a folder, relative to its parent), not from another lstat.
  const excludedByIdentity = (dev: bigint, ino: bigint): boolean => excludedIdentities.size > 0 && excludedIdentities.has(`${dev}:${ino}`);
  const batch = new BatchBuilder(options.batchSize);
  const flush = (): void => {
    if (batch.count === 0) return;
    const { batch: wire, transfer } = batch.take();
    emit(wire, transfer);
  };
  const skip = (entry: ScanSkip): void => { summary.skipped.push(entry); };
  if ('error' in task.found) {
    skip({ path: task.folder, reason: 'unreadable', detail: task.found.error });
    return { summary, subfolders: [] };
  }
  // Plain concatenation: path.join normalizes every time, and the walk's paths are already clean.
  const separator = path.sep;
  const rootIndex = task.rootIndex;
  const handedBack: FoundFolder[] = [];
  // A root typed with "./", ".." or a trailing slash is walked as typed (dupes prints paths so); the
  // excluded folders are clean absolute paths, so its subfolders are cleaned up before that one check.
  const typedAsGiven = path.resolve(task.folder) !== task.folder;

  // The folders still to walk, each with the identity it was found with (three stacks: no object a folder).
  const stack: string[] = [task.folder];
  const stackDevs: bigint[] = [task.found.dev];
  const stackInos: bigint[] = [task.found.ino];
  const subfolders: string[] = [];
  const subfolderDevs: bigint[] = [];
  const subfolderInos: bigint[] = [];
  /** One entry of the folder being walked, whichever way it was listed. */
  const visit = (folder: string, name: string, kind: number, size: number, mtimeMs: number, dev: number, ino: number, error: string, exactDev: bigint, exactIno: bigint): void => {
    if (kind === FILE) { // most entries: no path is built for them here
      if (!options.includeHidden && isHiddenName(name)) { summary.hidden++; return; }
      batch.add(folder, name, size, mtimeMs, dev, ino, rootIndex, exactDev, exactIno);
      summary.files++;
      summary.bytes += size;
      if (batch.count === options.batchSize) flush();
      return;
    }
    const full = joinPath(folder, name, separator);
    if (kind === BAD_NAME) { skip({ path: full, reason: 'unsupported-name', detail: 'the name is not valid UTF-8; rename it to organize it' }); return; }
    if (kind === SYMLINK) { summary.symlinks++; return; }
    if (!options.includeHidden && isHiddenName(name)) { summary.hidden++; return; }
    if (kind === FOLDER) {
      if (!ALWAYS_EXCLUDED_FOLDERS.has(name) && !excluded.has(full) && !(typedAsGiven && excluded.has(path.resolve(full))) && !excludedByIdentity(exactDev, exactIno)) {
        subfolders.push(full);
        subfolderDevs.push(exactDev);
        subfolderInos.push(exactIno);
      }
      return;
    }
    if (kind === SPECIAL) { summary.special++; return; }
    if (kind === VANISHED) { skip({ path: full, reason: 'vanished', detail: 'deleted while the scan ran' }); return; }
    if (kind === UNREADABLE) skip({ path: full, reason: 'unreadable', detail: error });
  };
  const readFolder = nativeModule().readFolder;
  let followLast = task.root; // only the task's own folder, and only a root, was found through a symlink it may be
  while (stack.length > 0) {
    const folder = stack.pop() as string;
    const found: FolderIdentity = { dev: stackDevs.pop() as bigint, ino: stackInos.pop() as bigint };
    subfolders.length = 0;
    subfolderDevs.length = 0;
    subfolderInos.length = 0;
    const listed = readFolder ? listNatively(readFolder, folder, found, followLast, visit) : listInJavaScript(folder, found, followLast, visit);
    followLast = false;
    if (listed !== true) { skip({ path: folder, ...listed }); continue; }
    summary.folders++;
    if (task.kind === 'shallow') {
      for (let index = 0; index < subfolders.length; index++) {
        handedBack.push({ folder: subfolders[index] as string, dev: subfolderDevs[index] as bigint, ino: subfolderInos[index] as bigint });
      }
    } else {
      for (let index = subfolders.length - 1; index >= 0; index--) {
        stack.push(subfolders[index] as string);
        stackDevs.push(subfolderDevs[index] as bigint);
        stackInos.push(subfolderInos[index] as bigint);
      }
    }
  }
  flush();
  return { summary, subfolders: handedBack };
}
