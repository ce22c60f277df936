import { z } from 'zod';
import { absolutePathSchema } from './operations.js';

export const duplicateSearchInput = z.strictObject({
  paths: z.array(absolutePathSchema).min(1, 'give at least one folder to search').max(100),
  min_size: z.number().int().nonnegative().default(0),
  include_empty: z.boolean().default(false),
  include_hidden: z.boolean().default(false),
});

export const duplicateSearchResultSchema = z.object({
  type: z.literal('result'),
  groups: z.array(z.object({ size: z.number().int(), hash: z.string(), files: z.array(z.string()) })),
  wasted_bytes: z.number().int(),
  files_scanned: z.number().int(),
  hashed_bytes: z.number().int(),
  cache_hits: z.number().int(),
  skipped: z.array(z.object({ path: z.string(), reason: z.enum(['unreadable', 'changed', 'not-a-regular-file']), detail: z.string() })),
});
