import v8 from 'node:v8';
import vm from 'node:vm';

let collect: (() => void) | undefined;

/**
 * A full garbage collection of this thread once the current task has been answered. The hash cache's writer
 * is given a big search's recorder and file columns (~100 MB at 1M files, moved here, not copied); they are
 * garbage when it returns, but a reading thread allocates little after that, so V8 would not collect them
 * (measured: the process kept them until it exited) while the main thread builds and prints the groups.
 */
export function collectGarbageSoon(): void {
  // After the answer is posted: until then the task, and its arrays, are still referenced.
  setImmediate(collector());
}

/** A full garbage collection of this thread now. */
export function collectGarbageNow(): void {
  collector()();
}

function collector(): () => void {
  if (!collect) {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  return collect;
}
