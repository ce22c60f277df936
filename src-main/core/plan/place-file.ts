import path from 'node:path';
import { type ConflictPolicy } from '../../../src-shared/operation-status.js';
import { conflictName, fitName } from '../rules/safe-names.js';
import { type DestinationView } from './destination-view.js';

export type Placement = { ok: true; destination: string } | { ok: false; detail: string };

/** "X" -> "X (1)": a folder's name has no extension to keep ("2024.05" stays whole). */
function folderConflictName(name: string, counter: number): string {
  return fitName(name.replace(/ \(\d+\)$/, ''), '', ` (${counter})`);
}

/**
 * The folder the file goes into, each folder on the way a folder in the view: where a file stands (on disk, or
 * put there earlier in the plan) in the place of a folder, the folder takes a free name ("X (1)") under
 * `rename`; under `skip` there is no place. Later files wanting the same folder come to the same free name.
 */
function settleFolder(view: DestinationView, folder: string, policy: ConflictPolicy): Placement {
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
      if (policy === 'skip') return { ok: false, detail: `${candidate} is a file, so the folder it needs cannot be made there (conflict policy: skip)` };
      for (let counter = 1; view.kind(candidate) === 'file'; counter++) candidate = path.join(settled, folderConflictName(name, counter));
      renamed = true;
    }
    settled = candidate;
  }
  // Unchanged, the folder keeps its spelling (a root given with ".." is not cleaned up behind the user's back).
  return { ok: true, destination: renamed ? settled : folder };
}

/**
 * The name the file will get in the simulated disk: its folder settled first (see above), then the name itself,
 * which is taken when a file or a folder is there. Taken under `skip` is no place, with the reason in words.
 */
export function placeFile(view: DestinationView, wanted: string, policy: ConflictPolicy): Placement {
  const folder = settleFolder(view, path.dirname(wanted), policy);
  if (!folder.ok) return folder;
  const name = path.basename(wanted);
  const first = folder.destination === path.dirname(wanted) ? wanted : path.join(folder.destination, name);
  if (!view.exists(first)) return { ok: true, destination: first };
  if (policy === 'skip') return { ok: false, detail: `${first} already exists (conflict policy: skip)` };
  for (let counter = 1; ; counter++) {
    const candidate = path.join(folder.destination, conflictName(name, counter));
    if (!view.exists(candidate)) return { ok: true, destination: candidate };
  }
}
