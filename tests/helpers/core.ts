import { openAppCore, type AppCore } from '../../src-main/core/compose.js';
import { type OrganizeRequest } from '../../src-main/core/ops/operation-request.js';
import { presetRuleSet } from '../../src-main/core/rules/load-rule-set.js';
import { type RuleSet } from '../../src-shared/rules.js';
import { afterEach } from 'vitest';
import { tempDir } from './temp-tree.js';

const opened: AppCore[] = [];
afterEach(async () => {
  for (const core of opened.splice(0)) await core.close();
});

/** The real services over a real SQLite file in a temp data folder. */
export function openTestCore(dataDir = tempDir('fileorg-data-'), options: Omit<Parameters<typeof openAppCore>[0], 'dataDir'> = {}): AppCore & { dataDir: string } {
  const core = openAppCore({ dataDir, ...options });
  opened.push(core);
  return Object.assign(core, { dataDir });
}

export function organizeRequest(roots: string[], overrides: Partial<OrganizeRequest> & { rules?: RuleSet } = {}): OrganizeRequest {
  const { rules, ...rest } = overrides;
  return {
    roots, destination: null, conflict: 'rename', includeHidden: false, sniffAll: false,
    preset: rules ? null : 'by-type', ruleSet: rules ?? presetRuleSet('by-type'), ...rest,
  };
}
