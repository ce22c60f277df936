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
    pausedIn(step: PauseStep = steps[0] as PauseStep): Promise<{ file: string; pid: number }> {
      const marker = path.join(folder, `${step}.paused`);
      const read = (): { file: string; pid: number } | undefined => {
        const [file, pid] = (fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : '').split('\n');
        return file && pid ? { file, pid: Number(pid) } : undefined;
      };
      // Woken by the engine writing its marker; a test that never gets there fails on the test's own timeout.
      return new Promise((resolve) => {
        const settle = (): void => {
          const found = read();
          if (!found) return;
          watcher.close();
          resolve(found);
        };
        const watcher = fs.watch(folder, settle);
        settle(); // written before the watch began
      });
    },
    resume(step: PauseStep = steps[0] as PauseStep): void {
      fs.writeFileSync(path.join(folder, `${step}.resume`), '');
    },
  };
}
