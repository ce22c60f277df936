import { z } from 'zod';
import { CATEGORIES } from './categories.js';
import { type KeepPolicy, keepPolicySchema } from './duplicates.js';
import { compileGlob, compileRegex, ESTIMATE_SLACK, estimateOf, PATTERN_LIMITS } from './rule-patterns.js';

/**
 * Rule sets are data: an ordered list of rules, each a condition and an action. For each file the first
 * matching rule decides; a file no rule matches stays where it is.
 */

/**
 * Bounds on a rule set, so that no input, however hostile, makes checking or running it costly: zod's parsing
 * of conditions, and the functions that walk them, recurse once per level of nesting, and 5,000 nested "not"
 * (40 KB) overflowed the stack. Nesting and counts are checked before zod looks inside a condition, by a walk
 * that does not recurse. What a regex or glob may cost is in PATTERN_LIMITS.
 */
export const RULE_LIMITS = {
  rules: 500,
  /** conditions in a rule set, each inside all, any and not counted */
  conditions: 2000,
  /** conditions inside one another (all, any, not): a rule's condition alone is 1 */
  depth: 16,
  /** values in one list (extensions, categories, MIME types, globs) */
  listValues: 200,
  /** characters of a destination template (a regex or glob: PATTERN_LIMITS.length) */
  text: 1000,
  /** characters of a rule's or a rule set's name */
  name: 200,
  extension: 64,
  mime: 255,
  /** characters of a size or date written as text */
  value: 64,
} as const;

const sizeValue = z.union([
  z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  // Linear: one run of spaces can go only one way (the unit's own spaces are in its group).
  z.string().max(RULE_LIMITS.value, `at most ${RULE_LIMITS.value} characters`)
    .regex(/^\s*\d+(?:\.\d+)?\s*(?:(?:b|kb|kib|mb|mib|gb|gib|tb|tib)\s*)?$/i, 'a size like 1500, "10 KB" or "2.5 GiB"'),
]);
const dateValue = z.string().max(RULE_LIMITS.value, `at most ${RULE_LIMITS.value} characters`)
  .refine((value) => !Number.isNaN(Date.parse(value)), 'an ISO date like "2024-01-31"');

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

// A list longer than RULE_LIMITS.listValues is named by conditionSchema's walk: inside the union of conditions
// zod could only say "Invalid input". The max here documents the bound in the API's JSON Schema.
const oneOrMany = <Item extends z.ZodType>(item: Item) => z.union([item, z.array(item).min(1).max(RULE_LIMITS.listValues)]);
const text = (most: number) => z.string().min(1).max(most, `at most ${most} characters`);

export interface ConditionMeasure {
  /** conditions counted, up to the first past `budget` */
  count: number;
  tooDeep: boolean;
  overBudget: boolean;
  /** where a list of values (extension, category, mime, glob) is longer than RULE_LIMITS.listValues */
  longLists: Array<Array<string | number>>;
}

const LISTS = ['extension', 'category', 'mime', 'glob'] as const;

/**
 * Count a condition tree and find whether it nests deeper than RULE_LIMITS.depth, without recursing and without
 * trusting its shape: it stops at the first level too deep or the first condition past `budget`, so its work
 * is bounded whatever it is given. Lists of values too long are noted on the way, with their paths.
 */
export function measureCondition(root: unknown, budget: number = RULE_LIMITS.conditions): ConditionMeasure {
  const measure: ConditionMeasure = { count: 0, tooDeep: false, overBudget: false, longLists: [] };
  if (root === undefined) return measure;
  interface Visit { node: unknown; depth: number; path: Array<string | number> }
  const stack: Visit[] = [{ node: root, depth: 1, path: [] }];
  while (stack.length > 0) {
    const { node, depth, path } = stack.pop() as Visit;
    if (depth > RULE_LIMITS.depth) { measure.tooDeep = true; return measure; }
    if (++measure.count > budget) { measure.overBudget = true; return measure; }
    if (typeof node !== 'object' || node === null) continue;
    const holder = node as Record<string, unknown>;
    for (const key of LISTS) {
      const values = holder[key];
      if (Array.isArray(values) && values.length > RULE_LIMITS.listValues && measure.longLists.length < 5) measure.longLists.push([...path, key]);
    }
    const children: Visit[] = [];
    for (const key of ['all', 'any'] as const) {
      const parts = holder[key];
      if (!Array.isArray(parts)) continue;
      // Each will be counted: a list past the budget is refused without being walked.
      if (measure.count + stack.length + parts.length > budget) { measure.count += stack.length + parts.length; measure.overBudget = true; return measure; }
      parts.forEach((part, index) => children.push({ node: part, depth: depth + 1, path: [...path, key, index] }));
    }
    if (holder.not !== undefined) children.push({ node: holder.not, depth: depth + 1, path: [...path, 'not'] });
    for (const child of children.reverse()) stack.push(child); // popped in the order written
  }
  return measure;
}

