import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contract } from '../src-shared/contract.js';
import { startApi } from './helpers/api.js';

const GUIDE_USER = { email: 'user@example.com', username: 'testuser', password: 'securepassword123', full_name: 'Test User' };

describe('accounts over HTTP', () => {
  it('follows the original guide: signup (201 with tokens and user), login, GET /me with the bearer token', async () => {
    const api = await startApi();
    const signup = await api.call('POST', '/api/v1/auth/signup', { body: GUIDE_USER });
    expect(signup.status).toBe(201);
    expect(signup.body).toMatchObject({ token_type: 'bearer', expires_in: 1800, user: { email: 'user@example.com', username: 'testuser', full_name: 'Test User' } });
    expect(contract['auth:signup'].output.safeParse(signup.body).success).toBe(true);

    const login = await api.call('POST', '/api/v1/auth/login', { body: { email: GUIDE_USER.email, password: GUIDE_USER.password } });
    expect(login.status).toBe(200);
    expect(login.body.access_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(login.body.refresh_token).not.toBe(signup.body.refresh_token);

    const me = await api.call('GET', '/api/v1/auth/me', { token: login.body.access_token });
    expect(me.status).toBe(200);
    expect(Object.keys(me.body).sort()).toEqual(['created_at', 'email', 'full_name', 'id', 'username']);
    expect(me.body).toMatchObject({ id: signup.body.user.id, email: 'user@example.com', username: 'testuser', full_name: 'Test User' });
  });

  it('stores the password as a bcrypt hash of cost 12, never the password', async () => {
    const api = await startApi();
    await api.call('POST', '/api/v1/auth/signup', { body: GUIDE_USER });
    const row = api.core.database.sqlite.prepare('SELECT password_hash FROM users WHERE email = ?').get('user@example.com') as { password_hash: string };
    expect(row.password_hash).toMatch(/^\$2[aby]\$12\$/);
    expect(row.password_hash).not.toContain(GUIDE_USER.password);
  });

  it('answers a taken email or username with 409 E_CONFLICT naming which, regardless of case', async () => {
    const api = await startApi({ bcryptCost: 4 });
    await api.call('POST', '/api/v1/auth/signup', { body: GUIDE_USER });
    const sameEmail = await api.call('POST', '/api/v1/auth/signup', { body: { ...GUIDE_USER, email: 'USER@example.com', username: 'other' } });
    expect(sameEmail.status).toBe(409);
    expect(sameEmail.body).toMatchObject({ code: 'E_CONFLICT', details: { field: 'email' } });
    const sameName = await api.call('POST', '/api/v1/auth/signup', { body: { ...GUIDE_USER, email: 'other@example.com', username: 'TestUser' } });
    expect(sameName.status).toBe(409);
    expect(sameName.body).toMatchObject({ code: 'E_CONFLICT', details: { field: 'username' } });
  });

  it('rejects bad signups with 422 saying which field: email, short password, password over 72 bytes, unknown field', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const cases: [Record<string, unknown>, string][] = [
      [{ ...GUIDE_USER, email: 'not-an-email' }, 'email'],
      [{ ...GUIDE_USER, password: 'short' }, 'password'],
      [{ ...GUIDE_USER, password: 'é'.repeat(37) }, 'password'], // 74 bytes in UTF-8, 37 characters
      [{ ...GUIDE_USER, username: 'a b' }, 'username'],
      [{ ...GUIDE_USER, admin: true }, ''],
    ];
    for (const [body, field] of cases) {
      const answer = await api.call('POST', '/api/v1/auth/signup', { body });
      expect(answer.status, JSON.stringify(body)).toBe(422);
      expect(answer.body.code).toBe('E_VALIDATION');
      expect(answer.body.details.issues[0].path).toBe(field);
    }
    const tooLong = await api.call('POST', '/api/v1/auth/signup', { body: { ...GUIDE_USER, password: 'x'.repeat(73) } });
    expect(tooLong.body.message).toMatch(/at most 72 bytes/);
  });

  it('gives the same 401 for an unknown email and a wrong password', async () => {
    const api = await startApi({ bcryptCost: 4 });
    await api.call('POST', '/api/v1/auth/signup', { body: GUIDE_USER });
    const wrong = await api.call('POST', '/api/v1/auth/login', { body: { email: GUIDE_USER.email, password: 'wrong-password' } });
    const unknown = await api.call('POST', '/api/v1/auth/login', { body: { email: 'nobody@example.com', password: 'wrong-password' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });

  it('refuses an expired access token, and a refresh then works once: reusing the old refresh token ends the whole login', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const first = await api.signup('alice');
    api.advance(31 * 60 * 1000);
    const expired = await api.call('GET', '/api/v1/auth/me', { token: first.access_token });
    expect(expired.status).toBe(401);
    expect(expired.body.message).toMatch(/expired/);
    expect(expired.headers.get('www-authenticate')).toBe('Bearer');

    const second = await api.call('POST', '/api/v1/auth/refresh', { body: { refresh_token: first.refresh_token } });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect((await api.call('GET', '/api/v1/auth/me', { token: second.body.access_token })).status).toBe(200);

    // The first refresh token was rotated out: presenting it again means a copy leaked.
    const reuse = await api.call('POST', '/api/v1/auth/refresh', { body: { refresh_token: first.refresh_token } });
    expect(reuse.status).toBe(401);
    expect(reuse.body.message).toMatch(/already used/);
    // ...so its successor is revoked too, though it was never used.
    const successor = await api.call('POST', '/api/v1/auth/refresh', { body: { refresh_token: second.body.refresh_token } });
    expect(successor.status).toBe(401);
  });

  it('stores refresh tokens only as SHA-256 hashes', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const session = await api.signup('bob');
    const rows = api.core.database.sqlite.prepare('SELECT token_hash FROM refresh_tokens').all() as { token_hash: string }[];
    expect(rows.map((row) => row.token_hash)).toEqual([crypto.createHash('sha256').update(session.refresh_token).digest('hex')]);
  });

  it('refuses a refresh token after 7 days', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const session = await api.signup('carol');
    api.advance(7 * 24 * 60 * 60 * 1000 + 1000);
    const answer = await api.call('POST', '/api/v1/auth/refresh', { body: { refresh_token: session.refresh_token } });
    expect(answer.status).toBe(401);
    expect(answer.body.message).toMatch(/expired/);
  });

  it('rejects alg "none", a token signed with another key, and a tampered payload', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const session = await api.signup('dave');
    const [header, payload, signature] = session.access_token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const none = `${encode({ alg: 'none', typ: 'JWT' })}.${payload}.`;
    const otherKey = (() => {
      const body = `${header}.${payload}`;
      return `${body}.${crypto.createHmac('sha256', crypto.randomBytes(64)).update(body).digest('base64url')}`;
    })();
    const tampered = `${header}.${encode({ ...claims, sub: 'someone-else' })}.${signature}`;
    const noExpiry = (() => {
      const { exp: _exp, ...rest } = claims;
      return `${header}.${encode(rest)}.${signature}`;
    })();
    for (const token of [none, otherKey, tampered, noExpiry, 'garbage']) {
      const answer = await api.call('GET', '/api/v1/auth/me', { token });
      expect(answer.status, token).toBe(401);
      expect(answer.body.code).toBe('E_UNAUTHORIZED');
    }
    expect((await api.call('GET', '/api/v1/auth/me', { token: session.access_token })).status).toBe(200);
  });

  it('answers 401 with the error shape when no credential is sent', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const answer = await api.call('GET', '/api/v1/operations');
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ code: 'E_UNAUTHORIZED', message: expect.stringMatching(/Authorization: Bearer/) });
  });

  it('logout ends the access token and its login; change password ends every other session', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const first = await api.signup('erin');
    const logout = await api.call('POST', '/api/v1/auth/logout', { token: first.access_token, body: { refresh_token: first.refresh_token } });
    expect(logout.status).toBe(204);
    expect((await api.call('GET', '/api/v1/auth/me', { token: first.access_token })).status).toBe(401);
    expect((await api.call('POST', '/api/v1/auth/refresh', { body: { refresh_token: first.refresh_token } })).status).toBe(401);

    const login = (password: string) => api.call('POST', '/api/v1/auth/login', { body: { email: 'erin@example.com', password } });
    const other = (await login('securepassword123')).body;
    const mine = (await login('securepassword123')).body;
    const wrongCurrent = await api.call('POST', '/api/v1/auth/change-password', { token: mine.access_token, body: { current_password: 'nope-nope', new_password: 'a-new-password' } });
    expect(wrongCurrent.status).toBe(401);
    const changed = await api.call('POST', '/api/v1/auth/change-password', { token: mine.access_token, body: { current_password: 'securepassword123', new_password: 'a-new-password' } });
    expect(changed.status).toBe(200);
    expect((await api.call('GET', '/api/v1/auth/me', { token: other.access_token })).status).toBe(401);
    expect((await api.call('GET', '/api/v1/auth/me', { token: mine.access_token })).status).toBe(401);
    expect((await api.call('POST', '/api/v1/auth/refresh', { body: { refresh_token: other.refresh_token } })).status).toBe(401);
    expect((await api.call('GET', '/api/v1/auth/me', { token: changed.body.access_token })).status).toBe(200);
    expect((await login('securepassword123')).status).toBe(401);
    expect((await login('a-new-password')).status).toBe(200);
  });
});

