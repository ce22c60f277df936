import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { describe, expect, it } from 'vitest';
import { databaseFileIn } from '../src-main/core/db/open-database.js';
import { openTestCore, organizeRequest } from './helpers/core.js';
import { snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';

const MIGRATIONS = path.resolve(import.meta.dirname, '..', 'drizzle');

/** A data folder as the first release wrote it: only the first migration applied (state still in file_records). */
function firstReleaseDatabase(dataDir: string): Database.Database {
  const onlyFirst = tempDir('fileorg-migrations-');
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  journal.entries = journal.entries.slice(0, 1);
  fs.mkdirSync(path.join(onlyFirst, 'meta'));
  fs.writeFileSync(path.join(onlyFirst, 'meta', '_journal.json'), JSON.stringify(journal));
  fs.copyFileSync(path.join(MIGRATIONS, `${journal.entries[0]?.tag}.sql`), path.join(onlyFirst, `${journal.entries[0]?.tag}.sql`));
  const sqlite = new Database(databaseFileIn(dataDir));
  migrate(drizzle(sqlite), { migrationsFolder: onlyFirst });
  sqlite.prepare(`INSERT INTO users (id, username, display_name, is_local_profile, created_at) VALUES ('local', 'local', 'Local profile', 1, 1)`).run();
  return sqlite;
}

describe('a data folder from before the journal states had their own table', () => {
  it('keeps every row\'s state and reason, and undoes a run it recorded', async () => {
    const root = tempDir();
    writeTree(root, { 'a/report.pdf': 'report', 'a/notes.txt': 'notes' });
    const before = snapshotTree(root);
    // What that release had done: report.pdf moved to Documents/, notes.txt skipped on a name conflict.
    fs.mkdirSync(path.join(root, 'Documents'));
    fs.renameSync(path.join(root, 'a/report.pdf'), path.join(root, 'Documents/report.pdf'));
    const moved = fs.statSync(path.join(root, 'Documents/report.pdf'));

    const dataDir = tempDir('fileorg-data-');
    const old = firstReleaseDatabase(dataDir);
    const id = 'op-from-first-release';
    old.prepare(`INSERT INTO operations (id, kind, status, request, created_at, plan_recorded_at, started_at, finished_at, files_total, bytes_total,
      files_done, bytes_done, moved, moved_bytes, skipped) VALUES (?, 'organize', 'completed', ?, 1, 1, 1, 2, 1, ?, 1, ?, 1, ?, 1)`)
      .run(id, JSON.stringify(organizeRequest([root])), moved.size, moved.size, moved.size);
    const insertRow = old.prepare(`INSERT INTO file_records (operation_id, action, source, destination, state, reason, error, rule_name,
      category, size, mtime_ms, dev, ino) VALUES (?, 'move', ?, ?, ?, ?, ?, 'Documents', 'Documents', ?, ?, ?, ?)`);
    insertRow.run(id, path.join(root, 'a/report.pdf'), path.join(root, 'Documents/report.pdf'), 'done', null, null,
      moved.size, moved.mtimeMs, String(moved.dev), String(moved.ino));
    insertRow.run(id, path.join(root, 'a/notes.txt'), null, 'skipped', 'conflict', 'Documents/notes.txt already exists', 5, 0, '1', '2');
    old.prepare(`INSERT INTO folder_records (operation_id, path, change) VALUES (?, ?, 'created')`).run(id, path.join(root, 'Documents'));
    old.close();

    const core = openTestCore(dataDir); // this release: migrates the folder as it opens it
    expect(core.operations.show(id).files.map(({ state, reason }) => ({ state, reason })))
      .toEqual([{ state: 'done', reason: null }, { state: 'skipped', reason: 'conflict' }]);
    const undo = await core.operations.undo(id);
    expect(undo).toMatchObject({ status: 'rolled_back', rolled_back: 1, rollback_conflicts: 0 });
    expect(snapshotTree(root)).toEqual(before);
    expect(core.operations.show(id).files.map(({ state }) => state)).toEqual(['rolled_back', 'skipped']);
  });
});
