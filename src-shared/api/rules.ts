import { z } from 'zod';
import { ruleListSchema, ruleSchema } from '../rules.js';

/** A saved rule set: the same rules a rule file holds, under a name unique among its owner's rule sets. */
export const ruleSetInput = z.strictObject({
  name: z.string().trim().min(1, 'give the rule set a name').max(200),
  rules: ruleListSchema,
});

export const savedRuleSetSchema = z.object({
  id: z.string(),
  name: z.string(),
  rules: z.array(ruleSchema),
  created_at: z.string(),
  updated_at: z.string(),
});
export type SavedRuleSetView = z.infer<typeof savedRuleSetSchema>;
