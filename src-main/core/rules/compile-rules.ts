import { type KeepPolicy } from '../../../src-shared/duplicates.js';
import { FileOrganizerError } from '../../../src-shared/errors.js';
import { compileGlob, compileRegex, type CompiledPattern, type PatternOutcome } from '../../../src-shared/rule-patterns.js';
import {
  type Condition, describeRuleIssues, describeRuleSetIssues, measureCondition, type Rule, RULE_LIMITS, rulePatternIssues, type RuleSet, ruleSetSchema,
} from '../../../src-shared/rules.js';
import { type FileFacts } from './file-facts.js';

type Predicate = (facts: FileFacts) => boolean;

const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3, tb: 1e12, tib: 1024 ** 4,
};
export function parseSize(value: number | string): number {
  if (typeof value === 'number') return value;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:([a-z]+)\s*)?$/i.exec(value); // one way through each run of spaces: linear
  const multiplier = SIZE_UNITS[(match?.[2] ?? '').toLowerCase()];
  if (!match || multiplier === undefined) throw new Error(`bad size "${value}"`);
  return Math.round(Number(match[1]) * multiplier);
}

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
/** Patterns are checked before compiling (checkPatterns); one that fails here anyway is named, never run. */
const compiled = (outcome: PatternOutcome, kind: 'regex' | 'glob', source: string): CompiledPattern => {
  if (!outcome.ok) throw new FileOrganizerError('E_BAD_RULES', `the ${kind} "${source}" cannot be used: ${outcome.message}`);
  return outcome.pattern;
};
const DAY_MS = 86_400_000;

function compileCondition(condition: Condition, now: () => number): Predicate {
  if ('extension' in condition) {
    const wanted = new Set(list(condition.extension).map((extension) => extension.replace(/^\./, '').toLowerCase()));
    return (facts) => wanted.has(facts.extension);
  }
  if ('category' in condition) {
    const wanted = new Set<string>(list(condition.category));
    return (facts) => wanted.has(facts.category);
  }
  if ('mime' in condition) {
    const patterns = list(condition.mime).map((pattern) => pattern.toLowerCase());
    return (facts) => {
      const mime = facts.mime?.toLowerCase();
      if (!mime) return false;
      return patterns.some((pattern) => (pattern.endsWith('/*') ? mime.startsWith(pattern.slice(0, -1)) : mime === pattern));
    };
  }
  if ('glob' in condition) {
    // A glob with a slash matches the path below the scan root; without one, the name (as organize does).
    const matchers = list(condition.glob).map((glob) => ({ onPath: glob.includes('/'), pattern: compiled(compileGlob(glob), 'glob', glob) }));
    return (facts) => matchers.some(({ onPath, pattern }) => pattern.test(onPath ? (facts.relativeDir ? `${facts.relativeDir}/${facts.name}` : facts.name) : facts.name));
  }
  if ('regex' in condition) {
    const pattern = compiled(compileRegex(condition.regex), 'regex', condition.regex);
    return (facts) => pattern.test(facts.name);
  }
  if ('size' in condition) {
    const min = condition.size.min === undefined ? -Infinity : parseSize(condition.size.min);
    const max = condition.size.max === undefined ? Infinity : parseSize(condition.size.max);
    return (facts) => facts.size >= min && facts.size <= max;
  }
  if ('date' in condition) {
    const after = condition.date.after === undefined ? -Infinity : Date.parse(condition.date.after);
    const before = condition.date.before === undefined ? Infinity : Date.parse(condition.date.before);
    return (facts) => facts.date.getTime() >= after && facts.date.getTime() < before;
  }
  if ('age' in condition) {
    const { min_days: minDays = 0, max_days: maxDays = Infinity } = condition.age;
    return (facts) => {
      const ageDays = (now() - facts.date.getTime()) / DAY_MS;
      return ageDays >= minDays && ageDays <= maxDays;
    };
  }
  if ('duplicate' in condition) {
    const wanted = condition.duplicate !== false;
    const policy = typeof condition.duplicate === 'object' ? condition.duplicate.keep : 'oldest';
    return (facts) => facts.isDuplicate(policy) === wanted;
  }
  if ('all' in condition) {
    const parts = condition.all.map((part) => compileCondition(part, now));
    return (facts) => parts.every((part) => part(facts));
  }
  if ('any' in condition) {
    const parts = condition.any.map((part) => compileCondition(part, now));
    return (facts) => parts.some((part) => part(facts));
  }
  const inner = compileCondition(condition.not, now);
  return (facts) => !inner(facts);
}

