import fs from 'node:fs';
import path from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import { FileOrganizerError } from '../../../src-shared/errors.js';
import { type AppDatabase } from '../db/open-database.js';
import { allowedFolders, users } from '../db/schema.js';
import { type Platform } from '../rules/safe-names.js';
import { isWithin, physicalPath } from '../scan/physical-path.js';
import { replaceableReason } from './replaceable-path.js';

/** One path a request names, and what it is for (the refusal says which). */
export interface RequestedPath {
  path: string;
  role: 'folder to organize' | 'destination' | 'folder to search' | 'folder to undo into' | 'reference folder' | 'file to keep';
}

/**
 * Which folders an account may use. Every account acts with the file access of the OS user running the server,
 * so an account with a password (signed up, or added by the owner) may use only the folders the owner allowed
 * it; the owner's own profiles (the local profile, the CLI's, which have no password) may use any folder.
 *
 * Paths compare as the file system resolves them (symlinks and ".." followed), so neither a symlink inside an
 * allowed folder nor "/allowed/../secret" reaches outside it.
 */
export function createFolderAccess(database: AppDatabase, clock: () => number, platform: Platform) {
  const { orm } = database;

  const isRestricted = (userId: string): boolean => {
    const user = orm.select({ isLocalProfile: users.isLocalProfile }).from(users).where(eq(users.id, userId)).get();
    return !user || !user.isLocalProfile; // an unknown user may use nothing
  };
  const foldersOf = (userId: string): string[] => orm.select({ path: allowedFolders.path }).from(allowedFolders)
    .where(eq(allowedFolders.userId, userId)).orderBy(asc(allowedFolders.path)).all().map((row) => row.path);

  return {
    /** The folders an account may use, canonical, sorted. */
    foldersOf,

    /** Grant a folder (it must exist and be a folder); answers the account's folders. */
    allow(userId: string, folder: string): string[] {
      if (!path.isAbsolute(folder)) throw new FileOrganizerError('E_VALIDATION', `give the folder as an absolute path (got "${folder}")`);
      let stats: fs.Stats;
      try {
        stats = fs.statSync(folder);
      } catch {
        throw new FileOrganizerError('E_BAD_PATH', `${folder} does not exist (or cannot be read); give an existing folder`);
      }
      if (!stats.isDirectory()) throw new FileOrganizerError('E_BAD_PATH', `${folder} is not a folder; give a folder`);
      const physical = physicalPath(folder);
      const replaceable = replaceableReason(physical);
      if (replaceable) throw new FileOrganizerError('E_BAD_PATH', `${folder} cannot be given to an account: ${replaceable}; give a folder that only you (and root) can change the way to`);
      orm.insert(allowedFolders).values({ userId, path: physical, createdAt: clock() }).onConflictDoNothing().run();
      return foldersOf(userId);
    },

    /** Take a folder back (given as allowed, or by any path that resolves to it); answers the account's folders. */
    disallow(userId: string, folder: string): string[] {
      const wanted = [path.resolve(folder), physicalPath(folder)];
      const granted = foldersOf(userId).filter((allowed) => wanted.some((form) => isWithin(form, allowed, platform) && isWithin(allowed, form, platform)));
      if (granted.length === 0) throw new FileOrganizerError('E_NOT_FOUND', `${folder} is not among this account's folders (${foldersOf(userId).join(', ') || 'none'})`);
      for (const allowed of granted) orm.delete(allowedFolders).where(and(eq(allowedFolders.userId, userId), eq(allowedFolders.path, allowed))).run();
      return foldersOf(userId);
    },

    isRestricted,

    /**
     * Refuses (E_FORBIDDEN, naming the first path outside as given) a request whose paths are not all inside
     * the account's allowed folders. Checked when a request arrives and again before a recorded plan is carried out.
     */
    check(userId: string, requested: readonly RequestedPath[]): void {
      if (!isRestricted(userId)) return;
      const allowed = foldersOf(userId);
      for (const { path: given, role } of requested) {
        const physical = physicalPath(given);
        if (allowed.some((folder) => isWithin(physical, folder, platform))) {
          // Inside by its text now; it must also stay what it is until the run is over (see replaceable-path.ts).
          const replaceable = replaceableReason(physical);
          if (!replaceable) continue;
          throw new FileOrganizerError('E_FORBIDDEN', `this account may not use ${given} (the ${role}): ${replaceable}, sending the run outside its folders; give the folder itself, or ask the owner to fix the folder's owner and permissions`, { path: given });
        }
        // Never where it leads (a symlink's target, what ".." comes to): that lies outside the account's folders,
        // and naming it would tell the account what a folder it may not read holds. The same words whether or
        // not the path went through a symlink, so they do not tell that either.
        throw new FileOrganizerError('E_FORBIDDEN', allowed.length === 0
          ? `this account may not use ${given} (the ${role}): it has no folders yet; ask the owner of this computer to run: fileorg accounts allow EMAIL FOLDER`
          : `this account may not use ${given} (the ${role}): it is outside its folders (${allowed.join(', ')}), where a symlink or ".." counts by where it leads; ask the owner of this computer to run: fileorg accounts allow EMAIL FOLDER`,
        { path: given, allowed_folders: allowed });
      }
    },
  };
}
export type FolderAccess = ReturnType<typeof createFolderAccess>;
