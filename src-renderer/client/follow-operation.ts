import { type OperationView } from '../../src-shared/api/operations.js';
import { type PushEvent } from '../../src-shared/contract.js';
import { client } from './index.js';

/** How often an operation is read again while it runs, in case an event was missed (a dropped socket). */
const POLL_MS = 1000;

/** Whether an operation is still moving: running, rolling back, or a plan (a preview's too) not yet whole. */
export function isLive(operation: OperationView): boolean {
  return operation.status === 'running' || operation.status === 'rolling_back' || (operation.status === 'planned' && operation.plan === null);
}

/**
 * Follows one operation until it settles: `progress` for each pushed progress event, `update` with the whole
 * operation whenever it is read (at a result event, and every second as a fallback), `settled` once with the
 * operation as it ended. Answers a function that stops following.
 */
export function followOperation(id: string, handlers: {
  progress?: (event: PushEvent<'operations:progress'>) => void;
  update?: (operation: OperationView) => void;
  settled: (operation: OperationView) => void;
  failed?: (error: unknown) => void;
}): () => void {
  let stopped = false;
  let reading = false;
  const read = async (): Promise<void> => {
    if (stopped || reading) return;
    reading = true;
    try {
      const operation = await client.call('operations:get', { id });
      if (stopped) return;
      handlers.update?.(operation);
      if (!isLive(operation)) { stop(); handlers.settled(operation); }
    } catch (error) {
      if (!stopped) handlers.failed?.(error);
    } finally {
      reading = false;
    }
  };
  const offProgress = client.on('operations:progress', (event) => { if (event.operation_id === id && !stopped) handlers.progress?.(event); });
  const offResult = client.on('operations:result', (event) => { if (event.operation_id === id) void read(); });
  const timer = setInterval(() => void read(), POLL_MS);
  function stop(): void {
    stopped = true;
    clearInterval(timer);
    offProgress();
    offResult();
  }
  void read();
  return stop;
}
