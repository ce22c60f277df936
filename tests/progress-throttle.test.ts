import { describe, expect, it } from 'vitest';
import { createProgressThrottle } from '../src-main/core/ops/progress-throttle.js';
import { type OperationProgress } from '../src-shared/progress.js';

describe('progress of a run', () => {
  const run = (fileSize: number) => {
    let clock = 0;
    const sent: OperationProgress[] = [];
    const throttle = createProgressThrottle({ operationId: 'op', listener: (progress) => sent.push(progress), everyFiles: 100, everyMs: 100, now: () => clock });
    for (let file = 1; file <= 5; file++) {
      clock += 250; // each file takes a quarter of a second
      throttle.tick('execute', { files_done: file, files_total: 5, bytes_done: file * fileSize, bytes_total: 5 * fileSize, current_path: `/t/${file}` });
    }
    return sent.map((progress) => progress.files_done);
  };

  it('shows a slow run of a few big files as it goes, not only when its stage ends', () => {
    expect(run(4 * 1024 * 1024)).toEqual([1, 2, 3, 4, 5]);
  });

  it('still reads the clock only every 16th file while files are small (a run of tiny files is fast)', () => {
    expect(run(10)).toEqual([]);
  });
});
