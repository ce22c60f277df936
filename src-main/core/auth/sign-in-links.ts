import crypto from 'node:crypto';
import { isNotNull, lte, or } from 'drizzle-orm';
import { type AppDatabase } from '../db/open-database.js';
import { signInLinks } from '../db/schema.js';
import { sha256 } from './refresh-tokens.js';

/** How long a sign-in link works after it was made. */
export const SIGN_IN_LINK_MS = 10 * 60 * 1000;

/**
 * One-time sign-in links for the local profile (`fileorg serve` prints one, `fileorg link` makes another). A
 * token is 32 random bytes (base64url) and only its SHA-256 is stored, so the database alone signs no one in.
 * It works once and for ten minutes, and only on this data folder: another folder's database does not know it.
 */
export function createSignInLinks(database: AppDatabase, clock: () => number) {
  const { orm, sqlite } = database;
  // One statement checks and spends the link: two requests presenting the same token cannot both pass.
  const spend = sqlite.prepare('UPDATE sign_in_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?');

  /** Forget links that can no longer sign anyone in: a used or expired token is refused just as an unknown one. */
  const prune = (): void => {
    orm.delete(signInLinks).where(or(isNotNull(signInLinks.usedAt), lte(signInLinks.expiresAt, clock()))).run();
  };

  return {
    /** A new link's token (shown once: it is not kept) and when it expires (Unix ms). */
    create(): { token: string; expiresAt: number } {
      prune();
      const token = crypto.randomBytes(32).toString('base64url');
      const createdAt = clock();
      const expiresAt = createdAt + SIGN_IN_LINK_MS;
      orm.insert(signInLinks).values({ tokenHash: sha256(token), createdAt, expiresAt }).run();
      return { token, expiresAt };
    },

    /** Whether `token` is a link of this data folder, unused and unexpired; if it is, it is spent now. */
    consume(token: string): boolean {
      const now = clock();
      return spend.run(now, sha256(token), now).changes === 1;
    },

    prune,
  };
}
export type SignInLinks = ReturnType<typeof createSignInLinks>;
