import compress from '@fastify/compress';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { type ApiError, httpStatusOf, toApiError } from '../../src-shared/api-errors.js';
import { type Caller, CHANNEL_NAMES, type ChannelName, type ChannelSpec, contract, type Handlers } from '../../src-shared/contract.js';
import { FileOrganizerError } from '../../src-shared/errors.js';
import { type AppCore } from '../core/compose.js';
import { dataFolderError } from '../core/db/data-folder-error.js';
import crypto from 'node:crypto';
import { credentialOf, socketCredentialOf, WEBSOCKET_AUTH_PROTOCOL } from './credentials.js';
import { dispatch } from './dispatch.js';
import { openApiDocument } from './openapi.js';
import { streamEvents } from './event-socket.js';
import { followOperation } from './operation-socket.js';
import { createSocketRegistry } from './socket-auth.js';
import { createRequestGuard } from './request-guard.js';
import { registerWindowFiles, WINDOW_STATIC_PREFIXES } from './window-files.js';

export interface HttpApiOptions {
  core: AppCore;
  handlers: Handlers;
  version: string;
  /** origins allowed to call from a browser (CORS_ORIGINS); none by default */
  corsOrigins?: string[];
  /** the address it will listen on (default 127.0.0.1): requests must name it, or localhost, in their Host */
  listenHost?: string;
  /** more names requests may give as Host (`fileorg serve --allow-host NAME`) */
  allowHosts?: string[];
  /** requests one user (calls with a credential) or one address (calls without) may make in a minute */
  requestsPerMinute?: number;
  /** largest JSON body, in bytes */
  bodyLimit?: number;
  /** how often an open WebSocket checks its credential again (default a minute; tests shorten it) */
  socketRecheckMs?: number;
  /** open connections, HTTP and WebSocket together (MAX_CONNECTIONS unless a test lowers it) */
  maxConnections?: number;
  /** open WebSockets allowed per user (tests lower it) */
  socketLimits?: { perUser?: number };
  log?: (message: string) => void;
  /** the built window (dist/renderer), served at `/`; without it the window's addresses say how to build it */
  windowDir?: string;
}

export const DEFAULT_REQUESTS_PER_MINUTE = 600;
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/**
 * Open connections (HTTP and WebSocket together). Each holds a file descriptor, and the engine running in the
 * same process needs its own (worker threads, the database, folders it opens): a probe's silent WebSocket
 * upgrades filled a 1024-descriptor limit and a running organize failed 720 of 900 files with EMFILE. Beyond
 * this many, new connections are closed at once; a flood can still keep new clients out (no server can tell the
 * machine's users apart on 127.0.0.1), but never makes a run fail.
 */
export const MAX_CONNECTIONS = 512;

/** Fastify's own client errors (no route, bad JSON, body too large...) in the one error shape, with its status. */
function clientErrorOf(error: { code?: string; statusCode?: number; message: string }, bodyLimit: number): { status: number; body: ApiError } | undefined {
  const status = error.statusCode ?? 0;
  if (status === 429) return { status, body: { code: 'E_RATE_LIMITED', message: 'too many requests from this address; wait and try again (see Retry-After)' } };
  if (status === 413) return { status, body: { code: 'E_VALIDATION', message: `the request body is too large; the limit is ${Math.floor(bodyLimit / 1024)} KiB` } };
  if (status === 415) return { status, body: { code: 'E_VALIDATION', message: 'send the body as JSON, with "Content-Type: application/json"' } };
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return { status: 400, body: { code: 'E_VALIDATION', message: 'the body is empty but says it is JSON; send a JSON object (e.g. {}) or no Content-Type' } };
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (status === 400 && error instanceof SyntaxError)) {
    return { status: 400, body: { code: 'E_VALIDATION', message: `the body is not valid JSON: ${error.message}` } };
  }
  if (status >= 400 && status < 500) return { status, body: { code: 'E_VALIDATION', message: error.message } };
  return undefined;
}

