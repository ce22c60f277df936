import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, asc, count, eq } from 'drizzle-orm';
import { MAX_WATCH_DEPTH, type WatchState, watchStateSchema } from '../../../src-shared/api/watch.js';
import { FileOrganizerError, isFileOrganizerError } from '../../../src-shared/errors.js';
import { conflictPolicySchema } from '../../../src-shared/operation-status.js';
import { presetNameSchema } from '../../../src-shared/rules.js';
import { type FolderAccess, type RequestedPath } from '../auth/folder-access.js';
import { type AppDatabase } from '../db/open-database.js';
import { watchedFolders } from '../db/schema.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import { presetRuleSet } from '../rules/load-rule-set.js';
import { type RuleSets } from '../rules/rule-sets.js';
import { type Platform } from '../rules/safe-names.js';
import { isWithin, nameKeyOf, physicalPath } from '../scan/physical-path.js';
import { type ProtectedFolders } from '../scan/protected-folders.js';
import {
  type FolderRules, type NewWatchedFolder, type WatchedFolder, type WatchedFolderChanges, type WatchedFolders,
} from './watch-types.js';

type Row = typeof watchedFolders.$inferSelect;

/** A row as the watcher reads it; the text columns are checked, so a row edited by hand is reported, not trusted. */
function parseRow(row: Row): WatchedFolder {
  const preset = row.preset === null ? null : presetNameSchema.safeParse(row.preset);
  const conflict = conflictPolicySchema.safeParse(row.conflict);
  const state = row.state === null ? null : watchStateSchema.safeParse(row.state);
  if ((preset && !preset.success) || !conflict.success || (state && !state.success) || !Number.isInteger(row.depth) || row.depth < 0) {
    throw new FileOrganizerError('E_INTERNAL', `the watched folder ${row.path} (${row.id}) is unreadable in the database; remove it (fileorg watch remove ${row.id}) and add it again`);
  }
  return {
    id: row.id, userId: row.userId, path: row.path, preset: preset ? preset.data ?? null : null, ruleSetId: row.ruleSetId,
    destination: row.destination, conflict: conflict.data, depth: Math.min(row.depth, MAX_WATCH_DEPTH), enabled: row.enabled,
    createdAt: row.createdAt, updatedAt: row.updatedAt, lastActivityAt: row.lastActivityAt, state: state ? state.data ?? null : null,
    stateDetail: row.stateDetail,
  };
}

/**
 * The watched folders as data: each its user's (another user's id is "not found"). Adding or changing one
 * checks it as organize checks a request, and more: a folder watched twice (or inside another watched folder,
 * or holding one) would be organized by two sets of rules racing, so overlaps are refused, whoever's they are.
 */
