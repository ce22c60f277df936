import fs from 'node:fs';
import { FileOrganizerError } from '../../../src-shared/errors.js';
import { describeRuleSetIssues, PRESETS, type PresetName, type RuleSet, usableRuleSetSchema } from '../../../src-shared/rules.js';

/**
 * The largest rule file read: 500 rules of a few conditions each take tens of KiB. A bigger file (a mistake, or
 * a device like /dev/zero) is refused before it is read whole.
 */
export const RULE_FILE_MAX_BYTES = 1024 * 1024;

function readBounded(file: string): string {
  let descriptor: number;
  try {
    descriptor = fs.openSync(file, 'r');
  } catch (error) {
    throw new FileOrganizerError('E_BAD_RULES', `cannot read the rules file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    // Read one byte past the limit rather than trust the size fstat gives (a pipe or a device says 0).
    const buffer = Buffer.alloc(RULE_FILE_MAX_BYTES + 1);
    let length = 0;
    for (;;) {
      const read = fs.readSync(descriptor, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > RULE_FILE_MAX_BYTES) {
        throw new FileOrganizerError('E_BAD_RULES', `the rules file ${file} is larger than ${RULE_FILE_MAX_BYTES / 1024 / 1024} MiB, the most a rules file may be`);
      }
    }
    return buffer.toString('utf8', 0, length);
  } catch (error) {
    if (error instanceof FileOrganizerError) throw error;
    throw new FileOrganizerError('E_BAD_RULES', `cannot read the rules file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  } finally {
    fs.closeSync(descriptor);
  }
}

/** Read and validate a rule file; the error names the file, the field and what is wrong. */
export function loadRuleSetFile(file: string): RuleSet {
  const text = readBounded(file);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FileOrganizerError('E_BAD_RULES', `the rules file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = usableRuleSetSchema.safeParse(json);
  if (!parsed.success) throw new FileOrganizerError('E_BAD_RULES', `the rules file ${file} is invalid: ${describeRuleSetIssues(parsed.error)}`);
  return parsed.data;
}

export function presetRuleSet(name: PresetName): RuleSet {
  return structuredClone(PRESETS[name]) as RuleSet;
}
