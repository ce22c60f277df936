import { type FailureReason, type RollbackConflictReason, type SkipReason } from '../../src-shared/skip-reasons.js';

/**
 * Every reason code of the journal in words a person reads: why a file was left where it is, why it failed,
 * why undo could not put it back. Typed from the shared lists, so a new code fails to compile until it has words.
 */
const WORDS: Record<SkipReason | FailureReason | RollbackConflictReason, string> = {
  conflict: 'A file with that name is already at the destination',
  'changed-since-plan': 'Changed since the preview, so it was left alone',
  'changed-during-move': 'Changed while it was being moved; left as it is',
  'source-missing': 'No longer there when its turn came',
  'kept-file-changed': 'The copy to keep changed since the search, so this group was left alone',
  'different-owner-or-mode': 'A hard link would change its owner or permissions',
  'other-device': 'On another drive than the kept copy: a hard link cannot join them',
  'folder-others-can-write': 'Its folder can be changed by other users, so no hard link was made there',
  'not-a-regular-file': 'Not a regular file any more (a folder, link or device took its name)',
  'symlink-in-path': 'A folder on the way is a symbolic link, which is never followed',
  'unsupported-name': 'Its name is not valid UTF-8',
  unreadable: 'Could not be read',
  'path-too-long': 'The new path would be too long for this system',
  'destination-invalid': 'The rule gave an empty destination, or one outside the destination folder',
  excluded: 'Left out by you',
  'disk-full': 'The disk is full: free some space, then resume',
  'permission-denied': 'Permission denied: check who may write there, then resume',
  'io-error': 'The system refused',
  'changed-since-organize': 'Edited or replaced after the run, so undo left it where it is',
  'content-changed': 'Its content is no longer what was moved, so undo left it where it is',
  missing: 'No longer where the run put it',
  'original-place-taken': 'Another file now has its old name, so undo left it where it is',
  'original-changed': 'Its original changed or is gone, so the copy stays',
  'quarantine-emptied': 'Sent to the trash when the quarantine was emptied: restore it from the system trash',
  error: 'The system refused',
};

export function reasonWords(reason: string | null): string | null {
  if (reason === null) return null;
  return (WORDS as Record<string, string>)[reason] ?? reason.replaceAll('-', ' ');
}

const STATE_WORDS: Record<string, string> = {
  planned: 'Planned', done: 'Done', skipped: 'Skipped', failed: 'Failed', rolled_back: 'Put back', rollback_conflict: 'Not put back',
};
export const fileStateWords = (state: string): string => STATE_WORDS[state] ?? state;