export function createWatchedFolders(dependencies: {
  database: AppDatabase; clock: () => number; folderAccess: FolderAccess; ruleSets: RuleSets; protectedFolders: ProtectedFolders; platform: Platform;
  newId?: () => string;
}): WatchedFolders {
  const { database, clock, platform } = dependencies;
  const { orm } = database;
  const newId = dependencies.newId ?? (() => crypto.randomUUID());
  const listeners = new Set<() => void>();
  const changed = (): void => {
    for (const listener of [...listeners]) {
      try { listener(); } catch { /* a listener's failure is its own */ }
    }
  };
  const versionOf = database.sqlite.prepare('SELECT count(*) || \':\' || coalesce(max(updated_at), 0) || \':\' || coalesce(sum(updated_at % 1000003), 0) FROM watched_folders').pluck();
  const key = nameKeyOf(platform);

  const missing = (idOrPath: string) => new FileOrganizerError('E_NOT_FOUND', `no watched folder "${idOrPath}"; list them with fileorg watch list (GET /api/v1/watched-folders)`);
  const rowOf = (userId: string, id: string): Row | undefined =>
    orm.select().from(watchedFolders).where(and(eq(watchedFolders.id, id), eq(watchedFolders.userId, userId))).get();
  const allRows = (): Row[] => orm.select().from(watchedFolders).orderBy(asc(watchedFolders.createdAt), asc(watchedFolders.id)).all();

  /** The folder to watch: absolute, existing, a folder, not FileOrganizer's own. */
  const checkFolder = (given: string): string => {
    if (!path.isAbsolute(given)) throw new FileOrganizerError('E_VALIDATION', `give the folder to watch as an absolute path (got "${given}")`);
    const folder = path.resolve(given);
    dependencies.protectedFolders.refuse(folder, 'source');
    let stats: fs.Stats | undefined;
    try {
      stats = fs.statSync(folder, { throwIfNoEntry: false });
    } catch (error) {
      throw new FileOrganizerError('E_BAD_PATH', `${folder} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); give a folder you can read`);
    }
    if (!stats) throw new FileOrganizerError('E_BAD_PATH', `${folder} does not exist; give an existing folder to watch`);
    if (!stats.isDirectory()) throw new FileOrganizerError('E_BAD_PATH', `${folder} is a file, not a folder; give the folder that holds it`);
    if (path.dirname(folder) === folder) throw new FileOrganizerError('E_BAD_PATH', `${folder} is the root of a file system; watch a folder inside it, such as your Downloads`);
    // Every file in it would be organized at once, without a preview: programs' settings and projects too.
    const home = os.homedir();
    if (home && isWithin(physicalPath(home), physicalPath(folder), platform)) {
      throw new FileOrganizerError('E_BAD_PATH', `${folder} ${key(physicalPath(home)) === key(physicalPath(folder)) ? 'is your home folder' : 'holds your home folder'}: watching it would organize every file in it at once, programs' settings and projects too; watch a folder inside it, such as ${path.join(home, 'Downloads')}`);
    }
    return folder;
  };
  const checkDestination = (given: string | null | undefined): string | null => {
    if (given === undefined || given === null) return null;
    if (!path.isAbsolute(given)) throw new FileOrganizerError('E_VALIDATION', `give the destination as an absolute path (got "${given}")`);
    const destination = path.resolve(given);
    dependencies.protectedFolders.refuse(destination, 'destination');
    const stats = fs.statSync(destination, { throwIfNoEntry: false });
    if (stats && !stats.isDirectory()) throw new FileOrganizerError('E_BAD_PATH', `the destination ${destination} is a file; give a folder (it is created if missing)`);
    return destination;
  };
  const checkDepth = (depth: number | undefined): number => {
    const value = depth ?? 0;
    if (!Number.isInteger(value) || value < 0 || value > MAX_WATCH_DEPTH) {
      throw new FileOrganizerError('E_VALIDATION', `depth is a whole number from 0 (the folder alone) to ${MAX_WATCH_DEPTH} (got ${value})`);
    }
    return value;
  };
  /** Another watched folder that is this one, holds it or lies inside it (whoever's): both would act on the same files. */
  const refuseOverlap = (userId: string, folder: string, except: string | undefined): void => {
    const physical = physicalPath(folder);
    for (const row of allRows()) {
      if (row.id === except) continue;
      const other = physicalPath(row.path);
      const same = key(other) === key(physical);
      const inside = isWithin(physical, other, platform);
      const holds = isWithin(other, physical, platform);
      if (!same && !inside && !holds) continue;
      const theirs = row.userId !== userId;
      // Another account's folder is not named: its paths are its own.
      const named = theirs ? 'a folder another account watches' : `${row.path} (${row.id.slice(0, 8)})`;
      const relation = same ? 'is already watched' : inside ? `is inside ${named}` : `holds ${named}`;
      throw new FileOrganizerError('E_CONFLICT', same
        ? `${folder} ${theirs ? 'is already watched by another account' : `is already watched (${row.id.slice(0, 8)}); change it with fileorg watch pause/resume, or remove it first`}`
        : `${folder} ${relation}; a file there would be organized twice. Watch one of them (with --depth to reach below it)`, { path: folder });
    }
  };
  const checkRules = (userId: string, preset: string | undefined, ruleSetId: string | undefined): { preset: string | null; ruleSetId: string | null } => {
    if (preset !== undefined && ruleSetId !== undefined) throw new FileOrganizerError('E_VALIDATION', 'give a preset or a rule set, not both');
    if (ruleSetId !== undefined) {
      dependencies.ruleSets.get(userId, ruleSetId); // E_NOT_FOUND / E_BAD_RULES say what to fix
      return { preset: null, ruleSetId };
    }
    return { preset: preset ?? 'by-type', ruleSetId: null };
  };
  const checkAccess = (userId: string, folder: string, destination: string | null): void => {
    const requested: RequestedPath[] = [{ path: folder, role: 'folder to organize' }];
    if (destination) requested.push({ path: destination, role: 'destination' });
    dependencies.folderAccess.check(userId, requested);
  };
  const write = <T>(folder: string, userId: string, work: () => T): T => {
    try {
      return work();
    } catch (error) {
      if (isUniqueViolation(error)) throw new FileOrganizerError('E_CONFLICT', `${folder} is already watched; list them with fileorg watch list`, { path: folder });
      throw error;
    }
  };

  return {
    list(userId, offset, limit) {
      const items = orm.select().from(watchedFolders).where(eq(watchedFolders.userId, userId))
        .orderBy(asc(watchedFolders.createdAt), asc(watchedFolders.id)).limit(limit).offset(offset).all().map(parseRow);
      const total = orm.select({ total: count() }).from(watchedFolders).where(eq(watchedFolders.userId, userId)).get()?.total ?? 0;
      return { items, total };
    },

    all() {
      // One unreadable row must not stop the others being watched: it is left out (and reported when listed).
      return allRows().flatMap((row) => {
        try { return [parseRow(row)]; } catch { return []; }
      });
    },

    get(userId, id) {
      const row = rowOf(userId, id);
      if (!row) throw missing(id);
      return parseRow(row);
    },

    find(userId, idOrPath) {
      const byId = rowOf(userId, idOrPath);
      if (byId) return parseRow(byId);
      const mine = orm.select().from(watchedFolders).where(eq(watchedFolders.userId, userId)).all();
      // An id prefix (at least 4 characters, as operation ids), as `fileorg watch list` shows them.
      const prefixed = idOrPath.length >= 4 && /^[\w-]+$/.test(idOrPath) ? mine.filter((row) => row.id.startsWith(idOrPath)) : [];
      if (prefixed.length === 1) return parseRow(prefixed[0] as Row);
      if (prefixed.length > 1) throw new FileOrganizerError('E_AMBIGUOUS_OPERATION', `"${idOrPath}" matches more than one watched folder; give more of the id, or the folder`);
      if (path.isAbsolute(idOrPath) || idOrPath.includes(path.sep) || idOrPath.startsWith('.')) {
        const wanted = [path.resolve(idOrPath), physicalPath(idOrPath)].map(key);
        const found = mine.find((row) => wanted.includes(key(row.path)) || wanted.includes(key(physicalPath(row.path))));
        if (found) return parseRow(found);
      }
      throw missing(idOrPath);
    },

    add(userId, input: NewWatchedFolder) {
      const folder = checkFolder(input.path);
      const destination = checkDestination(input.destination);
      const depth = checkDepth(input.depth);
      const rules = checkRules(userId, input.preset, input.ruleSetId);
      checkAccess(userId, folder, destination);
      refuseOverlap(userId, folder, undefined);
      const conflict = conflictPolicySchema.parse(input.conflict ?? 'rename');
      const now = clock();
      const row: Row = {
        id: newId(), userId, path: folder, preset: rules.preset, ruleSetId: rules.ruleSetId, destination, conflict, depth,
        enabled: input.enabled ?? true, createdAt: now, updatedAt: now, lastActivityAt: null, state: null, stateDetail: null,
      };
      write(folder, userId, () => orm.insert(watchedFolders).values(row).run());
      changed();
      return parseRow(row);
    },

    update(userId, id, changes: WatchedFolderChanges) {
      const current = this.get(userId, id);
      const destination = changes.destination === undefined ? current.destination : checkDestination(changes.destination);
      const depth = changes.depth === undefined ? current.depth : checkDepth(changes.depth);
      const rules = changes.preset === undefined && changes.ruleSetId === undefined
        ? { preset: current.preset, ruleSetId: current.ruleSetId }
        : checkRules(userId, changes.preset, changes.ruleSetId);
      if (changes.destination !== undefined) checkAccess(userId, current.path, destination);
      const values = {
        preset: rules.preset, ruleSetId: rules.ruleSetId, destination, depth,
        conflict: changes.conflict ?? current.conflict, enabled: changes.enabled ?? current.enabled,
        // Strictly later, so every change shows in version() even within one millisecond.
        updatedAt: Math.max(clock(), current.updatedAt + 1),
      };
      orm.update(watchedFolders).set(values).where(and(eq(watchedFolders.id, id), eq(watchedFolders.userId, userId))).run();
      changed();
      return this.get(userId, id);
    },

    remove(userId, id) {
      const result = orm.delete(watchedFolders).where(and(eq(watchedFolders.id, id), eq(watchedFolders.userId, userId))).run();
      if (result.changes === 0) throw missing(id);
      changed();
    },

    rulesOf(folder): FolderRules | undefined {
      if (folder.preset !== null) return { preset: folder.preset, ruleSet: presetRuleSet(folder.preset) };
      // Neither: its saved rule set was deleted (the column was set to null), and no rules were chosen since.
      if (folder.ruleSetId === null) return undefined;
      try {
        const saved = dependencies.ruleSets.get(folder.userId, folder.ruleSetId);
        return { preset: null, ruleSet: { name: saved.name, rules: saved.rules } };
      } catch (error) {
        if (isFileOrganizerError(error) && (error.code === 'E_NOT_FOUND' || error.code === 'E_BAD_RULES')) return undefined;
        throw error;
      }
    },

    recordActivity(id, at) {
      orm.update(watchedFolders).set({ lastActivityAt: at }).where(eq(watchedFolders.id, id)).run();
    },

    setState(id, state: WatchState, detail) {
      orm.update(watchedFolders).set({ state, stateDetail: detail }).where(eq(watchedFolders.id, id)).run();
    },

    version() {
      return String(versionOf.get());
    },

    onChange(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
  };
}
