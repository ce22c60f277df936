import { z } from 'zod';
import { DUPLICATE_STAGES, keepPolicySchema } from '../duplicates.js';
import { absolutePathSchema } from './operations.js';
import { pageInput } from './paging.js';

export const duplicateSearchInput = z.strictObject({
  paths: z.array(absolutePathSchema).min(1, 'give at least one folder to search').max(100),
  min_size: z.number().int().nonnegative().default(0),
  include_empty: z.boolean().default(false),
  include_hidden: z.boolean().default(false),
});

const skipSchema = z.object({ path: z.string(), reason: z.enum(['unreadable', 'changed', 'not-a-regular-file']), detail: z.string() });

/** The whole result in one answer: what `fileorg dupes --json` prints. */
export const duplicateSearchResultSchema = z.object({
  type: z.literal('result'),
  groups: z.array(z.object({ size: z.number().int(), hash: z.string(), files: z.array(z.string()) })),
  wasted_bytes: z.number().int(),
  files_scanned: z.number().int(),
  hashed_bytes: z.number().int(),
  cache_hits: z.number().int(),
  skipped: z.array(skipSchema),
});

const searchIdSchema = z.string().min(1).max(100);
export const searchIdInput = z.strictObject({ search_id: searchIdSchema });
export const duplicateSearchAcceptedSchema = z.object({ search_id: z.string() });

export const DUPLICATE_SEARCH_STATUSES = ['running', 'completed', 'failed', 'interrupted'] as const;

/** A kept search: its request, where it stands, and once completed its summary (the groups are paged apart). */
export const duplicateSearchSchema = z.object({
  search_id: z.string(),
  status: z.enum(DUPLICATE_SEARCH_STATUSES).describe('interrupted: the process running it stopped first; search again'),
  paths: z.array(z.string()),
  min_size: z.number().int(),
  include_empty: z.boolean(),
  include_hidden: z.boolean(),
  created_at: z.string(),
  finished_at: z.string().nullable(),
  stage: z.enum(DUPLICATE_STAGES).nullable().describe('while it runs in this server; null otherwise'),
  summary: z.object({
    groups: z.number().int(),
    files: z.number().int().describe('files in the groups, kept ones included'),
    wasted_bytes: z.number().int().describe('what keeping one file of every group would win'),
    files_scanned: z.number().int(),
    hashed_bytes: z.number().int(),
    cache_hits: z.number().int(),
    skipped_count: z.number().int(),
    skipped: z.array(skipSchema).describe('the first 1000 files left out (unreadable, changed while read, not a regular file)'),
  }).nullable(),
  message: z.string().nullable().describe('why it failed, in words'),
});
export type DuplicateSearchView = z.infer<typeof duplicateSearchSchema>;

export const duplicateGroupsInput = pageInput.extend({ search_id: searchIdSchema });
/** One group, as the search found it: largest space to win first. */
export const duplicateGroupSchema = z.object({
  hash: z.string().describe('BLAKE3 of the content, hex: name the group with it in duplicates:quarantine\'s groups'),
  size: z.number().int(),
  copies: z.number().int(),
  wasted_bytes: z.number().int().describe('size x (copies - 1)'),
  files: z.array(z.string()),
  kept: z.object({ oldest: z.string(), newest: z.string(), shortest: z.string() })
    .describe('the file each keep policy keeps in this group (the window marks it); keep_paths and reference win over them'),
});

/** duplicates:quarantine and duplicates:hardlink: act on a kept search's groups, exactly as they were found. */
export const duplicateActionInput = z.strictObject({
  search_id: searchIdSchema,
  groups: z.array(z.string().regex(/^[0-9a-f]{64}$/, 'a group\'s hash: 64 hex digits, as duplicates:groups answers it')).min(1).max(1_000_000).optional()
    .describe('the groups to act on, by hash; every group of the search when absent'),
  keep: keepPolicySchema.default('oldest').describe('which file of a group is kept: oldest or newest (mtime), or shortest path'),
  keep_paths: z.array(absolutePathSchema).max(100_000).default([]).describe('keep these files in their groups (wins over keep)'),
  reference: absolutePathSchema.nullable().default(null).describe('keep the files inside this folder; groups without one there are left alone'),
});

export const quarantineListInput = pageInput.extend({ operation_id: z.string().min(1).max(100).optional() });
export const quarantinedFileSchema = z.object({
  operation_id: z.string(),
  original: z.string().describe('where it was, and where restore puts it back'),
  quarantined: z.string(),
  kept: z.string().nullable().describe('the copy that was kept'),
  size: z.number().int(),
  quarantined_at: z.string(),
});

export const quarantineRestoreInput = z.strictObject({
  operation_id: z.string().min(1).max(100),
  paths: z.array(absolutePathSchema).min(1).max(100_000).optional().describe('original paths to put back; all of the operation\'s files (its undo) when absent'),
});
export const quarantineRestoreSchema = z.object({
  operation_id: z.string(),
  status: z.string().describe('the operation\'s status: rolling_back while a whole restore runs in the background'),
  restored: z.number().int().nullable().describe('files put back (paths given); null when the whole undo runs in the background'),
  not_restored: z.array(z.object({ path: z.string(), reason: z.string(), message: z.string() })).describe('paths given that were not put back, each with why'),
});

export const quarantineEmptyInput = z.strictObject({
  operation_id: z.string().min(1).max(100).optional(),
  paths: z.array(absolutePathSchema).min(1).max(100_000).optional().describe('original paths of the operation\'s quarantined files to send to the trash; all of them when absent'),
}).refine((input) => input.paths === undefined || input.operation_id !== undefined, { message: 'name the operation (operation_id) whose files these paths are', path: ['operation_id'] });
export const quarantineEmptiedSchema = z.object({
  trashed: z.number().int(), trashed_bytes: z.number().int(),
  missing: z.number().int().describe('files already gone from the quarantine'),
  left: z.number().int().describe('files left alone: what is there is not the file quarantined, or refused (see refused)'),
  refused: z.array(z.object({ original: z.string(), quarantined: z.string(), message: z.string() }))
    .describe('files left in the quarantine because their trash folder is not safe (another user could read or remove them there), each with what to do'),
});

/** Push events of a search. */
export const duplicateProgressEventSchema = z.object({
  type: z.literal('progress'),
  search_id: z.string(),
  stage: z.enum(DUPLICATE_STAGES),
  files_done: z.number().int(),
  files_total: z.number().int(),
  bytes_done: z.number().int(),
  bytes_total: z.number().int(),
});
export const duplicateResultEventSchema = z.object({
  type: z.literal('result'),
  search_id: z.string(),
  status: z.enum(DUPLICATE_SEARCH_STATUSES),
  groups: z.number().int(),
  wasted_bytes: z.number().int(),
  files_scanned: z.number().int(),
  message: z.string().nullable(),
});
