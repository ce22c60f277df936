import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { type NativeModule, nativeModule } from '../../../src-worker/native-module.js';
import { ALWAYS_EXCLUDED_FOLDERS, isHiddenName } from './hidden-names.js';
import { joinPath } from './join-path.js';
import { type ScanSkip, type ScanSummary, type WireBatch } from './scan-types.js';

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
type Visit = (folder: string, name: string, kind: number, size: number, mtimeMs: number, dev: number, ino: number, error: string) => void;

/** One folder through the native module: one call lists it, sorted, with each file's lstat facts. */
function listNatively(readFolder: NonNullable<NativeModule['readFolder']>, folder: string, visit: Visit): true | string {
  const listed = readFolder(folder);
  if (typeof listed === 'number') return util.getSystemErrorName(listed);
  const [names, kinds, sizes, mtimesMs, devs, inos, errors] = listed;
  if (kinds.length === 0) return true;
  const split = names.split('\0');
  for (let index = 0; index < kinds.length; index++) {
    const kind = kinds[index] as number;
    visit(folder, split[index] as string, kind, sizes[index] as number, mtimesMs[index] as number, devs[index] as number, inos[index] as number,
      kind === UNREADABLE ? util.getSystemErrorName(-(errors[index] as number)) : '');
  }
  return true;
}

/** One folder through fs: a Dirent per entry, an lstat per file (the path when the native module is absent). */
function listInJavaScript(folder: string, visit: Visit): true | string {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const invalid = entries.some((entry) => entry.name.includes('\uFFFD')) ? invalidNamesIn(folder) : undefined;
  for (const entry of entries) {
    const name = entry.name;
    if (invalid?.has(name)) { visit(folder, name, BAD_NAME, 0, 0, 0, 0, ''); continue; }
    if (entry.isSymbolicLink()) { visit(folder, name, SYMLINK, 0, 0, 0, 0, ''); continue; }
    if (entry.isDirectory()) { visit(folder, name, FOLDER, 0, 0, 0, 0, ''); continue; }
    if (!entry.isFile()) { visit(folder, name, SPECIAL, 0, 0, 0, 0, ''); continue; }
    let stats: fs.Stats | undefined;
    try {
      stats = fs.lstatSync(joinPath(folder, name), { throwIfNoEntry: false });
    } catch (error) {
      visit(folder, name, UNREADABLE, 0, 0, 0, 0, (error as NodeJS.ErrnoException).code ?? String(error));
      continue;
    }
    if (!stats) visit(folder, name, VANISHED, 0, 0, 0, 0, '');
    else if (!stats.isFile()) visit(folder, name, stats.isDirectory() ? FOLDER : stats.isSymbolicLink() ? SYMLINK : SPECIAL, 0, 0, 0, 0, '');
    else visit(folder, name, FILE, stats.size, stats.mtimeMs, stats.dev, stats.ino, '');
  }
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

  add(folder: string, name: string, size: number, mtimeMs: number, dev: number, ino: number, rootIndex: number): void {
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
      // Number stats are lossy past 2^53 (inodes are 64-bit): only then are bigint stats read.
      const exact = fs.lstatSync(joinPath(folder, name), { bigint: true });
      this.devs[at] = Number.NaN;
      this.inos[at] = Number.NaN;
      this.wideIds.push({ index: at, dev: String(exact.dev), ino: String(exact.ino) });
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

/** One unit of walking: a folder alone (its files, and its subfolders handed back), or a whole subtree. */
export interface WalkTask {
  folder: string;
  rootIndex: number;
  kind: 'shallow' | 'deep';
}

export const emptySummary = (): ScanSummary => ({ files: 0, bytes: 0, folders: 0, symlinks: 0, special: 0, hidden: 0, skipped: [] });

/**
 * Walks synchronously (measured: far faster than async walkers) and hands out batches; it runs on worker
 * threads so the main thread never blocks. Never follows symlinks; entries are visited in code-unit order of
 * their names, depth first, so two scans of an unchanged tree produce the same plan.
 */
export function walkFolder(task: WalkTask, options: WalkOptions, emit: (batch: WireBatch, transfer: ArrayBuffer[]) => void): { summary: ScanSummary; subfolders: string[] } {
  const summary = emptySummary();
  const excluded = new Set(options.excludedFolders);
  const excludedIdentities = new Set(options.excludedIdentities ?? []);
  // One lstat a folder (folders are listed without one): a tenth of the files' count in a usual tree.
  const excludedByIdentity = (full: string): boolean => {
    if (excludedIdentities.size === 0) return false;
    const stats = fs.lstatSync(full, { bigint: true, throwIfNoEntry: false });
    return stats !== undefined && excludedIdentities.has(`${stats.dev}:${stats.ino}`);
  };
  const batch = new BatchBuilder(options.batchSize);
  const flush = (): void => {
    if (batch.count === 0) return;
    const { batch: wire, transfer } = batch.take();
    emit(wire, transfer);
  };
  const skip = (entry: ScanSkip): void => { summary.skipped.push(entry); };
  // Plain concatenation: path.join normalizes every time, and the walk's paths are already clean.
  const separator = path.sep;
  const rootIndex = task.rootIndex;
  const handedBack: string[] = [];
  // A root typed with "./", ".." or a trailing slash is walked as typed (dupes prints paths so); the
  // excluded folders are clean absolute paths, so its subfolders are cleaned up before that one check.
  const typedAsGiven = path.resolve(task.folder) !== task.folder;

  const stack: string[] = [task.folder];
  const subfolders: string[] = [];
  /** One entry of the folder being walked, whichever way it was listed. */
  const visit = (folder: string, name: string, kind: number, size: number, mtimeMs: number, dev: number, ino: number, error: string): void => {
    if (kind === FILE) { // most entries: no path is built for them here
      if (!options.includeHidden && isHiddenName(name)) { summary.hidden++; return; }
      batch.add(folder, name, size, mtimeMs, dev, ino, rootIndex);
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
      if (!ALWAYS_EXCLUDED_FOLDERS.has(name) && !excluded.has(full) && !(typedAsGiven && excluded.has(path.resolve(full))) && !excludedByIdentity(full)) subfolders.push(full);
      return;
    }
    if (kind === SPECIAL) { summary.special++; return; }
    if (kind === VANISHED) { skip({ path: full, reason: 'vanished', detail: 'deleted while the scan ran' }); return; }
    if (kind === UNREADABLE) skip({ path: full, reason: 'unreadable', detail: error });
  };
  const readFolder = nativeModule().readFolder;
  while (stack.length > 0) {
    const folder = stack.pop() as string;
    subfolders.length = 0;
    const listed = readFolder ? listNatively(readFolder, folder, visit) : listInJavaScript(folder, visit);
    if (listed !== true) { skip({ path: folder, reason: 'unreadable', detail: listed }); continue; }
    summary.folders++;
    if (task.kind === 'shallow') handedBack.push(...subfolders);
    else for (let index = subfolders.length - 1; index >= 0; index--) stack.push(subfolders[index] as string);
  }
  flush();
  return { summary, subfolders: handedBack };
}
