import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { lt } from 'drizzle-orm';
// Type-only imports, dropped from the build: evaluating the contract's schemas cost every CLI start ~20 ms.
import type { Session, UserView } from '../../../src-shared/api/auth.js';
import type { Caller } from '../../../src-shared/contract.js';
import { FileOrganizerError } from '../../../src-shared/errors.js';
import { type AppDatabase } from '../db/open-database.js';
import { LOCAL_USER_ID, revokedAccessTokens } from '../db/schema.js';
import { ACCESS_TOKEN_SECONDS, createAccessTokens } from './access-tokens.js';
import { createApiKeys, looksLikeApiKey } from './api-keys.js';
import { createLoginThrottle, type LoginAttempt } from './login-throttle.js';
import { BCRYPT_COST, createPasswords } from './passwords.js';
import { createRefreshTokens } from './refresh-tokens.js';
import { type SignInLinks } from './sign-in-links.js';
import { loadSigningKey } from './signing-key.js';
import { createUsers, toUserView, type UserRow } from './users.js';

export interface AuthDependencies {
  database: AppDatabase;
  dataDir: string;
  clock: () => number;
  /** bcrypt cost; 12 unless a test of something else lowers it */
  bcryptCost?: number;
  /** failed logins one source may make across all accounts in 15 minutes */
  loginFailuresPerSource?: number;
  /** the data folder's one-time sign-in links for the local profile */
  signInLinks: SignInLinks;
}

/** The same answer for an unknown email and a wrong password: it must not tell which emails have accounts. */
const wrongCredentials = () => new FileOrganizerError('E_UNAUTHORIZED', 'the email or password is wrong');

const badSignInLink = () => new FileOrganizerError('E_UNAUTHORIZED',
  'this sign-in link does not work: it was used already, it expired (links last 10 minutes), or another data folder made it; get a fresh one with fileorg link (while fileorg serve runs on this data folder)');

/**
 * How long checking a password takes here: a moving average of the checks measured (queueing on libuv's
 * threads included, as a caller sees it), starting from bcrypt's cost (each step doubles it; ~250 ms at 12).
 */
function createCheckTimer(cost: number) {
  let averageMs = 250 * 2 ** (cost - BCRYPT_COST);
  return {
    async measure<T>(check: () => Promise<T>): Promise<T> {
      const started = performance.now();
      try {
        return await check();
      } finally {
        averageMs += (performance.now() - started - averageMs) / 5;
      }
    },
    /**
     * Waits about as long as a check: a refused login answered at once would tell a locked account (429 at
     * once) from a checked wrong password (401 after bcrypt). A timer, not a real check, so that an attacker
     * cannot use lockouts to make the server burn CPU.
     */
    wait: (): Promise<void> => sleep(averageMs),
  };
}

/**
 * Accounts and their credentials: passwords (bcrypt), access tokens (JWT, 30 minutes), refresh tokens (7 days,
 * rotated), API keys, login throttling, the CLI's profiles, and sessions for the local profile by sign-in link.
 */
