import { type AppCore } from '../core/compose.js';
import { type Scope } from '../core/ops/operations.js';

/**
 * `fileorg cancel ID`: ask the run of an operation to stop, whichever process runs it (another terminal, serve,
 * the app). The request is recorded; the run stops after the files in flight, so this does not wait for it.
 */
export function runCancel(core: AppCore, id: string, scope: Scope, json: boolean): void {
  const asked = core.operations.cancel(id, scope);
  if (json) {
    process.stdout.write(`${JSON.stringify({ type: 'cancel', ...asked })}\n`);
    return;
  }
  process.stdout.write(`Asked operation ${asked.operation_id} (${asked.status}) to stop after the files in flight; it becomes interrupted.\n`
    + `Then finish it with: fileorg resume ${asked.operation_id}  (or put everything back: fileorg undo ${asked.operation_id})\n`);
}
