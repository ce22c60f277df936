import { type Condition, type RuleSet } from '../../../src-shared/rules.js';

/**
 * Does any rule ask about time (`age`, or `date`)? Then a file that did not match yesterday may match today
 * although nothing happened to it, so the watcher plans its folder again now and then. (Templates with
 * {year} do not count: they place a file, they do not decide whether it moves.) Conditions are bounded
 * (RULE_LIMITS) by the time a rule set is stored, so the recursion is shallow.
 */
export function usesTimeConditions(ruleSet: RuleSet): boolean {
  return ruleSet.rules.some((rule) => asksAboutTime(rule.when));
}

function asksAboutTime(condition: Condition | undefined): boolean {
  if (!condition) return false;
  if ('age' in condition || 'date' in condition) return true;
  if ('all' in condition) return condition.all.some(asksAboutTime);
  if ('any' in condition) return condition.any.some(asksAboutTime);
  if ('not' in condition) return asksAboutTime(condition.not);
  return false;
}
