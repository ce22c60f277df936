import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { apiErrorSchema } from '../src-shared/api-errors.js';
import { collect, startApi } from './helpers/api.js';
import { NOBODY, runCli, runsAsRoot } from './helpers/cli.js';
import { rawRequest, startServe } from './helpers/serve.js';
import { snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';

const portOf = (url: string): number => Number(new URL(url).port);
const get = (pathname: string, headers: Record<string, string>): string =>
  `GET ${pathname} HTTP/1.1\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')}Connection: close\r\n\r\n`;
const post = (pathname: string, headers: Record<string, string>, body: unknown): string => {
  const text = JSON.stringify(body);
  return `POST ${pathname} HTTP/1.1\r\n${Object.entries({ ...headers, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) })
    .map(([name, value]) => `${name}: ${value}\r\n`).join('')}Connection: close\r\n\r\n${text}`;
};
const SIGNUP = { email: 'eve@example.com', username: 'eve', password: 'securepassword123', full_name: 'Eve' };

describe('who may reach the API', () => {
  it('answers only requests addressed to it: a rebinding name (Host and Origin forged) gets 421 before any handler, WebSockets included', async () => {
    const api = await startApi({ bcryptCost: 4, allowHosts: ['fileorg.test'] });
    const port = portOf(api.url);
    const evil = { Host: `evil.example:${port}`, Origin: `http://evil.example:${port}` };

    const signup = await rawRequest(port, post('/api/v1/auth/signup', evil, SIGNUP));
    expect(signup.status).toBe(421);
    expect(apiErrorSchema.parse(signup.body)).toMatchObject({ code: 'E_FORBIDDEN', message: expect.stringContaining('Host "evil.example:') });
    expect(signup.body.message).toContain('--allow-host');
    expect(api.core.users.byEmail(SIGNUP.email)).toBeUndefined(); // no handler ran

    for (const host of [`evil.example:${port}`, `127.0.0.1:${port + 1}`, `localhost.evil.example:${port}`, 'localhost', `[::2]:${port}`]) {
      const answer = await rawRequest(port, get('/health', { Host: host }));
      expect(answer.status, host).toBe(421);
    }
    for (const request of ['GET /health HTTP/1.0\r\n\r\n', 'GET /health HTTP/1.1\r\nConnection: close\r\n\r\n']) {
      const noHost = await rawRequest(port, request);
      expect(noHost.status).toBe(421);
      expect(noHost.body.message).toContain('no Host header');
    }
    // Two Host headers (Node keeps the first), and an absolute-form target naming another server (it wins over Host).
    const twice = await rawRequest(port, `GET /health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nHost: evil.example\r\nConnection: close\r\n\r\n`);
    expect(twice.status).toBe(421);
    expect(twice.body.message).toContain('more than one Host header');
    expect((await rawRequest(port, get('http://evil.example/health', { Host: `127.0.0.1:${port}` }))).status).toBe(421);
    expect((await rawRequest(port, get(`http://localhost:${port}/health`, { Host: `127.0.0.1:${port}` }))).status).toBe(200);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`, `fileorg.test:${port}`]) {
      expect((await rawRequest(port, get('/health', { Host: host }))).status, host).toBe(200);
    }

    // A WebSocket upgrade is refused the same way, before it is upgraded.
    const upgrade = await rawRequest(port, get('/ws/operations/x', {
      ...evil, Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    }).replace('Connection: close\r\n', ''));
    expect(upgrade.status).toBe(421);
    expect(upgrade.body).toMatchObject({ code: 'E_FORBIDDEN' });
  });

  it('refuses a web page on a foreign origin (403), even with the right Host; the server\'s own pages and CORS_ORIGINS may call', async () => {
    const api = await startApi({ corsOrigins: ['http://localhost:5173'] });
    const port = portOf(api.url);
    const host = `127.0.0.1:${port}`;
    const foreign = await rawRequest(port, post('/api/v1/auth/login', { Host: host, Origin: 'http://evil.example' }, { email: 'a@b.co', password: 'x' }));
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ code: 'E_FORBIDDEN', message: expect.stringContaining('CORS_ORIGINS') });
    expect((await rawRequest(port, get('/health', { Host: host, Origin: 'null' }))).status).toBe(403);
    expect((await rawRequest(port, get('/health', { Host: host, Origin: `http://localhost:${port}` }))).status).toBe(200);
    expect((await rawRequest(port, get('/health', { Host: host, Origin: 'http://localhost:5173' }))).status).toBe(200);

    // A WebSocket is not bound by CORS: a foreign page's socket is refused before it opens.
    const { access_token: token } = await api.signup('wsuser');
    const socket = api.socket('/ws/operations/x', { protocols: ['fileorg.bearer', token], headers: { Origin: 'http://evil.example' } });
    const refused = await new Promise<number>((resolve) => { socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)); socket.on('error', () => {}); });
    expect(refused).toBe(403);
  });

  it('keeps signup closed unless the server was started with it open, and says so in /api/v1/status', async () => {
    const closed = await startApi({ allowSignup: false });
    const refused = await closed.call('POST', '/api/v1/auth/signup', { body: SIGNUP });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'E_FORBIDDEN', message: expect.stringContaining('fileorg accounts add') });
    expect(refused.body.message).toContain('--allow-signup');
    expect((await closed.call('GET', '/api/v1/status')).body).toMatchObject({ signup_allowed: false });
    expect(closed.core.users.byEmail(SIGNUP.email)).toBeUndefined();
    const open = await startApi();
    expect((await open.call('GET', '/api/v1/status')).body).toMatchObject({ signup_allowed: true });
    expect((await open.call('POST', '/api/v1/auth/signup', { body: SIGNUP })).status).toBe(201);
  });

  it('gives an account only its allowed folders over HTTP, and the accounts routes only to the owner', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const secret = tempDir('fileorg-owner-only-');
    writeTree(secret, { 'taxes.pdf': 'private' });
    const { access_token: token } = await api.signup('mallory', undefined, { allow: [] });
    const outside = await api.call('POST', '/api/v1/operations', { token, body: { source_paths: [secret] } });
    expect(outside.status).toBe(403);
    expect(outside.body).toMatchObject({ code: 'E_FORBIDDEN', message: expect.stringContaining(secret), details: { path: secret } });
    expect((await api.call('POST', '/api/v1/duplicates/search', { token, body: { paths: [secret] } })).status).toBe(403);
    expect((await api.call('GET', '/api/v1/accounts', { token })).status).toBe(403);
    expect((await api.call('POST', `/api/v1/accounts/mallory@example.com/folders`, { token, body: { path: secret } })).status).toBe(403);
    expect((await api.call('GET', '/api/v1/accounts')).status).toBe(401);

    // The owner reaches HTTP with an API key of their own profile (the window makes one; #7 adds a sign-in link).
    const { key } = api.core.auth.apiKeys.create('local', 'owner script');
    const allowed = await api.call('POST', '/api/v1/accounts/mallory@example.com/folders', { headers: { 'X-API-Key': key }, body: { path: secret } });
    expect(allowed.status).toBe(200);
    expect(allowed.body.allowed_folders).toEqual([fs.realpathSync(secret)]);
    const listed = await api.call('GET', '/api/v1/accounts', { headers: { 'X-API-Key': key } });
    expect(listed.body).toMatchObject({ total: 1, items: [{ email: 'mallory@example.com', allowed_folders: [fs.realpathSync(secret)] }] });
    expect((await api.call('POST', '/api/v1/operations', { token, body: { source_paths: [secret], dry_run: true } })).status).toBe(202);
    const taken = await api.call('DELETE', `/api/v1/accounts/mallory@example.com/folders?path=${encodeURIComponent(secret)}`, { headers: { 'X-API-Key': key } });
    expect(taken.body.allowed_folders).toEqual([]);
    expect((await api.call('DELETE', '/api/v1/accounts/mallory@example.com', { headers: { 'X-API-Key': key } })).status).toBe(204);
    expect((await api.call('GET', '/api/v1/auth/me', { token })).status).toBe(401);
  });
});

