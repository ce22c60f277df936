import path from 'node:path';
import { type Rule, type RuleSet } from '../../../src-shared/rules.js';
import { categorize } from '../categorize/categorize.js';
import { compileRuleSet } from '../rules/compile-rules.js';
import { type FileFacts, splitName } from '../rules/file-facts.js';
import { compileTemplate, type CompiledTemplate } from '../rules/render-destination.js';
import { type Platform } from '../rules/safe-names.js';

/** A file the watcher placed, as it lies now. */
export interface PlacedFile {
  path: string;
  size: number;
  mtimeMs: number;
}

/** What the rules would do to a file they placed: the rule, and where it would go next. */
export interface RuleLoop {
  rule: Rule;
  next: string;
}

/**
 * Would the watcher act on its own output again, were it not told which files it placed? Only a file that
 * still lies where the folder is watched (the folder itself at depth 0, or within `depth` levels) can arrive
 * again. A true answer is a rule set that loops (rename every file to "{stem}-x.{ext}"): the watcher never acts
 * on a file it placed (handled-files.ts), and reports the rule once so its owner can fix it.
 */
export function withinWatchedScope(file: string, root: string, depth: number): boolean {
  const relative = path.relative(root, path.dirname(file));
  if (relative === '') return true;
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return false;
  return relative.split(path.sep).length <= depth;
}

/**
 * The rules as the planner runs them (plan-organize.ts), for one placed file: its facts from its name, size and
 * mtime, its category by extension (no content read: a loop is about names), no capture date and no duplicate
 * search. Answers the rule that would act on it and where it would put it, or undefined when the file would stay.
 */
export function createLoopCheck(ruleSet: RuleSet, options: { now: () => number; platform: Platform }) {
  const rules = compileRuleSet(ruleSet, options.now);
  const templates = new Map<Rule, CompiledTemplate>(ruleSet.rules.map((rule) =>
    [rule, compileTemplate(rule.action.type === 'rename' ? rule.action.name : rule.action.to, options.platform)]));
  return (file: PlacedFile, watched: { root: string; destination: string | null }): RuleLoop | undefined => {
    const name = path.basename(file.path);
    const { stem, extension: extensionAsWritten } = splitName(name);
    const extension = extensionAsWritten.toLowerCase();
    const folder = path.dirname(file.path);
    const relative = path.relative(watched.root, folder);
    const facts: FileFacts = {
      path: file.path, name, stem, extension, extensionAsWritten, relativeDir: relative.split(path.sep).filter((part) => part !== '').join('/'),
      size: file.size, mtimeMs: file.mtimeMs, category: categorize(extension, undefined).category, mime: undefined, date: new Date(file.mtimeMs),
      isDuplicate: () => false,
    };
    const rule = rules.firstMatch(facts);
    if (!rule) return undefined;
    const render = templates.get(rule) as CompiledTemplate;
    const rendered = render(facts, rule.action.type === 'rename' ? folder : watched.destination ?? watched.root);
    if (!rendered.ok || rendered.destination === file.path) return undefined;
    return { rule, next: rendered.destination };
  };
}
export type LoopCheck = ReturnType<typeof createLoopCheck>;
