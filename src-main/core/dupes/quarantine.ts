import fs from 'node:fs';
import path from 'node:path';
import { type QuarantinedFile } from '../../../src-shared/duplicates.js';
import { FileOrganizerError } from '../../../src-shared/errors.js';
import { type AppDatabase } from '../db/open-database.js';
import { LOCAL_USER_ID } from '../db/schema.js';
import { QUARANTINE_FOLDER_NAME } from '../scan/hidden-names.js';
import { ensureRealFolder } from '../../../src-worker/real-folders.js';
import { trashRefusals } from './trash-folder.js';

/** Sends files to the OS trash; the `trash` package headless (the app may pass Electron's shell.trashItem). */
export interface TrashFiles {
  (files: string[]): Promise<void>;
  /** Why some of the files must not be sent to this trash (by path), asked before anything is journaled. */
  refusals?: (files: readonly string[]) => Map<string, string>;
}

/** The `trash` package, sending a file only when the trash folder it would use is this user's alone. */
export const trashWithPackage: TrashFiles = Object.assign(async (files: string[]) => {
  const { default: trash } = await import('trash');
  await trash(files, { glob: false });
}, { refusals: trashRefusals });

/** A quarantined file left in the quarantine because its trash folder is not safe, and what to do. */
export interface RefusedFile { original: string; quarantined: string; message: string }

/** Rows whose file was sent (or was being sent) to the trash: `trashing` is journaled first, `trashed` after. */
const EMPTIED = ['trashing', 'trashed'];

/**
 * The quarantine as the journal knows it: the files that dedupe operations moved there and that are still
 * there (state done, not emptied). Emptying sends them to the OS trash, never unlinks them, and marks their
 * rows so an undo of the operation says where they went instead of failing to find them.
 */
