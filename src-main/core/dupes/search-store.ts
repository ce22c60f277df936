import os from 'node:os';
import { z } from 'zod';
import { DUPLICATE_SEARCH_STATUSES } from '../../../src-shared/api/duplicates.js';
import { type DuplicateGroup, type DuplicateSkip } from '../../../src-shared/duplicates.js';
import { type AppDatabase } from '../db/open-database.js';
import { yieldToEventLoop } from '../ops/engine-context.js';
import { type DuplicateSearch, type HashedFile } from './find-duplicates.js';
import { processIsAlive } from '../process-alive.js';
import { FileOrganizerError } from '../../../src-shared/errors.js';

/** A search is kept this long after it started, and the latest of each user for as long as it is the latest. */
export const SEARCH_KEPT_MS = 60 * 60 * 1000;
/** Skipped files a search's summary names (the count says how many there were in all). */
const SKIPPED_NAMED = 1000;
/** Files written a transaction: large, so a million-file search is a few hundred commits, not a million. */
const FILES_PER_TRANSACTION = 20_000;

export type SearchStatus = (typeof DUPLICATE_SEARCH_STATUSES)[number];

/** What a search was asked: stored as JSON on its row and validated when read. */
export const searchRequestSchema = z.object({
  roots: z.array(z.string().min(1)).min(1),
  minSize: z.number().int().nonnegative(),
  includeEmpty: z.boolean(),
  includeHidden: z.boolean(),
});
export type SearchRequest = z.infer<typeof searchRequestSchema>;

const skipSchema = z.object({ path: z.string(), reason: z.enum(['unreadable', 'changed', 'not-a-regular-file']), detail: z.string() });
/** A completed search's totals; its groups and files are rows of their own. */
export const searchSummarySchema = z.object({
  groups: z.number().int(),
  files: z.number().int(),
  wastedBytes: z.number().int(),
  filesScanned: z.number().int(),
  hashedBytes: z.number().int(),
  cacheHits: z.number().int(),
  skippedCount: z.number().int(),
  skipped: z.array(skipSchema),
});
export type SearchSummary = z.infer<typeof searchSummarySchema>;

export interface StoredSearch {
  id: string;
  userId: string;
  status: SearchStatus;
  request: SearchRequest;
  createdAt: number;
  finishedAt: number | null;
  summary: SearchSummary | null;
  error: string | null;
}

/** One stored group with its files in the order the search listed them. */
export interface StoredGroup {
  index: number;
  hash: string;
  size: number;
  copies: number;
  wastedBytes: number;
}

interface SearchRow {
  id: string; userId: string; status: string; request: string; createdAt: number; finishedAt: number | null; summary: string | null; error: string | null;
  ownerPid: number | null; ownerHost: string | null;
}
interface FileRow { groupIndex: number; path: string; mtimeMs: number; dev: string; ino: string; ctimeNs: string }

const wasted = (group: DuplicateGroup): number => group.size * (group.files.length - 1);
/** Most space to win first, then the larger files, then by hash: the order every page of groups is read in. */
const bySpaceToWin = (a: DuplicateGroup, b: DuplicateGroup): number =>
  wasted(b) - wasted(a) || b.size - a.size || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0);

/**
 * Duplicate searches kept in the database (duplicate_searches, duplicate_groups, duplicate_files): what each
 * found, file by file as it was hashed, so that acting on a search later acts on exactly what it showed.
 */
