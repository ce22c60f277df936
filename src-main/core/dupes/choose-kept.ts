import { type KeepPolicy } from '../../../src-shared/duplicates.js';
import { isInside } from '../scan/is-inside.js';
import { type DuplicateSearch, type HashedFile } from './find-duplicates.js';

export interface KeepChoice {
  policy: KeepPolicy;
  /** files inside this folder are kept, never resolved; a group with none inside it is left alone */
  reference: string | null;
  /** files the user chose to keep (the app's explicit choice); they win over the policy in their group */
  keepPaths: ReadonlySet<string>;
}

const byName = (a: HashedFile, b: HashedFile): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
/** Ties on the policy go to the shortest path, then to the first by name: a run is the same each time. */
const shorterFirst = (a: HashedFile, b: HashedFile): number => a.path.length - b.path.length || byName(a, b);
const ORDER: Record<KeepPolicy, (a: HashedFile, b: HashedFile) => number> = {
  oldest: (a, b) => a.mtimeMs - b.mtimeMs || shorterFirst(a, b),
  newest: (a, b) => b.mtimeMs - a.mtimeMs || shorterFirst(a, b),
  shortest: shorterFirst,
};

/**
 * The files of one group to keep; the others are the ones to resolve. Empty: leave the whole group alone (a
 * reference folder was named and holds none of it).
 */
export function chooseKept(files: readonly HashedFile[], choice: KeepChoice): Set<HashedFile> {
  const chosen = files.filter((file) => choice.keepPaths.has(file.path));
  if (choice.reference !== null) {
    const reference = choice.reference;
    const inside = files.filter((file) => isInside(file.path, reference));
    return new Set([...inside, ...chosen]);
  }
  if (chosen.length > 0) return new Set(chosen);
  return new Set([[...files].sort(ORDER[choice.policy])[0] as HashedFile]);
}

/** Every file of the search's groups that `policy` does not keep: the copies a `duplicate` rule condition matches. */
export function copiesNotKept(search: DuplicateSearch, policy: KeepPolicy): Set<string> {
  const copies = new Set<string>();
  const choice: KeepChoice = { policy, reference: null, keepPaths: new Set() };
  for (const files of search.details()) {
    const kept = chooseKept(files, choice);
    for (const file of files) if (!kept.has(file)) copies.add(file.path);
  }
  return copies;
}