const TOO_DEEP = `conditions nest at most ${RULE_LIMITS.depth} levels deep (all, any and not inside one another); this one goes deeper`;
const TOO_MANY = `a rule set holds at most ${RULE_LIMITS.conditions} conditions in all (each all, any and not counts, with every condition inside it)`;

const nestedConditionSchema: z.ZodType<Condition> = z.lazy(() => z.union([
  z.strictObject({ extension: oneOrMany(text(RULE_LIMITS.extension)) }),
  z.strictObject({ category: oneOrMany(z.enum(CATEGORIES)) }),
  z.strictObject({
    mime: oneOrMany(z.string().max(RULE_LIMITS.mime, `at most ${RULE_LIMITS.mime} characters`)
      .regex(/^[\w.+-]+\/([\w.+-]+|\*)$/, 'a MIME type like "image/png" or "image/*"')),
  }),
  // Whether a glob or regex compiles (RE2 syntax, within PATTERN_LIMITS) is checked for a whole rule set at once
  // (usableRuleSetSchema), so the total work of compiling is bounded too.
  z.strictObject({ glob: oneOrMany(text(PATTERN_LIMITS.length)) }),
  z.strictObject({ regex: text(PATTERN_LIMITS.length) }),
  z.strictObject({ size: z.strictObject({ min: sizeValue.optional(), max: sizeValue.optional() }) }),
  z.strictObject({ date: z.strictObject({ after: dateValue.optional(), before: dateValue.optional() }) }),
  z.strictObject({ age: z.strictObject({ min_days: z.number().nonnegative().optional(), max_days: z.number().nonnegative().optional() }) }),
  z.strictObject({ duplicate: z.union([z.boolean(), z.strictObject({ keep: keepPolicySchema })]) }),
  z.strictObject({ all: z.array(nestedConditionSchema).min(1) }),
  z.strictObject({ any: z.array(nestedConditionSchema).min(1) }),
  z.strictObject({ not: nestedConditionSchema }),
]));

/**
 * A condition: its nesting and size are measured first (iteratively); only a condition within RULE_LIMITS
 * reaches zod's recursive parse. (A preprocess: the JSON Schema of the API documents the condition itself.)
 */
export const conditionSchema = z.preprocess<unknown, typeof nestedConditionSchema, Condition>((value, context) => {
  const measure = measureCondition(value);
  if (measure.tooDeep) context.addIssue({ code: 'custom', message: TOO_DEEP });
  else if (measure.overBudget) context.addIssue({ code: 'custom', message: TOO_MANY });
  for (const path of measure.longLists) context.addIssue({ code: 'custom', message: `at most ${RULE_LIMITS.listValues} values`, path });
  return value;
}, nestedConditionSchema);

export const TEMPLATE_FIELDS = ['category', 'year', 'month', 'day', 'ext', 'name', 'stem', 'relative_dir'] as const;
const templateSchema = text(RULE_LIMITS.text).superRefine((template, context) => {
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
  name: text(RULE_LIMITS.name),
  when: conditionSchema.optional(),
  action: actionSchema,
});
export type Rule = z.infer<typeof ruleSchema>;

/**
 * A list of rules, bounded as a whole: the count of rules, and of conditions over all of them, is checked before
 * any rule is parsed.
 */
export const ruleListSchema = z.preprocess<unknown, z.ZodArray<typeof ruleSchema>, Rule[]>((value, context) => {
  if (!Array.isArray(value)) return value;
  if (value.length > RULE_LIMITS.rules) {
    context.addIssue({ code: 'custom', message: `a rule set holds at most ${RULE_LIMITS.rules} rules` });
    return value;
  }
  let budget: number = RULE_LIMITS.conditions;
  for (const [index, rule] of value.entries()) {
    const when = typeof rule === 'object' && rule !== null ? (rule as { when?: unknown }).when : undefined;
    const measure = measureCondition(when, budget);
    if (measure.tooDeep) context.addIssue({ code: 'custom', message: TOO_DEEP, path: [index, 'when'] });
    else if (measure.overBudget) { context.addIssue({ code: 'custom', message: TOO_MANY }); break; }
    budget -= measure.count;
  }
  return value;
}, z.array(ruleSchema).min(1, 'a rule set needs at least one rule').max(RULE_LIMITS.rules, `a rule set holds at most ${RULE_LIMITS.rules} rules`));

