/**
 * Why a file was left where it is. Stable strings: they appear in plans, the journal and JSON output.
 */
export const SKIP_REASONS = [
  'conflict',              // the destination name is taken and the policy is `skip`
  'changed-since-plan',    // size, mtime or identity differ from what the plan saw
  'changed-during-move',   // the file changed while it was being copied or linked: the copy was discarded, the file left as it is
  'source-missing',        // the file vanished between plan and run
  'kept-file-changed',     // duplicates: the copy to keep changed or vanished since it was hashed, so its group was left alone
  'different-owner-or-mode', // duplicates: a hard link would give one file another's owner, group or permissions
  'other-device',          // duplicates: a hard link cannot join files on two devices
  'folder-others-can-write', // duplicates: the duplicate's folder is another user's, or writable by others and not sticky: they could take the link's temp name
  'not-a-regular-file',    // the name now holds a pipe, a device, a folder or a symlink, not the file that was scanned
  'symlink-in-path',       // a folder on the way is a symlink (or not a folder): it is never followed
  'unsupported-name',      // the name is not valid UTF-8
  'unreadable',            // a folder or file the scanner could not read
  'path-too-long',         // the rendered destination exceeds the platform's limits
  'destination-invalid',   // the rendered destination is empty or escapes the destination root
  'excluded',              // left out of a recorded preview when it was applied
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** Why a file action failed: the OS error's class; the row's `error` has the OS's own words. */
export const FAILURE_REASONS = [
  'disk-full',             // ENOSPC, EDQUOT
  'permission-denied',     // EACCES, EPERM, EROFS
  'io-error',              // anything else the OS refused
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export const ROLLBACK_CONFLICT_REASONS = [
  'changed-since-organize', // the moved file was edited or replaced after the run
  'content-changed',        // what would be given back no longer holds the original content (its digest differs)
  'missing',                // the moved file is no longer where the run put it
  'original-place-taken',   // another file now sits at the old path
  'original-changed',       // undoing a copy: its original is gone or changed, so the copy (maybe the last one) stays
  'symlink-in-path',        // a folder on the way back is a symlink: it is never followed
  'quarantine-emptied',     // the file was sent to the OS trash when the quarantine was emptied
  'error',                  // the OS refused (permissions, disk full): the message says which
] as const;
export type RollbackConflictReason = (typeof ROLLBACK_CONFLICT_REASONS)[number];

/** The stable failure reason of an OS error code. */
export function failureReasonOf(code: string | undefined): FailureReason {
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'disk-full';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'permission-denied';
  return 'io-error';
}
