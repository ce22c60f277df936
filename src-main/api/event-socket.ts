import { type WebSocket } from 'ws';
import { type AppCore } from '../core/compose.js';
import { authenticateSocket, sendJson, type SocketRegistry } from './socket-auth.js';

/**
 * WS /ws/events: every push event of the caller, whoever started the run (this server, the window, the CLI
 * on this data folder), as messages {"event": NAME, "data": PAYLOAD} with the contract's push-event names
 * and payloads. It stays open until the client closes it, or its credential ends (4401).
 *
 * Authentication as every socket (socket-auth.ts): the Authorization header, the subprotocols
 * ["fileorg.bearer", TOKEN], or a first message {"type": "auth", "token": TOKEN} within 10 seconds.
 */
export function streamEvents(socket: WebSocket, options: { credential: string | undefined; core: AppCore; log: (message: string) => void; recheckEveryMs?: number; registry?: SocketRegistry }): void {
  const { core } = options;
  let unsubscribe: (() => void) | undefined;
  socket.on('close', () => unsubscribe?.());
  authenticateSocket(socket, {
    credential: options.credential, authenticate: (credential) => core.auth.authenticate(credential), log: options.log,
    ...(options.recheckEveryMs ? { recheckEveryMs: options.recheckEveryMs } : {}),
    ...(options.registry ? { registry: options.registry } : {}),
  }, (caller) => {
    unsubscribe = core.events.subscribe(caller.userId, (event) => sendJson(socket, { event: event.name, data: event.data }));
  });
}
