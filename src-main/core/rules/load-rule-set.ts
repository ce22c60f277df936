import fs from 'node:fs';
import { FileOrganizerError } from '../../../src-shared/errors.js';
import { describeRuleSetIssues, PRESETS, type PresetName, type RuleSet, ruleSetSchema } from '../../../src-shared/rules.js';

/** Read and validate a rule file; the error names the file, the field and what is wrong. */
export function loadRuleSetFile(file: string): RuleSet {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new FileOrganizerError('E_BAD_RULES', `cannot read the rules file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FileOrganizerError('E_BAD_RULES', `the rules file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = ruleSetSchema.safeParse(json);
  if (!parsed.success) throw new FileOrganizerError('E_BAD_RULES', `the rules file ${file} is invalid: ${describeRuleSetIssues(parsed.error)}`);
  return parsed.data;
}

export function presetRuleSet(name: PresetName): RuleSet {
  return structuredClone(PRESETS[name]) as RuleSet;
}