export function createQuarantine(database: AppDatabase, dependencies: { clock: () => number; trash: TrashFiles }) {
  const { sqlite } = database;
  const quarantined = `FROM operations o JOIN file_records r ON r.operation_id = o.id JOIN file_states s ON s.id = r.id
    WHERE o.kind = 'dedupe' AND r.action = 'move' AND s.state = 'done' AND coalesce(s.reason, '') <> 'trashed'
      AND o.user_id = ? AND (? IS NULL OR o.id = ?)`;
  const listed = sqlite.prepare(`SELECT r.id, r.operation_id AS operationId, r.source, r.destination, r.kept_path AS keptPath, r.size,
      coalesce(o.finished_at, o.started_at, o.created_at) AS at, s.reason, o.status,
      coalesce(r.destination_dev, r.dev) AS dev, coalesce(r.destination_ino, r.ino) AS ino
    ${quarantined}
    ORDER BY r.id`);
  const listedPage = sqlite.prepare(`SELECT r.operation_id AS operationId, r.source, r.destination, r.kept_path AS keptPath, r.size,
      coalesce(o.finished_at, o.started_at, o.created_at) AS at
    ${quarantined} ORDER BY r.id LIMIT ? OFFSET ?`);
  const listedCount = sqlite.prepare(`SELECT count(*) ${quarantined}`).pluck();
  const bySource = sqlite.prepare(`SELECT r.id, r.source ${quarantined} AND r.source IN (SELECT value FROM json_each(?))`);
  const mark = sqlite.prepare('UPDATE file_states SET reason = ?, error = ? WHERE id = ?');
  const operationExists = sqlite.prepare("SELECT 1 FROM operations WHERE id = ? AND kind = 'dedupe' AND user_id = ?").pluck();

  type Row = { id: number; operationId: string; source: string; destination: string; keptPath: string | null; size: number; at: number; reason: string | null; status: string; dev: string; ino: string };
  /** An operation a run is working on (a restore of some of its files, its undo): its files are not to be trashed meanwhile. */
  const busy = (row: Row): boolean => ['running', 'rolling_back', 'planned'].includes(row.status);

  /**
   * Where a quarantined file stands now: still the file the operation put there (same device and inode, every
   * folder from the quarantine's own folder down a real folder), gone, or something else that must not be sent
   * to the trash in its place (a symlinked folder on the way, another file under its name).
   */
  const standing = (row: Row): 'ours' | 'gone' | 'not-ours' => {
    const top = operationFolderOf(row.destination, row.operationId);
    if (!top) return 'not-ours';
    try {
      if (!ensureRealFolder([path.dirname(path.dirname(top))], path.dirname(row.destination), false)) return 'gone';
    } catch {
      return 'not-ours';
    }
    const stats = fs.lstatSync(row.destination, { bigint: true, throwIfNoEntry: false });
    if (!stats) return 'gone';
    return stats.isFile() && String(stats.dev) === row.dev && String(stats.ino) === row.ino ? 'ours' : 'not-ours';
  };
  const rows = (operationId: string | null, owner: string): Row[] => listed.all(owner, operationId, operationId) as Row[];

  return {
    /** The owner's quarantined files (of one of their operations, or all): another user's are never listed. */
    list(operationId: string | null = null, owner: string = LOCAL_USER_ID): QuarantinedFile[] {
      if (operationId !== null && !operationExists.get(operationId, owner)) throw new FileOrganizerError('E_UNKNOWN_OPERATION', `no duplicate resolution has the id ${operationId}; see fileorg quarantine list`);
      return rows(operationId, owner).map(quarantinedFileOf);
    },

    /** A page of the owner's quarantined files (of one of their operations, or all), oldest first, and how many there are. */
    page(operationId: string | null, owner: string, offset: number, limit: number): { items: QuarantinedFile[]; total: number } {
      if (operationId !== null && !operationExists.get(operationId, owner)) throw new FileOrganizerError('E_UNKNOWN_OPERATION', `no duplicate resolution has the id ${operationId}; see fileorg quarantine list`);
      const rows = listedPage.all(owner, operationId, operationId, limit, offset) as Array<Omit<Row, 'id' | 'reason' | 'dev' | 'ino'>>;
      return {
        items: rows.map(quarantinedFileOf),
        total: listedCount.get(owner, operationId, operationId) as number,
      };
    },

    /** The journal rows of an operation's files still in the quarantine, by their original paths (those that are). */
    rowsByOriginal(operationId: string, owner: string, originals: readonly string[]): Map<string, number> {
      const rows = bySource.all(owner, operationId, operationId, JSON.stringify(originals)) as Array<{ id: number; source: string }>;
      return new Map(rows.map((row) => [row.source, row.id]));
    },

    /**
     * Send the quarantined files (of one operation, or all; of an operation, only those whose original paths are
     * given, when given) to the OS trash. A path given that is not in the operation's quarantine counts as missing.
     */
    async empty(operationId: string | null = null, owner: string = LOCAL_USER_ID, originals?: readonly string[]): Promise<{ type: 'result'; trashed: number; trashed_bytes: number; missing: number; left: number; refused: RefusedFile[] }> {
      if (operationId !== null && !operationExists.get(operationId, owner)) throw new FileOrganizerError('E_UNKNOWN_OPERATION', `no duplicate resolution has the id ${operationId}; see fileorg quarantine list`);
      if (originals !== undefined && operationId === null) throw new FileOrganizerError('E_USAGE', 'name the operation whose quarantined files to empty (operation_id) along with their paths');
      const chosen = originals === undefined ? undefined : new Set(originals);
      const found = rows(operationId, owner).filter((row) => chosen === undefined || chosen.has(row.source));
      const unknown = chosen === undefined ? 0 : chosen.size - new Set(found.map((row) => row.source)).size;
      // A restore or undo moving these files back right now would race the trash: wait for it to end.
      if (operationId !== null && found.some(busy)) {
        throw new FileOrganizerError('E_BUSY', `operation ${operationId} is putting files back right now; empty its quarantine once that ends`);
      }
      // A file that is not the one quarantined (or is reached through a symlink) stays listed, untouched; so do
      // the files of an operation being restored (emptying all leaves them for later).
      const standings = found.filter((row) => !busy(row)).map((row) => ({ row, standing: standing(row) }));
      // A file whose trash folder another user could read or swap stays in the quarantine too, reported.
      const refusals = dependencies.trash.refusals?.(standings.filter(({ standing }) => standing === 'ours').map(({ row }) => row.destination)) ?? new Map<string, string>();
      const sendable = standings.filter(({ row, standing }) => standing !== 'not-ours' && !refusals.has(row.destination));
      const all = sendable.map(({ row }) => row);
      const present = sendable.filter(({ standing }) => standing === 'ours').map(({ row }) => row);
      const when = new Date(dependencies.clock()).toISOString();
      // Journaled before the files go: a crash in between leaves rows that a second `empty` settles.
      sqlite.transaction(() => { for (const row of all) mark.run('trashing', `being sent to the trash (${when})`, row.id); })();
      for (let start = 0; start < present.length; start += 500) await dependencies.trash(present.slice(start, start + 500).map((row) => row.destination));
      sqlite.transaction(() => {
        for (const row of all) mark.run('trashed', `sent to the trash when the quarantine was emptied (${when})`, row.id);
      })();
      for (const folder of new Set(all.map((row) => operationFolderOf(row.destination, row.operationId)))) if (folder) removeEmptyFolders(folder);
      return {
        type: 'result', trashed: present.length, trashed_bytes: present.reduce((sum, row) => sum + row.size, 0), missing: all.length - present.length + unknown,
        left: found.length - all.length,
        refused: found.flatMap((row) => {
          const message = refusals.get(row.destination);
          return message === undefined ? [] : [{ original: row.source, quarantined: row.destination, message }];
        }),
      };
    },
  };
}
export type Quarantine = ReturnType<typeof createQuarantine>;

/** A quarantine row as the CLI and the API show it. */
function quarantinedFileOf(row: { operationId: string; source: string; destination: string; keptPath: string | null; size: number; at: number }): QuarantinedFile {
  return { operation_id: row.operationId, original: row.source, quarantined: row.destination, kept: row.keptPath, size: row.size, quarantined_at: row.at };
}

/** The operation's own quarantine folder that holds `file` (…/quarantine/<id> or …/.fileorg-quarantine/<id>). */
function operationFolderOf(file: string, operationId: string): string | undefined {
  for (let folder = path.dirname(file); path.dirname(folder) !== folder; folder = path.dirname(folder)) {
    const parent = path.basename(path.dirname(folder));
    if (path.basename(folder) === operationId && (parent === 'quarantine' || parent === QUARANTINE_FOLDER_NAME)) return folder;
  }
  return undefined;
}

/** Remove `top` and the folders below it that are empty (deepest first); anything holding a file stays. */
function removeEmptyFolders(top: string): void {
  const visit = (folder: string): void => {
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(folder, { withFileTypes: true }); } catch { return; }
    for (const entry of entries) if (entry.isDirectory()) visit(path.join(folder, entry.name));
    try { fs.rmdirSync(folder); } catch { /* not empty: something else lives here */ }
  };
  visit(top);
  const parent = path.dirname(top);
  if (path.basename(parent) === QUARANTINE_FOLDER_NAME) { try { fs.rmdirSync(parent); } catch { /* other operations' files */ } }
}
