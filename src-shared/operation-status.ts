import { z } from 'zod';

/** One list of operation statuses for the CLI, the REST API and the app. */
export const OPERATION_STATUSES = [
  'planned', 'running', 'completed', 'completed_with_failures', 'interrupted',
  'rolling_back', 'rolled_back', 'partially_rolled_back',
] as const;
export const operationStatusSchema = z.enum(OPERATION_STATUSES);
export type OperationStatus = z.infer<typeof operationStatusSchema>;

/** Journal states of one file: planned -> done (or skipped/failed), later rolled_back or rollback_conflict. */
export const FILE_STATES = ['planned', 'done', 'skipped', 'failed', 'rolled_back', 'rollback_conflict'] as const;
export const fileStateSchema = z.enum(FILE_STATES);
export type FileState = z.infer<typeof fileStateSchema>;

/** `hardlink`: a duplicate's name made a hard link to the file kept in its group (duplicate resolution). */
export const FILE_ACTIONS = ['move', 'copy', 'rename', 'hardlink'] as const;
export const fileActionSchema = z.enum(FILE_ACTIONS);
export type FileAction = z.infer<typeof fileActionSchema>;

export const CONFLICT_POLICIES = ['rename', 'skip'] as const;
export const conflictPolicySchema = z.enum(CONFLICT_POLICIES);
export type ConflictPolicy = z.infer<typeof conflictPolicySchema>;

/**
 * organize sorts files by rules; dedupe resolves duplicates (quarantine or hard links); watch is one batch of
 * files the watcher organized as they settled in a watched folder. All undo alike.
 */
export const OPERATION_KINDS = ['organize', 'dedupe', 'watch'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

/** The phase an operation was in; an interrupted operation resumes the phase it was in. */
export const OPERATION_PHASES = ['execute', 'rollback'] as const;
export type OperationPhase = (typeof OPERATION_PHASES)[number];
