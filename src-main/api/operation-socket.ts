import { type WebSocket } from 'ws';
import { z } from 'zod';
import { toApiError } from '../../src-shared/api-errors.js';
import { FileOrganizerError } from '../../src-shared/errors.js';
import { type Caller } from '../../src-shared/contract.js';
import { type AppCore } from '../core/compose.js';
import { finalEventOf, isSettled, type RunEvent } from '../core/ops/background-runs.js';
import { type Operation } from '../core/ops/operation-store.js';
import { operationView } from './views.js';
import { ownOperation } from './own-operation.js';

/** The first message of a client that did not authenticate with a header or subprotocol. */
const authMessageSchema = z.object({ type: z.literal('auth'), token: z.string().min(1).max(4096) });

/** How long a socket may stay open without proving who it is. */
export const AUTH_TIMEOUT_MS = 10_000;
/** An operation run by another process (the CLI, the app) is followed through the database at this pace. */
const POLL_MS = 500;

/** Close codes in the private range: 4000 + the HTTP status they stand for. */
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_NOT_FOUND = 4404;

/**
 * WS /ws/operations/{id}: the operation's progress events (the CLI's --json progress lines), then its result,
 * then a close with 1000. A client that connects after the end gets the result at once.
 *
 * Authentication: the Authorization header (scripts), the subprotocols ["fileorg.bearer", TOKEN] (browsers),
 * or, failing both, a first message {"type": "auth", "token": TOKEN} within 10 seconds. Another user's
 * operation is "not found", exactly like one that does not exist.
 */
export function followOperation(socket: WebSocket, options: { id: string; credential: string | undefined; core: AppCore; log: (message: string) => void }): void {
  const { core, id } = options;
  let stopFollowing: (() => void) | undefined;
  const send = (value: unknown): void => { if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(value)); };
  const fail = (error: unknown, closeCode: number): void => {
    send({ type: 'error', ...toApiError(error) });
    socket.close(closeCode);
  };
  const finish = (event: RunEvent): void => {
    send(event);
    socket.close(1000);
  };
  socket.on('close', () => stopFollowing?.());

  const start = (caller: Caller): void => {
    let operation: Operation;
    try {
      operation = ownOperation(core, id, caller.userId);
    } catch (error) {
      fail(error, CLOSE_NOT_FOUND);
      return;
    }
    // A run of this process: its events as they come.
    const unfollow = core.runs.follow(operation.id, (event) => (event.type === 'result' ? finish(event) : send(event)));
    if (unfollow) { stopFollowing = unfollow; return; }
    if (isSettled(operation)) { finish(finalEventOf(operation)); return; }
    // Run by another process: read its counters from the database until it settles.
    let last = '';
    const timer = setInterval(() => {
      const now = core.operations.get(id, { owner: caller.userId, exact: true });
      if (isSettled(now)) { clearInterval(timer); finish(finalEventOf(now)); return; }
      // The counters the other process's pages keep, as GET /api/v1/operations/{id} shows them.
      const { progress: counters } = operationView(now, null);
      const progress = { type: 'progress', operation_id: now.id, ...counters, stage: now.phase === 'rollback' ? 'rollback' : 'execute', current_path: null };
      const text = JSON.stringify(progress);
      if (text !== last) { last = text; send(progress); }
    }, POLL_MS);
    stopFollowing = () => clearInterval(timer);
  };

  const authenticate = (credential: string): void => {
    core.auth.authenticate(credential).then(start, (error: unknown) => fail(error, CLOSE_UNAUTHORIZED));
  };

  if (options.credential !== undefined) { authenticate(options.credential); return; }
  const timeout = setTimeout(() => fail(authMissing(), CLOSE_UNAUTHORIZED), AUTH_TIMEOUT_MS);
  socket.once('message', (data) => {
    clearTimeout(timeout);
    let json: unknown;
    try { json = JSON.parse(String(data)); } catch { json = undefined; }
    const message = authMessageSchema.safeParse(json);
    if (!message.success) { fail(authMissing(), CLOSE_UNAUTHORIZED); return; }
    authenticate(message.data.token);
  });
  socket.on('close', () => clearTimeout(timeout));
}

const authMissing = () => new FileOrganizerError('E_UNAUTHORIZED',
  'authenticate first: send {"type": "auth", "token": ACCESS_TOKEN_OR_API_KEY} as the first message, or the subprotocols ["fileorg.bearer", TOKEN]');