describe('login throttling over HTTP', () => {
  it('locks an account after 5 failures with 429 and Retry-After, doubling, while other accounts log in; success resets it', async () => {
    const api = await startApi({ bcryptCost: 4 });
    await api.signup('frank');
    await api.signup('grace');
    const login = (name: string, password: string) => api.call('POST', '/api/v1/auth/login', { body: { email: `${name}@example.com`, password } });
    for (let attempt = 0; attempt < 5; attempt++) expect((await login('frank', 'wrong-password')).status).toBe(401);
    const locked = await login('frank', 'securepassword123'); // even the right password waits
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('E_RATE_LIMITED');
    expect(Number(locked.headers.get('retry-after'))).toBe(60);
    expect((await login('grace', 'securepassword123')).status).toBe(200);

    api.advance(61_000);
    expect((await login('frank', 'wrong-password')).status).toBe(401); // the 6th failure: locked again, twice as long
    const again = await login('frank', 'securepassword123');
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBe(120);

    api.advance(121_000);
    expect((await login('frank', 'securepassword123')).status).toBe(200);
    for (let attempt = 0; attempt < 4; attempt++) expect((await login('frank', 'wrong-password')).status).toBe(401);
    expect((await login('frank', 'securepassword123')).status).toBe(200); // 4 failures after a success: not locked
  });

  it('stops one address spraying passwords across many accounts at the per-source limit', async () => {
    const api = await startApi({ bcryptCost: 4, loginFailuresPerSource: 8 });
    for (let index = 0; index < 8; index++) {
      expect((await api.call('POST', '/api/v1/auth/login', { body: { email: `victim${index}@example.com`, password: 'guess-guess' } })).status).toBe(401);
    }
    const next = await api.call('POST', '/api/v1/auth/login', { body: { email: 'victim9@example.com', password: 'guess-guess' } });
    expect(next.status).toBe(429);
    expect(next.body.message).toMatch(/from this address/);
  });
});