/**
 * Errors Node's HTTP parser meets before Fastify sees a request (headers too large, a request that is not
 * HTTP): written to the socket in the one error shape, then the connection ends.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: import('node:stream').Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, body]: [number, string, ApiError] = error.code === 'HPE_HEADER_OVERFLOW'
    ? [431, 'Request Header Fields Too Large', { code: 'E_VALIDATION', message: 'the request\'s headers are too large (over 16 KiB in all); send fewer or shorter headers' }]
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', { code: 'E_VALIDATION', message: 'the request took too long to arrive; send it again' }]
      : [400, 'Bad Request', { code: 'E_VALIDATION', message: 'the request is not valid HTTP/1.1' }];
  const text = JSON.stringify(body);
  if (socket.writable) socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${text}`);
  socket.destroy();
}

/**
 * Routes that serve files, not calls (Swagger UI's page and assets, the OpenAPI document, the window's page and
 * assets): a
 * window loading its page and assets must not spend the request limit, so they are not counted. Matched by the
 * route that answered, never by the URL asked for, so an unknown path is counted like any other request.
 */
const STATIC_ROUTES = ['/docs', '/openapi.json', ...WINDOW_STATIC_PREFIXES];
export const isStaticRoute = (route: string | undefined): boolean =>
  route !== undefined && STATIC_ROUTES.some((prefix) => route === prefix || route.startsWith(`${prefix}/`));

/** Channels after which a credential may have ended: every open socket's is checked again at once. */
const ENDS_CREDENTIALS: ReadonlySet<ChannelName> = new Set<ChannelName>(['auth:logout', 'auth:changePassword', 'apiKeys:revoke', 'accounts:remove', 'auth:refresh']);

/** The one-time token a refresh or a sign-in link spends, from its JSON body (the rate limit keys on it). */
function tokenOfBody(route: string | undefined, body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const field = route === contract['auth:refresh'].route.path ? 'refresh_token' : route === contract['auth:linkSession'].route.path ? 'token' : undefined;
  const value = field === undefined ? undefined : (body as Record<string, unknown>)[field];
  return typeof value === 'string' && value.length > 0 && value.length <= 512 ? value : undefined;
}

/** Fastify's `/api/v1/operations/:id` from the contract's `/api/v1/operations/{id}`. */
const fastifyPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

/**
 * The HTTP face of the contract (`fileorg serve`): one Fastify route per channel, plus the WebSockets (one
 * operation's progress, all the caller's events), OpenAPI and its docs page. Every answer that is not a success
 * is the one error shape, never a stack trace.
 */
