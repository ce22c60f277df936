import { type OperationView } from '../../src-shared/api/operations.js';
import { type PushEvent } from '../../src-shared/contract.js';
import { follow } from './follower.js';
import { client } from './index.js';

/** Whether an operation is still moving: running, rolling back, or a plan (a preview's too) not yet whole. */
export function isLive(operation: OperationView): boolean {
  return operation.status === 'running' || operation.status === 'rolling_back' || (operation.status === 'planned' && operation.plan === null);
}

/**
 * Follows one operation until it settles (see follower.ts): `progress` for each pushed progress event, `update`
 * with the whole operation whenever it is read, `settled` once with the operation as it ended.
 */
export function followOperation(id: string, handlers: {
  progress?: (event: PushEvent<'operations:progress'>) => void;
  update?: (operation: OperationView) => void;
  settled: (operation: OperationView) => void;
  failed?: (error: unknown) => void;
}): () => void {
  return follow({
    read: () => client.call('operations:get', { id }),
    isSettled: (operation) => !isLive(operation),
    settled: handlers.settled,
    ...(handlers.update ? { update: handlers.update } : {}),
    ...(handlers.failed ? { failed: handlers.failed } : {}),
    subscribe: (refresh, isStopped) => [
      client.on('operations:progress', (event) => { if (event.operation_id === id && !isStopped()) handlers.progress?.(event); }),
      client.on('operations:result', (event) => { if (event.operation_id === id) refresh(); }),
    ],
  });
}