describe('API keys over HTTP', () => {
  it('creates a key shown once, authenticates with it (Bearer or X-API-Key), lists it without the key, and revokes it', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const session = await api.signup('heidi');
    const created = await api.call('POST', '/api/v1/api-keys', { token: session.access_token, body: { name: 'backup script' } });
    expect(created.status).toBe(201);
    const key: string = created.body.key;
    expect(key).toMatch(/^fo_[0-9A-Za-z]{49}$/);
    expect(key.startsWith(created.body.prefix)).toBe(true);

    expect((await api.call('GET', '/api/v1/auth/me', { token: key })).body.username).toBe('heidi');
    expect((await api.call('GET', '/api/v1/auth/me', { headers: { 'x-api-key': key } })).body.username).toBe('heidi');

    const listed = await api.call('GET', '/api/v1/api-keys', { token: session.access_token });
    expect(listed.body.items).toEqual([{ id: created.body.id, name: 'backup script', prefix: created.body.prefix, created_at: created.body.created_at, last_used_at: expect.any(String) }]);
    expect(listed.text).not.toContain(key);
    const stored = api.core.database.sqlite.prepare('SELECT key_hash FROM api_keys').pluck().get();
    expect(stored).toBe(crypto.createHash('sha256').update(key).digest('hex'));

    // A mistyped key (checksum broken) and another user's attempt to revoke it both fail.
    const typo = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    expect((await api.call('GET', '/api/v1/auth/me', { token: typo })).status).toBe(401);
    const other = await api.signup('ivan');
    expect((await api.call('DELETE', `/api/v1/api-keys/${created.body.id}`, { token: other.access_token })).status).toBe(404);

    expect((await api.call('DELETE', `/api/v1/api-keys/${created.body.id}`, { token: session.access_token })).status).toBe(204);
    expect((await api.call('GET', '/api/v1/auth/me', { token: key })).status).toBe(401);
    expect((await api.call('GET', '/api/v1/api-keys', { token: session.access_token })).body.items).toEqual([]);
  });
});
