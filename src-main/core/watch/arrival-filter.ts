import fs from 'node:fs';
import path from 'node:path';
import { isHiddenName } from '../scan/hidden-names.js';

/**
 * The names browsers and download tools give a file while it is still arriving: Firefox `.part`, Chrome
 * `.crdownload`, Safari `.download` (a folder), `.tmp` and `.partial` (many tools, our own temp files too),
 * qBittorrent `.!qB`, Opera `.opdownload`. Such a file is never organized, and a file beside one of them under
 * its final name (Firefox's 0-byte placeholder) waits until the partial file is gone.
 */
export const PARTIAL_DOWNLOAD_SUFFIXES = ['.part', '.crdownload', '.download', '.tmp', '.partial', '.!qB', '.opdownload'] as const;
const LOWER_SUFFIXES = PARTIAL_DOWNLOAD_SUFFIXES.map((suffix) => suffix.toLowerCase());
/** Office writes `~$name` (or `~$` over the first two letters of a long name) beside a document it has open. */
const OFFICE_LOCK_PREFIX = '~$';

export function isPartialDownloadName(name: string): boolean {
  if (name.startsWith(OFFICE_LOCK_PREFIX)) return true;
  const lower = name.toLowerCase();
  return LOWER_SUFFIXES.some((suffix) => lower.endsWith(suffix));
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
  return siblings;
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
 * of the same name lies beside it, and while it is empty and young: Firefox writes a 0-byte placeholder under
 * the final name and later renames its `.part` over it, which arrives as a change of that name, whole.
 */
export function judgeArrival(file: ArrivalFacts, options: { now: number; youngEmptyMs: number; exists?: (file: string) => boolean }): ArrivalVerdict {
  const exists = options.exists ?? existsNow;
  const sibling = partialSiblingsOf(file.path).find((candidate) => exists(candidate));
  if (sibling !== undefined) {
    return { ready: false, reason: 'partial-sibling', detail: `${path.basename(sibling)} beside it is still arriving (or has it open)`, lookAgainAt: undefined };
  }
  const age = options.now - file.mtimeMs;
  if (file.size === 0 && age < options.youngEmptyMs) {
    return { ready: false, reason: 'young-empty', detail: 'it is empty and new: a download may still be coming in under its name', lookAgainAt: file.mtimeMs + options.youngEmptyMs };
  }
  return { ready: true };
}
