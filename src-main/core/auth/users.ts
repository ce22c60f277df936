import crypto from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { USERNAME_PATTERN, USERNAME_RULE } from '../../../src-shared/api/account-rules.js';
import type { UserView } from '../../../src-shared/api/auth.js';
import { FileOrganizerError } from '../../../src-shared/errors.js';
import { type AppDatabase } from '../db/open-database.js';
import { LOCAL_USER_ID, users } from '../db/schema.js';
import { isUniqueViolation } from '../db/unique-violation.js';

export type UserRow = typeof users.$inferSelect;

export const toUserView = (row: UserRow): UserView => ({
  id: row.id, email: row.email, username: row.username, full_name: row.displayName, created_at: new Date(row.createdAt).toISOString(),
});

export function createUsers(database: AppDatabase, clock: () => number) {
  const { orm } = database;
  const byUsername = (username: string) => orm.select().from(users).where(sql`lower(${users.username}) = lower(${username})`).get();

  return {
    byId(id: string): UserRow | undefined {
      return orm.select().from(users).where(eq(users.id, id)).get();
    },
    byEmail(email: string): UserRow | undefined {
      return orm.select().from(users).where(eq(users.email, email.toLowerCase())).get();
    },

    /** Usernames and emails are unique regardless of case; a taken one is E_CONFLICT naming which. */
    createAccount(account: { email: string; username: string; fullName: string; passwordHash: string }): UserRow {
      const email = account.email.toLowerCase();
      if (this.byEmail(email)) throw new FileOrganizerError('E_CONFLICT', `an account with the email ${email} already exists; log in instead`, { field: 'email' });
      if (byUsername(account.username)) throw new FileOrganizerError('E_CONFLICT', `the username "${account.username}" is taken; choose another`, { field: 'username' });
      const row: UserRow = {
        id: crypto.randomUUID(), email, username: account.username, displayName: account.fullName, passwordHash: account.passwordHash,
        isLocalProfile: false, createdAt: clock(), tokenVersion: 0,
      };
      try {
        orm.insert(users).values(row).run();
      } catch (error) {
        // Another signup with the same email or username won the race between the check and the insert.
        if (isUniqueViolation(error)) throw new FileOrganizerError('E_CONFLICT', 'that email or username was just taken; choose another');
        throw error;
      }
      return row;
    },

    /** A new password ends every token issued before it: the version the tokens carry moves on. */
    setPassword(id: string, passwordHash: string): number {
      const row = orm.update(users).set({ passwordHash, tokenVersion: sql`${users.tokenVersion} + 1` }).where(eq(users.id, id))
        .returning({ tokenVersion: users.tokenVersion }).get();
      return row?.tokenVersion ?? 0;
    },

    /**
     * The CLI's user. `local` is the built-in profile. Another name is the user with that username, made as a
     * password-less profile on first use: at the terminal the OS account is the boundary (whoever runs the CLI
     * can read the data folder anyway), so a profile name picks whose operations and rules the CLI acts on.
     */
    profile(name: string): string {
      if (name === 'local') return LOCAL_USER_ID;
      if (!USERNAME_PATTERN.test(name)) throw new FileOrganizerError('E_USAGE', `--profile: ${USERNAME_RULE} (got "${name}")`);
      const existing = byUsername(name);
      if (existing) return existing.id;
      const id = crypto.randomUUID();
      orm.insert(users).values({ id, username: name, displayName: `Profile ${name}`, isLocalProfile: true, createdAt: clock() })
        .onConflictDoNothing().run();
      return (byUsername(name) as UserRow).id;
    },
  };
}
export type Users = ReturnType<typeof createUsers>;
