import fs from 'node:fs';
import path from 'node:path';
import { type PauseStep } from '../../src-worker/test-pause.js';
import { tempDir } from './temp-tree.js';

/**
 * Drives the engine's test-only pause hook (src-worker/test-pause.ts): the first file action to reach `step`
 * waits until the test has done its change and calls resume(). No sleeps decide anything: the test waits for
 * the engine's own signal file.
 */
export function pauseAt(...steps: PauseStep[]) {
  const folder = tempDir('fileorg-pause-');
  return {
    env: { FILEORG_TEST_PAUSE: steps.join(','), FILEORG_TEST_PAUSE_DIR: folder },
    /** the path of the file the engine paused on, once it has */
    async paused(step: PauseStep = steps[0] as PauseStep): Promise<string> {
      return (await this.pausedIn(step)).file;
    },
    /** the file the engine paused on and the pid of the process that paused (to kill it there) */
    async pausedIn(step: PauseStep = steps[0] as PauseStep): Promise<{ file: string; pid: number }> {
      const marker = path.join(folder, `${step}.paused`);
      for (let waited = 0; waited < 60_000; waited += 10) {
        if (fs.existsSync(marker)) {
          const [file, pid] = fs.readFileSync(marker, 'utf8').split('\n');
          if (file && pid) return { file, pid: Number(pid) };
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`the engine never reached ${step}`);
    },
    resume(step: PauseStep = steps[0] as PauseStep): void {
      fs.writeFileSync(path.join(folder, `${step}.resume`), '');
    },
    /** did any file action reach `step`? */
    reached(step: PauseStep = steps[0] as PauseStep): boolean {
      return fs.existsSync(path.join(folder, `${step}.paused`));
    },
  };
}
