import { type Piscina } from 'piscina';

/** The key of the message a piscina thread posts once it has loaded its task file (piscina's common.READY). */
const READY = '_WORKER_READY';
/** How long closing waits for a thread still loading before it terminates it anyway. */
const LOAD_WAIT_MS = 10_000;

/**
 * Call right after creating a pool: answers a wait for its threads to have loaded their task file. A thread
 * terminated while Node is still loading that file's ES modules (piscina's require(esm), then import() once the
 * termination made require throw) can bring the whole process down ("v8::Module::IsGraphAsync must be used on an
 * instantiated module"): seen when a short run closed a pool whose prestarted threads were still loading.
 * So a pool is closed only once every thread it started is ready (or gone).
 */
export function readinessOf(pool: Piscina): () => Promise<void> {
  const loaded = pool.threads.map((thread) => new Promise<void>((resolve) => {
    const onMessage = (message: unknown): void => {
      if (typeof message === 'object' && message !== null && READY in message) settle();
    };
    const settle = (): void => {
      thread.off('message', onMessage);
      resolve();
    };
    thread.on('message', onMessage);
    thread.once('exit', settle);
  }));
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, LOAD_WAIT_MS); timer.unref(); });
    await Promise.race([Promise.all(loaded), timeout]);
    clearTimeout(timer);
  };
}
