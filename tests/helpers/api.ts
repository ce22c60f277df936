import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { type FastifyInstance } from 'fastify';
import { afterEach } from 'vitest';
import WebSocket from 'ws';
import { createHandlers } from '../../src-main/api/handlers.js';
import { createHttpApi, type HttpApiOptions } from '../../src-main/api/http.js';
import { type AppCore } from '../../src-main/core/compose.js';
import { openTestCore } from './core.js';
import { tempDir } from './temp-tree.js';

/** The built window (dist/renderer), as fileorg serve serves it. */
export const WINDOW_DIR = fileURLToPath(new URL('../../dist/renderer', import.meta.url));

const servers: FastifyInstance[] = [];
// Registered after the core helper's hook, so (hooks run as a stack) servers close before their cores.
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

export interface Answer {
  status: number;
  headers: Headers;
  /** whatever JSON came back: each test asserts the fields it reads (the contract test checks shapes against the schemas) */
  body: any;
  text: string;
}

export interface TestApi {
  url: string;
  /** the Node HTTP server under Fastify (its connections, for tests of connection limits) */
  server: import('node:http').Server;
  core: AppCore & { dataDir: string };
  /** moves the core's clock (token expiry, lockouts) */
  advance(ms: number): void;
  call(method: string, path: string, options?: { body?: unknown; raw?: string; token?: string; headers?: Record<string, string> }): Promise<Answer>;
  /**
   * Sign up and answer the session (tokens and user). The owner then allows the account the system's temp
   * folder, where tests make their trees, unless `allow` names other folders (or none).
   */
  signup(name: string, password?: string, options?: { allow?: string[] }): Promise<{ access_token: string; refresh_token: string; user: { id: string } }>;
  socket(path: string, options?: { protocols?: string[]; headers?: Record<string, string> }): WebSocket;
}

/**
 * The real HTTP API over a real core (SQLite file, worker threads) in a temp data folder, listening on an
 * ephemeral loopback port. bcrypt runs at cost 12 unless a test asks for less.
 */
export async function startApi(options: {
  bcryptCost?: number; loginFailuresPerSource?: number; progressEveryFiles?: number; pageSize?: number; dataDir?: string;
  /** open signup (as `serve --allow-signup`); on unless a test of the closed door turns it off */
  allowSignup?: boolean;
}
  & Partial<Pick<HttpApiOptions, 'corsOrigins' | 'requestsPerMinute' | 'bodyLimit' | 'allowHosts' | 'socketLimits' | 'maxConnections'>> = {}): Promise<TestApi> {
  let offset = 0;
  const core = openTestCore(options.dataDir ?? tempDir('fileorg-api-'), {
    clock: () => Date.now() + offset,
    ...(options.bcryptCost ? { bcryptCost: options.bcryptCost } : {}),
    ...(options.loginFailuresPerSource ? { loginFailuresPerSource: options.loginFailuresPerSource } : {}),
    ...(options.progressEveryFiles ? { progressEveryFiles: options.progressEveryFiles } : {}),
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
  });
  const app = await createHttpApi({
    core, handlers: createHandlers(core, { version: 'test', allowSignup: options.allowSignup ?? true }), version: 'test', log: () => {},
    ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
    ...(options.requestsPerMinute ? { requestsPerMinute: options.requestsPerMinute } : {}),
    ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
    ...(options.allowHosts ? { allowHosts: options.allowHosts } : {}),
    ...(options.socketLimits ? { socketLimits: options.socketLimits } : {}),
    ...(options.maxConnections ? { maxConnections: options.maxConnections } : {}),
    // the window as `npm run build` made it (npm test builds first)
    windowDir: WINDOW_DIR,
  });
  servers.push(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;

  const call: TestApi['call'] = async (method, path, callOptions = {}) => {
    const headers: Record<string, string> = { ...callOptions.headers };
    if (callOptions.token) headers.authorization = `Bearer ${callOptions.token}`;
    let body: string | undefined = callOptions.raw;
    if (callOptions.body !== undefined) body = JSON.stringify(callOptions.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: unknown = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
    return { status: response.status, headers: response.headers, body: parsed, text };
  };

  return {
    url, core, call, server: app.server,
    advance: (ms) => { offset += ms; },
    async signup(name, password = 'securepassword123', signupOptions = {}) {
      const answer = await call('POST', '/api/v1/auth/signup', { body: { email: `${name}@example.com`, username: name, password, full_name: `User ${name}` } });
      if (answer.status !== 201) throw new Error(`signup failed: ${answer.status} ${answer.text}`);
      for (const folder of signupOptions.allow ?? [os.tmpdir()]) core.folderAccess.allow(answer.body.user.id, folder);
      return answer.body;
    },
    socket: (path, socketOptions = {}) => new WebSocket(`${url.replace('http', 'ws')}${path}`, socketOptions.protocols ?? [], { headers: socketOptions.headers ?? {} }),
  };
}

/** Everything a socket receives until it closes, and how it closed. */
export function collect(socket: WebSocket, onOpen?: (socket: WebSocket) => void): Promise<{ messages: Record<string, unknown>[]; code: number; protocol: string }> {
  const messages: Record<string, unknown>[] = [];
  socket.on('open', () => onOpen?.(socket));
  socket.on('message', (data) => { messages.push(JSON.parse(String(data)) as Record<string, unknown>); });
  return new Promise((resolve, reject) => {
    socket.on('error', reject);
    socket.on('close', (code) => resolve({ messages, code, protocol: socket.protocol }));
  });
}