function usesField(condition: Condition | undefined, field: 'mime' | 'date' | 'age'): boolean {
  if (!condition) return false;
  if (field in condition) return true;
  if ('all' in condition) return condition.all.some((part) => usesField(part, field));
  if ('any' in condition) return condition.any.some((part) => usesField(part, field));
  if ('not' in condition) return usesField(condition.not, field);
  return false;
}

/** The keep policies the rule set's `duplicate` conditions name (a search runs before planning when any do). */
function duplicatePolicies(condition: Condition | undefined, into: Set<KeepPolicy>): void {
  if (!condition) return;
  if ('duplicate' in condition) into.add(typeof condition.duplicate === 'object' ? condition.duplicate.keep : 'oldest');
  if ('all' in condition) for (const part of condition.all) duplicatePolicies(part, into);
  if ('any' in condition) for (const part of condition.any) duplicatePolicies(part, into);
  if ('not' in condition) duplicatePolicies(condition.not, into);
}

export interface CompiledRuleSet {
  /** the first rule whose condition holds, or undefined */
  firstMatch(facts: FileFacts): Rule | undefined;
  /** whether any rule reads the sniffed MIME type (then every file's content is read) */
  needsMime: boolean;
  /** whether any rule reads the file date (then photos' EXIF is read) */
  needsDate: boolean;
  /** keep policies of the `duplicate` conditions: empty when no rule asks */
  duplicatePolicies: ReadonlySet<KeepPolicy>;
}

/**
 * The functions here recurse once per level of nesting: a rule set that did not come through ruleSetSchema (a
 * caller's own object) is measured first, without recursing, so none of them can run away.
 */
function checkBounded(ruleSet: RuleSet): void {
  if (ruleSet.rules.length > RULE_LIMITS.rules) throw new FileOrganizerError('E_BAD_RULES', `a rule set holds at most ${RULE_LIMITS.rules} rules`);
  let budget: number = RULE_LIMITS.conditions;
  for (const rule of ruleSet.rules) {
    const measure = measureCondition(rule.when, budget);
    if (measure.tooDeep || measure.overBudget) {
      // The schema says what is wrong, and where; it is safe to run now that the walk above found the problem.
      const parsed = ruleSetSchema.safeParse(ruleSet);
      throw new FileOrganizerError('E_BAD_RULES', `the rules are invalid: ${parsed.success ? `more than ${RULE_LIMITS.conditions} conditions or ${RULE_LIMITS.depth} levels` : describeRuleSetIssues(parsed.error)}`);
    }
    budget -= measure.count;
  }
}

export function policiesOf(ruleSet: RuleSet): Set<KeepPolicy> {
  checkBounded(ruleSet);
  const policies = new Set<KeepPolicy>();
  for (const rule of ruleSet.rules) duplicatePolicies(rule.when, policies);
  return policies;
}

/** Refuse, naming each, the patterns that cannot run (RE2 syntax, PATTERN_LIMITS): before any file is planned. */
function checkPatterns(ruleSet: RuleSet): void {
  const issues = rulePatternIssues(ruleSet.rules);
  if (issues.length === 0) return;
  throw new FileOrganizerError('E_BAD_RULES', `the rules are invalid: ${describeRuleIssues(issues)}`);
}

export function compileRuleSet(ruleSet: RuleSet, now: () => number): CompiledRuleSet {
  checkBounded(ruleSet);
  checkPatterns(ruleSet);
  const compiled = ruleSet.rules.map((rule) => ({ rule, test: rule.when ? compileCondition(rule.when, now) : () => true }));
  const templates = ruleSet.rules.map((rule) => (rule.action.type === 'rename' ? rule.action.name : rule.action.to));
  return {
    firstMatch: (facts) => compiled.find(({ test }) => test(facts))?.rule,
    needsMime: ruleSet.rules.some((rule) => usesField(rule.when, 'mime')),
    needsDate: ruleSet.rules.some((rule) => usesField(rule.when, 'date') || usesField(rule.when, 'age'))
      || templates.some((template) => /\{(year|month|day)\}/.test(template)),
    duplicatePolicies: policiesOf(ruleSet),
  };
}
