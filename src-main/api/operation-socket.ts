import { type WebSocket } from 'ws';
import { type AppCore } from '../core/compose.js';
import { progressOfRow } from '../core/events/database-follower.js';
import { finalEventOf, isSettled } from '../core/ops/background-runs.js';
import { type Operation } from '../core/ops/operation-store.js';
import { ownOperation } from './own-operation.js';
import { authenticateSocket, CLOSE_NOT_FOUND, closeWithError, sendJson, type SocketRegistry } from './socket-auth.js';

/**
 * WS /ws/operations/{id}: the operation's progress events (the CLI's --json progress lines), then its result,
 * then a close with 1000. A client that connects after the end gets the result at once.
 *
 * Authentication as every socket (socket-auth.ts): the Authorization header, the subprotocols
 * ["fileorg.bearer", TOKEN], or a first message {"type": "auth", "token": TOKEN}; a credential that ends closes
 * it with 4401. Another user's operation is "not found", exactly like one that does not exist.
 */
export function followOperation(socket: WebSocket, options: { id: string; credential: string | undefined; core: AppCore; log: (message: string) => void; recheckEveryMs?: number; registry?: SocketRegistry }): void {
  const { core, id } = options;
  let stopFollowing: (() => void) | undefined;
  const finish = (result: object): void => {
    sendJson(socket, result);
    socket.close(1000);
  };
  socket.on('close', () => stopFollowing?.());

  authenticateSocket(socket, {
    credential: options.credential, authenticate: (credential) => core.auth.authenticate(credential), log: options.log,
    ...(options.recheckEveryMs ? { recheckEveryMs: options.recheckEveryMs } : {}),
    ...(options.registry ? { registry: options.registry } : {}),
  }, (caller) => {
    let operation: Operation;
    try {
      operation = ownOperation(core, id, caller.userId);
    } catch (error) {
      closeWithError(socket, error, CLOSE_NOT_FOUND);
      return;
    }
    // A run of this process: its events as they come.
    const unfollow = core.runs.follow(operation.id, (event) => (event.type === 'result' ? finish(event) : sendJson(socket, event)));
    if (unfollow) { stopFollowing = unfollow; return; }
    if (isSettled(operation)) { finish(finalEventOf(operation)); return; }
    // Run by another process: its row as it is now, then what the database follower tells of it.
    const now = progressOfRow(operation);
    let told = JSON.stringify(now);
    sendJson(socket, now);
    stopFollowing = core.events.subscribe(caller.userId, (event) => {
      if (event.name === 'operations:result' && event.data.operation_id === operation.id) { finish(event.data); return; }
      if (event.name !== 'operations:progress' || event.data.operation_id !== operation.id) return;
      const text = JSON.stringify(event.data);
      if (text !== told) { told = text; sendJson(socket, event.data); }
    });
  });
}
