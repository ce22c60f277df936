import { describe, expect, it } from 'vitest';
import { type DuplicateSearchResult } from '../src-shared/duplicates.js';
import { resultLinePieces } from '../src-main/cli/print.js';

/** A result with `count` groups whose paths carry characters JSON must escape. */
function resultWith(count: number): DuplicateSearchResult {
  return {
    type: 'result',
    groups: Array.from({ length: count }, (_, index) => ({ size: index + 1, hash: index.toString(16).padStart(64, '0'), files: [`/t/a "${index}"\n`, `/t/b\\${index} é`] })),
    wasted_bytes: 7, files_scanned: 2 * count, hashed_bytes: 9, cache_hits: 0,
    skipped: count > 0 ? [{ path: '/t/gone', reason: 'changed', detail: 'it changed' }] : [],
  };
}

describe('the dupes --json result line, written in pieces', () => {
  it('is byte for byte JSON.stringify of the result, with no groups, one, and across several pieces', () => {
    for (const count of [0, 1, 5, 2048, 2049, 5000]) {
      const result = resultWith(count);
      const pieces = [...resultLinePieces(result, 2048)];
      expect(pieces.join('')).toBe(`${JSON.stringify(result)}\n`);
      expect(pieces.length).toBe(2 + Math.ceil(count / 2048));
    }
  });

  it('parses back to the same result when pieces hold a single group', () => {
    const result = resultWith(3);
    expect(JSON.parse([...resultLinePieces(result, 1)].join(''))).toEqual(result);
  });
});
