import { and, asc, count, eq, isNotNull } from 'drizzle-orm';
import type { AccountView } from '../../../src-shared/api/accounts.js';
import { FileOrganizerError } from '../../../src-shared/errors.js';
import { type AppDatabase } from '../db/open-database.js';
import { LOCAL_USER_ID, operations, users } from '../db/schema.js';
import { type FolderAccess } from './folder-access.js';
import { createPasswords } from './passwords.js';
import { createUsers, toUserView, type UserRow } from './users.js';

/**
 * The owner's side of accounts: whoever runs FileOrganizer as this OS user (the CLI, the window's local
 * profile) adds and removes accounts and grants each the folders it may use. An account here is one with a
 * password (signed up, or added by the owner), which logs in over the API; the owner's own profiles are not
 * listed and cannot be removed.
 */
export function createAccounts(dependencies: { database: AppDatabase; clock: () => number; folderAccess: FolderAccess; bcryptCost?: number }) {
  const { database, clock, folderAccess } = dependencies;
  const { orm } = database;
  const userRows = createUsers(database, clock);
  const passwords = createPasswords(dependencies.bcryptCost);

  const viewOf = (row: UserRow): AccountView => ({ ...toUserView(row), allowed_folders: folderAccess.foldersOf(row.id) });
  /** An account by its id or its email; a profile (no password) is not an account. */
  const find = (ref: string): UserRow => {
    const row = userRows.byId(ref) ?? (ref.includes('@') ? userRows.byEmail(ref.trim()) : undefined);
    if (!row || row.isLocalProfile) {
      throw new FileOrganizerError('E_NOT_FOUND', `no account "${ref}"; list them with fileorg accounts list (GET /api/v1/accounts)`);
    }
    return row;
  };

  return {
    find,

    async create(input: { email: string; username: string; password: string; full_name: string }): Promise<AccountView> {
      const passwordHash = await passwords.hash(input.password);
      return viewOf(userRows.createAccount({ email: input.email, username: input.username, fullName: input.full_name, passwordHash }));
    },

    list(offset: number, limit: number): { items: AccountView[]; total: number } {
      const accounts = and(eq(users.isLocalProfile, false), isNotNull(users.passwordHash));
      const rows = orm.select().from(users).where(accounts).orderBy(asc(users.createdAt), asc(users.email)).limit(limit).offset(offset).all();
      const total = orm.select({ total: count() }).from(users).where(accounts).get()?.total ?? 0;
      return { items: rows.map(viewOf), total };
    },

    /**
     * Removes the account: its logins, API keys, rule sets and folders end with it. Its operations pass to the
     * local profile, so whatever it moved can still be found in `fileorg history` and undone.
     */
    remove(ref: string): { id: string; email: string | null; operations_kept: number } {
      const row = find(ref);
      const kept = database.sqlite.transaction(() => {
        const moved = orm.update(operations).set({ userId: LOCAL_USER_ID }).where(eq(operations.userId, row.id)).run().changes;
        orm.delete(users).where(eq(users.id, row.id)).run();
        return moved;
      }).immediate();
      return { id: row.id, email: row.email, operations_kept: kept };
    },

    folders(ref: string): { id: string; email: string | null; allowed_folders: string[] } {
      const row = find(ref);
      return { id: row.id, email: row.email, allowed_folders: folderAccess.foldersOf(row.id) };
    },
    allow(ref: string, folder: string): { id: string; email: string | null; allowed_folders: string[] } {
      const row = find(ref);
      return { id: row.id, email: row.email, allowed_folders: folderAccess.allow(row.id, folder) };
    },
    disallow(ref: string, folder: string): { id: string; email: string | null; allowed_folders: string[] } {
      const row = find(ref);
      return { id: row.id, email: row.email, allowed_folders: folderAccess.disallow(row.id, folder) };
    },
  };
}
export type Accounts = ReturnType<typeof createAccounts>;
