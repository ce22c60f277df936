import type fs from 'node:fs';

const BILLION = 1_000_000_000n;

/** mtimeMs exactly as Node computes it for number stats: seconds * 1e3 + nanoseconds / 1e6, in doubles. */
export const millisecondsOf = (nanoseconds: bigint): number => Number(nanoseconds / BILLION) * 1e3 + Number(nanoseconds % BILLION) / 1e6;

/** The hash cache's key times as protocol numbers (see HashResult.times): (seconds, nanoseconds) of mtime, then of ctime. */
export function recordTimes(stats: fs.BigIntStats, times: Float64Array): void {
  times[0] = Number(stats.mtimeNs / BILLION);
  times[1] = Number(stats.mtimeNs % BILLION);
  times[2] = Number(stats.ctimeNs / BILLION);
  times[3] = Number(stats.ctimeNs % BILLION);
}

/** Back from (seconds, nanoseconds) to exact nanoseconds. */
export const nanosecondsOf = (seconds: number, nanoseconds: number): bigint => BigInt(seconds) * BILLION + BigInt(nanoseconds);
