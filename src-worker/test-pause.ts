import fs from 'node:fs';
import path from 'node:path';

/**
 * FOR TESTS ONLY. Makes the races of issue 14 reproducible without timing: with FILEORG_TEST_PAUSE=STEP[,STEP]
 * and FILEORG_TEST_PAUSE_DIR=DIR, the first file action of a process to reach STEP writes DIR/STEP.paused
 * (holding the file's path and the process id, a line each) and waits until DIR/STEP.resume exists; the test changes the file in between.
 * Each step pauses once per process. Unset (always, outside tests), this costs one environment lookup.
 */
export type PauseStep =
  | 'after-copy'     // a copy is written and verified under its temp name, not yet in place
  | 'before-unlink'  // the copy is in place; the source is about to be checked one last time and unlinked
  | 'before-link'    // duplicates: just before both files are checked one last time and the name is linked
  | 'before-move';   // a row's file is about to be checked one last time and moved (quarantine, organize)

const steps = new Set((process.env.FILEORG_TEST_PAUSE ?? '').split(',').filter(Boolean));
const folder = process.env.FILEORG_TEST_PAUSE_DIR;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

export function pauseForTest(step: PauseStep, file: string): void {
  if (steps.size === 0 || !folder || !steps.has(step)) return;
  try {
    // Only the first to get here pauses. The pid lets a test kill the process right there (a crash at that step).
    fs.writeFileSync(path.join(folder, `${step}.paused`), `${file}\n${process.pid}\n`, { flag: 'wx' });
  } catch {
    return;
  }
  const resume = path.join(folder, `${step}.resume`);
  // A worker thread blocks synchronously, as the file action it stands in for does; give up after 60 s.
  for (let waited = 0; !fs.existsSync(resume) && waited < 60_000; waited += 5) Atomics.wait(sleeper, 0, 0, 5);
}
