import fs from 'node:fs';
import path from 'node:path';
import { isHiddenName } from '../scan/hidden-names.js';

/**
 * The names browsers and download tools give a file while it is still arriving: Firefox `.part`, Chrome
 * `.crdownload`, Safari `.download` (a folder), `.tmp` and `.partial` (many tools, our own temp files too),
 * qBittorrent `.!qB`, Opera `.opdownload`. Such a file is never organized, and a file beside one of them under
 * its final name waits until the partial file is gone. Firefox's newer partial files have random names
 * (`a8Xk2.pdf.part` beside the 0-byte placeholder `report.pdf`): an empty file waits while any partial file in
 * its folder is still being written.
 */
export const PARTIAL_DOWNLOAD_SUFFIXES = ['.part', '.crdownload', '.download', '.tmp', '.partial', '.!qB', '.opdownload'] as const;
const LOWER_SUFFIXES = PARTIAL_DOWNLOAD_SUFFIXES.map((suffix) => suffix.toLowerCase());
/** Office writes `~$name` (or `~$` over the first two letters of a long name) beside a document it has open. */
const OFFICE_LOCK_PREFIX = '~$';
/** LibreOffice writes `.~lock.NAME#` beside a document it has open (hidden, so never organized itself). */
const libreOfficeLockOf = (name: string): string => `.~lock.${name}#`;

/** A partial download's name by its suffix alone (not an Office lock, which belongs to one document). */
function hasPartialSuffix(name: string): boolean {
  const lower = name.toLowerCase();
  return LOWER_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}

export function isPartialDownloadName(name: string): boolean {
  return name.startsWith(OFFICE_LOCK_PREFIX) || hasPartialSuffix(name);
}

/** Names the watcher never looks at: hidden and system files, and files still arriving. */
export function isIgnoredName(name: string): boolean {
  return isHiddenName(name) || isPartialDownloadName(name);
}

/** The names beside `file` whose presence says it is not whole yet (a download in progress, a document open). */
export function partialSiblingsOf(file: string): string[] {
  const folder = path.dirname(file);
  const name = path.basename(file);
  const siblings = PARTIAL_DOWNLOAD_SUFFIXES.map((suffix) => file + suffix);
  siblings.push(path.join(folder, OFFICE_LOCK_PREFIX + name));
  if (name.length > 2) siblings.push(path.join(folder, OFFICE_LOCK_PREFIX + name.slice(2)));
  siblings.push(path.join(folder, libreOfficeLockOf(name)));
  return siblings;
}

/** A file in a folder, by name, with its mtime. */
export interface NamedTime {
  name: string;
  mtimeMs: number;
}

/** The partial downloads in `folder` (whatever their names) with their mtimes; none when it cannot be read. */
export function partialDownloadsIn(folder: string): NamedTime[] {
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return [];
  }
  const found: NamedTime[] = [];
  for (const name of names) {
    if (!hasPartialSuffix(name)) continue;
    try {
      const stats = fs.lstatSync(path.join(folder, name), { throwIfNoEntry: false });
      if (stats) found.push({ name, mtimeMs: stats.mtimeMs });
    } catch { /* gone or unreadable on the way: not arriving here */ }
  }
  return found;
}

export interface ArrivalFacts {
  path: string;
  size: number;
  mtimeMs: number;
}

export type ArrivalVerdict =
  | { ready: true }
  /** held back; look at it again at `lookAgainAt` (clock time), or when it changes */
  | { ready: false; reason: 'partial-sibling' | 'young-empty'; detail: string; lookAgainAt: number | undefined };

const existsNow = (file: string): boolean => fs.lstatSync(file, { throwIfNoEntry: false }) !== undefined;

/**
 * Whether a file that has settled (its size stayed put) may be organized now. It waits while a partial download
 * of the same name (or an Office or LibreOffice lock) lies beside it, and while it is empty and either young or
 * beside any partial download written to within `youngEmptyMs`: Firefox writes a 0-byte placeholder under the
 * final name and later renames its partial file over it, which arrives as a change of that name, whole; a
 * download that takes longer than `youngEmptyMs` would otherwise see its placeholder organized meanwhile.
 * `exists` and `partialsIn` read the disk unless a test tells them.
 */
export function judgeArrival(file: ArrivalFacts, options: {
  now: number; youngEmptyMs: number; exists?: (file: string) => boolean; partialsIn?: (folder: string) => NamedTime[];
}): ArrivalVerdict {
  const exists = options.exists ?? existsNow;
  const sibling = partialSiblingsOf(file.path).find((candidate) => exists(candidate));
  if (sibling !== undefined) {
    return { ready: false, reason: 'partial-sibling', detail: `${path.basename(sibling)} beside it is still arriving (or has it open)`, lookAgainAt: undefined };
  }
  const age = options.now - file.mtimeMs;
  if (file.size === 0 && age < options.youngEmptyMs) {
    return { ready: false, reason: 'young-empty', detail: 'it is empty and new: a download may still be coming in under its name', lookAgainAt: file.mtimeMs + options.youngEmptyMs };
  }
  if (file.size === 0) {
    const arriving = (options.partialsIn ?? partialDownloadsIn)(path.dirname(file.path)).find((partial) => options.now - partial.mtimeMs < options.youngEmptyMs);
    if (arriving) {
      return {
        ready: false, reason: 'partial-sibling', lookAgainAt: undefined,
        detail: `it is empty, and ${arriving.name} in its folder is still arriving: it may be that download's placeholder`,
      };
    }
  }
  return { ready: true };
}
