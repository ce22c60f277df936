/**
 * Rate and time left from successive progress samples: bytes per second over the last few seconds (a moving
 * window, so a pause or a burst shows soon), and the bytes still to go at that rate.
 */
export interface RateEstimate { bytesPerSecond: number | null; secondsLeft: number | null }

const WINDOW_MS = 5000;

export function createRateMeter(now: () => number = () => performance.now()) {
  let samples: Array<{ at: number; bytes: number }> = [];
  return {
    sample(bytesDone: number, bytesTotal: number): RateEstimate {
      const at = now();
      samples.push({ at, bytes: bytesDone });
      samples = samples.filter((sample) => at - sample.at <= WINDOW_MS);
      const first = samples[0];
      if (!first || at - first.at < 300 || bytesDone <= first.bytes) return { bytesPerSecond: null, secondsLeft: null };
      const bytesPerSecond = ((bytesDone - first.bytes) * 1000) / (at - first.at);
      return { bytesPerSecond, secondsLeft: Math.max(0, bytesTotal - bytesDone) / bytesPerSecond };
    },
    reset(): void { samples = []; },
  };
}
