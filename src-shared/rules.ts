import { z } from 'zod';
import { CATEGORIES } from './categories.js';
import { type KeepPolicy, keepPolicySchema } from './duplicates.js';

/**
 * Rule sets are data: an ordered list of rules, each a condition and an action. For each file the first
 * matching rule decides; a file no rule matches stays where it is.
 */

const sizeValue = z.union([
  z.number().int().nonnegative(),
  z.string().regex(/^\s*\d+(\.\d+)?\s*(b|kb|kib|mb|mib|gb|gib|tb|tib)?\s*$/i, 'a size like 1500, "10 KB" or "2.5 GiB"'),
]);
const dateValue = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'an ISO date like "2024-01-31"');

export type Condition =
  | { extension: string | string[] }
  | { category: string | string[] }
  | { mime: string | string[] }
  | { glob: string | string[] }
  | { regex: string }
  | { size: { min?: number | string; max?: number | string } }
  | { date: { after?: string; before?: string } }
  | { age: { min_days?: number; max_days?: number } }
  /**
   * true: the file has the same content as another file in the organized folders and is not the one kept of
   * its group (by `keep`, default oldest); false: it is not such a copy. Rules can then move copies aside.
   */
  | { duplicate: boolean | { keep: KeepPolicy } }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

const oneOrMany = (item: z.ZodString) => z.union([item, z.array(item).min(1)]);

export const conditionSchema: z.ZodType<Condition> = z.lazy(() => z.union([
  z.strictObject({ extension: oneOrMany(z.string().min(1)) }),
  z.strictObject({ category: z.union([z.enum(CATEGORIES), z.array(z.enum(CATEGORIES)).min(1)]) }),
  z.strictObject({ mime: oneOrMany(z.string().regex(/^[\w.+-]+\/([\w.+-]+|\*)$/, 'a MIME type like "image/png" or "image/*"')) }),
  z.strictObject({ glob: oneOrMany(z.string().min(1)) }),
  z.strictObject({
    regex: z.string().min(1).refine((source) => {
      try { new RegExp(source, 'u'); return true; } catch { return false; }
    }, 'a valid regular expression'),
  }),
  z.strictObject({ size: z.strictObject({ min: sizeValue.optional(), max: sizeValue.optional() }) }),
  z.strictObject({ date: z.strictObject({ after: dateValue.optional(), before: dateValue.optional() }) }),
  z.strictObject({ age: z.strictObject({ min_days: z.number().nonnegative().optional(), max_days: z.number().nonnegative().optional() }) }),
  z.strictObject({ duplicate: z.union([z.boolean(), z.strictObject({ keep: keepPolicySchema })]) }),
  z.strictObject({ all: z.array(conditionSchema).min(1) }),
  z.strictObject({ any: z.array(conditionSchema).min(1) }),
  z.strictObject({ not: conditionSchema }),
]));

export const TEMPLATE_FIELDS = ['category', 'year', 'month', 'day', 'ext', 'name', 'stem', 'relative_dir'] as const;
const templateSchema = z.string().min(1).superRefine((template, context) => {
  for (const match of template.matchAll(/\{([^}]*)\}/g)) {
    if (!(TEMPLATE_FIELDS as readonly string[]).includes(match[1] ?? '')) {
      context.addIssue({ code: 'custom', message: `unknown placeholder {${match[1]}}; use one of ${TEMPLATE_FIELDS.map((f) => `{${f}}`).join(', ')}` });
    }
  }
  if (/^([\\/]|[a-zA-Z]:)/.test(template)) {
    context.addIssue({ code: 'custom', message: 'must be relative to the destination folder (no leading / or drive letter)' });
  }
});

export const actionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('move'), to: templateSchema }),
  z.strictObject({ type: z.literal('copy'), to: templateSchema }),
  z.strictObject({
    type: z.literal('rename'),
    name: templateSchema.refine((name) => !/[\\/]/.test(name), 'a rename keeps the folder: give a file name without / or \\'),
  }),
]);
export type RuleAction = z.infer<typeof actionSchema>;

export const ruleSchema = z.strictObject({
  name: z.string().min(1).max(200),
  when: conditionSchema.optional(),
  action: actionSchema,
});
export type Rule = z.infer<typeof ruleSchema>;

export const ruleSetSchema = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  rules: z.array(ruleSchema).min(1, 'a rule set needs at least one rule'),
});
export type RuleSet = z.infer<typeof ruleSetSchema>;

export const PRESETS = {
  'by-type': { name: 'by-type', rules: [{ name: 'by type', action: { type: 'move', to: '{category}/{name}' } }] },
  'by-date': { name: 'by-date', rules: [{ name: 'by date', action: { type: 'move', to: '{year}/{month}/{name}' } }] },
} as const satisfies Record<string, RuleSet>;
export type PresetName = keyof typeof PRESETS;
export const presetNameSchema = z.enum(['by-type', 'by-date']);

/** Turn zod issues into one message a user can act on: which field, what is wrong. */
export function describeRuleSetIssues(error: z.ZodError): string {
  return error.issues.slice(0, 5).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '') : '(top level)';
    return `${where}: ${issue.message}`;
  }).join('; ');
}
