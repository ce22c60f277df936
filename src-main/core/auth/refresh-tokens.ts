import crypto from 'node:crypto';
import { and, eq, isNull, lt } from 'drizzle-orm';
import { FileOrganizerError } from '../../../src-shared/errors.js';
import { type AppDatabase } from '../db/open-database.js';
import { refreshTokens } from '../db/schema.js';

export const REFRESH_TOKEN_MS = 7 * 24 * 60 * 60 * 1000;

export const sha256 = (text: string): string => crypto.createHash('sha256').update(text).digest('hex');

/**
 * Refresh tokens are 32 random bytes, stored only as SHA-256. Each works once: using it rotates it to a
 * successor in the same family (one family per login). Presenting a token that was already rotated out means
 * someone else holds a copy, so the whole family is revoked and that login ends everywhere.
 */
export function createRefreshTokens(database: AppDatabase, clock: () => number) {
  const { orm } = database;

  const insert = (userId: string, familyId: string): string => {
    const token = crypto.randomBytes(32).toString('base64url');
    orm.insert(refreshTokens).values({
      id: crypto.randomUUID(), userId, familyId, tokenHash: sha256(token), createdAt: clock(), expiresAt: clock() + REFRESH_TOKEN_MS,
    }).run();
    return token;
  };
  // Scoped to the user as well: rows from before families existed all share the family '' (the column's default).
  const revokeFamily = (familyId: string, userId: string): void => {
    orm.update(refreshTokens).set({ revokedAt: clock() })
      .where(and(eq(refreshTokens.familyId, familyId), eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt))).run();
  };

  return {
    /** A new login: its first token and its family (the login's id, which its access tokens carry). */
    issue(userId: string): { token: string; familyId: string } {
      const familyId = crypto.randomUUID();
      return { token: insert(userId, familyId), familyId };
    },

    /** The token's user, login and successor; the token itself is spent. */
    rotate(token: string): { userId: string; token: string; familyId: string } {
      const outcome = database.sqlite.transaction(() => {
        const row = orm.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, sha256(token))).get();
        if (!row) return { error: 'the refresh token is not valid; log in again' } as const;
        if (row.rotatedAt !== null) {
          revokeFamily(row.familyId, row.userId);
          return { error: 'this refresh token was already used, so a copy of it may be in other hands: every session of that login has been ended; log in again' } as const;
        }
        if (row.revokedAt !== null) return { error: 'this login has ended (logged out, or the password changed); log in again' } as const;
        if (row.expiresAt <= clock()) return { error: 'the refresh token has expired (they last 7 days); log in again' } as const;
        orm.update(refreshTokens).set({ rotatedAt: clock() }).where(eq(refreshTokens.id, row.id)).run();
        // A token from before families existed starts one of its own, so its login can be ended alone.
        const familyId = row.familyId === '' ? crypto.randomUUID() : row.familyId;
        return { userId: row.userId, token: insert(row.userId, familyId), familyId } as const;
      }).immediate(); // its write lock first: two processes rotating at once wait their turn, not "database is locked"
      // The revocation above must be committed, so the error is thrown only after the transaction.
      if (outcome.error !== undefined) throw new FileOrganizerError('E_UNAUTHORIZED', outcome.error);
      return { userId: outcome.userId, token: outcome.token, familyId: outcome.familyId };
    },

    /**
     * Whether this login of this user is still on: some token of its family is not revoked. A rotation keeps its
     * successor live; logout, a reuse and a password change revoke them all; expired ones are pruned a week later.
     */
    isLive(familyId: string, userId: string): boolean {
      if (familyId === '') return false;
      const live = orm.select({ id: refreshTokens.id }).from(refreshTokens)
        .where(and(eq(refreshTokens.familyId, familyId), eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt))).limit(1).get();
      return live !== undefined;
    },

    /** Logout: end this login of this user. */
    endLogin(familyId: string, userId: string): void {
      if (familyId !== '') revokeFamily(familyId, userId);
    },

    /** Logout: end the login this token belongs to (only if it is the user's own). */
    revokeFamilyOf(token: string, userId: string): void {
      const row = orm.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, sha256(token))).get();
      if (row && row.userId === userId) revokeFamily(row.familyId, userId);
    },

    revokeAllOf(userId: string): void {
      orm.update(refreshTokens).set({ revokedAt: clock() }).where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt))).run();
    },

    /** Forget tokens that expired a week ago or more: they can no longer be presented, even as a replay. */
    prune(): void {
      orm.delete(refreshTokens).where(lt(refreshTokens.expiresAt, clock() - REFRESH_TOKEN_MS)).run();
    },
  };
}
export type RefreshTokens = ReturnType<typeof createRefreshTokens>;