export function createAuth(dependencies: AuthDependencies) {
  const { database, clock, signInLinks } = dependencies;
  const users = createUsers(database, clock);
  const passwords = createPasswords(dependencies.bcryptCost);
  const accessTokens = createAccessTokens(loadSigningKey(dependencies.dataDir), clock);
  const refreshTokens = createRefreshTokens(database, clock);
  const throttle = createLoginThrottle(database, clock, dependencies.loginFailuresPerSource);
  const apiKeys = createApiKeys(database, clock);
  const checkTimer = createCheckTimer(dependencies.bcryptCost ?? BCRYPT_COST);

  /** A session of a login: its refresh token and an access token bound to it (a new login unless given one). */
  const sessionFor = async (user: UserRow, login = refreshTokens.issue(user.id)): Promise<Session> => {
    const { token } = await accessTokens.issue(user.id, user.tokenVersion, login.familyId);
    return { access_token: token, refresh_token: login.token, token_type: 'bearer', expires_in: ACCESS_TOKEN_SECONDS, user: toUserView(user) };
  };
  const account = (userId: string): UserRow => {
    const user = users.byId(userId);
    if (!user) throw new FileOrganizerError('E_UNAUTHORIZED', 'this account no longer exists');
    return user;
  };

  // Access tokens are no longer revoked one by one (logout ends their login); forget the rows left from then.
  database.orm.delete(revokedAccessTokens).where(lt(revokedAccessTokens.expiresAt, clock())).run();
  refreshTokens.prune();
  signInLinks.prune();

  return {
    users,
    apiKeys,

    async signup(input: { email: string; username: string; password: string; full_name: string }): Promise<Session> {
      const passwordHash = await passwords.hash(input.password);
      const user = users.createAccount({ email: input.email, username: input.username, fullName: input.full_name, passwordHash });
      return sessionFor(user);
    },

    async login(input: { email: string; password: string }, source: string): Promise<Session> {
      const key = input.email.trim().toLowerCase();
      let attempt: LoginAttempt;
      try {
        attempt = throttle.begin(key, source);
      } catch (refused) {
        await checkTimer.wait();
        throw refused;
      }
      let matches = false;
      const user = users.byEmail(key);
      try {
        matches = await checkTimer.measure(() => (user?.passwordHash ? passwords.verify(input.password, user.passwordHash) : passwords.verifyNobody(input.password)));
      } finally {
        if (matches && user) attempt.succeeded(); else attempt.failed();
      }
      if (!matches || !user) throw wrongCredentials();
      return sessionFor(user);
    },

    /**
     * A one-time sign-in link's token for a session as the local profile (the owner's, which has no password).
     * Its refresh token rotates like a login's. A wrong, used or expired token is refused, and not counted by
     * the login throttle: a token is 32 random bytes, which no one guesses, and counting wrong ones let any
     * local user lock the owner out of their own links (every request from 127.0.0.1 is the same source).
     * `_source` is the caller's address, which a link does not need.
     */
    async linkSession(token: string): Promise<Session> {
      if (!signInLinks.consume(token)) throw badSignInLink();
      return sessionFor(account(LOCAL_USER_ID));
    },

    async refresh(refreshToken: string): Promise<Session> {
      const rotated = refreshTokens.rotate(refreshToken);
      return sessionFor(account(rotated.userId), rotated);
    },

    me(userId: string): UserView {
      return toUserView(account(userId));
    },

    /**
     * Ends the caller's login (every access and refresh token of it, not only the access token used for this
     * call) and, when given, the login a refresh token of the caller's belongs to. An API key is not a login.
     */
    logout(caller: Caller, refreshToken?: string): void {
      if (caller.via.kind === 'token') {
        refreshTokens.endLogin(caller.via.familyId, caller.userId);
      }
      if (refreshToken) refreshTokens.revokeFamilyOf(refreshToken, caller.userId);
    },

    async changePassword(userId: string, currentPassword: string, newPassword: string): Promise<Session> {
      const user = account(userId);
      if (!user.passwordHash) throw new FileOrganizerError('E_FORBIDDEN', 'a local profile has no password; create an account with POST /api/v1/auth/signup');
      if (!await passwords.verify(currentPassword, user.passwordHash)) throw new FileOrganizerError('E_UNAUTHORIZED', 'the current password is wrong');
      const tokenVersion = users.setPassword(userId, await passwords.hash(newPassword));
      refreshTokens.revokeAllOf(userId);
      return sessionFor({ ...user, tokenVersion });
    },

    /** Who a bearer credential (access token or API key) belongs to; E_UNAUTHORIZED for anything else. */
    async authenticate(credential: string): Promise<Caller> {
      if (looksLikeApiKey(credential)) {
        const { userId, keyId } = apiKeys.authenticate(credential);
        account(userId);
        return { userId, via: { kind: 'api-key', keyId } };
      }
      const claims = await accessTokens.verify(credential);
      const user = users.byId(claims.userId);
      if (!user || user.tokenVersion !== claims.version) throw new FileOrganizerError('E_UNAUTHORIZED', 'the access token was ended by a password change; log in again');
      if (claims.familyId === null) {
        throw new FileOrganizerError('E_UNAUTHORIZED', 'the access token names no login (an older version made it); get a new one with POST /api/v1/auth/refresh, or log in again');
      }
      if (!refreshTokens.isLive(claims.familyId, user.id)) {
        throw new FileOrganizerError('E_UNAUTHORIZED', 'the login this access token belongs to has ended (logged out, or its refresh token was used twice, so a copy may be in other hands); log in again');
      }
      // The login rides along for logout, which ends all of it.
      return { userId: user.id, via: { kind: 'token', tokenId: claims.tokenId, expiresAt: claims.expiresAt, familyId: claims.familyId } };
    },
  };
}
export type Auth = ReturnType<typeof createAuth>;
