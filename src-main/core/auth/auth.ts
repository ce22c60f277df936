import { eq, lt } from 'drizzle-orm';
// Type-only imports, dropped from the build: evaluating the contract's schemas cost every CLI start ~20 ms.
import type { Session, UserView } from '../../../src-shared/api/auth.js';
import type { Caller } from '../../../src-shared/contract.js';
import { FileOrganizerError } from '../../../src-shared/errors.js';
import { type AppDatabase } from '../db/open-database.js';
import { revokedAccessTokens } from '../db/schema.js';
import { ACCESS_TOKEN_SECONDS, createAccessTokens } from './access-tokens.js';
import { createApiKeys, looksLikeApiKey } from './api-keys.js';
import { createLoginThrottle } from './login-throttle.js';
import { createPasswords } from './passwords.js';
import { createRefreshTokens } from './refresh-tokens.js';
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
}

/** The same answer for an unknown email and a wrong password: it must not tell which emails have accounts. */
const wrongCredentials = () => new FileOrganizerError('E_UNAUTHORIZED', 'the email or password is wrong');

/**
 * Accounts and their credentials: passwords (bcrypt), access tokens (JWT, 30 minutes), refresh tokens (7 days,
 * rotated), API keys, login throttling, and the CLI's profiles.
 */
export function createAuth(dependencies: AuthDependencies) {
  const { database, clock } = dependencies;
  const users = createUsers(database, clock);
  const passwords = createPasswords(dependencies.bcryptCost);
  const accessTokens = createAccessTokens(loadSigningKey(dependencies.dataDir), clock);
  const refreshTokens = createRefreshTokens(database, clock);
  const throttle = createLoginThrottle(database, clock, dependencies.loginFailuresPerSource);
  const apiKeys = createApiKeys(database, clock);

  const sessionFor = async (user: UserRow, refreshToken = refreshTokens.issue(user.id)): Promise<Session> => {
    const { token } = await accessTokens.issue(user.id, user.tokenVersion);
    return { access_token: token, refresh_token: refreshToken, token_type: 'bearer', expires_in: ACCESS_TOKEN_SECONDS, user: toUserView(user) };
  };
  const account = (userId: string): UserRow => {
    const user = users.byId(userId);
    if (!user) throw new FileOrganizerError('E_UNAUTHORIZED', 'this account no longer exists');
    return user;
  };

  // Forget revoked access tokens once they would have expired anyway.
  database.orm.delete(revokedAccessTokens).where(lt(revokedAccessTokens.expiresAt, clock())).run();
  refreshTokens.prune();

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
      throttle.check(key, source);
      const user = users.byEmail(key);
      const matches = user?.passwordHash ? await passwords.verify(input.password, user.passwordHash) : await passwords.verifyNobody(input.password);
      if (!matches || !user) {
        throttle.failed(key, source);
        throw wrongCredentials();
      }
      throttle.succeeded(key);
      return sessionFor(user);
    },

    async refresh(refreshToken: string): Promise<Session> {
      const rotated = refreshTokens.rotate(refreshToken);
      return sessionFor(account(rotated.userId), rotated.token);
    },

    me(userId: string): UserView {
      return toUserView(account(userId));
    },

    /** Ends the access token used for this call and, when given, the login its refresh token belongs to. */
    logout(caller: Caller, refreshToken?: string): void {
      if (caller.via.kind === 'token') {
        database.orm.insert(revokedAccessTokens).values({ jti: caller.via.tokenId, expiresAt: caller.via.expiresAt }).onConflictDoNothing().run();
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
      const revoked = database.orm.select().from(revokedAccessTokens).where(eq(revokedAccessTokens.jti, claims.tokenId)).get();
      if (revoked) throw new FileOrganizerError('E_UNAUTHORIZED', 'the access token was ended by logging out; log in again');
      return { userId: user.id, via: { kind: 'token', tokenId: claims.tokenId, expiresAt: claims.expiresAt } };
    },
  };
}
export type Auth = ReturnType<typeof createAuth>;
