import { z } from 'zod';
import { conflictPolicySchema, operationStatusSchema } from '../operation-status.js';
import { presetNameSchema } from '../rules.js';
import { absolutePathSchema } from './operations.js';
import { pageInput } from './paging.js';

/** How far below a watched folder the watcher looks: 0 is the folder alone (the default), at most 8 levels. */
export const MAX_WATCH_DEPTH = 8;

/**
 * What the watcher knows of a folder now, as the process that watches wrote it: `watching`; `gone` (deleted, or
 * its drive unplugged: watched again when it returns); `unreadable` (permissions); `not-allowed` (an account's
 * folder the owner has taken back); `no-rules` (its rule set was deleted); `paused` (turned off); `not-watched`
 * (no process watches this data folder now: start the app, fileorg serve or fileorg watch).
 */
export const WATCH_STATES = ['watching', 'gone', 'unreadable', 'not-allowed', 'no-rules', 'paused', 'not-watched'] as const;
export const watchStateSchema = z.enum(WATCH_STATES);
export type WatchState = z.infer<typeof watchStateSchema>;

const folderIdSchema = z.string().min(1).max(100);

export const watchedFolderSchema = z.object({
  id: z.string(),
  path: z.string().describe('the watched folder'),
  preset: presetNameSchema.nullable().describe('built-in rules (by-type, by-date), or null when a saved rule set is used'),
  rule_set_id: z.string().nullable().describe('one of your saved rule sets (see /api/v1/rules), or null for a preset'),
  destination: z.string().nullable().describe('where organized files go; null: category folders inside the watched folder'),
  conflict: conflictPolicySchema,
  depth: z.number().int().describe('how many folders down the watcher looks: 0 is the folder alone'),
  enabled: z.boolean().describe('false while paused'),
  created_at: z.string(),
  last_activity_at: z.string().nullable().describe('when the watcher last organized a batch here'),
  state: watchStateSchema,
  state_detail: z.string().nullable().describe('what to do about a folder that is not being watched'),
});
export type WatchedFolderView = z.infer<typeof watchedFolderSchema>;

export const watchListInput = pageInput;

export const watchAddInput = z.strictObject({
  path: absolutePathSchema.describe('the folder to keep organized'),
  preset: presetNameSchema.optional().describe('built-in rules; by-type when neither preset nor rule_set_id is given'),
  rule_set_id: z.string().min(1).max(100).optional().describe('one of your saved rule sets'),
  destination: absolutePathSchema.optional().describe('where organized files go; default: category folders inside the watched folder'),
  conflict: conflictPolicySchema.default('rename'),
  depth: z.number().int().min(0, 'depth is at least 0 (the folder alone)').max(MAX_WATCH_DEPTH, `depth is at most ${MAX_WATCH_DEPTH}`).default(0),
  enabled: z.boolean().default(true),
}).refine((input) => !(input.preset && input.rule_set_id), { message: 'give preset or rule_set_id, not both', path: ['rule_set_id'] });
export type WatchAddInput = z.infer<typeof watchAddInput>;

/** Change what is given; `preset` and `rule_set_id` replace each other, `destination: null` goes back to inside the folder. */
export const watchUpdateInput = z.strictObject({
  id: folderIdSchema,
  preset: presetNameSchema.optional(),
  rule_set_id: z.string().min(1).max(100).optional(),
  destination: absolutePathSchema.nullable().optional(),
  conflict: conflictPolicySchema.optional(),
  depth: z.number().int().min(0, 'depth is at least 0 (the folder alone)').max(MAX_WATCH_DEPTH, `depth is at most ${MAX_WATCH_DEPTH}`).optional(),
  enabled: z.boolean().optional(),
}).refine((input) => !(input.preset && input.rule_set_id), { message: 'give preset or rule_set_id, not both', path: ['rule_set_id'] });
export type WatchUpdateInput = z.infer<typeof watchUpdateInput>;

export const watchIdInput = z.strictObject({ id: folderIdSchema });

/** Why a batch ran: files that settled, the pass when watching starts or a folder returns, or the periodic re-check of time rules. */
export const WATCH_TRIGGERS = ['arrivals', 'catch-up', 'recheck'] as const;

/** watch:batch: the watcher organized a batch of files as one operation (undo it like any other). */
export const watchBatchEventSchema = z.object({
  type: z.literal('watch-batch'),
  folder_id: z.string(),
  path: z.string().describe('the watched folder'),
  trigger: z.enum(WATCH_TRIGGERS),
  operation_id: z.string(),
  status: operationStatusSchema,
  moved: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
});
export type WatchBatchEvent = z.infer<typeof watchBatchEventSchema>;

/**
 * watch:skipped: a file the watcher left where it is, and why. `reason` is one of: a skip reason of the plan or
 * the run as in the journal (SKIP_REASONS: conflict, source-missing, unreadable…) or, for a file that failed to
 * move, its failure reason (FAILURE_REASONS: disk-full…); `rule-loop` (its rules would act on their own output
 * again; the file is left); `still-arriving` (held back for long beside a partial download or Office lock, or
 * empty beside one: finish or remove the partial file) or `open-for-writing` (a program has kept it open for
 * writing for long: close it). The last two are told once the file has been held heldReportMs (5 minutes); it
 * is organized once what holds it is gone. A folder the account may no longer use is told as its state
 * (watch:folder `not-allowed`), not per file. Each file and reason is told once per watching process.
 */
export const watchSkippedEventSchema = z.object({
  type: z.literal('watch-skipped'),
  folder_id: z.string(),
  path: z.string().describe('the file'),
  reason: z.string(),
  detail: z.string(),
});
export type WatchSkippedEvent = z.infer<typeof watchSkippedEventSchema>;

/** watch:folder: a watched folder's state changed (gone, back to watching, unreadable, no longer allowed…). */
export const watchFolderEventSchema = z.object({
  type: z.literal('watch-folder'),
  folder_id: z.string(),
  path: z.string(),
  state: watchStateSchema,
  detail: z.string().nullable(),
});
export type WatchFolderEvent = z.infer<typeof watchFolderEventSchema>;
