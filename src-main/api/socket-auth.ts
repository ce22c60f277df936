import { type WebSocket } from 'ws';
import { z } from 'zod';
import { toApiError } from '../../src-shared/api-errors.js';
import { type Caller } from '../../src-shared/contract.js';
import { describeError, FileOrganizerError, isFileOrganizerError } from '../../src-shared/errors.js';

/** The first message of a client that did not authenticate with a header or subprotocol. */
const authMessageSchema = z.object({ type: z.literal('auth'), token: z.string().min(1).max(4096) });

/** How long a socket may stay open without proving who it is. */
export const AUTH_TIMEOUT_MS = 10_000;
/** How often an open socket's credential is checked again (a logout, a revoked key): besides when a token expires. */
export const RECHECK_EVERY_MS = 60_000;
/** A token is checked again this long after it expires, so the check sees it expired. */
const EXPIRY_SLACK_MS = 1_000;

/** Close codes in the private range: 4000 + the HTTP status they stand for. */
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_NOT_FOUND = 4404;

export interface SocketAuthOptions {
  /** from the Authorization header or the subprotocols; undefined: the first message must carry it */
  credential: string | undefined;
  authenticate: (credential: string) => Promise<Caller>;
  recheckEveryMs?: number;
  log: (message: string) => void;
}

/** Send a JSON message if the socket is still open. */
export function sendJson(socket: WebSocket, value: unknown): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(value));
}

/** The error in the one error shape as the last message, then the close code that stands for it. */
export function closeWithError(socket: WebSocket, error: unknown, closeCode: number): void {
  sendJson(socket, { type: 'error', ...toApiError(error) });
  socket.close(closeCode);
}

/**
 * Who a WebSocket belongs to, proven when it opens and for as long as it stays open. The credential comes
 * with the upgrade (the Authorization header for scripts, the subprotocols ["fileorg.bearer", TOKEN] for
 * browsers) or, failing both, as a first message {"type": "auth", "token": TOKEN} within 10 seconds.
 * `onCaller` runs once, with the socket open. Afterwards the credential is checked again when an access token
 * expires and every minute, so a socket stops (closed with 4401) once its login ends, its key is revoked or
 * its token expires, as its HTTP calls would.
 */
export function authenticateSocket(socket: WebSocket, options: SocketAuthOptions, onCaller: (caller: Caller) => void): void {
  const recheckEveryMs = options.recheckEveryMs ?? RECHECK_EVERY_MS;
  let timer: NodeJS.Timeout | undefined;
  socket.on('close', () => clearTimeout(timer));
  const refuse = (error: unknown): void => closeWithError(socket, error, CLOSE_UNAUTHORIZED);

  const recheckLater = (credential: string, caller: Caller): void => {
    const untilExpiry = caller.via.kind === 'token' ? Math.max(0, caller.via.expiresAt - Date.now()) + EXPIRY_SLACK_MS : Infinity;
    timer = setTimeout(() => {
      options.authenticate(credential).then((again) => {
        if (socket.readyState === socket.OPEN) recheckLater(credential, again);
      }, (error: unknown) => {
        if (isFileOrganizerError(error) && error.code === 'E_UNAUTHORIZED') { refuse(error); return; }
        // Not a verdict on the credential (the data folder busy, say): ask again next time.
        options.log(`fileorg serve: checking a WebSocket's credential again failed: ${describeError(error)}`);
        if (socket.readyState === socket.OPEN) recheckLater(credential, caller);
      });
    }, Math.min(recheckEveryMs, untilExpiry));
  };

  const authenticate = (credential: string): void => {
    options.authenticate(credential).then((caller) => {
      if (socket.readyState !== socket.OPEN) return; // the client left while it was checked
      onCaller(caller);
      recheckLater(credential, caller);
    }, refuse);
  };

  if (options.credential !== undefined) { authenticate(options.credential); return; }
  timer = setTimeout(() => refuse(authMissing()), AUTH_TIMEOUT_MS);
  socket.once('message', (data) => {
    clearTimeout(timer);
    let json: unknown;
    try { json = JSON.parse(String(data)); } catch { json = undefined; }
    const message = authMessageSchema.safeParse(json);
    if (!message.success) { refuse(authMissing()); return; }
    authenticate(message.data.token);
  });
}

const authMissing = () => new FileOrganizerError('E_UNAUTHORIZED',
  'authenticate first: send {"type": "auth", "token": ACCESS_TOKEN_OR_API_KEY} as the first message, or the subprotocols ["fileorg.bearer", TOKEN]');
