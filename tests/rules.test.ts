import { describe, expect, it } from 'vitest';
import { compileRuleSet } from '../src-main/core/rules/compile-rules.js';
import { type FileFacts } from '../src-main/core/rules/file-facts.js';
import { renderDestination } from '../src-main/core/rules/render-destination.js';
import { conflictName, sanitizeSegment } from '../src-main/core/rules/safe-names.js';
import { describeRuleSetIssues, ruleSetSchema, type RuleSet } from '../src-shared/rules.js';

const facts = (overrides: Partial<FileFacts> = {}): FileFacts => ({
  path: '/in/photos/IMG_0001.JPG', name: 'IMG_0001.JPG', stem: 'IMG_0001', extension: 'jpg', extensionAsWritten: 'JPG',
  relativeDir: 'photos', size: 2_000_000, mtimeMs: Date.parse('2024-03-09T10:00:00'), category: 'Images', mime: 'image/jpeg',
  date: new Date('2024-03-09T10:00:00'), ...overrides,
});

function problemsOf(input: unknown): string {
  const parsed = ruleSetSchema.safeParse(input);
  if (parsed.success) throw new Error('expected the rule set to be rejected');
  return describeRuleSetIssues(parsed.error);
}

describe('rule files', () => {
  it('name the bad field and say what is wrong', () => {
    expect(problemsOf({ rules: [] })).toMatch(/rules: a rule set needs at least one rule/);
    expect(problemsOf({ rules: [{ name: 'x', action: { type: 'move', to: '{colour}/{name}' } }] })).toMatch(/rules\[0\]\.action\.to: unknown placeholder \{colour\}/);
    expect(problemsOf({ rules: [{ name: 'x', action: { type: 'move', to: '/etc/{name}' } }] })).toMatch(/rules\[0\]\.action\.to: must be relative/);
    expect(problemsOf({ rules: [{ name: 'x', action: { type: 'shred' } }] })).toMatch(/rules\[0\]\.action\.type/);
    expect(problemsOf({ rules: [{ name: 'x', when: { regex: '(' }, action: { type: 'move', to: 'a/{name}' } }] })).toMatch(/rules\[0\]\.when/);
    expect(problemsOf({ rules: [{ name: 'x', action: { type: 'rename', name: 'a/{name}' } }] })).toMatch(/rules\[0\]\.action\.name: a rename keeps the folder/);
  });
});

describe('conditions', () => {
  const now = () => Date.parse('2024-04-09T10:00:00');
  const match = (when: unknown, file = facts()): boolean => {
    const ruleSet = ruleSetSchema.parse({ rules: [{ name: 'r', when, action: { type: 'move', to: '{name}' } }] }) as RuleSet;
    return compileRuleSet(ruleSet, now).firstMatch(file) !== undefined;
  };
  it('match extension, category, MIME, glob, regex, size, date and age, combined with all/any/not', () => {
    expect(match({ extension: '.jpg' })).toBe(true);
    expect(match({ extension: ['png', 'gif'] })).toBe(false);
    expect(match({ category: 'Images' })).toBe(true);
    expect(match({ mime: 'image/*' })).toBe(true);
    expect(match({ mime: 'image/png' })).toBe(false);
    expect(match({ glob: 'img_*.jpg' })).toBe(true);
    expect(match({ glob: 'photos/*.JPG' })).toBe(true);
    expect(match({ regex: '^IMG_\\d{4}' })).toBe(true);
    expect(match({ size: { min: '1 MB', max: '2 MiB' } })).toBe(true);
    expect(match({ size: { max: 1000 } })).toBe(false);
    expect(match({ date: { after: '2024-01-01', before: '2024-12-31' } })).toBe(true);
    expect(match({ age: { min_days: 30 } })).toBe(true);
    expect(match({ age: { min_days: 40 } })).toBe(false);
    expect(match({ all: [{ category: 'Images' }, { not: { extension: 'png' } }] })).toBe(true);
    expect(match({ any: [{ extension: 'png' }, { glob: '*.gif' }] })).toBe(false);
  });
});

describe('destination templates', () => {
  it('fill every placeholder', () => {
    const result = renderDestination('{category}/{year}-{month}-{day}/{relative_dir}/{stem}.{ext}', facts(), '/out', 'linux');
    expect(result).toEqual({ ok: true, destination: '/out/Images/2024-03-09/photos/IMG_0001.JPG' });
  });

  it('cannot climb out of the destination', () => {
    expect(renderDestination('../{name}', facts(), '/out', 'linux')).toMatchObject({ ok: false, reason: 'destination-invalid' });
    expect(renderDestination('a/../../{name}', facts(), '/out', 'linux')).toMatchObject({ ok: false, reason: 'destination-invalid' });
    // a value cannot add separators or dot-dot segments
    expect(renderDestination('{stem}/{name}', facts({ stem: '../../etc', name: 'passwd' }), '/out', 'linux')).toEqual({ ok: true, destination: '/out/.._.._etc/passwd' });
  });

  it('make names legal on Windows: reserved device names, illegal characters, trailing dots', () => {
    expect(renderDestination('{stem}/{name}', facts({ stem: 'CON', name: 'a<b>:c?.txt' }), 'C:\\out', 'win32')).toEqual({ ok: true, destination: 'C:\\out\\_CON\\a_b__c_.txt' });
    expect(sanitizeSegment('nul.txt', 'win32')).toBe('_nul.txt');
    expect(sanitizeSegment('name. ', 'win32')).toBe('name');
    expect(sanitizeSegment('10:30 notes', 'linux')).toBe('10:30 notes');
    expect(sanitizeSegment('10:30 notes', 'darwin')).toBe('10_30 notes');
  });

  it('fit names to 255 bytes, keeping the extension', () => {
    const long = `${'ü'.repeat(200)}.pdf`;
    const result = renderDestination('{name}', facts({ name: long }), '/out', 'linux');
    if (!result.ok) throw new Error(result.detail);
    const name = result.destination.slice('/out/'.length);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    expect(name.endsWith('ü.pdf')).toBe(true);
    expect(renderDestination(`${'x'.repeat(200)}/`.repeat(25) + '{name}', facts(), '/out', 'linux')).toMatchObject({ ok: false, reason: 'path-too-long' });
  });

  it('number conflicts from the base name', () => {
    expect(conflictName('a.jpg', 1)).toBe('a (1).jpg');
    expect(conflictName('a (1).jpg', 2)).toBe('a (2).jpg');
    expect(conflictName('README', 3)).toBe('README (3)');
    expect(conflictName('.bashrc', 1)).toBe('.bashrc (1)');
  });
});
