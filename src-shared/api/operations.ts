import { z } from 'zod';
import { conflictPolicySchema, operationStatusSchema } from '../operation-status.js';
import { OPERATION_STAGES } from '../progress.js';
import { presetNameSchema } from '../rules.js';

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

export const operationSchema = z.object({
  operation_id: z.string(),
  kind: z.enum(['organize', 'dedupe']),
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
