import { RE2JS, RE2JSSyntaxException } from 're2js';

/**
 * The patterns of rules (the `regex` and `glob` conditions), matched with RE2 semantics (re2js): a match takes
 * time linear in the name, whatever the pattern. JavaScript's own RegExp backtracks: `^(a+)+$` against a
 * 35-character name ran for minutes and held the event loop (the CLI ignored Ctrl-C, `serve` stopped answering
 * everyone). Globs are translated to RE2 here too, for the same reason (picomatch made JavaScript RegExps,
 * and `*a*a*a*a*a*a*b` backtracked polynomially).
 */

export const PATTERN_LIMITS = {
  /** characters of one regex or glob */
  length: 1000,
  /** instructions of one compiled pattern (RE2's program size): a match costs up to this much per character */
  size: 2000,
  /** instructions of all of a rule set's patterns together: bounds the work of checking or compiling a rule set */
  totalSize: 20_000,
} as const;

/** A compiled pattern: `test` answers whether it matches the subject (a file name, or a path for some globs). */
export interface CompiledPattern {
  readonly test: (subject: string) => boolean;
  /** RE2 program size, the measure of its cost */
  readonly size: number;
}
export type PatternOutcome = { ok: true; pattern: CompiledPattern } | { ok: false; message: string };

const SYNTAX = 'https://github.com/google/re2/wiki/Syntax';
const unsupported = (construct: string, what: string, advice: string): string =>
  `\`${construct}\` (${what}) is not supported: rules use RE2 syntax, which always matches in linear time; ${advice}`;

/** RE2's complaint, said in terms of what the user wrote. */
function explainSyntaxError(description: string, fragment: string): string {
  if (description === 'invalid escape sequence') {
    if (/^\\[1-9]/.test(fragment)) return unsupported(fragment, 'a backreference', 'a pattern cannot repeat what a group matched; spell out the alternatives, e.g. (?:aa|bb)');
    if (fragment === '\\k') return unsupported('\\k<…>', 'a named backreference', 'a pattern cannot repeat what a group matched; spell out the alternatives, e.g. (?:aa|bb)');
    if (fragment === '\\Z') return unsupported('\\Z', 'the end before a final newline', 'use \\z or $ for the end of the name');
    return unsupported(fragment, 'an escape RE2 does not know', `see ${SYNTAX} for the escapes it has`);
  }
  if (description === 'invalid or unsupported Perl syntax') {
    const kinds: Record<string, string> = { '(?=': 'a lookahead', '(?!': 'a negative lookahead', '(?>': 'an atomic group', '(?#': 'a comment group', '(?|': 'a branch reset group' };
    const kind = kinds[fragment];
    if (kind) return unsupported(fragment, kind, kind.includes('look') ? 'match the text itself, or combine conditions with "all" and "not"' : `see ${SYNTAX}`);
    return unsupported(fragment, 'a group RE2 does not know', `see ${SYNTAX}`);
  }
  if (description === 'invalid named capture') {
    if (fragment.startsWith('(?<=')) return unsupported('(?<=', 'a lookbehind', 'match the text itself, or combine conditions with "all" and "not"');
    if (fragment.startsWith('(?<!')) return unsupported('(?<!', 'a negative lookbehind', 'match the text itself, or combine conditions with "all" and "not"');
  }
  if (description === 'invalid nested repetition operator' && /^(?:[*+?]|\{\d+(?:,\d*)?\})\+$/.test(fragment)) {
    return unsupported(fragment, 'a possessive quantifier', 'drop the last "+": RE2 never backtracks, so it is not needed');
  }
  if (description === 'invalid repeat count') return `${fragment}: a repeat count is at most 1000, and repeats inside repeats multiply (rules use RE2 syntax, ${SYNTAX})`;
  return `not a valid regular expression: ${description}: \`${fragment}\` (rules use RE2 syntax, ${SYNTAX})`;
}

/**
 * Rules were written for JavaScript's RegExp with the `u` flag. Its Unicode escapes `\uXXXX` and `\u{X…}`,
 * which RE2 spells `\x{…}`, are rewritten; everything else is RE2's to accept or refuse.
 */
