/**
 * Why a file was left where it is. Stable strings: they appear in plans, the journal and JSON output.
 */
export const SKIP_REASONS = [
  'conflict',              // the destination name is taken and the policy is `skip`
  'changed-since-plan',    // size, mtime or identity differ from what the plan saw
  'source-missing',        // the file vanished between plan and run
  'unsupported-name',      // the name is not valid UTF-8
  'unreadable',            // a folder or file the scanner could not read
  'path-too-long',         // the rendered destination exceeds the platform's limits
  'destination-invalid',   // the rendered destination is empty or escapes the destination root
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export const ROLLBACK_CONFLICT_REASONS = [
  'changed-since-organize', // the moved file was edited or replaced after the run
  'missing',                // the moved file is no longer where the run put it
  'original-place-taken',   // another file now sits at the old path
  'error',                  // the OS refused (permissions, disk full): the message says which
] as const;
export type RollbackConflictReason = (typeof ROLLBACK_CONFLICT_REASONS)[number];
