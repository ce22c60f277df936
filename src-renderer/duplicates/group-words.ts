import { type ChannelOutput } from '../../src-shared/contract.js';
import { type KeepPolicy } from '../../src-shared/duplicates.js';
import { baseName, formatBytes, plural, visibleName } from '../ui/format.js';

/** One group of files with the same content, as duplicates:groups answers it (most space to win first). */
export type DuplicateGroup = ChannelOutput<'duplicates:groups'>['items'][number];

/**
 * A path as it reads under the folder searched that holds it ("photos/IMG_0001.jpg"), the deepest one when they
 * nest; with several folders searched, that folder's own name leads ("Pictures/photos/IMG_0001.jpg"). A path
 * outside them all stays whole.
 */
export function underSearched(path: string, roots: readonly string[]): string {
  // A Windows folder (the desktop app) is written with backslashes.
  const sepOf = (root: string): string => (root.includes('\\') && !root.includes('/') ? '\\' : '/');
  let best: string | null = null;
  for (const root of roots) {
    const prefix = root.endsWith(sepOf(root)) ? root : root + sepOf(root);
    if (path.startsWith(prefix) && (best === null || root.length > best.length)) best = root;
  }
  if (best === null) return path;
  const sep = sepOf(best);
  const relative = path.slice(best.endsWith(sep) ? best.length : best.length + 1);
  const top = baseName(best);
  // baseName of "/" is "/" itself: the whole disk has no name to lead with.
  return roots.length > 1 && top !== best ? `${top}${sep}${relative}` : relative;
}

/**
 * What names a group on screen and in every control of its row: its first file under the folder searched, its
 * copies and size: "photos/IMG_0001.jpg (2 copies, 60 kB)". Two groups of files of the same name differ by
 * folder or size, so no two rows' controls share a name. Disguising characters are shown escaped.
 */
export const groupLabel = (group: Pick<DuplicateGroup, 'files' | 'copies' | 'size'>, roots: readonly string[]): string =>
  `${visibleName(underSearched(group.files[0] ?? '', roots))} (${plural(group.copies, 'copy', 'copies')}, ${formatBytes(group.size)})`;

export const KEEP_WORDS: Record<KeepPolicy, string> = { oldest: 'Oldest', newest: 'Newest', shortest: 'Shortest path' };

/**
 * The copy a group keeps: the user's pick, else the one the engine keeps under the policy (duplicates:groups
 * names it for each policy, ties broken as the engine breaks them, so what is marked is what stays).
 */
export function keptPath(group: DuplicateGroup, keep: KeepPolicy, chosen: string | undefined): string {
  if (chosen !== undefined && group.files.includes(chosen)) return chosen;
  return group.kept[keep];
}
