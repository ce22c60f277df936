import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_REQUESTS_PER_MINUTE } from '../src-main/api/http.js';
import { SIGN_IN_LINK_MS } from '../src-main/core/auth/sign-in-links.js';
import { createJournal, type NewJournalRow } from '../src-main/core/ops/journal.js';
import { contract } from '../src-shared/contract.js';
import { startApi, type TestApi } from './helpers/api.js';
import { CLI, runCli } from './helpers/cli.js';
import { openTestCore, organizeRequest } from './helpers/core.js';
import { tempDir, writeTree } from './helpers/temp-tree.js';

const link = (api: TestApi, token: string) => api.call('POST', '/api/v1/auth/link', { body: { token } });
const tokenOf = (url: string): string => new URL(url).searchParams.get('token') as string;

describe('a sign-in link over HTTP', () => {
  it('signs in as the local profile once: the owner (accounts:list), whose refresh token works; not a second time', async () => {
    const api = await startApi();
    const { token } = api.core.signInLinks.create();
    expect(token).toMatch(/^[\w-]{43}$/); // 32 random bytes, base64url
    const session = await link(api, token);
    expect(session.status).toBe(200);
    expect(contract['auth:linkSession'].output.safeParse(session.body).success).toBe(true);
    expect(session.body.user).toMatchObject({ id: 'local', username: 'local', email: null });

    const me = await api.call('GET', '/api/v1/auth/me', { token: session.body.access_token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: 'local', username: 'local' });
    const accounts = await api.call('GET', '/api/v1/accounts', { token: session.body.access_token });
    expect(accounts.status).toBe(200);

    const refreshed = await api.call('POST', '/api/v1/auth/refresh', { body: { refresh_token: session.body.refresh_token } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.user.id).toBe('local');
    expect((await api.call('GET', '/api/v1/auth/me', { token: refreshed.body.access_token })).body.id).toBe('local');

    const again = await link(api, token);
    expect(again.status).toBe(401);
    expect(again.body).toMatchObject({ code: 'E_UNAUTHORIZED' });
    expect(again.body.message).toContain('fileorg link');
    // Only the SHA-256 was stored, and the used link is gone once the next is made.
    expect(JSON.stringify(api.core.database.sqlite.prepare('SELECT * FROM sign_in_links').all())).not.toContain(token);
    api.core.signInLinks.create();
    expect(api.core.database.sqlite.prepare('SELECT count(*) FROM sign_in_links').pluck().get()).toBe(1);
  });

  it('is spent by one of two requests presenting it at once', async () => {
    const api = await startApi();
    const { token } = api.core.signInLinks.create();
    const answers = await Promise.all([link(api, token), link(api, token), link(api, token)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401, 401]);
  });

  it('works until 10 minutes after it was made, not after', async () => {
    const api = await startApi();
    const early = api.core.signInLinks.create().token;
    const late = api.core.signInLinks.create().token;
    api.advance(SIGN_IN_LINK_MS - 1000);
    expect((await link(api, early)).status).toBe(200);
    api.advance(1000);
    const expired = await link(api, late);
    expect(expired.status).toBe(401);
    expect(expired.body.message).toMatch(/expired .*fileorg link/);
  });

  it('works only on the data folder whose database made it', async () => {
    const folderA = openTestCore();
    const token = folderA.signInLinks.create().token;
    const serverOnB = await startApi();
    expect((await link(serverOnB, token)).status).toBe(401);
    const serverOnA = await startApi({ dataDir: folderA.dataDir });
    expect((await link(serverOnA, token)).status).toBe(200);
  });

  it('does not count wrong tokens against the address: many wrong ones, then the right one works, and logins from there are not refused', async () => {
    // Tokens are 32 random bytes, so guessing needs no throttle; counting wrong ones let any local user (every
    // request from 127.0.0.1 is one source) lock the owner out of their own links.
    const api = await startApi({ bcryptCost: 4, loginFailuresPerSource: 3 });
    for (let attempt = 0; attempt < 10; attempt++) {
      const wrong = await link(api, `guess-${attempt}`);
      expect(wrong.status).toBe(401);
      expect(wrong.body.message).toContain('get a fresh one with fileorg link');
      expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
    }
    const { token } = api.core.signInLinks.create();
    expect((await link(api, token)).status).toBe(200);
    // A failed login from the same address is checked (401), not refused for the links' sake (429).
    const login = await api.call('POST', '/api/v1/auth/login', { body: { email: 'nobody@example.com', password: 'wrong password' } });
    expect(login.status).toBe(401);
    expect(api.core.database.sqlite.prepare("SELECT count(*) FROM login_throttle WHERE account <> 'nobody@example.com'").pluck().get()).toBe(0);
  });

  it('never locks links: many wrong ones in a row (past the 5 that lock an account), then the right one works at once', async () => {
    const api = await startApi();
    for (let attempt = 0; attempt < 20; attempt++) expect((await link(api, `guess-${attempt}`)).status).toBe(401);
    const { token } = api.core.signInLinks.create();
    expect((await link(api, token)).status).toBe(200);
  });

  it('leaves logins throttled as before: a source past its limit of failed logins is refused logins, while a link still works', async () => {
    const api = await startApi({ bcryptCost: 4, loginFailuresPerSource: 3 });
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await api.call('POST', '/api/v1/auth/login', { body: { email: `someone-${attempt}@example.com`, password: 'wrong password' } })).status).toBe(401);
    }
    const refused = await api.call('POST', '/api/v1/auth/login', { body: { email: 'someone-else@example.com', password: 'wrong password' } });
    expect(refused.status).toBe(429);
    expect(refused.body.message).toContain('from this address');
    expect((await link(api, api.core.signInLinks.create().token)).status).toBe(200);
  });

  it('leaves a right token uncounted: many sign-ins in a row never reach the limit', async () => {
    const api = await startApi({ loginFailuresPerSource: 2 });
    for (let count = 0; count < 5; count++) expect((await link(api, api.core.signInLinks.create().token)).status).toBe(200);
  });

  it('opens the window (GET /sign-in) without spending the token, under a strict CSP that keeps the token out of any Referer', async () => {
    const api = await startApi();
    const { token } = api.core.signInLinks.create();
    const page = await api.call('GET', `/sign-in?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.text).toMatch(/<script type="module"[^>]* src="\/assets\/index-[\w-]+\.js"/);
    expect(page.text).not.toContain(token);
    // no inline script: every <script> names a file of this origin
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect((await api.call('GET', `/sign-in?token=${token}`)).status).toBe(200);
    expect((await link(api, token)).status).toBe(200);
  });
});

describe('the request limit and a window used normally', () => {
  it('does not count static files (Swagger UI\'s assets, /openapi.json, the window\'s page and assets), only calls', async () => {
    const api = await startApi({ requestsPerMinute: 5 });
    const script = /src="(\/assets\/[^"]+\.js)"/.exec((await api.call('GET', '/')).text)?.[1] ?? '/assets/missing.js';
    const statics = ['/docs', '/docs/static/index.html', '/docs/static/swagger-ui.css', '/docs/static/swagger-ui-bundle.js', '/openapi.json',
      '/', '/sign-in', '/history/some-id', '/duplicates/quarantine', script, '/favicon.svg'];
    for (let round = 0; round < 3; round++) {
      for (const file of statics) expect((await api.call('GET', file)).status, file).toBeLessThan(400);
    }
    const calls = [];
    for (let count = 0; count < 6; count++) calls.push((await api.call('GET', '/api/v1/status')).status);
    expect(calls).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('counts calls with a credential that verifies per user, the rest (made-up credentials too) per address', async () => {
    const api = await startApi({ bcryptCost: 4, requestsPerMinute: 5 });
    const owner = (await link(api, api.core.signInLinks.create().token)).body.access_token; // counted by its token, not the address
    const other = (await api.signup('other')).access_token; // the address's 1st
    const ownerCalls = [];
    for (let count = 0; count < 6; count++) ownerCalls.push((await api.call('GET', '/api/v1/auth/me', { token: owner })).status);
    expect(ownerCalls).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await api.call('GET', '/api/v1/auth/me', { token: other })).status).toBe(200);
    expect((await api.call('GET', '/api/v1/status')).status).toBe(200); // the address's 2nd
    const madeUp = [];
    for (let count = 0; count < 4; count++) madeUp.push((await api.call('GET', '/api/v1/auth/me', { token: `made-up-${count}` })).status);
    expect(madeUp).toEqual([401, 401, 401, 429]);
    expect((await api.call('GET', '/api/v1/status')).status).toBe(429);
  });

  it('lets the owner page through a 100,000-row journal at full speed (operations:files, 500 a page), after a script on the same address spent its budget: no 429, every row seen', async () => {
    const api = await startApi();
    const tree = tempDir('fileorg-link-tree-');
    writeTree(tree, { 'a.pdf': 'a', 'b.jpg': 'b', 'c.mp3': 'c' });
    const run = await api.core.operations.organize(organizeRequest([tree]), { dryRun: false });
    expect(run).toMatchObject({ status: 'completed', moved: 3 });
    // The rest of the journal through the journal's own insert, as a plan of 100,000 files would write it.
    const journal = createJournal(api.core.database);
    const rows: NewJournalRow[] = [];
    for (let index = 3; index < 100_000; index++) {
      rows.push({
        action: 'move', source: path.join(tree, `file-${index}.txt`), destination: null, state: 'skipped', reason: 'changed-since-plan', error: null,
        ruleName: null, category: null, conflictRenamed: false, size: 1, mtimeMs: 0, dev: '1', ino: String(index),
      });
    }
    for (let start = 0; start < rows.length; start += 5000) journal.insertRows(run.operation_id, rows.slice(start, start + 5000));

    const { access_token: token } = (await link(api, api.core.signInLinks.create().token)).body;
    // A script on loopback (the same address as the window) calls as fast as it can, without a credential.
    let scriptCalls = 0;
    while ((await api.call('GET', '/health')).status === 200) scriptCalls++;
    expect(scriptCalls).toBe(DEFAULT_REQUESTS_PER_MINUTE); // the link was counted by its token, not against the address
    const seen = new Set<number>();
    let pages = 0;
    for (let offset = 0; ; offset += 500) {
      const page = await api.call('GET', `/api/v1/operations/${run.operation_id}/files?limit=500&offset=${offset}`, { token });
      expect(page.status, page.text).toBe(200);
      pages++;
      for (const row of page.body.items) seen.add(row.id);
      if (offset + 500 >= page.body.total) break;
    }
    expect(seen.size).toBe(100_000);
    expect(pages).toBe(200);
  });
});

/** `fileorg serve --port 0` with every stdout line it prints, for the lines after its URL. */
const servers = new Set<ChildProcess>();
afterEach(() => {
  for (const child of servers) child.kill('SIGKILL');
  servers.clear();
});
async function startServeLines(dataDir: string, extra: string[] = []) {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dataDir, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  servers.add(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const lines = await new Promise<string[]>((resolve, reject) => {
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const complete = stdout.split('\n').slice(0, -1);
      if (complete.length >= 2) resolve(complete);
    });
    child.on('close', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { lines, child, stderr: () => stderr, stop: async () => { child.kill('SIGTERM'); return exited; } };
}
const postLink = (url: string) => fetch(new URL('/api/v1/auth/link', url), {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: tokenOf(url) }),
});

describe('fileorg serve and fileorg link', () => {
  it('serve prints a working link right after its URL line; link prints fresh ones while it runs, and exits 2 once it stopped', async () => {
    const dataDir = tempDir('fileorg-link-data-');
    const server = await startServeLines(dataDir);
    const [url, printed] = server.lines as [string, string];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(printed).toMatch(new RegExp(`^${url.replace(/\./g, '\\.')}/sign-in\\?token=[\\w-]{43}$`));
    expect((await fetch(printed)).status).toBe(200); // the page, which does not spend it
    const session = await postLink(printed);
    expect(session.status).toBe(200);
    expect(((await session.json()) as { user: { id: string } }).user.id).toBe('local');
    expect((await postLink(printed)).status).toBe(401);

    const fresh = await runCli(['--data-dir', dataDir, 'link']);
    expect(fresh.code, fresh.stderr).toBe(0);
    const freshUrl = fresh.stdout.trim();
    expect(freshUrl.startsWith(`${url}/sign-in?token=`)).toBe(true);
    expect(tokenOf(freshUrl)).not.toBe(tokenOf(printed));
    expect((await postLink(freshUrl)).status).toBe(200);
    const asJson = await runCli(['--data-dir', dataDir, 'link', '--json']);
    expect(asJson.code).toBe(0);
    expect(asJson.lines).toEqual([{ type: 'sign_in', url: expect.stringMatching(/\/sign-in\?token=/), expires_at: expect.any(String) }]);
    expect((await postLink(asJson.lines[0]?.url as string)).status).toBe(200);

    expect(await server.stop()).toBe(0);
    const none = await runCli(['--data-dir', dataDir, 'link']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('start fileorg serve first');
    expect(none.stdout).toBe('');
  });

  it('serve --json prints {"type":"sign_in","url"} after its listening line; a serve killed outright is no longer named', async () => {
    const dataDir = tempDir('fileorg-link-data-');
    const server = await startServeLines(dataDir, ['--json']);
    const [listening, signIn] = server.lines.map((line) => JSON.parse(line) as { type: string; url: string });
    expect(listening?.type).toBe('listening');
    expect(signIn).toEqual({ type: 'sign_in', url: expect.stringMatching(/\/sign-in\?token=/), expires_at: expect.any(String) });
    expect(signIn?.url.startsWith(`${listening?.url}/sign-in?token=`)).toBe(true);
    expect((await postLink(signIn?.url as string)).status).toBe(200);

    server.child.kill('SIGKILL');
    await new Promise((resolve) => server.child.once('close', resolve));
    const none = await runCli(['--data-dir', dataDir, 'link', '--json']);
    expect(none.code).toBe(2);
    expect(none.lines).toEqual([{ type: 'error', code: 'E_NOT_FOUND', message: expect.stringContaining('start fileorg serve first') }]);
  });

  it('link refuses arguments and another profile as usage errors', async () => {
    const extra = await runCli(['link', 'now']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('link takes no arguments');
    const profile = await runCli(['link', '--profile', 'someone']);
    expect(profile.code).toBe(2);
    expect(profile.stderr).toContain('local profile');
  });
});
