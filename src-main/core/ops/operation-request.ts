import { z } from 'zod';
import { conflictPolicySchema } from '../../../src-shared/operation-status.js';
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
});
export type OrganizeRequest = z.infer<typeof organizeRequestSchema>;