describe('answers in the one error shape', () => {
  it('431 for headers too large, 426 for a plain GET on the WebSocket path, and a socket for an unknown operation names the API route', async () => {
    const api = await startApi();
    const port = portOf(api.url);
    const huge = await rawRequest(port, get('/health', { Host: `127.0.0.1:${port}`, 'X-Filler': 'a'.repeat(20_000) }));
    expect(huge.status).toBe(431);
    expect(apiErrorSchema.parse(huge.body)).toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('headers are too large') });

    // A path that does not decode, as a plain request and as a WebSocket upgrade (whose socket must not be kept).
    const badUrl = await rawRequest(port, get('/api/v1/%zz', { Host: `127.0.0.1:${port}` }));
    expect(badUrl.status).toBe(400);
    expect(apiErrorSchema.parse(badUrl.body).message).toContain('not a valid URL');
    const badUpgrade = await rawRequest(port, get('/ws/operations/%zz', {
      Host: `127.0.0.1:${port}`, Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    }).replace('Connection: close\r\n', ''));
    expect(badUpgrade.status).toBe(400);
    expect(badUpgrade.body).toMatchObject({ code: 'E_VALIDATION' });

    const plain = await api.call('GET', '/ws/operations/anything');
    expect(plain.status).toBe(426);
    expect(apiErrorSchema.parse(plain.body).message).toContain('WebSocket endpoint');

    const { access_token: token } = await api.signup('sockets');
    const followed = await collect(api.socket('/ws/operations/nope', { protocols: ['fileorg.bearer', token] }));
    expect(followed.code).toBe(4404);
    expect(followed.messages[0]).toMatchObject({ type: 'error', code: 'E_NOT_FOUND', message: expect.stringContaining('GET /api/v1/operations') });
    expect(String(followed.messages[0]?.message)).not.toContain('fileorg');
  });
});

