/**
 * A path as a 53-bit hash: sets of a million paths cost a few MiB instead of a few hundred. Used only by the
 * planner's disk simulation, where a collision (about one in 10^4 for a million-file run) can only
 * make a free name look taken, giving a needless "name (1)", or make a taken name look free, which the run's
 * no-clobber link then refuses. Neither can lose or replace a file.
 */
export function hashPath(text: string): number {
  // Two 32-bit FNV-1a lanes with different offsets, combined into one safe integer.
  let low = 0x811c9dc5;
  let high = 0x01000193 ^ text.length;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    low = Math.imul(low ^ code, 0x01000193);
    high = Math.imul(high ^ code, 0x5bd1e995);
  }
  return (high >>> 11) * 0x100000000 + (low >>> 0);
}
