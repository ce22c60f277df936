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
 * The copy a group keeps: the user's pick, else the one the engine keeps under the policy (duplicates:groups
 * names it for each policy, ties broken as the engine breaks them, so what is marked is what stays).
 */
export function keptPath(group: DuplicateGroup, keep: KeepPolicy, chosen: string | undefined): string {
  if (chosen !== undefined && group.files.includes(chosen)) return chosen;
  return group.kept[keep];
}
