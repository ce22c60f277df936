import path from 'node:path';
import { type ConflictPolicy } from '../../../src-shared/operation-status.js';
import { conflictName, fitName } from '../rules/safe-names.js';
import { type DestinationView } from './destination-view.js';

export type Placement = { ok: true; destination: string } | { ok: false; detail: string };

/** "X" -> "X (1)": a folder's name has no extension to keep ("2024.05" stays whole). */
function folderConflictName(name: string, counter: number): string {
  return fitName(name.replace(/ \(\d+\)$/, ''), '', ` (${counter})`);
}

/** A file standing where a folder is needed, under `skip`: there is no place. */
interface Clash { file: string }

/**
 * The folder the file goes into, each folder on the way a folder in the view: where a file stands (on disk, or
 * put there earlier in the plan) in the place of a folder, the folder takes a free name ("X (1)") under
 * `rename`; under `skip` there is no place. Later files wanting the same folder come to the same free name.
 */
function settleFolder(view: DestinationView, folder: string, policy: ConflictPolicy): string | Clash {
  if (view.kind(folder) === 'folder') return folder; // nearly always: a folder seen before
  const below: string[] = [];
  let base = folder;
  while (view.kind(base) !== 'folder') {
    below.unshift(path.basename(base));
    base = path.dirname(base);
  }
  let settled = base;
  let renamed = false;
  for (const name of below) {
    let candidate = path.join(settled, name);
    if (view.kind(candidate) === 'file') {
      if (policy === 'skip') return { file: candidate };
      for (let counter = 1; view.kind(candidate) === 'file'; counter++) candidate = path.join(settled, folderConflictName(name, counter));
      renamed = true;
    }
    settled = candidate;
  }
  // Unchanged, the folder keeps its spelling (a root given with ".." is not cleaned up behind the user's back).
  return renamed ? settled : folder;
}

/**
 * The name the file will get in the simulated disk: its folder settled first (see above), then the name itself,
 * which is taken when a file or a folder is there. Taken under `skip` is no place, with the reason in words.
 * Runs once per planned file: the common case (a known folder, a free name) costs one lookup of each.
 */
export function placeFile(view: DestinationView, wanted: string, policy: ConflictPolicy): Placement {
  // The rendered path is clean and absolute: its folder is the text before the last separator (path.dirname
  // costs more), but for a file at the top of a drive or of "/".
  const cut = wanted.lastIndexOf(path.sep);
  const wantedFolder = cut > 0 && wanted[cut - 1] !== ':' ? wanted.slice(0, cut) : path.dirname(wanted);
  const folder = settleFolder(view, wantedFolder, policy);
  if (typeof folder !== 'string') return { ok: false, detail: `${folder.file} is a file, where ${wanted} needs a folder (conflict policy: skip)` };
  const first = folder === wantedFolder ? wanted : path.join(folder, path.basename(wanted));
  if (!view.exists(first)) return { ok: true, destination: first };
  if (policy === 'skip') return { ok: false, detail: `${first} already exists (conflict policy: skip)` };
  const name = path.basename(wanted);
  for (let counter = 1; ; counter++) {
    const candidate = path.join(folder, conflictName(name, counter));
    if (!view.exists(candidate)) return { ok: true, destination: candidate };
  }
}
