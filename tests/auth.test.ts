import fs from 'node:fs';
import path from 'node:path';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAccessTokens, TOKEN_AUDIENCE, TOKEN_ISSUER } from '../src-main/core/auth/access-tokens.js';
import { hasValidChecksum, newApiKey } from '../src-main/core/auth/api-keys.js';
import { createLoginThrottle } from '../src-main/core/auth/login-throttle.js';
import { createPasswords } from '../src-main/core/auth/passwords.js';
import { loadSigningKey, SIGNING_KEY_FILE } from '../src-main/core/auth/signing-key.js';
import { openDatabase } from '../src-main/core/db/open-database.js';
import { LOCAL_USER_ID } from '../src-main/core/db/schema.js';
import { isFileOrganizerError } from '../src-shared/errors.js';
import { openTestCore } from './helpers/core.js';
import { tempDir } from './helpers/temp-tree.js';

const errorOf = async (work: () => unknown): Promise<{ code: string; message: string; details?: Record<string, unknown> }> => {
  try {
    await work();
  } catch (error) {
    if (isFileOrganizerError(error)) return { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
    throw error;
  }
  throw new Error('expected an error');
};

describe('API keys', () => {
  it('are fo_ + 43 base62 characters + a 6-character checksum that catches a mistyped character', () => {
    const keys = new Set(Array.from({ length: 50 }, newApiKey));
    expect(keys.size).toBe(50);
    for (const key of keys) {
      expect(key).toMatch(/^fo_[0-9A-Za-z]{49}$/);
      expect(hasValidChecksum(key)).toBe(true);
      const at = 3 + (key.charCodeAt(10) % 43);
      const typo = `${key.slice(0, at)}${key[at] === 'x' ? 'y' : 'x'}${key.slice(at + 1)}`;
      expect(hasValidChecksum(typo)).toBe(false);
    }
    expect(hasValidChecksum('fo_short')).toBe(false);
  });
});

describe('login throttling', () => {
  it('locks after 5 failures for 1, 2, 4 ... minutes, never more than an hour, and forgets a quiet account after 15 minutes', () => {
    let now = 1_000_000;
    const database = openDatabase(':memory:');
    const throttle = createLoginThrottle(database, () => now, 1000);
    const lockoutSeconds = (): number | undefined => {
      try { throttle.check('a@example.com', 'ip'); return undefined; } catch (error) { return (error as { details: { retry_after_seconds: number } }).details.retry_after_seconds; }
    };
    for (let failure = 0; failure < 4; failure++) throttle.begin('a@example.com', 'ip').failed();
    expect(lockoutSeconds()).toBeUndefined();
    const lockouts: number[] = [];
    for (let round = 0; round < 9; round++) {
      throttle.begin('a@example.com', 'ip').failed();
      const seconds = lockoutSeconds() as number;
      lockouts.push(seconds / 60);
      now += seconds * 1000; // wait the lockout out, then fail again
    }
    expect(lockouts).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
    expect(lockoutSeconds()).toBeUndefined();
    expect(() => throttle.check('b@example.com', 'ip')).not.toThrow(); // another account

    now += 15 * 60 * 1000 + 1;
    for (let failure = 0; failure < 4; failure++) throttle.begin('a@example.com', 'ip').failed();
    expect(lockoutSeconds()).toBeUndefined(); // the streak was forgotten: 4 failures are not yet a lockout
    throttle.begin('a@example.com', 'ip').failed();
    expect(lockoutSeconds()).toBe(60);
    database.close();
  });

  it('keeps a lockout across a restart (it lives in the database)', () => {
    const file = path.join(tempDir(), 'db.sqlite');
    const now = 5_000_000;
    const first = openDatabase(file);
    const throttle = createLoginThrottle(first, () => now);
    for (let failure = 0; failure < 5; failure++) throttle.begin('a@example.com', 'ip').failed();
    first.close();
    const second = openDatabase(file);
    expect(() => createLoginThrottle(second, () => now).check('a@example.com', 'other-ip')).toThrow(/too many failed logins for this account/);
    second.close();
  });
});

describe('passwords', () => {
  it('hash with bcrypt without blocking the event loop', async () => {
    const passwords = createPasswords(12);
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 5);
    const hashed = await passwords.hash('securepassword123');
    clearInterval(timer);
    expect(hashed).toMatch(/^\$2b\$12\$/);
    expect(ticks).toBeGreaterThan(5); // a hash takes ~250 ms; a blocked loop would tick at most once
    expect(await passwords.verify('securepassword123', hashed)).toBe(true);
    expect(await passwords.verify('securepassword124', hashed)).toBe(false);
  });

  it('never match a password longer than 72 bytes, even one whose first 72 bytes match (bcrypt would truncate it)', async () => {
    const passwords = createPasswords(4);
    const base = 'a'.repeat(72);
    const hashed = await passwords.hash(base);
    expect(await passwords.verify(`${base}extra`, hashed)).toBe(false);
    expect((await errorOf(() => passwords.hash(`${base}b`))).message).toMatch(/at most 72 bytes/);
  });

  it('spend as long on an unknown account as on a wrong password', async () => {
    const passwords = createPasswords(10);
    const hashed = await passwords.hash('securepassword123');
    await passwords.verifyNobody('warm-up');
    // Interleaved, so both see the same load on a busy machine; medians of 7.
    const wrongTimes: number[] = [];
    const unknownTimes: number[] = [];
    const time = async (work: () => Promise<unknown>, into: number[]): Promise<void> => {
      const start = performance.now();
      await work();
      into.push(performance.now() - start);
    };
    for (let run = 0; run < 7; run++) {
      await time(() => passwords.verify('wrong-password', hashed), wrongTimes);
      await time(() => passwords.verifyNobody('wrong-password'), unknownTimes);
    }
    const median = (times: number[]): number => times.sort((a, b) => a - b)[3] as number;
    const wrong = median(wrongTimes);
    const unknown = median(unknownTimes);
    expect(unknown / wrong).toBeGreaterThan(0.5);
    expect(unknown / wrong).toBeLessThan(2);
  });
});