function toRe2Syntax(source: string): string {
  let out = '';
  for (let index = 0; index < source.length; index++) {
    const character = source[index] as string;
    if (character !== '\\') { out += character; continue; }
    const rest = source.slice(index + 1, index + 12);
    const unicode = /^u(?:([0-9a-fA-F]{4})|\{([0-9a-fA-F]{1,6})\})/.exec(rest);
    if (unicode) {
      out += `\\x{${unicode[1] ?? unicode[2]}}`;
      index += unicode[0].length;
      continue;
    }
    out += character + (source[index + 1] ?? '');
    index++;
  }
  return out;
}

/** The end of the bracket expression opening at `start` (RE2 syntax), just past its `]`; the source's end if none. */
function endOfClass(source: string, start: number): number {
  let index = start + 1;
  if (source[index] === '^') index++;
  if (source[index] === ']') index++;
  while (index < source.length) {
    const character = source[index];
    if (character === '\\') { index += 2; continue; }
    if (character === '[' && source[index + 1] === ':') {
      const close = source.indexOf(':]', index + 2);
      if (close >= 0) { index = close + 2; continue; }
    }
    if (character === ']') return index + 1;
    index++;
  }
  return source.length;
}

/**
 * About how many instructions RE2 will compile `source` (RE2 syntax) to, without compiling it: compiling is the
 * costly step (a 1000-character pattern of counted repeats compiles to 140k instructions in ~250 ms), so a
 * pattern far over the limit is refused before it is compiled. Each atom is one instruction; a counted repeat
 * copies what it repeats; groups nest. Exact for most patterns; above the truth where RE2 simplifies (an
 * alternation of single characters becomes one class).
 */
export function estimatePatternSize(source: string): number {
  interface Frame { total: number; last: number }
  const frames: Frame[] = [{ total: 0, last: 0 }];
  let top = frames[0] as Frame;
  const atom = (size: number): void => { top.total += size; top.last = size; };
  const closeGroup = (): void => {
    const inner = frames.pop() as Frame;
    top = frames[frames.length - 1] as Frame;
    atom(inner.total + 2);
  };
  let index = 0;
  while (index < source.length) {
    const character = source[index];
    if (character === '\\') {
      const next = source[index + 1];
      if (next === 'Q') {
        const end = source.indexOf('\\E', index + 2);
        const literal = end < 0 ? source.length - index - 2 : end - index - 2;
        top.total += literal;
        top.last = 1;
        index = end < 0 ? source.length : end + 2;
        continue;
      }
      if ((next === 'p' || next === 'P' || next === 'x') && source[index + 2] === '{') {
        const end = source.indexOf('}', index + 3);
        index = end < 0 ? source.length : end + 1;
      } else index += next === 'p' || next === 'P' ? 3 : next === 'x' ? 4 : 2;
      atom(1);
      continue;
    }
    if (character === '[') { index = endOfClass(source, index); atom(1); continue; }
    if (character === '(') {
      const flags = /^\(\?[imsU-]*\)/.exec(source.slice(index, index + 12));
      if (flags) { index += flags[0].length; continue; }
      frames.push(top = { total: 0, last: 0 });
      index++;
      if (source[index] === '?') {
        const prefix = /^\?(?:[imsU-]*:|P?<\w*>)/.exec(source.slice(index, index + 64));
        if (prefix) index += prefix[0].length;
      }
      continue;
    }
    if (character === ')') { if (frames.length > 1) closeGroup(); index++; continue; }
    if (character === '|') { top.total += 1; top.last = 0; index++; continue; }
    if (character === '*' || character === '+' || character === '?') {
      top.total += 1;
      index += source[index + 1] === '?' ? 2 : 1;
      continue;
    }
    if (character === '{') {
      const repeat = /^\{(\d{1,4})(?:(,)(\d{0,4}))?\}/.exec(source.slice(index, index + 12));
      if (repeat) {
        // n copies, then each optional one (up to m, or a star for "{n,}") with a branch of its own.
        const least = Number(repeat[1]);
        const optional = repeat[2] === undefined ? 0 : repeat[3] ? Math.max(0, Number(repeat[3]) - least) : 1;
        const size = least * top.last + optional * (top.last + 1);
        top.total += size - top.last;
        top.last = size;
        index += repeat[0].length + (source[index + repeat[0].length] === '?' ? 1 : 0);
        continue;
      }
    }
    atom(1);
    index++;
  }
  while (frames.length > 1) closeGroup();
  return top.total + 2;
}

