import { type OperationView } from '../../src-shared/api/operations.js';
import { type PushEvent } from '../../src-shared/contract.js';
import { client } from './index.js';

/** Whether an operation is still moving: running, rolling back, or a plan (a preview's too) not yet whole. */
export function isLive(operation: OperationView): boolean {
  return operation.status === 'running' || operation.status === 'rolling_back' || (operation.status === 'planned' && operation.plan === null);
}

/**
 * Follows one operation until it settles, from push events: `progress` for each progress event, `update` with
 * the whole operation whenever it is read (at the start, at its result event, and when the event stream
 * (re)connects, since events sent before that are lost), `settled` once with the operation as it ended. Never
 * polls. Answers a function that stops following.
 */
export function followOperation(id: string, handlers: {
  progress?: (event: PushEvent<'operations:progress'>) => void;
  update?: (operation: OperationView) => void;
  settled: (operation: OperationView) => void;
  failed?: (error: unknown) => void;
}): () => void {
  let stopped = false;
  let reading = false;
  // A read asked for while one is in flight (its result event came meanwhile) runs right after it: the one in
  // flight may have been answered before the run settled.
  let readAgain = false;
  const read = async (): Promise<void> => {
    if (stopped) return;
    if (reading) { readAgain = true; return; }
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
      if (readAgain && !stopped) { readAgain = false; void read(); }
    }
  };
  const offProgress = client.on('operations:progress', (event) => { if (event.operation_id === id && !stopped) handlers.progress?.(event); });
  const offResult = client.on('operations:result', (event) => { if (event.operation_id === id) void read(); });
  const offConnected = client.onConnected(() => void read());
  function stop(): void {
    stopped = true;
    offProgress();
    offResult();
    offConnected();
  }
  void read();
  return stop;
}