describe('the signing key and access tokens', () => {
  it('makes one owner-only key per data folder, shared by every process that opens it', async () => {
    const dataDir = tempDir();
    const key = loadSigningKey(dataDir);
    const file = path.join(dataDir, SIGNING_KEY_FILE);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(loadSigningKey(dataDir)).equals(Buffer.from(key))).toBe(true);
    const issued = await createAccessTokens(key, Date.now).issue('user-1', 0, 'login-1');
    expect((await createAccessTokens(loadSigningKey(dataDir), Date.now).verify(issued.token)).userId).toBe('user-1');
  });

  it.skipIf(process.platform === 'win32')('(file modes are POSIX: not on Windows) replaces a key file others could read, so tokens signed with it stop working', async () => {
    const dataDir = tempDir();
    const key = loadSigningKey(dataDir);
    const issued = await createAccessTokens(key, Date.now).issue('user-1', 0, 'login-1');
    fs.chmodSync(path.join(dataDir, SIGNING_KEY_FILE), 0o644);
    const replaced = loadSigningKey(dataDir);
    expect(Buffer.from(replaced).equals(Buffer.from(key))).toBe(false);
    expect(fs.statSync(path.join(dataDir, SIGNING_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect((await errorOf(() => createAccessTokens(replaced, Date.now).verify(issued.token))).code).toBe('E_UNAUTHORIZED');
  });

  it('accepts only HS256 with our issuer and audience, and an expiry', async () => {
    const key = loadSigningKey(tempDir());
    const tokens = createAccessTokens(key, Date.now);
    const now = Math.floor(Date.now() / 1000);
    const sign = (alg: string, claims: { iss?: string; aud?: string; exp?: number }) => {
      let jwt = new SignJWT({ ver: 0 }).setProtectedHeader({ alg }).setSubject('user-1').setJti('j').setIssuedAt(now);
      if (claims.iss) jwt = jwt.setIssuer(claims.iss);
      if (claims.aud) jwt = jwt.setAudience(claims.aud);
      if (claims.exp) jwt = jwt.setExpirationTime(claims.exp);
      return jwt.sign(key);
    };
    const good = { iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, exp: now + 60 };
    expect((await tokens.verify(await sign('HS256', good))).userId).toBe('user-1');
    for (const token of [
      await sign('HS512', good), await sign('HS256', { ...good, iss: 'someone-else' }), await sign('HS256', { ...good, aud: 'another-api' }),
      await sign('HS256', { iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE }),
    ]) {
      expect((await errorOf(() => tokens.verify(token))).code).toBe('E_UNAUTHORIZED');
    }
  });
});

describe('profiles: the CLI\'s users', () => {
  it('are made on first use, once; "local" is the built-in profile; an account\'s username names that account', async () => {
    const core = openTestCore(undefined, { bcryptCost: 4 });
    expect(core.users.profile('local')).toBe(LOCAL_USER_ID);
    const work = core.users.profile('work');
    expect(core.users.profile('work')).toBe(work);
    expect(core.users.profile('WORK')).toBe(work);
    expect(core.users.byId(work)).toMatchObject({ isLocalProfile: true, passwordHash: null, email: null });
    const session = await core.auth.signup({ email: 'z@example.com', username: 'zoe', password: 'securepassword123', full_name: 'Zoe' });
    expect(core.users.profile('zoe')).toBe(session.user.id);
    expect((await errorOf(() => core.users.profile('no spaces'))).code).toBe('E_USAGE');
  });

  it('cannot log in over the API: a profile has no password', async () => {
    const core = openTestCore(undefined, { bcryptCost: 4 });
    core.users.profile('work');
    expect((await errorOf(() => core.auth.login({ email: 'work', password: 'anything-at-all' }, 'ip'))).code).toBe('E_UNAUTHORIZED');
  });
});
