import { z } from 'zod';
import { conflictPolicySchema, fileStateSchema, OPERATION_KINDS, operationStatusSchema } from '../operation-status.js';
import { OPERATION_STAGES } from '../progress.js';
import { presetNameSchema } from '../rules.js';
import { pageInput } from './paging.js';

/** An absolute path on any platform: "/x", "C:\x", "C:/x" or "\\server\share". */
export const absolutePathSchema = z.string().min(1).max(4096)
  .refine((path) => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path), 'an absolute path, like /home/me/Downloads or C:\\Users\\me\\Downloads')
  .refine((path) => !path.includes('\0'), 'a path cannot hold a NUL character');

export const startOperationInput = z.strictObject({
  source_paths: z.array(absolutePathSchema).min(1, 'give at least one folder to organize').max(100),
  preset: presetNameSchema.optional().describe('built-in rules; by-type when neither preset nor rule_set_id is given'),
  rule_set_id: z.string().min(1).max(100).optional().describe('one of your saved rule sets (see /api/v1/rules)'),
  destination: absolutePathSchema.optional().describe('where organized files go; default: inside each source folder'),
  conflict: conflictPolicySchema.default('rename'),
  dry_run: z.boolean().default(false),
  include_hidden: z.boolean().default(false),
}).refine((input) => !(input.preset && input.rule_set_id), { message: 'give preset or rule_set_id, not both', path: ['rule_set_id'] });
export type StartOperationInput = z.infer<typeof startOperationInput>;

export const operationAcceptedSchema = z.object({ operation_id: z.string(), status: operationStatusSchema });

const operationIdSchema = z.string().min(1).max(100);

/** operations:list: newest first, of one kind or all. */
export const listOperationsInput = pageInput.extend({
  kind: z.enum(OPERATION_KINDS).optional().describe('only operations of this kind (organize, dedupe, watch: the watcher\'s batches); all kinds when absent'),
});

/** operations:files: the journal by position, narrowed by state, category or a substring of either path. */
export const operationFilesInput = pageInput.extend({
  id: operationIdSchema,
  state: fileStateSchema.optional().describe('only rows in this state (planned, done, skipped, failed, rolled_back, rollback_conflict)'),
  category: z.string().min(1).max(100).optional().describe('only rows of this category, as in the plan summary\'s by_category (Images, Documents…)'),
  q: z.string().min(1).max(4096).optional().describe('only rows whose source or destination contains this text (any case)'),
});

/** operations:apply: run a recorded preview (a dry run) exactly as planned, leaving out the rows named. */
export const applyOperationInput = z.strictObject({
  id: operationIdSchema,
  exclude: z.array(z.number().int().positive()).max(1_000_000).default([]).describe('journal row ids (operations:files `id`) to leave in place'),
  exclude_paths: z.array(absolutePathSchema).max(100_000).default([]).describe('source paths to leave in place'),
});

/**
 * What a plan will do, made when the plan is whole and kept with the operation: the preview's summary. Category
 * names are those of README's table; rules by their names in the rule set.
 */
export const planSummarySchema = z.object({
  files: z.number().int().describe('files the plan moves'),
  bytes: z.number().int().describe('their bytes'),
  by_category: z.record(z.string(), z.number().int()).describe('files to move per category (Images, Documents…)'),
  by_rule: z.record(z.string(), z.number().int()).describe('files to move per rule'),
  conflicts: z.number().int().describe('files whose name was taken at the destination (renamed or skipped by the conflict policy)'),
  unchanged: z.number().int().describe('files already where their rule puts them'),
  skipped_by_reason: z.record(z.string(), z.number().int()).describe('files left out when planning, per reason code'),
});
export type PlanSummaryView = z.infer<typeof planSummarySchema>;

export const operationSchema = z.object({
  operation_id: z.string(),
  kind: z.enum(OPERATION_KINDS),
  status: operationStatusSchema,
  dry_run: z.boolean(),
  source_paths: z.array(z.string()),
  destination: z.string().nullable(),
  preset: z.string().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  progress: z.object({
    stage: z.enum(OPERATION_STAGES).nullable().describe('while the run is live in this server; null otherwise'),
    files_done: z.number().int(),
    files_total: z.number().int(),
    bytes_done: z.number().int(),
    bytes_total: z.number().int(),
  }),
  moved: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  conflicts: z.number().int(),
  unchanged: z.number().int(),
  rolled_back: z.number().int(),
  rollback_conflicts: z.number().int(),
  message: z.string().nullable(),
  plan: planSummarySchema.nullable().describe('what the plan does (the preview\'s summary); null until the plan is whole'),
  cancel_requested: z.boolean().describe('a cancel was asked for and the run has not stopped yet'),
});
export type OperationView = z.infer<typeof operationSchema>;

export const operationFileSchema = z.object({
  id: z.number().int(),
  action: z.string(),
  source: z.string(),
  destination: z.string().nullable(),
  state: z.string(),
  reason: z.string().nullable().describe('why the file is skipped, failed or left in place, as a stable code (disk-full, changed-since-plan, conflict...); null when it went as planned'),
  error: z.string().nullable().describe('the same in words: for a failure, the OS\'s own message (e.g. "ENOSPC: no space left on device, write")'),
  size: z.number().int(),
  rule: z.string().nullable().describe('the rule that placed the file (organize); null for duplicates and files left out'),
  category: z.string().nullable().describe('the file\'s category, as in the plan summary'),
});
export type OperationFileView = z.infer<typeof operationFileSchema>;

export const operationProgressSchema = z.object({
  type: z.literal('progress'),
  operation_id: z.string(),
  stage: z.enum(OPERATION_STAGES),
  files_done: z.number().int(),
  files_total: z.number().int(),
  bytes_done: z.number().int(),
  bytes_total: z.number().int(),
  current_path: z.string().nullable(),
});

export const operationResultSchema = z.object({
  type: z.literal('result'),
  operation_id: z.string(),
  status: operationStatusSchema,
  moved: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  conflicts: z.number().int(),
  rolled_back: z.number().int().optional(),
  rollback_conflicts: z.number().int().optional(),
  message: z.string().nullable().optional(),
});