/**
 * How far over a limit an estimate must be for a pattern to be refused without compiling: compiling up to
 * 8 x 2000 instructions took 7-37 ms here.
 */
export const ESTIMATE_SLACK = 8;

/** Compile RE2 source within the size limit. `test` searches: a glob's anchors make that a whole match. */
function compileRe2(source: string, flags: number): PatternOutcome {
  const estimate = estimatePatternSize(source);
  const tooLarge = (size: number): PatternOutcome => ({
    ok: false,
    message: `too large: about ${size} instructions once compiled, at most ${PATTERN_LIMITS.size}; use smaller repeat counts {n} or a shorter pattern`,
  });
  // The estimate is seldom below the compiled size but can be far above it (RE2 folds "a|b|c" into one class),
  // so only a pattern far over is refused uncompiled; the compiled size decides the rest.
  if (estimate > PATTERN_LIMITS.size * ESTIMATE_SLACK) return tooLarge(estimate);
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source, flags);
  } catch (error) {
    if (error instanceof RE2JSSyntaxException) return { ok: false, message: explainSyntaxError(error.error, error.input ?? '') };
    return { ok: false, message: `not a valid regular expression: ${(error as Error).message} (rules use RE2 syntax, ${SYNTAX})` };
  }
  const size = compiled.programSize();
  if (size > PATTERN_LIMITS.size) return tooLarge(size);
  return { ok: true, pattern: { test: (subject) => compiled.test(subject), size } };
}

// Checking a rule set compiles its patterns, and planning with it compiles them again: the last few hundred
// outcomes are kept, so a rule set checked on its way in is not compiled twice.
const CACHE_ENTRIES = 256;
const cache = new Map<string, PatternOutcome>();
function cached(key: string, make: () => PatternOutcome): PatternOutcome {
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const outcome = make();
  cache.set(key, outcome);
  if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  return outcome;
}

/**
 * A rule's `regex`: searched for in the file name (not a whole match), case-sensitive unless it says `(?i)`,
 * in RE2 syntax (linear time: no backreferences, no lookaround).
 */
export function compileRegex(source: string): PatternOutcome {
  if (source.length > PATTERN_LIMITS.length) return { ok: false, message: `at most ${PATTERN_LIMITS.length} characters` };
  return cached(`r\0${source}`, () => compileRe2(toRe2Syntax(source), 0));
}

export type GlobTranslation = { ok: true; source: string } | { ok: false; message: string };

const POSIX_CLASSES = new Set(['alnum', 'alpha', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'word', 'xdigit']);
const REGEX_SPECIAL = new Set([...'\\.+*?()|[]{}^$']);
const literal = (character: string): string => (REGEX_SPECIAL.has(character) ? `\\${character}` : character);
/** A character inside an RE2 bracket expression: by code point, so no character can close or negate it. */
const classCharacter = (character: string): string => `\\x{${(character.codePointAt(0) as number).toString(16)}}`;

type GlobToken =
  | { kind: 'literal'; text: string }
  | { kind: 'star'; count: number }
  | { kind: 'any' }
  | { kind: 'class'; regex: string }
  | { kind: 'slash' }
  | { kind: 'open' | 'comma' | 'close'; text: string };

/**
 * A glob in RE2 syntax, matching the whole subject. What users write: `*` (within a folder), `**` as a whole
 * segment (any folders, none included), `?`, `[abc]`, `[a-z]`, `[!abc]` or `[^abc]`, POSIX classes like
 * `[[:digit:]]`, `{a,b}` (nested too), and `\` to escape. Dotfiles match like any name (picomatch's
 * `dot: true`), and case is ignored (the caller compiles it so). Parentheses are plain characters ("IMG (1).jpg");
 * what picomatch read as more (extglobs `+(…)`, a leading `!`, `|`, `{1..3}`) is refused by name rather than
 * matched differently.
 */
