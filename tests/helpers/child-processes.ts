import { type ChildProcess } from 'node:child_process';
import { afterEach } from 'vitest';

/**
 * Child processes a test file starts, ended after each test with `signal` (SIGTERM lets a watcher give its lease
 * up; SIGKILL is a crash): push each child into the answered list.
 */
export function endedAfterEach(signal: NodeJS.Signals): ChildProcess[] {
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => { child.once('exit', resolve); });
      child.kill(signal);
      await exited;
    }
  });
  return children;
}
