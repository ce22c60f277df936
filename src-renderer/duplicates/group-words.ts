import { type ChannelOutput } from '../../src-shared/contract.js';
import { type KeepPolicy } from '../../src-shared/duplicates.js';
import { baseName, plural } from '../ui/format.js';

/** One group of files with the same content, as duplicates:groups answers it (most space to win first). */
export type DuplicateGroup = ChannelOutput<'duplicates:groups'>['items'][number];

/** A group is named after its first file: "photo.jpg". */
export const groupName = (group: Pick<DuplicateGroup, 'files'>): string => baseName(group.files[0] ?? '');

/** The group's checkbox: `Include group of photo.jpg (3 copies)`. */
export const includeLabel = (group: Pick<DuplicateGroup, 'files' | 'copies'>): string =>
  `Include group of ${groupName(group)} (${plural(group.copies, 'copy', 'copies')})`;

export const KEEP_WORDS: Record<KeepPolicy, string> = { oldest: 'Oldest', newest: 'Newest', shortest: 'Shortest path' };

/**
 * The copy a group keeps, as far as the window can know it: the user's choice, else the shortest path when that
 * is the policy (ties to the first by name, as the engine breaks them). Oldest and newest go by modification
 * times, which the groups do not carry: null, and the engine decides when it runs.
 */
export function keptPath(group: DuplicateGroup, keep: KeepPolicy, chosen: string | undefined): string | null {
  if (chosen !== undefined && group.files.includes(chosen)) return chosen;
  if (keep !== 'shortest') return null;
  return [...group.files].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0))[0] ?? null;
}

/** How the kept copy is chosen, in words for the group's head. */
export function keptHow(keep: KeepPolicy, chosen: boolean): string {
  if (chosen) return 'Keeps the copy you picked';
  switch (keep) {
    case 'oldest': return 'Keeps the oldest copy';
    case 'newest': return 'Keeps the newest copy';
    case 'shortest': return 'Keeps the shortest path';
  }
}
