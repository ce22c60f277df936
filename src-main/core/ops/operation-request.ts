import path from 'node:path';
import { z } from 'zod';
import { conflictPolicySchema } from '../../../src-shared/operation-status.js';
import { keepPolicySchema, resolutionSchema } from '../../../src-shared/duplicates.js';
import { presetNameSchema, ruleSetSchema } from '../../../src-shared/rules.js';

/** What an organize run was asked to do; stored as JSON on the operation row and validated when read. */
export const organizeRequestSchema = z.object({
  roots: z.array(z.string().min(1)).min(1),
  destination: z.string().min(1).nullable(),
  conflict: conflictPolicySchema,
  includeHidden: z.boolean(),
  sniffAll: z.boolean(),
  preset: presetNameSchema.nullable(),
  ruleSet: ruleSetSchema,
  /** a watcher's batch (operation kind `watch`): the watched folder it came from, and how deep it is watched */
  watchedFolderId: z.string().min(1).optional(),
  depth: z.number().int().nonnegative().optional(),
});
export type OrganizeRequest = z.infer<typeof organizeRequestSchema>;

/**
 * What a dedupe run was asked to do. Its plan comes from a duplicate search, not rules: each group's files but
 * the kept one go to `destination` (this operation's quarantine folder) or become hard links to the kept one.
 * `conflict` is always rename: a quarantine name is new to the folder, and never replaces anything.
 */
export const dedupeRequestSchema = z.object({
  kind: z.literal('dedupe'),
  roots: z.array(z.string().min(1)).min(1),
  destination: z.string().min(1).nullable(),
  conflict: z.literal('rename'),
  resolution: resolutionSchema,
  keep: keepPolicySchema,
  reference: z.string().min(1).nullable(),
  minSize: z.number().int().nonnegative(),
  includeEmpty: z.boolean(),
  includeHidden: z.boolean(),
});
export type DedupeRequest = z.infer<typeof dedupeRequestSchema>;
export type OperationRequest = OrganizeRequest | DedupeRequest;

/**
 * The folders an operation's paths lie below: its roots and destination, as the user gave them. Folders below
 * these are used only when they are real folders (src-worker/real-folders.ts); these themselves are trusted.
 */
export function anchorsOf(request: OperationRequest): string[] {
  // A quarantine's anchor is the data folder, so that its `quarantine` folder is itself checked.
  const destination = request.destination && 'kind' in request ? path.dirname(request.destination) : request.destination;
  // Written as paths are made below them ("/a/./b" is "/a/b"), so every path of the operation finds its anchor.
  return [...request.roots, ...(destination ? [destination] : [])].map((anchor) => path.resolve(anchor));
}