export async function createHttpApi(options: HttpApiOptions): Promise<FastifyInstance> {
  const { core, handlers } = options;
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = Fastify({
    logger: false, bodyLimit, forceCloseConnections: true, return503OnClosing: true, clientErrorHandler: answerClientError,
    // Idle and slow connections hold a descriptor each: they are dropped soon (see MAX_CONNECTIONS).
    keepAliveTimeout: 10_000, requestTimeout: 30_000,
    // A request without Host reaches the guard below, which answers it in the one error shape (Node's own is an empty 400).
    http: { requireHostHeader: false },
    // A URL that does not decode ("/%zz"), answered before routing: in the one shape, and an upgrade's socket closed.
    frameworkErrors: (error, request, frameworkReply) => {
      const reply = frameworkReply as FastifyReply; // its generics are not resolved in this callback's type
      if (request.headers.upgrade !== undefined) reply.raw.once('finish', () => request.raw.socket.destroy());
      void reply.code(400).header('Connection', 'close').send({ code: 'E_VALIDATION', message: `the request's path is not a valid URL (${error.message}); percent-encode it correctly` } satisfies ApiError);
    },
  });

  // Connections beyond this are refused by the kernel's accept being left alone, and headers must come within 10 s.
  app.server.maxConnections = options.maxConnections ?? MAX_CONNECTIONS;
  app.server.headersTimeout = 10_000;

  // Before anything else, WebSocket upgrades included: only requests addressed to this server (see request-guard.ts).
  const guard = createRequestGuard({
    listenHost: options.listenHost ?? '127.0.0.1',
    port: () => { const address = app.server.address(); return typeof address === 'object' && address ? address.port : 0; },
    ...(options.allowHosts ? { allowHosts: options.allowHosts } : {}),
    ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
  });
  app.addHook('onRequest', async (request, reply) => {
    const hosts = request.raw.rawHeaders.filter((_value, index) => index % 2 === 0 && request.raw.rawHeaders[index]?.toLowerCase() === 'host').length;
    const verdict = guard({ host: request.headers.host, origin: request.headers.origin, target: request.raw.url ?? '', hosts });
    if (!verdict.ok) {
      // A refused WebSocket upgrade's socket is no longer the HTTP server's to read or close: end it once answered.
      if (request.headers.upgrade !== undefined) reply.raw.once('finish', () => request.raw.socket.destroy());
      return reply.code(verdict.status).header('Connection', 'close').send(verdict.body);
    }
    return undefined;
  });

  // JSON only: a text/plain body is answered 415 rather than reaching a handler as a string.
  app.removeContentTypeParser('text/plain');
  const authenticate = async (credential: string | undefined): Promise<Caller | null> => {
    if (credential === undefined) return null;
    const caller = await core.auth.authenticate(credential);
    // The owner's own profiles (no password) are the owner; they reach HTTP through an API key they made, or as
    // the local profile through a one-time sign-in link (auth:linkSession).
    return { ...caller, owner: core.users.byId(caller.userId)?.isLocalProfile === true };
  };
  const sockets = createSocketRegistry(options.socketLimits);
  // A request's credential is checked once: the request limit (below) keys on its user, and its route reads it.
  const callers = new WeakMap<FastifyRequest, Promise<Caller | null>>();
  const callerOf = (request: FastifyRequest): Promise<Caller | null> => {
    let caller = callers.get(request);
    if (caller === undefined) {
      caller = authenticate(credentialOf(request.headers));
      callers.set(request, caller);
    }
    return caller;
  };

  app.setErrorHandler((thrown: Error & { code?: string; statusCode?: number }, request, reply) => {
    // SQLite's refusals (a full disk, a damaged or read-only database) are about the data folder: 503, naming it.
    const error = dataFolderError(thrown, core.dataDir) ?? thrown;
    const client = clientErrorOf(error, bodyLimit);
    const answer = error instanceof FileOrganizerError || !client ? toApiError(error) : client.body;
    const status = client && !(error instanceof FileOrganizerError) ? client.status : httpStatusOf(answer);
    if (answer.code === 'E_INTERNAL') log(`fileorg serve: ${request.method} ${request.url} failed: ${error.stack ?? error.message}`);
    if (answer.code === 'E_UNAUTHORIZED') void reply.header('WWW-Authenticate', 'Bearer');
    const retryAfter = answer.details?.retry_after_seconds;
    if (typeof retryAfter === 'number') void reply.header('Retry-After', String(retryAfter));
    void reply.code(status).send(answer);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ code: 'E_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}; the routes are listed at /openapi.json and /docs` } satisfies ApiError);
  });

  await app.register(cors, {
    origin: options.corsOrigins && options.corsOrigins.length > 0 ? options.corsOrigins : false,
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-API-Key'],
    exposedHeaders: ['Retry-After'],
  });
  // gzip, not brotli: brotli at its default quality took seconds of CPU and hundreds of MB per big answer, and a
  // flood of asset requests (not rate-limited) grew the server past 4 GB; gzip's cost stays small.
  await app.register(compress, { global: true, threshold: 1024, encodings: ['gzip', 'deflate'] });
  await app.register(rateLimit, {
    global: true, max: options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE, timeWindow: 60_000,
    // Counted once the body is parsed (a refresh or a sign-in link is keyed by the token it carries, below).
    hook: 'preHandler',
    // Calls with a credential that verifies count per user, others per address: on loopback every client shares
    // one address, and a script's burst must not throttle the owner's window. Only a verified credential gives a
    // user's key, so made-up ones cannot mint fresh budgets: they count against their address. (A client gone
    // mid-request has no address left; the plugin's own key would throw, and log a stack, on it.)
    keyGenerator: async (request) => {
      if (credentialOf(request.headers) !== undefined && !isStaticRoute(request.routeOptions.url)) {
        const caller = await callerOf(request).catch(() => null);
        if (caller) return `user:${caller.userId}`;
      }
      // A browser's WebSocket carries its credential in the subprotocols: the same verified-user budget.
      const socketCredential = request.headers.upgrade === undefined ? undefined : socketCredentialOf(request.headers);
      if (socketCredential !== undefined) {
        const caller = await authenticate(socketCredential).catch(() => null);
        if (caller) return `user:${caller.userId}`;
      }
      // A refresh or a sign-in link spends a random 32-byte token: each token has its own budget, so a flood of
      // unauthenticated requests from this address (every local user shares 127.0.0.1) cannot keep the owner's
      // window from renewing its session or signing in. Guessing gets nowhere: the tokens are unguessable.
      const token = tokenOfBody(request.routeOptions.url, request.body);
      if (token !== undefined) return `token:${crypto.createHash('sha256').update(token).digest('base64url')}`;
      return request.ip ?? 'unknown';
    },
    allowList: (request) => isStaticRoute(request.routeOptions.url),
  });
  await app.register(websocket, {
    options: {
      maxPayload: 64 * 1024,
      // A browser sends its token as the second of two subprotocols; the server must choose one to accept.
      handleProtocols: (protocols) => (protocols.has(WEBSOCKET_AUTH_PROTOCOL) ? WEBSOCKET_AUTH_PROTOCOL : false),
    },
  });

  const document = openApiDocument(options.version);
  // The document is made from the contract (openapi.ts); @fastify/swagger's OpenAPI types are stricter than its JSON.
  await app.register(swagger, { mode: 'static', specification: { document: document as never } });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', async () => document);
  await registerWindowFiles(app, options.windowDir);

  for (const name of CHANNEL_NAMES) {
    const spec: ChannelSpec = contract[name];
    app.route({
      method: spec.route.method,
      url: fastifyPath(spec.route.path),
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const body = request.body;
        if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
          throw new FileOrganizerError('E_VALIDATION', 'the body must be a JSON object, like {"name": "…"}');
        }
        const input = { ...(request.query as object), ...(body ?? {}), ...(request.params as object) };
        const caller = spec.access === 'public' ? null : await callerOf(request);
        let output: unknown;
        try {
          output = await dispatch(handlers, name, input, { caller, source: request.ip });
        } finally {
          // A login, key or account that just ended ends its open sockets now, not at their next minute's check;
          // a refused refresh too (a refresh token used twice ends its whole login: a copy is in other hands).
          if (ENDS_CREDENTIALS.has(name)) sockets.recheckAll();
        }
        void reply.code(spec.route.status ?? 200);
        return spec.route.status === 204 ? reply.send() : output;
      },
    });
  }

  const socketOptions = { registry: sockets, ...(options.socketRecheckMs ? { recheckEveryMs: options.socketRecheckMs } : {}) };
  app.route({
    method: 'GET', url: '/ws/operations/:id',
    // A plain GET (no Upgrade) is a client that does not speak WebSocket: say what to do, in the one error shape.
    handler: async (_request, reply) => reply.code(426).header('Upgrade', 'websocket').send({
      code: 'E_VALIDATION', message: 'this is a WebSocket endpoint: connect with a WebSocket client (ws://…/ws/operations/{id}), or poll GET /api/v1/operations/{id}',
    } satisfies ApiError),
    wsHandler: (socket, request) => {
      const { id } = request.params as { id: string };
      followOperation(socket, { id, credential: socketCredentialOf(request.headers), core, log, ...socketOptions });
    },
  });

  app.route({
    method: 'GET', url: '/ws/events',
    handler: async (_request, reply) => reply.code(426).header('Upgrade', 'websocket').send({
      code: 'E_VALIDATION', message: 'this is a WebSocket endpoint: connect with a WebSocket client (ws://…/ws/events) to receive your events',
    } satisfies ApiError),
    wsHandler: (socket, request) => streamEvents(socket, { credential: socketCredentialOf(request.headers), core, log, ...socketOptions }),
  });

  return app;
}
