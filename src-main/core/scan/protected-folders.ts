import fs from 'node:fs';
import path from 'node:path';
import { FileOrganizerError } from '../../../src-shared/errors.js';
import { quarantineIn } from '../dupes/quarantine-paths.js';
import { type Platform } from '../rules/safe-names.js';
import { QUARANTINE_FOLDER_NAME } from './hidden-names.js';
import { isWithin, nameKeyOf, physicalPath } from './physical-path.js';

/** What the user gave a path as; it picks the words that say what to do instead. */
export type PathRole = 'source' | 'destination' | 'search' | 'scan' | 'reference';

const INSTEAD: Record<PathRole, string> = {
  source: 'give a folder to organize outside it',
  destination: 'give a destination outside it',
  search: 'give folders to search for duplicates outside it',
  scan: 'give a folder to scan outside it',
  reference: 'give a reference folder outside it',
};

/**
 * The folders that hold FileOrganizer's own state: the data folder (the database with the history every undo
 * needs, the central quarantine) and each `.fileorg-quarantine` kept beside the user's files. Organizing,
 * deduplicating or scanning them would move the history out from under the engine, so every entry point
 * refuses them, and every scan of a folder that merely holds them steps around them.
 */
export function createProtectedFolders(dataDir: string, platform: Platform) {
  const shown = path.resolve(dataDir);
  // The data folder as written and as the OS resolves it: a symlink to it, or a path through one, is the same folder.
  const dataForms = [...new Set([shown, physicalPath(shown)])];
  const key = nameKeyOf(platform);
  const within = (inner: string, outer: string): boolean => isWithin(inner, outer, platform);
  /** The `.fileorg-quarantine` folder a path is in (or is), if any. */
  const besideQuarantineOf = (file: string): string | undefined => {
    const parts = file.split(path.sep);
    const at = parts.findIndex((part) => key(part) === key(QUARANTINE_FOLDER_NAME));
    return at < 0 ? undefined : parts.slice(0, at + 1).join(path.sep);
  };

  /**
   * The folders a scan of `roots` must not enter, spelled as the walk will meet them: the walk never follows a
   * symlink below a root, but a root itself may be reached through one, so the data folder is also given as
   * it appears below each root's resolved path. (`.fileorg-quarantine` folders are skipped by name.)
   */
  const excludedFrom = (roots: readonly string[]): string[] => {
    const excluded = new Set(dataForms);
    for (const root of roots) {
      const written = path.resolve(root);
      for (const rootForm of new Set([written, physicalPath(written)])) {
        for (const data of dataForms) {
          if (within(data, rootForm) && key(data) !== key(rootForm)) excluded.add(path.join(written, path.relative(rootForm, data)));
        }
      }
    }
    return [...excluded];
  };

  /** The data folder and its quarantine as "dev:ino" (those that exist). */
  const identities = (): string[] => [shown, quarantineIn(shown)].flatMap((folder) => {
    const stats = fs.statSync(folder, { bigint: true, throwIfNoEntry: false });
    return stats ? [`${stats.dev}:${stats.ino}`] : [];
  });

  return {
    excludedFrom,

    /**
     * The data folder and its quarantine as "dev:ino": a scan steps around them by identity too, whatever name
     * reaches them (a bind mount of either inside a folder being organized).
     */
    identities,

    /**
     * The data folder's own files (the database and its journal files, the signing key) by inode: a folder
     * that is the data folder under another name (a bind mount) is not seen by its path, but its files are
     * still never planned. Keyed by inode, with the device to compare.
     */
    ownFiles(): Map<string, { dev: string; detail: string }> {
      const files = new Map<string, { dev: string; detail: string }>();
      for (const name of ['fileorganizer.db', 'fileorganizer.db-wal', 'fileorganizer.db-shm', 'auth-signing-key']) {
        const stats = fs.statSync(path.join(shown, name), { bigint: true, throwIfNoEntry: false });
        if (stats) files.set(String(stats.ino), { dev: String(stats.dev), detail: `it is ${name} of FileOrganizer's data folder ${shown} (reached here under another name), which is never organized` });
      }
      return files;
    },

    /** Throw E_BAD_PATH when `given` is, or is inside, the data folder or a quarantine, however it is spelled. */
    refuse(given: string, role: PathRole): void {
      const forms = [...new Set([path.resolve(given), physicalPath(given)])];
      const what = role === 'destination' ? `the destination ${given}` : role === 'reference' ? `the reference folder ${given}` : given;
      for (const form of forms) {
        for (const data of dataForms) {
          if (!within(form, data)) continue;
          const centralQuarantine = quarantineIn(data);
          if (within(form, centralQuarantine)) {
            throw new FileOrganizerError('E_BAD_PATH', `${what} ${key(form) === key(centralQuarantine) ? 'is' : 'is inside'} FileOrganizer's quarantine in its data folder ${shown}: `
              + `quarantined files come back with "fileorg undo ID" (see "fileorg quarantine list"); ${INSTEAD[role]}`);
          }
          throw new FileOrganizerError('E_BAD_PATH', `${what} ${key(form) === key(data) ? 'is' : 'is inside'} FileOrganizer's data folder ${shown}, which holds the history every undo needs; ${INSTEAD[role]}`);
        }
        // The data folder under another name (a bind mount): the folder itself, or one of its parents, is it.
        const ids = new Set(identities());
        for (let folder = form; ids.size > 0; folder = path.dirname(folder)) {
          const stats = fs.statSync(folder, { bigint: true, throwIfNoEntry: false });
          if (stats && ids.has(`${stats.dev}:${stats.ino}`)) {
            throw new FileOrganizerError('E_BAD_PATH', `${what} is FileOrganizer's data folder ${shown} (or inside it) under another name, such as a bind mount; it holds the history every undo needs; ${INSTEAD[role]}`);
          }
          if (path.dirname(folder) === folder) break;
        }
        const besideQuarantine = besideQuarantineOf(form);
        if (besideQuarantine !== undefined) {
          throw new FileOrganizerError('E_BAD_PATH', `${what} ${key(form) === key(besideQuarantine) ? 'is' : 'is inside'} ${besideQuarantine}, a quarantine of duplicates whose undo records are in FileOrganizer's data folder ${shown}: `
            + `quarantined files come back with "fileorg undo ID" (see "fileorg quarantine list"); ${INSTEAD[role]}`);
        }
      }
    },

    /**
     * For the planner: does a rendered destination below these roots fall into a protected folder? A rule can
     * render a path into the data folder when the destination holds it; the file is then left where it is.
     * Rendered paths hold no ".." or symlinks of their own, so comparing text against `excludedFrom` suffices.
     */
    destinationCheck(roots: readonly string[]): (destination: string) => string | undefined {
      // Plain prefix tests, not path.relative: this runs for every planned file.
      const prefixes = excludedFrom(roots).map((folder) => key(folder.endsWith(path.sep) ? folder : folder + path.sep));
      const quarantinePart = key(path.sep + QUARANTINE_FOLDER_NAME);
      return (destination) => {
        const compared = key(destination) + path.sep;
        if (prefixes.some((prefix) => compared.startsWith(prefix))) return `the rule puts it into FileOrganizer's data folder ${shown}, which is never organized`;
        if (!compared.includes(quarantinePart)) return undefined;
        const besideQuarantine = besideQuarantineOf(destination);
        return besideQuarantine === undefined ? undefined : `the rule puts it into ${besideQuarantine}, a quarantine, which is never organized`;
      };
    },
  };
}
export type ProtectedFolders = ReturnType<typeof createProtectedFolders>;
