import { describe, expect, it } from 'vitest';
import { compileRuleSet, policiesOf } from '../src-main/core/rules/compile-rules.js';
import { type FileFacts } from '../src-main/core/rules/file-facts.js';
import { renderDestination } from '../src-main/core/rules/render-destination.js';
import { conflictName, sanitizeSegment } from '../src-main/core/rules/safe-names.js';
import { compileGlob, compileRegex, PATTERN_LIMITS, translateGlob } from '../src-shared/rule-patterns.js';
import { type Condition, describeRuleSetIssues, RULE_LIMITS, ruleSetSchema, type RuleSet, usableRuleSetSchema } from '../src-shared/rules.js';

const facts = (overrides: Partial<FileFacts> = {}): FileFacts => ({
  path: '/in/photos/IMG_0001.JPG', name: 'IMG_0001.JPG', stem: 'IMG_0001', extension: 'jpg', extensionAsWritten: 'JPG',
  relativeDir: 'photos', size: 2_000_000, mtimeMs: Date.parse('2024-03-09T10:00:00'), category: 'Images', mime: 'image/jpeg',
  date: new Date('2024-03-09T10:00:00'), ...overrides,
});

function problemsOf(input: unknown): string {
  const parsed = usableRuleSetSchema.safeParse(input);
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
    const ruleSet = usableRuleSetSchema.parse({ rules: [{ name: 'r', when, action: { type: 'move', to: '{name}' } }] }) as RuleSet;
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

describe('globs, translated to RE2', () => {
  const glob = (pattern: string, subject: string): boolean => {
    const compiled = compileGlob(pattern);
    if (!compiled.ok) throw new Error(compiled.message);
    return compiled.pattern.test(subject);
  };
  // Each case as picomatch ({ dot: true, nocase: true }) answered it before, except [!abc] (see below).
  const cases: Array<[string, string, boolean]> = [
    ['*.jpg', 'a.jpg', true], ['*.jpg', 'IMG_0001.JPG', true], ['*.jpg', 'a/b/c.jpg', false], ['*.jpg', '.hidden.jpg', true],
    ['img_*.jpg', 'IMG_0001.JPG', true], ['img_*.jpg', 'img.png', false],
    ['*.{jpg,png}', 'x.png', true], ['*.{jpg,png}', 'a.tar.gz', false], ['{a,b{c,d}}.txt', 'bd.txt', true], ['{a,b{c,d}}.txt', 'b.txt', false],
    ['**/*.jpg', 'a.jpg', true], ['**/*.jpg', 'a/b/c.jpg', true], ['**/*.jpg', 'x.png', false],
    ['photos/**', 'photos', true], ['photos/**', 'photos/x/y.png', true], ['photos/**/*.png', 'photos/x/y.png', true],
    ['a/**/b/*.txt', 'a/b/x.txt', true], ['a/**/b/*.txt', 'a/c/b/x.txt', true], ['a/**/b/*.txt', 'a/c/x.txt', false],
    ['*/*.md', 'docs/readme.md', true], ['*/*.md', 'readme.md', false], ['{a,b}/*.txt', 'a/1.txt', true], ['{a,b}/*.txt', 'c/1.txt', false],
    ['?.txt', 'a.txt', true], ['?.txt', 'ab.txt', false], ['??.txt', '12.txt', true],
    ['[abc]*', 'banana', true], ['[abc]*', 'date', false], ['[^abc]*', 'date', true], ['[^abc]*', 'apple', false],
    ['[a-c]*.txt', 'b.txt', true], ['[0-9][0-9]*', '12.txt', true], ['[0-9][0-9]*', '1.txt', false], ['[[:digit:]]*', '9lives', true],
    ['report-[0-9][0-9][0-9][0-9].pdf', 'report-2024.pdf', true], ['report-[0-9][0-9][0-9][0-9].pdf', 'report-24.pdf', false],
    ['*.[jJ][pP][gG]', 'photo.JpG', true], ['\\*.txt', '*.txt', true], ['\\*.txt', 'x.txt', false],
    ['*', '.bashrc', true], ['**', 'readme.md', true], ['.*', '.bashrc', true], ['.*', 'a.txt', false], ['*.tar.gz', 'a.tar.gz', true],
    ['Screenshot*.png', 'Screenshot 2024.png', true], ['**/draft*', 'old/draft-2.txt', true], ['./*.md', 'notes.md', true],
    ['x{y}z', 'x{y}z', true], ['*.JPG', 'a.jpg', true],
  ];
  it('match what they matched with picomatch: *, **, ?, classes, ranges, braces, escapes; case ignored, dotfiles included', () => {
    expect(cases.filter(([pattern, subject, expected]) => glob(pattern, subject) !== expected)).toEqual([]);
  });

  it('read [!abc] as a negated class, as shells do, and keep every class and ? within a folder', () => {
    expect(glob('[!abc]*', 'date')).toBe(true); // picomatch read "[!abc]*" as "[abc]*"
    expect(glob('[!abc]*', 'apple')).toBe(false);
    expect(glob('x[!a]y', 'x/y')).toBe(false);
    expect(glob('x?y', 'x/y')).toBe(false);
    expect(glob('x*y', 'x/y')).toBe(false);
  });

  it('take parentheses literally: "IMG (1).jpg" is a name', () => {
    expect(glob('* (1).jpg', 'IMG (1).jpg')).toBe(true);
    expect(glob('* (1).jpg', 'IMG 1.jpg')).toBe(false);
  });

  it('refuse what they do not support, naming it', () => {
    const refusal = (pattern: string): string => { const translated = translateGlob(pattern); return translated.ok ? `accepted as ${translated.source}` : translated.message; };
    expect(refusal('+(a|b).txt')).toMatch(/^`\+\(` \(an extglob\) is not supported/);
    expect(refusal('*.!(jpg)')).toMatch(/^`!\(` \(an extglob\)/);
    expect(refusal('photo*(1).jpg')).toMatch(/^`\*\(` \(an extglob\)/);
    expect(refusal('!*.jpg')).toMatch(/^`!` \(a negation\).*"not"/);
    expect(refusal('file{1..3}.txt')).toMatch(/^`\{1\.\.3\}` \(a range in braces\).*\{1,2,3\}/);
    expect(refusal('a|b')).toMatch(/^`\|`/);
    expect(refusal('[[:letters:]]')).toMatch(/`\[:letters:\]` is not a character class/);
    expect(refusal('[z-a]')).toMatch(/`\[z-a\]`: a range goes from the lower/);
    expect(refusal('a\\')).toMatch(/lone `\\`/);
  });

  it('never backtrack: many stars against a long name answer at once', () => {
    expect(glob('*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(250))).toBe(false);
    expect(glob('**/*a*a*a*a*a*a*a*a*a*a*a*b', `${'a/'.repeat(100)}${'a'.repeat(150)}`)).toBe(false);
  });
});

describe('regexes, in RE2 syntax', () => {
  const search = (source: string, subject: string): boolean => {
    const compiled = compileRegex(source);
    if (!compiled.ok) throw new Error(compiled.message);
    return compiled.pattern.test(subject);
  };
  it('have what rules use: \\d, classes, alternation, (?i), anchors, Unicode, a search anywhere in the name', () => {
    expect(search('^IMG_\\d{4}', 'IMG_0001.JPG')).toBe(true);
    expect(search('^IMG_\\d{4}', 'IMG_01.JPG')).toBe(false);
    expect(search('\\.(jpe?g|png)$', 'a.jpeg')).toBe(true);
    expect(search('\\.(jpe?g|png)$', 'a.jpeg.txt')).toBe(false);
    expect(search('invoice', 'my invoice 2024.pdf')).toBe(true); // a search, not a whole match
    expect(search('^[A-Z][a-z]+ \\d+$', 'Report 12')).toBe(true);
    expect(search('[^a-z]', 'abc')).toBe(false);
    expect(search('invoice', 'INVOICE.pdf')).toBe(false); // case matters unless asked
    expect(search('(?i)invoice', 'INVOICE.pdf')).toBe(true);
    expect(search('^\\w+\\s\\w+$', 'two words')).toBe(true);
    expect(search('\\bdraft\\b', 'a draft copy')).toBe(true);
    expect(search('^\\p{L}+$', 'Übung')).toBe(true);
    expect(search('^.$', '😀')).toBe(true); // by code point, as the u flag did
    expect(search('\\u00e9t\\u{e9}', 'été')).toBe(true); // JavaScript's Unicode escapes still work
    expect(search('(?<year>\\d{4})-(?P<month>\\d{2})', '2024-03 notes')).toBe(true);
  });

  it('match a catastrophic pattern in linear time', () => {
    expect(search('^(a+)+$', `${'a'.repeat(34)}b`)).toBe(false);
    expect(search('^(a|a)*$', `${'a'.repeat(200)}!`)).toBe(false);
    expect(search('^(a+)+$', 'a'.repeat(35))).toBe(true);
  });

  it('refuse what RE2 cannot do in linear time, naming the construct and RE2', () => {
    const refusal = (source: string): string => { const compiled = compileRegex(source); return compiled.ok ? 'accepted' : compiled.message; };
    expect(refusal('(a)\\1')).toMatch(/^`\\1` \(a backreference\) is not supported: rules use RE2 syntax, which always matches in linear time/);
    expect(refusal('(?<n>a)\\k<n>')).toMatch(/^`\\k<…>` \(a named backreference\)/);
    expect(refusal('foo(?=bar)')).toMatch(/^`\(\?=` \(a lookahead\)/);
    expect(refusal('foo(?!bar)')).toMatch(/^`\(\?!` \(a negative lookahead\)/);
    expect(refusal('(?<=x)y')).toMatch(/^`\(\?<=` \(a lookbehind\)/);
    expect(refusal('(?<!x)y')).toMatch(/^`\(\?<!` \(a negative lookbehind\)/);
    expect(refusal('a++')).toMatch(/^`\+\+` \(a possessive quantifier\)/);
    expect(refusal('a{2}+')).toMatch(/^`\{2\}\+` \(a possessive quantifier\)/);
    expect(refusal('(?>a)')).toMatch(/^`\(\?>` \(an atomic group\)/);
    expect(refusal('(')).toMatch(/not a valid regular expression: missing closing \).*RE2 syntax/);
    expect(refusal('a{1001}')).toMatch(/a repeat count is at most 1000/);
  });

  it('refuse a pattern too large once compiled, before compiling the worst of them', () => {
    expect(compileRegex('a{1000}a{1000}')).toMatchObject({ ok: false, message: expect.stringMatching(/too large: about \d+ instructions once compiled, at most 2000/) });
    // 140k instructions compiled took ~250 ms: refused on the estimate instead
    expect(compileRegex('a{1000}'.repeat(142))).toMatchObject({ ok: false, message: expect.stringMatching(/too large/) });
    expect(compileRegex('x'.repeat(PATTERN_LIMITS.length + 1))).toMatchObject({ ok: false, message: `at most ${PATTERN_LIMITS.length} characters` });
  });
});

describe('bounds on a rule set', () => {
  const rule = (when: unknown, extra: Record<string, unknown> = {}) => ({ name: 'r', when, action: { type: 'move', to: '{name}' }, ...extra });
  const nested = (levels: number): unknown => {
    let condition: unknown = { extension: 'txt' };
    for (let level = 1; level < levels; level++) condition = { not: condition };
    return condition;
  };

  it('refuse conditions nested deeper than the limit, without overflowing the stack however deep', () => {
    expect(usableRuleSetSchema.safeParse({ rules: [rule(nested(RULE_LIMITS.depth))] }).success).toBe(true);
    expect(problemsOf({ rules: [rule(nested(RULE_LIMITS.depth + 1))] })).toMatch(/^rules\[0\]\.when: conditions nest at most 16 levels deep/);
    expect(problemsOf({ rules: [rule(nested(100_000))] })).toMatch(/^rules\[0\]\.when: conditions nest at most 16 levels deep/);
    // the same bound holds for a condition list nested in "all" and "any"
    let deepList: unknown = { extension: 'txt' };
    for (let level = 0; level < 50_000; level++) deepList = level % 2 ? { all: [deepList] } : { any: [{ size: { max: 1 } }, deepList] };
    expect(problemsOf({ rules: [rule({ all: [{ extension: 'a' }] }), rule(deepList)] })).toMatch(/^rules\[1\]\.when: conditions nest at most 16 levels/);
  });

  it('refuse more rules, conditions, characters or values than the limits, naming each limit', () => {
    const many = (count: number) => Array.from({ length: count }, (_, index) => rule({ extension: `e${index}` }));
    expect(usableRuleSetSchema.safeParse({ rules: many(RULE_LIMITS.rules) }).success).toBe(true);
    expect(problemsOf({ rules: many(RULE_LIMITS.rules + 1) })).toBe('rules: a rule set holds at most 500 rules');
    const wide = { any: Array.from({ length: 1000 }, (_, index) => ({ extension: `e${index}` })) };
    expect(problemsOf({ rules: [rule(wide), rule(wide), rule(wide)] })).toMatch(/^rules: a rule set holds at most 2000 conditions in all/);
    expect(problemsOf({ rules: [rule({ any: Array.from({ length: 1_000_000 }, () => ({ extension: 'a' })) })] })).toMatch(/at most 2000 conditions/);
    expect(problemsOf({ rules: [rule({ glob: 'x'.repeat(1001) })] })).toBe('rules[0].when.glob: at most 1000 characters');
    expect(problemsOf({ rules: [rule({ regex: 'x'.repeat(1001) })] })).toBe('rules[0].when.regex: at most 1000 characters');
    expect(problemsOf({ rules: [rule({ extension: 'x'.repeat(65) })] })).toBe('rules[0].when.extension: at most 64 characters');
    expect(problemsOf({ rules: [rule({ any: [{ extension: Array(201).fill('a') }] })] })).toBe('rules[0].when.any[0].extension: at most 200 values');
    expect(problemsOf({ rules: [rule({ glob: Array(201).fill('*.a') })] })).toBe('rules[0].when.glob: at most 200 values');
    expect(problemsOf({ rules: [rule({ category: Array(201).fill('Images') })] })).toBe('rules[0].when.category: at most 200 values');
    expect(problemsOf({ rules: [rule({ mime: `image/${'x'.repeat(300)}` })] })).toMatch(/^rules\[0\]\.when\.mime: at most 255 characters/);
    expect(problemsOf({ rules: [{ name: 'x'.repeat(201), action: { type: 'move', to: '{name}' } }] })).toBe('rules[0].name: at most 200 characters');
    expect(problemsOf({ rules: [{ name: 'x', action: { type: 'move', to: `${'x'.repeat(1000)}/{name}` } }] })).toBe('rules[0].action.to: at most 1000 characters');
    expect(problemsOf({ name: 'x'.repeat(201), rules: many(1) })).toBe('name: at most 200 characters');
    expect(problemsOf({ rules: [rule({ date: { after: `2024-01-01${' '.repeat(100)}` } })] })).toMatch(/^rules\[0\]\.when\.date\.after: at most 64 characters/);
  });

  it('check a size written as text in linear time (spaces cannot be split two ways)', () => {
    expect(problemsOf({ rules: [rule({ size: { min: `1${' '.repeat(200_000)}x` } })] })).toMatch(/rules\[0\]\.when\.size\.min: at most 64 characters; rules\[0\]\.when\.size\.min: a size like/);
    expect(usableRuleSetSchema.safeParse({ rules: [rule({ size: { min: ' 10 KB ', max: '2.5GiB' } })] }).success).toBe(true);
  });

  it('bound what all the patterns of a rule set may cost together', () => {
    const patterns = Array.from({ length: 40 }, (_, index) => rule({ regex: `x${index}.{1000}` }));
    expect(problemsOf({ rules: patterns })).toMatch(/^rules: the regexes and globs of a rule set compile to at most 20000 instructions together/);
    expect(usableRuleSetSchema.safeParse({ rules: patterns.slice(0, 10) }).success).toBe(true);
  });

  it('are checked again where rules are compiled, so a rule set that skipped the schema cannot run away', () => {
    const deep = { rules: [{ name: 'r', when: nested(5000) as Condition, action: { type: 'move' as const, to: '{name}' } }] };
    expect(() => compileRuleSet(deep, Date.now)).toThrow(/conditions nest at most 16 levels deep/);
    expect(() => policiesOf(deep)).toThrow(/conditions nest at most 16 levels deep/);
    expect(() => compileRuleSet({ rules: [rule({ regex: '(a)\\1' }) as RuleSet['rules'][number]] }, Date.now)).toThrow(/`\\1` \(a backreference\)/);
  });

  it('leave the stored shape readable when a pattern no longer compiles, so history and lists still open', () => {
    const older = { rules: [rule({ regex: 'a(?=b)' })] };
    expect(ruleSetSchema.safeParse(older).success).toBe(true);
    expect(problemsOf(older)).toMatch(/`\(\?=` \(a lookahead\)/);
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