export function createSearchStore(database: AppDatabase, clock: () => number) {
  const { sqlite } = database;
  const host = os.hostname();
  const columns = `id, user_id AS userId, status, request, created_at AS createdAt, finished_at AS finishedAt, summary, error,
    owner_pid AS ownerPid, owner_host AS ownerHost`;
  const insertSearch = sqlite.prepare(`INSERT INTO duplicate_searches (id, user_id, status, request, created_at, owner_pid, owner_host)
    VALUES (?, ?, 'running', ?, ?, ?, ?)`);
  const byId = sqlite.prepare(`SELECT ${columns} FROM duplicate_searches WHERE id = ?`);
  const latestOf = sqlite.prepare('SELECT id FROM duplicate_searches WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT 1').pluck();
  const running = sqlite.prepare(`SELECT ${columns} FROM duplicate_searches WHERE status = 'running'`);
  // Only a search still running is settled: one interrupted while its result was written stays interrupted.
  const settle = sqlite.prepare(`UPDATE duplicate_searches SET status = ?, finished_at = ?, summary = ?, error = ?, owner_pid = NULL
    WHERE id = ? AND status = 'running'`);
  // Older than the hour and not its user's latest (nor still running in a live process): gone, groups and files
  // with it (the foreign keys cascade).
  const prune = sqlite.prepare(`DELETE FROM duplicate_searches WHERE created_at < ? AND status <> 'running'
    AND EXISTS (SELECT 1 FROM duplicate_searches newer WHERE newer.user_id = duplicate_searches.user_id
      AND (newer.created_at > duplicate_searches.created_at OR (newer.created_at = duplicate_searches.created_at AND newer.id > duplicate_searches.id)))`);
  const insertGroup = sqlite.prepare('INSERT INTO duplicate_groups (search_id, group_index, hash, size, copies, wasted_bytes) VALUES (?, ?, ?, ?, ?, ?)');
  const insertFile = sqlite.prepare(`INSERT INTO duplicate_files (search_id, group_index, position, path, mtime_ms, dev, ino, ctime_ns)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const groupColumns = 'group_index AS "index", hash, size, copies, wasted_bytes AS wastedBytes';
  const groupsPage = sqlite.prepare(`SELECT ${groupColumns} FROM duplicate_groups WHERE search_id = ? ORDER BY group_index LIMIT ? OFFSET ?`);
  const allGroups = sqlite.prepare(`SELECT ${groupColumns} FROM duplicate_groups WHERE search_id = ? ORDER BY group_index`);
  const fileColumns = 'group_index AS groupIndex, path, mtime_ms AS mtimeMs, dev, ino, ctime_ns AS ctimeNs';
  const filesBetween = sqlite.prepare(`SELECT ${fileColumns} FROM duplicate_files WHERE search_id = ? AND group_index BETWEEN ? AND ?
    ORDER BY group_index, position`);
  const filesOfGroup = sqlite.prepare(`SELECT ${fileColumns} FROM duplicate_files WHERE search_id = ? AND group_index = ? ORDER BY position`);

  /** A row as the service uses it, its JSON columns checked; an unreadable one is answered as gone (search again). */
  const parse = (row: SearchRow): StoredSearch => {
    const json = (text: string): unknown => { try { return JSON.parse(text); } catch { return undefined; } };
    const status = z.enum(DUPLICATE_SEARCH_STATUSES).safeParse(row.status);
    const request = searchRequestSchema.safeParse(json(row.request));
    const summary = row.summary === null ? null : searchSummarySchema.safeParse(json(row.summary));
    if (!status.success || !request.success || (summary !== null && !summary.success)) {
      throw new FileOrganizerError('E_NOT_FOUND', `duplicate search ${row.id} is unreadable in the database; search again`);
    }
    return {
      id: row.id, userId: row.userId, status: status.data, request: request.data,
      createdAt: row.createdAt, finishedAt: row.finishedAt, summary: summary === null ? null : summary.data, error: row.error,
    };
  };
  const hashedFile = (row: FileRow): HashedFile => ({ path: row.path, mtimeMs: row.mtimeMs, dev: row.dev, ino: row.ino, ctimeNs: row.ctimeNs });

  return {
    /** Record a search this process starts now. */
    insert(id: string, userId: string, request: SearchRequest): void {
      insertSearch.run(id, userId, JSON.stringify(request), clock(), process.pid, host);
    },

    get(id: string): StoredSearch | undefined {
      const row = byId.get(id) as SearchRow | undefined;
      return row ? parse(row) : undefined;
    },

    /** Kept: started within the hour, or its user's latest. An older one is gone even before it is pruned. */
    isKept(search: StoredSearch): boolean {
      return clock() - search.createdAt < SEARCH_KEPT_MS || latestOf.get(search.userId) === search.id;
    },

    /** Forget the searches that are no longer kept. */
    prune(): number {
      return prune.run(clock() - SEARCH_KEPT_MS).changes;
    },

    /**
     * Searches left `running` by a process that is gone (or that is this one opening the data folder anew)
     * become `interrupted`. One running on another host is left alone: there is no telling whether it lives.
     */
    settleOrphaned(): string[] {
      const orphaned = (running.all() as SearchRow[]).filter((row) => row.ownerHost === host && (row.ownerPid === null || row.ownerPid === process.pid || !processIsAlive(row.ownerPid)));
      for (const row of orphaned) {
        settle.run('interrupted', clock(), null, `the process that ran it (${row.ownerPid ?? 'unknown'}) stopped before it ended; search again`, row.id);
      }
      return orphaned.map((row) => row.id);
    },

    /**
     * Write what a search found, group by group in order of space to win, each file as it was hashed, in large
     * transactions with the event loop free between them. `stop` (the process is closing) ends it early; the
     * search is not marked completed then.
     */
    async writeGroups(id: string, found: DuplicateSearch, stop: () => boolean): Promise<{ groups: number; files: number } | undefined> {
      const details = found.details();
      const order = found.result.groups.map((_, index) => index).sort((a, b) => bySpaceToWin(found.result.groups[a] as DuplicateGroup, found.result.groups[b] as DuplicateGroup));
      let files = 0;
      let next = 0;
      const writeSome = sqlite.transaction(() => {
        for (let written = 0; next < order.length && written < FILES_PER_TRANSACTION; next++) {
          const at = order[next] as number;
          const group = found.result.groups[at] as DuplicateGroup;
          insertGroup.run(id, next, group.hash, group.size, group.files.length, wasted(group));
          (details[at] as HashedFile[]).forEach((file, position) => {
            insertFile.run(id, next, position, file.path, file.mtimeMs, file.dev, file.ino, file.ctimeNs);
          });
          written += group.files.length;
          files += group.files.length;
        }
      });
      while (next < order.length) {
        if (stop()) return undefined;
        writeSome();
        await yieldToEventLoop();
      }
      return { groups: order.length, files };
    },

    /** The search ended with its groups written: its totals, and the first skipped files. */
    complete(id: string, found: DuplicateSearch, written: { groups: number; files: number }): boolean {
      const { result } = found;
      const summary: SearchSummary = {
        groups: written.groups, files: written.files, wastedBytes: result.wasted_bytes, filesScanned: result.files_scanned,
        hashedBytes: result.hashed_bytes, cacheHits: result.cache_hits, skippedCount: result.skipped.length,
        skipped: result.skipped.slice(0, SKIPPED_NAMED).map((skip: DuplicateSkip) => ({ path: skip.path, reason: skip.reason, detail: skip.detail })),
      };
      return settle.run('completed', clock(), JSON.stringify(summary), null, id).changes === 1;
    },

    /** The search could not finish (`failed`: it went wrong; `interrupted`: its process is closing). */
    stop(id: string, status: 'failed' | 'interrupted', message: string): boolean {
      return settle.run(status, clock(), null, message, id).changes === 1;
    },

    /** A page of groups in order of space to win, each with its files as they were hashed. */
    groupsPage(id: string, offset: number, limit: number): Array<StoredGroup & { files: HashedFile[] }> {
      const groups = groupsPage.all(id, limit, offset) as StoredGroup[];
      if (groups.length === 0) return [];
      const files = filesBetween.all(id, (groups[0] as StoredGroup).index, (groups[groups.length - 1] as StoredGroup).index) as FileRow[];
      const byGroup = new Map<number, HashedFile[]>(groups.map((group) => [group.index, []]));
      for (const file of files) byGroup.get(file.groupIndex)?.push(hashedFile(file));
      return groups.map((group) => ({ ...group, files: byGroup.get(group.index) ?? [] }));
    },

    /** Every group of a search, in order (no files). */
    groups(id: string): StoredGroup[] {
      return allGroups.all(id) as StoredGroup[];
    },

    /** The files of one group as they were hashed, in the order the search listed them. */
    filesOf(id: string, groupIndex: number): HashedFile[] {
      return (filesOfGroup.all(id, groupIndex) as FileRow[]).map(hashedFile);
    },
  };
}
export type SearchStore = ReturnType<typeof createSearchStore>;