export function translateGlob(glob: string): GlobTranslation {
  const refuse = (construct: string, what: string, advice: string): GlobTranslation => ({ ok: false, message: `\`${construct}\` (${what}) is not supported in a glob; ${advice}` });
  const pattern = glob.startsWith('./') ? glob.slice(2) : glob;
  if (pattern.startsWith('!')) return refuse('!', 'a negation', 'put the condition inside {"not": …}');
  const tokens: GlobToken[] = [];
  for (let index = 0; index < pattern.length; index++) {
    const character = pattern[index] as string;
    const next = pattern[index + 1];
    if (character === '\\') {
      if (next === undefined) return { ok: false, message: 'a glob cannot end with a lone `\\` (it escapes the character after it)' };
      const point = pattern.codePointAt(index + 1) as number;
      const escaped = String.fromCodePoint(point);
      tokens.push({ kind: 'literal', text: escaped });
      index += escaped.length;
      continue;
    }
    if ('+@!*?'.includes(character) && next === '(') {
      return refuse(`${character}(`, 'an extglob', 'use {a,b} for alternatives, or write \\( for a literal parenthesis');
    }
    if (character === '|') return refuse('|', 'alternation outside braces', 'use {a,b}, or write \\| for a literal |');
    if (character === '*') {
      let end = index;
      while (pattern[end + 1] === '*') end++;
      if (pattern[end + 1] === '(') return refuse('*(', 'an extglob', 'use {a,b} for alternatives, or write \\( for a literal parenthesis');
      tokens.push({ kind: 'star', count: end - index + 1 });
      index = end;
      continue;
    }
    if (character === '?') { tokens.push({ kind: 'any' }); continue; }
    if (character === '/') { tokens.push({ kind: 'slash' }); continue; }
    if (character === '{' || character === ',' || character === '}') {
      tokens.push({ kind: character === '{' ? 'open' : character === ',' ? 'comma' : 'close', text: character });
      continue;
    }
    if (character === '[') {
      const parsed = bracketExpression(pattern, index);
      if ('message' in parsed) return { ok: false, message: parsed.message };
      if (parsed.end < 0) { tokens.push({ kind: 'literal', text: '[' }); continue; } // never closed: a plain "["
      tokens.push({ kind: 'class', regex: parsed.regex });
      index = parsed.end;
      continue;
    }
    const point = String.fromCodePoint(pattern.codePointAt(index) as number);
    tokens.push({ kind: 'literal', text: point });
    index += point.length - 1;
  }

  // Braces: a pair with a comma at its own level is a choice; any other brace or comma is a plain character.
  const open: Array<{ at: number; commas: number[] }> = [];
  for (let at = 0; at < tokens.length; at++) {
    const token = tokens[at] as GlobToken;
    if (token.kind === 'open') open.push({ at, commas: [] });
    else if (token.kind === 'comma') {
      const innermost = open[open.length - 1];
      if (innermost) innermost.commas.push(at); else tokens[at] = { kind: 'literal', text: ',' };
    } else if (token.kind === 'close') {
      const pair = open.pop();
      if (!pair) { tokens[at] = { kind: 'literal', text: '}' }; continue; }
      if (pair.commas.length > 0) continue;
      const inside = tokens.slice(pair.at + 1, at).map((part) => (part.kind === 'literal' ? part.text : '\0')).join('');
      if (/^(-?\d+\.\.-?\d+|[a-zA-Z]\.\.[a-zA-Z])(\.\.\d+)?$/.test(inside)) {
        return refuse(`{${inside}}`, 'a range in braces', 'list the values instead, like {1,2,3}');
      }
      tokens[pair.at] = { kind: 'literal', text: '{' };
      tokens[at] = { kind: 'literal', text: '}' };
    }
  }
  for (const pair of open) {
    tokens[pair.at] = { kind: 'literal', text: '{' };
    for (const comma of pair.commas) tokens[comma] = { kind: 'literal', text: ',' };
  }

  const startsSegment = (at: number): boolean => {
    const before = tokens[at - 1];
    return before === undefined || before.kind === 'slash' || before.kind === 'open' || before.kind === 'comma';
  };
  const endsSegment = (at: number): boolean => {
    const after = tokens[at + 1];
    return after === undefined || after.kind === 'slash' || after.kind === 'comma' || after.kind === 'close';
  };
  const out: string[] = [];
  for (let at = 0; at < tokens.length; at++) {
    const token = tokens[at] as GlobToken;
    switch (token.kind) {
      case 'literal': out.push([...token.text].map(literal).join('')); break;
      case 'any': out.push('[^/]'); break;
      case 'class': out.push(token.regex); break;
      case 'slash': out.push('/'); break;
      case 'open': out.push('(?:'); break;
      case 'comma': out.push('|'); break;
      case 'close': out.push(')'); break;
      case 'star': {
        if (token.count === 1 || !startsSegment(at) || !endsSegment(at)) { out.push('[^/]*'); break; }
        // `**` as a whole segment: any number of folders, none included.
        if (tokens[at + 1]?.kind === 'slash') { out.push('(?:[^/]*/)*'); at++; break; }
        if (tokens[at - 1]?.kind === 'slash' && out[out.length - 1] === '/') { out[out.length - 1] = '(?:/.*)?'; break; } // "a/**" holds "a" too
        out.push('.*');
        break;
      }
    }
  }
  return { ok: true, source: `^${out.join('')}$` };
}

