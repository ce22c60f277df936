import { describe, expect, it } from 'vitest';
import { NumberSet } from '../src-main/core/plan/number-set.js';

describe('the planner\'s set of path hashes', () => {
  it('answers as a Set does through adds, deletes and growth, for values up to 2^53', () => {
    const ours = new NumberSet();
    const theirs = new Set<number>();
    let seed = 42;
    const random = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    // Few distinct values, so adds, deletes and re-adds of one value meet often (tombstones are reused).
    const pool = Array.from({ length: 5000 }, (_, index) => (index === 0 ? 0 : index === 1 ? 2 ** 53 - 1 : Math.floor(random() * 2 ** 53)));
    for (let step = 0; step < 60_000; step++) {
      const value = pool[Math.floor(random() * pool.length)] as number;
      const roll = random();
      if (roll < 0.5) { ours.add(value); theirs.add(value); } else if (roll < 0.8) expect(ours.delete(value)).toBe(theirs.delete(value));
      else expect(ours.has(value)).toBe(theirs.has(value));
    }
    expect(ours.size).toBe(theirs.size);
    for (const value of pool) expect(ours.has(value), String(value)).toBe(theirs.has(value));
  });

  it('holds a million members', () => {
    const set = new NumberSet();
    for (let index = 0; index < 1_000_000; index++) set.add(index * 7919 + 2 ** 40);
    expect(set.size).toBe(1_000_000);
    expect(set.has(999_999 * 7919 + 2 ** 40)).toBe(true);
    expect(set.has(3)).toBe(false);
  });
});