/**
 * A rule set's shape and bounds: what any stored copy must pass to be read (saved rule sets, the rules an
 * operation ran with). Whether its patterns compile is usableRuleSetSchema's question.
 */
export const ruleSetSchema = z.strictObject({
  name: text(RULE_LIMITS.name).optional(),
  rules: ruleListSchema,
});
export type RuleSet = z.infer<typeof ruleSetSchema>;

export interface RuleIssue { path: Array<string | number>; message: string }
const MOST_PATTERN_ISSUES = 10;

/**
 * Compile every regex and glob of the rules (RE2 syntax, within PATTERN_LIMITS) and say what fails, by where
 * (paths from the rule set: rules[0].when.any[1].regex). The total is bounded: once the patterns so far and
 * the next one's estimate pass PATTERN_LIMITS.totalSize, nothing more is compiled. Expects rules that passed
 * ruleSetSchema (nesting bounded).
 */
export function rulePatternIssues(rules: readonly Rule[]): RuleIssue[] {
  const issues: RuleIssue[] = [];
  let remaining: number = PATTERN_LIMITS.totalSize;
  const tooLarge = (): RuleIssue => ({
    path: ['rules'],
    message: `the regexes and globs of a rule set compile to at most ${PATTERN_LIMITS.totalSize} instructions together; these come to more: use fewer or simpler patterns`,
  });
  const check = (kind: 'regex' | 'glob', source: string, path: Array<string | number>): boolean => {
    if (source.length > PATTERN_LIMITS.length) return true; // the schema names it; nothing to compile
    // Only a pattern far past what is left is refused uncompiled (see ESTIMATE_SLACK); the compiled size decides.
    if (estimateOf(kind, source) > remaining * ESTIMATE_SLACK) { issues.push(tooLarge()); return false; }
    const outcome = kind === 'regex' ? compileRegex(source) : compileGlob(source);
    if (!outcome.ok) { issues.push({ path, message: outcome.message }); return issues.length < MOST_PATTERN_ISSUES; }
    remaining -= outcome.pattern.size;
    if (remaining < 0) { issues.push(tooLarge()); return false; }
    return true;
  };
  for (const [index, rule] of rules.entries()) {
    if (!rule.when) continue;
    // Depth first, in the order written.
    const stack: Array<{ condition: Condition; path: Array<string | number> }> = [{ condition: rule.when, path: ['rules', index, 'when'] }];
    while (stack.length > 0) {
      const { condition, path } = stack.pop() as { condition: Condition; path: Array<string | number> };
      if ('regex' in condition && !check('regex', condition.regex, [...path, 'regex'])) return issues;
      if ('glob' in condition) {
        const globs = Array.isArray(condition.glob) ? condition.glob : [condition.glob];
        for (const [position, glob] of globs.entries()) {
          if (!check('glob', glob, Array.isArray(condition.glob) ? [...path, 'glob', position] : [...path, 'glob'])) return issues;
        }
      }
      if ('not' in condition) stack.push({ condition: condition.not, path: [...path, 'not'] });
      for (const key of ['any', 'all'] as const) {
        if (!(key in condition)) continue;
        const parts = (condition as Record<typeof key, Condition[]>)[key];
        for (let position = parts.length - 1; position >= 0; position--) stack.push({ condition: parts[position] as Condition, path: [...path, key, position] });
      }
    }
  }
  return issues;
}

/**
 * A rule set that can run: ruleSetSchema, and every regex and glob compiles. What a rule file, a saved rule set
 * on its way in, and a saved rule set about to be used must pass.
 */
export const usableRuleSetSchema = ruleSetSchema.superRefine((ruleSet, context) => {
  for (const issue of rulePatternIssues(ruleSet.rules)) context.addIssue({ code: 'custom', path: issue.path, message: issue.message });
});

export const PRESETS = {
  'by-type': { name: 'by-type', rules: [{ name: 'by type', action: { type: 'move', to: '{category}/{name}' } }] },
  'by-date': { name: 'by-date', rules: [{ name: 'by date', action: { type: 'move', to: '{year}/{month}/{name}' } }] },
} as const satisfies Record<string, RuleSet>;
export type PresetName = keyof typeof PRESETS;
export const presetNameSchema = z.enum(['by-type', 'by-date']);

/** Issues as one message a user can act on: which field, what is wrong (the first five). */
export function describeRuleIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues.slice(0, 5).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '') : '(top level)';
    return `${where}: ${issue.message}`;
  }).join('; ');
}

/** Turn zod issues into one message a user can act on: which field, what is wrong. */
export function describeRuleSetIssues(error: z.ZodError): string {
  return describeRuleIssues(error.issues);
}