/** One HTTP call made by another OS user (nobody, via setpriv, when the tests run as root), as a local attacker would. */
function callAs(url: string, method: string, pathname: string, options: { body?: unknown; token?: string } = {}): Promise<{ status: number; body: any }> {
  const script = `const r = await fetch(process.env.URL, { method: process.env.METHOD, headers: { 'content-type': 'application/json', ...(process.env.TOKEN ? { authorization: 'Bearer ' + process.env.TOKEN } : {}) }, ...(process.env.BODY ? { body: process.env.BODY } : {}) });
process.stdout.write(JSON.stringify({ status: r.status, body: await r.json().catch(() => null) }));`;
  const command = runsAsRoot
    ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, '--input-type=module', '-e', script]
    : [process.execPath, '--input-type=module', '-e', script];
  const env = { PATH: process.env.PATH, URL: `${url}${pathname}`, METHOD: method, TOKEN: options.token ?? '', BODY: options.body === undefined ? '' : JSON.stringify(options.body) };
  const child = spawn(command[0] as string, command.slice(1), { env, cwd: '/', stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
  return new Promise((resolve, reject) => child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`client exited ${code}`)))));
}

describe('a second OS user against fileorg serve', () => {
  it('can sign up only when signup is open, and then reaches only the folders the owner allows (not a root-only folder)', async () => {
    const dataDir = tempDir('fileorg-hostile-data-');
    const secret = tempDir('fileorg-root-only-'); // 0700, the test's own user
    writeTree(secret, { 'id_rsa': 'key', 'notes/plans.txt': 'plans', 'copy-of-key': 'key' });
    fs.chmodSync(secret, 0o700);
    const secretBefore = snapshotTree(secret);
    // Their folder is theirs (they may change what is in it), inside a folder only the owner may change.
    const home = tempDir('fileorg-home-');
    fs.chmodSync(home, 0o755);
    const theirs = path.join(home, 'nobody');
    writeTree(theirs, { 'song.mp3': 'mp3', 'photo.jpg': 'jpg', 'sub/keep.txt': 'x' });
    if (runsAsRoot) for (const entry of [theirs, ...['song.mp3', 'photo.jpg', 'sub', 'sub/keep.txt'].map((name) => path.join(theirs, name))]) fs.chownSync(entry, NOBODY, NOBODY);

    const closed = await startServe(dataDir, ['--allow-host', 'fileorg.test']);
    expect((await callAs(closed.url, 'POST', '/api/v1/auth/signup', { body: SIGNUP })).status).toBe(403);
    const port = portOf(closed.url);
    expect((await rawRequest(port, get('/health', { Host: `fileorg.test:${port}` }))).status).toBe(200);
    expect((await rawRequest(port, get('/health', { Host: `evil.example:${port}` }))).status).toBe(421);
    expect(await closed.stop()).toBe(0);

    const server = await startServe(dataDir, ['--allow-signup']);
    await vi.waitFor(() => expect(server.stderr()).toContain('signup is open'));
    const session = await callAs(server.url, 'POST', '/api/v1/auth/signup', { body: SIGNUP });
    expect(session.status).toBe(201);
    const token = session.body.access_token as string;

    const search = await callAs(server.url, 'POST', '/api/v1/duplicates/search', { token, body: { paths: [secret] } });
    expect(search).toMatchObject({ status: 403, body: { code: 'E_FORBIDDEN', message: expect.stringContaining(secret) } });
    expect(search.body.groups).toBeUndefined(); // no names, no hashes
    expect((await callAs(server.url, 'POST', '/api/v1/operations', { token, body: { source_paths: [secret] } })).status).toBe(403);
    expect((await callAs(server.url, 'POST', '/api/v1/operations', { token, body: { source_paths: [theirs] } })).body.message).toContain('no folders yet');

    // The owner, at the terminal, allows the account its own folder: over the same data folder, while serve runs.
    const allow = await runCli(['accounts', 'allow', SIGNUP.email, theirs, '--data-dir', dataDir]);
    expect(allow.code, allow.stderr).toBe(0);
    if (runsAsRoot) {
      // A folder inside theirs, or a destination to be made there, they could swap for a symlink to a root-only
      // folder between the check and the run: refused, saying why.
      for (const body of [{ source_paths: [path.join(theirs, 'sub')] }, { source_paths: [theirs], destination: path.join(theirs, 'out') }]) {
        const swappable = await callAs(server.url, 'POST', '/api/v1/operations', { token, body });
        expect(swappable.status, JSON.stringify(body)).toBe(403);
        expect(swappable.body.message).toContain(`${theirs} belongs to another user (uid ${NOBODY})`);
      }
      // Nor may the owner give out a folder someone else could move away (theirs, straight in sticky /tmp).
      const inTmp = tempDir('fileorg-nobody-tmp-');
      fs.chownSync(inTmp, NOBODY, NOBODY);
      const refused = await runCli(['accounts', 'allow', SIGNUP.email, inTmp, '--data-dir', dataDir]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('cannot be given to an account');
    }
    const started = await callAs(server.url, 'POST', '/api/v1/operations', { token, body: { source_paths: [theirs] } });
    expect(started.status).toBe(202);
    await vi.waitFor(async () => {
      const now = await callAs(server.url, 'GET', `/api/v1/operations/${started.body.operation_id}`, { token });
      expect(now.body.status).toBe('completed');
    }, { timeout: 30_000, interval: 200 });
    expect(fs.readdirSync(theirs).sort()).toEqual(['Audio', 'Documents', 'Images']);
    expect((await callAs(server.url, 'POST', '/api/v1/operations', { token, body: { source_paths: [theirs], destination: path.join(secret, 'out') } })).status).toBe(403);
    expect(snapshotTree(secret)).toEqual(secretBefore);
    expect(await server.stop()).toBe(0);
  });
});

describe('bounded input', () => {
  it('answers deeply nested JSON in any field of any route with a 4xx in the one error shape, never a 500', async () => {
    const api = await startApi();
    const { access_token: token } = await api.signup('deep');
    // Written as text: building them as values would overflow this test's own stack in JSON.stringify.
    const deep = `${'['.repeat(5000)}1${']'.repeat(5000)}`;
    const deepObject = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const routes: [string, string, string][] = [
      ['POST', '/api/v1/operations', `{"source_paths":${deep}}`],
      ['POST', '/api/v1/operations', `{"source_paths":["/tmp"],"preset":${deepObject}}`],
      ['POST', '/api/v1/operations', `{"source_paths":["/tmp"],"extra":${deepObject}}`],
      ['POST', '/api/v1/duplicates/search', `{"paths":${deepObject}}`],
      ['POST', '/api/v1/auth/login', `{"email":${deep},"password":"x"}`],
      ['POST', '/api/v1/api-keys', `{"name":${deepObject}}`],
    ];
    for (const [method, route, raw] of routes) {
      const answer = await api.call(method, route, { token, raw });
      expect(answer.status, `${route} ${raw.slice(0, 40)}`).toBe(422);
      expect(apiErrorSchema.parse(answer.body).code).toBe('E_VALIDATION');
    }
    expect((await api.call('GET', '/health')).status).toBe(200);
  });
});
