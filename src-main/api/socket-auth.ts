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
export const CLOSE_TOO_MANY = 4429;

/**
 * Open sockets hold a file descriptor and ~65 KB each for as long as they stay open, so each user's are
 * bounded (all connections together are bounded by the server: http.ts MAX_CONNECTIONS): a probe's 1200 sockets
 * from two accounts took a server to its descriptor limit, and a running organize's folder creations then failed
 * with EMFILE. A window needs one events socket and maybe a few operation sockets; scripts a few more. Sockets
 * still proving who they are are not capped apart: a global cap let anyone on the machine keep the owner's window
 * from opening one (128 silent sockets every 10 s); they last at most 10 s each.
 */
export const SOCKETS_PER_USER = 32;
interface OpenSocket { userId: string | undefined; recheckNow: () => void }

/**
 * The server's open sockets: how many each user holds (refused beyond SOCKETS_PER_USER), and a way to check every credential again at once when one may have ended (a logout, a
 * revoked key, a password change, a removed account) instead of at the next minute's check.
 */
export function createSocketRegistry(limits: { perUser?: number } = {}) {
  const perUser = limits.perUser ?? SOCKETS_PER_USER;
  const open = new Map<WebSocket, OpenSocket>();
  const countOf = (userId: string | undefined): number => [...open.values()].filter((entry) => entry.userId === userId).length;
  return {
    /** A new socket, not yet authenticated. */
    admit(socket: WebSocket, recheckNow: () => void): void {
      open.set(socket, { userId: undefined, recheckNow });
      socket.on('close', () => open.delete(socket));
    },
    /** The socket proved it is `userId`'s: false when that user holds too many already. */
    authenticated(socket: WebSocket, userId: string): boolean {
      const entry = open.get(socket);
      if (!entry) return true; // closed meanwhile; nothing to count
      if (countOf(userId) >= perUser) { open.delete(socket); return false; }
      entry.userId = userId;
      return true;
    },
    /** Check every authenticated socket's credential now. */
    recheckAll(): void {
      for (const entry of open.values()) if (entry.userId !== undefined) entry.recheckNow();
    },
  };
}
export type SocketRegistry = ReturnType<typeof createSocketRegistry>;

export interface SocketAuthOptions {
  /** from the Authorization header or the subprotocols; undefined: the first message must carry it */
  credential: string | undefined;
  authenticate: (credential: string) => Promise<Caller>;
  recheckEveryMs?: number;
  /** the server's open sockets (limits, and checking every credential again at once) */
  registry?: SocketRegistry;
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
  // A client that never answers the close would hold the connection for ws's 30 s close timeout: a second is enough.
  setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
}
/** How long a refused or ended socket's client has to answer the close before the connection is dropped. */
const CLOSE_GRACE_MS = 1_000;

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
  /** The credential and caller once proven: what a recheck checks again. */
  let proven: { credential: string; caller: Caller } | undefined;
  socket.on('close', () => clearTimeout(timer));
  const refuse = (error: unknown): void => closeWithError(socket, error, CLOSE_UNAUTHORIZED);

  const recheck = (): void => {
    if (!proven) return;
    const { credential, caller } = proven;
    clearTimeout(timer);
    options.authenticate(credential).then((again) => {
      if (socket.readyState === socket.OPEN) recheckLater(credential, again);
    }, (error: unknown) => {
      if (isFileOrganizerError(error) && error.code === 'E_UNAUTHORIZED') { refuse(error); return; }
      // Not a verdict on the credential (the data folder busy, say): ask again next time.
      options.log(`fileorg serve: checking a WebSocket's credential again failed: ${describeError(error)}`);
      if (socket.readyState === socket.OPEN) recheckLater(credential, caller);
    });
  };
  const recheckLater = (credential: string, caller: Caller): void => {
    proven = { credential, caller };
    const untilExpiry = caller.via.kind === 'token' ? Math.max(0, caller.via.expiresAt - Date.now()) + EXPIRY_SLACK_MS : Infinity;
    clearTimeout(timer);
    timer = setTimeout(recheck, Math.min(recheckEveryMs, untilExpiry));
  };

  options.registry?.admit(socket, recheck);

  const authenticate = (credential: string): void => {
    options.authenticate(credential).then((caller) => {
      if (socket.readyState !== socket.OPEN) return; // the client left while it was checked
      if (options.registry && !options.registry.authenticated(socket, caller.userId)) {
        closeWithError(socket, new FileOrganizerError('E_RATE_LIMITED', 'this account has too many WebSockets open already; close one (one /ws/events socket carries all your events)'), CLOSE_TOO_MANY);
        return;
      }
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
