import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../src-main/core/auth/access-tokens.js';
import { loadSigningKey } from '../src-main/core/auth/signing-key.js';
import { type Answer, startApi, type TestApi } from './helpers/api.js';

const PASSWORD = 'securepassword123';
const MINUTE = 60_000;
/**
 * bcrypt slow enough (~15 ms a check) that parallel requests overlap a check in progress, as they do at cost 12:
 * at cost 4 a check ends before the next request is read, and a throttle that counts too late passes by luck.
 */
const OVERLAPPING_COST = 8;

const login = (api: TestApi, email: string, password: string): Promise<Answer> => api.call('POST', '/api/v1/auth/login', { body: { email, password } });
const me = (api: TestApi, token: string): Promise<Answer> => api.call('GET', '/api/v1/auth/me', { token });
const refresh = (api: TestApi, token: string): Promise<Answer> => api.call('POST', '/api/v1/auth/refresh', { body: { refresh_token: token } });
const statuses = (answers: Answer[]): Record<number, number> => {
  const counts: Record<number, number> = {};
  for (const answer of answers) counts[answer.status] = (counts[answer.status] ?? 0) + 1;
  return counts;
};
/** The throttle's own refusals (not the HTTP layer's request limit): 429 E_RATE_LIMITED, a Retry-After in seconds. */
const expectThrottled = (answer: Answer, reason: RegExp): void => {
  expect(answer.status).toBe(429);
  expect(answer.body).toMatchObject({ code: 'E_RATE_LIMITED', message: expect.stringMatching(reason) });
  const retryAfter = Number(answer.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
};

describe('login throttling under parallel requests', () => {
  it('lets at most 5 of 50 parallel wrong logins for one account be checked; the rest, then the right password, get 429 until the lockout passes', async () => {
    const api = await startApi({ bcryptCost: OVERLAPPING_COST });
    await api.signup('frank');
    const flood = await Promise.all(Array.from({ length: 50 }, () => login(api, 'frank@example.com', 'wrong-password')));
    // Every attempt is counted as it starts, so the 6th finds the account locked however the 50 interleave.
    expect(statuses(flood)).toEqual({ 401: 5, 429: 45 });
    for (const answer of flood.filter((each) => each.status === 429)) expectThrottled(answer, /too many failed logins for this account/);

    expectThrottled(await login(api, 'frank@example.com', PASSWORD), /for this account/); // even the right password waits
    // The lockout is in the database: another server over the same data folder refuses it too.
    const restarted = await startApi({ bcryptCost: OVERLAPPING_COST, dataDir: api.core.dataDir });
    expectThrottled(await login(restarted, 'frank@example.com', PASSWORD), /for this account/);

    api.advance(30_000);
    expectThrottled(await login(api, 'frank@example.com', PASSWORD), /for this account/);
    api.advance(31_000);
    const after = await login(api, 'frank@example.com', PASSWORD);
    expect(after.status).toBe(200);
    expect((await me(api, after.body.access_token)).body.username).toBe('frank');
    // The success cleared the count: 4 more failures do not lock the account.
    for (let attempt = 0; attempt < 4; attempt++) expect((await login(api, 'frank@example.com', 'wrong-password')).status).toBe(401);
    expect((await login(api, 'frank@example.com', PASSWORD)).status).toBe(200);
  });

  it('throttles an unknown email exactly like a real one, so a lockout does not tell which emails have accounts', async () => {
    const api = await startApi({ bcryptCost: OVERLAPPING_COST });
    await api.signup('grace');
    const real = await Promise.all(Array.from({ length: 40 }, () => login(api, 'grace@example.com', 'wrong-password')));
    const unknown = await Promise.all(Array.from({ length: 40 }, () => login(api, 'nobody@example.com', 'wrong-password')));
    expect(statuses(real)).toEqual({ 401: 5, 429: 35 });
    expect(statuses(unknown)).toEqual(statuses(real));
    const bodyOf = (answers: Answer[], status: number) => answers.find((answer) => answer.status === status)?.body;
    expect(bodyOf(unknown, 401)).toEqual(bodyOf(real, 401));
    expect(bodyOf(unknown, 429).message.replace(/\d+ seconds/, 'N seconds')).toBe(bodyOf(real, 429).message.replace(/\d+ seconds/, 'N seconds'));
  });

  it('caps parallel wrong logins over many emails from one address at the per-source limit', async () => {
    const api = await startApi({ bcryptCost: OVERLAPPING_COST, loginFailuresPerSource: 8 });
    await api.signup('heidi');
    const spray = await Promise.all(Array.from({ length: 40 }, (_, index) => login(api, `victim${index}@example.com`, 'guess-guess')));
    expect(statuses(spray)).toEqual({ 401: 8, 429: 32 });
    for (const answer of spray.filter((each) => each.status === 429)) {
      expect(answer.body).toMatchObject({ code: 'E_RATE_LIMITED', message: expect.stringMatching(/from this address/) });
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // The address is held off, even with a right password, until its failures leave the 15-minute window.
    expect((await login(api, 'heidi@example.com', PASSWORD)).status).toBe(429);
    api.advance(15 * MINUTE + 1000);
    expect((await login(api, 'heidi@example.com', PASSWORD)).status).toBe(200);
  });
});

describe('access tokens end when their login ends', () => {
  it('refresh-token reuse ends the access tokens of that login at once (the first and the refreshed one); other logins go on', async () => {
    const api = await startApi({ bcryptCost: 4 });
    await api.signup('ivan');
    const first = (await login(api, 'ivan@example.com', PASSWORD)).body;
    const otherDevice = (await login(api, 'ivan@example.com', PASSWORD)).body;
    const refreshed = await refresh(api, first.refresh_token);
    expect(refreshed.status).toBe(200);
    expect((await me(api, first.access_token)).status).toBe(200);
    expect((await me(api, refreshed.body.access_token)).status).toBe(200);

    const reuse = await refresh(api, first.refresh_token); // a stolen copy of the rotated-out token
    expect(reuse.status).toBe(401);
    for (const token of [first.access_token, refreshed.body.access_token]) {
      const answer = await me(api, token);
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ code: 'E_UNAUTHORIZED', message: expect.stringMatching(/login .*ended.*log in again/) });
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect((await me(api, otherDevice.access_token)).status).toBe(200);
    const again = await login(api, 'ivan@example.com', PASSWORD);
    expect(again.status).toBe(200);
    expect((await me(api, again.body.access_token)).body.username).toBe('ivan');
  });

  it('logout ends every access token of the caller\'s login, not other logins, and not API keys', async () => {
    const api = await startApi({ bcryptCost: 4 });
    await api.signup('judy');
    const phone = (await login(api, 'judy@example.com', PASSWORD)).body;
    const laptop = (await login(api, 'judy@example.com', PASSWORD)).body;
    const phoneRefreshed = (await refresh(api, phone.refresh_token)).body;
    const key = (await api.call('POST', '/api/v1/api-keys', { token: phone.access_token, body: { name: 'backup' } })).body.key as string;

    expect((await api.call('POST', '/api/v1/auth/logout', { token: phone.access_token })).status).toBe(204);
    expect((await me(api, phone.access_token)).status).toBe(401);
    const sibling = await me(api, phoneRefreshed.access_token); // issued by a refresh of the same login
    expect(sibling.status).toBe(401);
    expect(sibling.body.message).toMatch(/log in again/);
    expect((await refresh(api, phoneRefreshed.refresh_token)).status).toBe(401);

    expect((await me(api, laptop.access_token)).status).toBe(200);
    expect((await refresh(api, laptop.refresh_token)).status).toBe(200);
    expect((await me(api, key)).body.username).toBe('judy');
  });

  it('logout ends the login of a refresh token in the body only when it is the caller\'s own', async () => {
    const api = await startApi({ bcryptCost: 4 });
    await api.signup('mallory');
    const victim = await api.signup('trent');
    const attacker = (await login(api, 'mallory@example.com', PASSWORD)).body;
    expect((await api.call('POST', '/api/v1/auth/logout', { token: attacker.access_token, body: { refresh_token: victim.refresh_token } })).status).toBe(204);
    expect((await me(api, victim.access_token)).status).toBe(200);

    const trent = (await login(api, 'trent@example.com', PASSWORD)).body;
    expect((await api.call('POST', '/api/v1/auth/logout', { token: trent.access_token, body: { refresh_token: victim.refresh_token } })).status).toBe(204);
    expect((await me(api, victim.access_token)).status).toBe(401);
    expect((await refresh(api, victim.refresh_token)).status).toBe(401);
  });

  it('refuses a well-signed access token that names no login, saying to log in again', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const session = await api.signup('oscar');
    const now = Math.floor(Date.now() / 1000);
    const unbound = await new SignJWT({ ver: 0 }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(session.user.id).setJti('no-login').setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE)
      .setIssuedAt(now).setExpirationTime(now + 600)
      .sign(loadSigningKey(api.core.dataDir));
    const answer = await me(api, unbound);
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ code: 'E_UNAUTHORIZED', message: expect.stringMatching(/log in again/) });
    expect((await me(api, session.access_token)).status).toBe(200);
  });

  it('a password change answers a session that works while the other logins end', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const other = await api.signup('peggy');
    const mine = (await login(api, 'peggy@example.com', PASSWORD)).body;
    const changed = await api.call('POST', '/api/v1/auth/change-password', { token: mine.access_token, body: { current_password: PASSWORD, new_password: 'another-password' } });
    expect(changed.status).toBe(200);
    expect((await me(api, other.access_token)).status).toBe(401);
    expect((await me(api, changed.body.access_token)).status).toBe(200);
    const next = await refresh(api, changed.body.refresh_token);
    expect(next.status).toBe(200);
    expect((await me(api, next.body.access_token)).status).toBe(200);
  });
});
