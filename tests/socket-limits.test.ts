import net from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import type WebSocket from 'ws';
import { startApi, type TestApi } from './helpers/api.js';

/** Longest a test waits for a socket to answer or close (a deadline, not a sleep). */
const DEADLINE_MS = 10_000;

/** A socket's messages and how it closed; `closedWithin` fails when it is still open after the deadline. */
function watch(socket: WebSocket) {
  const messages: Record<string, unknown>[] = [];
  socket.on('message', (data) => { messages.push(JSON.parse(String(data)) as Record<string, unknown>); });
  let code: number | undefined;
  socket.on('close', (closeCode) => { code = closeCode; });
  return {
    messages,
    open: () => code === undefined,
    async closedWithin(ms: number): Promise<number> {
      await vi.waitFor(() => expect(code).toBeDefined(), { timeout: ms, interval: 20 });
      return code as number;
    },
  };
}

/** Open /ws/events as `token`'s user and wait until the server has it subscribed for that user. */
async function subscribed(api: TestApi, token: string, userId: string, before: number) {
  const socket = api.socket('/ws/events', { protocols: ['fileorg.bearer', token] });
  const watched = watch(socket);
  await vi.waitFor(() => expect(listenersOf(api, userId)).toBe(before + 1), { timeout: DEADLINE_MS, interval: 20 });
  return { socket, ...watched };
}
/** How many connections the server holds now. */
const connections = (api: TestApi): Promise<number> => new Promise((resolve, reject) => {
  api.server.getConnections((error, count) => (error ? reject(error) : resolve(count)));
});

/** How many event listeners a user has in the server's hub: one per subscribed /ws/events socket. */
const listenersOf = (api: TestApi, userId: string): number => api.core.events.listenerCount(userId);

describe('open WebSockets are bounded', () => {
  it('refuses a user\'s socket beyond the limit with 4429 and says what to do; other users and freed places are unaffected', async () => {
    const api = await startApi({ bcryptCost: 4, socketLimits: { perUser: 2 } });
    const alice = await api.signup('alice');
    const bob = await api.signup('bob');
    const first = await subscribed(api, alice.access_token, alice.user.id, 0);
    await subscribed(api, alice.access_token, alice.user.id, 1);
    const third = watch(api.socket('/ws/events', { protocols: ['fileorg.bearer', alice.access_token] }));
    expect(await third.closedWithin(DEADLINE_MS)).toBe(4429);
    expect(third.messages).toEqual([expect.objectContaining({ type: 'error', code: 'E_RATE_LIMITED', message: expect.stringContaining('close one') })]);
    // Another user has places of their own.
    await subscribed(api, bob.access_token, bob.user.id, 0);
    // A place freed is a place again.
    first.socket.close();
    await vi.waitFor(() => expect(listenersOf(api, alice.user.id)).toBe(1), { timeout: DEADLINE_MS, interval: 20 });
    await subscribed(api, alice.access_token, alice.user.id, 1);
  });

  it('drops a refused socket\'s connection within seconds even when its client never answers the close', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const { port } = new URL(api.url);
    // A raw client: it upgrades with a bad token and then never reads or answers anything.
    const raw = net.connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => raw.once('connect', resolve));
    raw.write(['GET /ws/events HTTP/1.1', `Host: 127.0.0.1:${port}`, 'Upgrade: websocket', 'Connection: Upgrade',
      'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Authorization: Bearer not-a-token', '', ''].join('\r\n'));
    raw.resume(); // read (and drop) what comes, so the end of the connection is seen
    let closed = false;
    raw.once('close', () => { closed = true; });
    // ws alone would wait 30 s for the close to be answered; the server drops it a second after its close.
    await vi.waitFor(() => expect(closed).toBe(true), { timeout: DEADLINE_MS, interval: 20 });
  });

  it('bounds open connections: beyond the limit new ones are dropped, and once some close, calls are answered again', async () => {
    const api = await startApi({ bcryptCost: 4, maxConnections: 4 });
    const { port } = new URL(api.url);
    const held = await Promise.all(Array.from({ length: 4 }, () => new Promise<net.Socket>((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => resolve(socket));
    })));
    await vi.waitFor(async () => expect(await connections(api)).toBe(4), { timeout: DEADLINE_MS, interval: 20 });
    await expect(fetch(`${api.url}/health`)).rejects.toThrow();
    for (const socket of held) socket.destroy();
    await vi.waitFor(async () => expect((await fetch(`${api.url}/health`)).status).toBe(200), { timeout: DEADLINE_MS, interval: 50 });
  });
});

describe('a socket whose credential ends over the API closes at once, not at the next minute\'s check', () => {
  it('closes after a logout and after an API key is revoked (4401 within seconds; the periodic check is a minute)', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const carol = await api.signup('carol');
    const byToken = await subscribed(api, carol.access_token, carol.user.id, 0);
    expect((await api.call('POST', '/api/v1/auth/logout', { token: carol.access_token, body: {} })).status).toBe(204);
    expect(await byToken.closedWithin(DEADLINE_MS)).toBe(4401);

    const login = await api.call('POST', '/api/v1/auth/login', { body: { email: 'carol@example.com', password: 'securepassword123' } });
    const key = await api.call('POST', '/api/v1/api-keys', { token: login.body.access_token, body: { name: 'script' } });
    const byKey = await subscribed(api, key.body.key, carol.user.id, 0);
    expect((await api.call('DELETE', `/api/v1/api-keys/${key.body.id}`, { token: login.body.access_token })).status).toBe(204);
    expect(await byKey.closedWithin(DEADLINE_MS)).toBe(4401);
  });

  it('closes the sockets of a login whose refresh token was used twice (its whole login ends: a copy is in other hands)', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const erin = await api.signup('erin');
    const watched = await subscribed(api, erin.access_token, erin.user.id, 0);
    expect((await api.call('POST', '/api/v1/auth/refresh', { body: { refresh_token: erin.refresh_token } })).status).toBe(200);
    expect((await api.call('POST', '/api/v1/auth/refresh', { body: { refresh_token: erin.refresh_token } })).status).toBe(401);
    expect(await watched.closedWithin(DEADLINE_MS)).toBe(4401);
  });
});

describe('unauthenticated traffic from one address does not lock everyone on it out', () => {
  it('after the address has spent its budget, a browser socket with a valid token, a refresh and a sign-in link still go through', async () => {
    const api = await startApi({ bcryptCost: 4, requestsPerMinute: 5 });
    const dave = await api.signup('dave');
    const link = api.core.signInLinks.create();
    // Another local user (same address) spends the address's budget.
    let status = 0;
    for (let attempt = 0; attempt < 10 && status !== 429; attempt++) status = (await api.call('GET', '/api/v1/status')).status;
    expect(status).toBe(429);
    // Logins are still counted by address (each costs a password check).
    expect((await api.call('POST', '/api/v1/auth/login', { body: { email: 'dave@example.com', password: 'wrong-password-1' } })).status).toBe(429);

    await subscribed(api, dave.access_token, dave.user.id, 0);
    const refreshed = await api.call('POST', '/api/v1/auth/refresh', { body: { refresh_token: dave.refresh_token } });
    expect(refreshed.status).toBe(200);
    const linked = await api.call('POST', '/api/v1/auth/link', { body: { token: link.token } });
    expect(linked.status).toBe(200);
    expect(linked.body.user).toMatchObject({ id: 'local' });
  });
});