/** `[…]` at `start`: its RE2 form and the index of its `]`, or end -1 when it never closes (then "[" is literal). */
function bracketExpression(pattern: string, start: number): { regex: string; end: number } | { message: string } {
  let index = start + 1;
  const negated = pattern[index] === '!' || pattern[index] === '^';
  if (negated) index++;
  const items: string[] = [];
  let first = true;
  while (index < pattern.length) {
    const character = pattern[index] as string;
    if (character === ']' && !first) {
      const body = items.join('');
      // A negated class never matches "/": it stays within a folder, like "*" and "?".
      return { regex: negated ? `[^/${body}]` : `[${body}]`, end: index };
    }
    first = false;
    if (character === '[' && pattern[index + 1] === ':') {
      const close = pattern.indexOf(':]', index + 2);
      if (close >= 0) {
        const name = pattern.slice(index + 2, close);
        if (!POSIX_CLASSES.has(name)) {
          return { message: `\`[:${name}:]\` is not a character class; use one of ${[...POSIX_CLASSES].map((known) => `[:${known}:]`).join(', ')}` };
        }
        items.push(`[:${name}:]`);
        index = close + 2;
        continue;
      }
    }
    let from = character;
    if (character === '\\' && index + 1 < pattern.length) from = String.fromCodePoint(pattern.codePointAt(index + 1) as number);
    else from = String.fromCodePoint(pattern.codePointAt(index) as number);
    index += (character === '\\' ? 1 : 0) + from.length;
    if (pattern[index] === '-' && pattern[index + 1] !== undefined && pattern[index + 1] !== ']') {
      let to = String.fromCodePoint(pattern.codePointAt(index + 1) as number);
      let skip = 1 + to.length;
      if (to === '\\' && index + 2 < pattern.length) { to = String.fromCodePoint(pattern.codePointAt(index + 2) as number); skip = 2 + to.length; }
      if ((to.codePointAt(0) as number) < (from.codePointAt(0) as number)) {
        return { message: `\`[${from}-${to}]\`: a range goes from the lower character to the higher` };
      }
      items.push(`${classCharacter(from)}-${classCharacter(to)}`);
      index += skip;
      continue;
    }
    items.push(classCharacter(from));
  }
  return { regex: '', end: -1 };
}

/**
 * A rule's `glob`, ignoring case. The caller decides the subject: the path below the scan root for a glob
 * with a "/", else the file name.
 */
export function compileGlob(glob: string): PatternOutcome {
  if (glob.length > PATTERN_LIMITS.length) return { ok: false, message: `at most ${PATTERN_LIMITS.length} characters` };
  return cached(`g\0${glob}`, () => {
    const translated = translateGlob(glob);
    if (!translated.ok) return translated;
    return compileRe2(translated.source, RE2JS.CASE_INSENSITIVE);
  });
}

/** The estimated size of a pattern, before compiling it: what a rule set's total is checked against first. */
export function estimateOf(kind: 'regex' | 'glob', source: string): number {
  if (source.length > PATTERN_LIMITS.length) return 0; // refused for its length anyway
  if (kind === 'regex') return estimatePatternSize(toRe2Syntax(source));
  const translated = translateGlob(source);
  return translated.ok ? estimatePatternSize(translated.source) : 0;
}
