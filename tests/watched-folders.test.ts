import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeHolder } from '../src-main/core/watch/watcher-lease.js';
import { openTestCore, organizeRequest } from './helpers/core.js';
import { listFiles, tempDir, writeTree } from './helpers/temp-tree.js';

describe('watched folders as data', () => {
  it('adds, lists, changes, pauses and removes a folder, with the defaults organize has', () => {
    const core = openTestCore();
    const downloads = tempDir('downloads-');
    const added = core.watchedFolders.add('local', { path: downloads });
    expect(added).toMatchObject({ path: downloads, preset: 'by-type', ruleSetId: null, destination: null, conflict: 'rename', depth: 0, enabled: true, lastActivityAt: null });
    expect(core.watchedFolders.list('local', 0, 50)).toMatchObject({ total: 1, items: [{ id: added.id }] });
    const changed = core.watchedFolders.update('local', added.id, { depth: 2, conflict: 'skip', enabled: false });
    expect(changed).toMatchObject({ depth: 2, conflict: 'skip', enabled: false, preset: 'by-type' });
    expect(changed.updatedAt).toBeGreaterThan(added.updatedAt - 1);
    expect(core.watchedFolders.find('local', downloads).id).toBe(added.id);
    expect(core.watchedFolders.find('local', added.id.slice(0, 8)).id).toBe(added.id);
    // What the watcher placed there is remembered past the folder's removal: added again, it is not acted on twice.
    core.database.sqlite.prepare("INSERT INTO watch_handled (dev, ino, mtime_ms, size, birthtime_ms, folder_id, path, operation_id, handled_at) VALUES ('1', '2', 3, 4, 0, ?, ?, 'op', 5)")
      .run(added.id, path.join(downloads, 'Images', 'a.jpg'));
    core.watchedFolders.remove('local', added.id);
    expect(core.watchedFolders.list('local', 0, 50).total).toBe(0);
    expect(core.database.sqlite.prepare('SELECT count(*) FROM watch_handled').pluck().get()).toBe(1);
    expect(() => core.watchedFolders.get('local', added.id)).toThrow(/no watched folder/);
  });

  it('refuses what cannot be watched, saying what to do', () => {
    const core = openTestCore();
    const root = tempDir('watch-bad-');
    writeTree(root, { 'file.txt': 'x', 'inner/deeper/a.txt': 'a' });
    expect(() => core.watchedFolders.add('local', { path: path.join(root, 'missing') })).toThrow(/does not exist; give an existing folder/);
    expect(() => core.watchedFolders.add('local', { path: path.join(root, 'file.txt') })).toThrow(/is a file, not a folder/);
    expect(() => core.watchedFolders.add('local', { path: 'relative/folder' })).toThrow(/absolute path/);
    expect(() => core.watchedFolders.add('local', { path: core.dataDir })).toThrow(/data folder/);
    expect(() => core.watchedFolders.add('local', { path: root, depth: 9 })).toThrow(/depth is a whole number from 0/);
    expect(() => core.watchedFolders.add('local', { path: root, ruleSetId: 'nope' })).toThrow(/no rule set/);
    core.watchedFolders.add('local', { path: path.join(root, 'inner') });
    expect(() => core.watchedFolders.add('local', { path: path.join(root, 'inner') })).toThrow(/already watched/);
    expect(() => core.watchedFolders.add('local', { path: root })).toThrow(/holds .*organized twice/);
    expect(() => core.watchedFolders.add('local', { path: path.join(root, 'inner', 'deeper') })).toThrow(/is inside .*organized twice/);
    expect(core.watchedFolders.list('local', 0, 50).total).toBe(1);
    expect(() => core.watchedFolders.add('local', { path: os.homedir() })).toThrow(/is your home folder: watching it would organize every file in it/);
    const homes = tempDir('homes-');
    fs.mkdirSync(path.join(homes, 'me'));
    const realHome = process.env.HOME;
    process.env.HOME = path.join(homes, 'me'); // os.homedir() reads it
    try {
      expect(() => core.watchedFolders.add('local', { path: homes })).toThrow(/holds your home folder: .* such as .*me\/Downloads/);
    } finally {
      process.env.HOME = realHome;
    }
  });

  it('waits without rules when its saved rule set is deleted, rather than fall back to by-type', () => {
    const core = openTestCore();
    const saved = core.ruleSets.create('local', 'pdfs', [{ name: 'pdf', when: { extension: ['pdf'] }, action: { type: 'move', to: 'PDF' } }]);
    const folder = core.watchedFolders.add('local', { path: tempDir('rules-gone-'), ruleSetId: saved.id });
    expect(core.watchedFolders.rulesOf(folder)?.ruleSet.name).toBe('pdfs');
    core.ruleSets.remove('local', saved.id);
    const after = core.watchedFolders.get('local', folder.id);
    expect(after).toMatchObject({ ruleSetId: null, preset: null });
    expect(core.watchedFolders.rulesOf(after)).toBeUndefined();
  });

  it('tells another process of a change through version()', () => {
    const core = openTestCore();
    const other = openTestCore(core.dataDir);
    const before = other.watchedFolders.version();
    const folder = core.watchedFolders.add('local', { path: tempDir('version-') });
    const added = other.watchedFolders.version();
    expect(added).not.toBe(before);
    core.watchedFolders.update('local', folder.id, { enabled: false });
    expect(other.watchedFolders.version()).not.toBe(added);
  });

  it('keeps an account to its allowed folders', async () => {
    const core = openTestCore(undefined, { bcryptCost: 4 });
    const allowed = tempDir('allowed-');
    const outside = tempDir('outside-');
    const account = await core.accounts.create({ email: 'ann@example.com', username: 'ann', full_name: 'Ann', password: 'correct horse battery' });
    core.accounts.allow(account.id, allowed);
    expect(() => core.watchedFolders.add(account.id, { path: outside })).toThrow(/may not use/);
    const folder = core.watchedFolders.add(account.id, { path: allowed });
    expect(() => core.watchedFolders.update(account.id, folder.id, { destination: outside })).toThrow(/may not use/);
    // Another user's folder is unknown, exactly as one that never existed.
    expect(() => core.watchedFolders.get('local', folder.id)).toThrow(/no watched folder/);
  });
});

describe('the watcher lease', () => {
  it('is held by one process at a time, names its holder, and is free once the holder is gone', () => {
    const core = openTestCore();
    const other = openTestCore(core.dataDir);
    expect(core.watcherLease.tryTake('fileorg serve')).toBeUndefined();
    expect(core.watcherLease.tryTake('fileorg serve')).toBeUndefined(); // taking it again is keeping it
    // In one process both cores are this pid: a dead holder is simulated by a row of a pid that has exited.
    core.watcherLease.release();
    expect(other.watcherLease.holder()).toBeUndefined();
    const child = execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).toString();
    core.database.sqlite.prepare("INSERT INTO data_folder_leases VALUES ('watcher', ?, ?, 'fileorg watch', ?, ?)").run(Number(child), os.hostname(), Date.now(), Date.now());
    expect(other.watcherLease.holder()).toBeUndefined();
    expect(other.watcherLease.tryTake('the FileOrganizer app')).toBeUndefined();
    const holder = core.watcherLease.holder();
    expect(holder).toMatchObject({ pid: process.pid, label: 'the FileOrganizer app' });
    expect(describeHolder(holder!)).toMatch(/^the FileOrganizer app \(pid \d+ on this computer, since .+\)$/);
  });

  it('refuses a second process while the first is alive', () => {
    const core = openTestCore();
    const parentPid = process.pid;
    // A live holder of another pid: this test's parent process (vitest's), alive for the whole test.
    core.database.sqlite.prepare("INSERT INTO data_folder_leases VALUES ('watcher', ?, ?, 'fileorg watch', ?, ?)").run(process.ppid, os.hostname(), Date.now(), Date.now());
    expect(core.watcherLease.tryTake('fileorg serve')).toMatchObject({ pid: process.ppid, label: 'fileorg watch' });
    expect(process.pid).toBe(parentPid);
  });
});

describe('a watch batch', () => {
  it('plans only the files it names, is kind watch, undoes like organize, and is not kept when nothing moves', async () => {
    const core = openTestCore();
    const root = tempDir('batch-');
    writeTree(root, { 'a.jpg': 'jpeg', 'b.pdf': 'pdf', 'c.mp3': 'mp3' });
    const named = [path.join(root, 'a.jpg'), path.join(root, 'b.pdf'), path.join(root, 'gone.txt')];
    const result = await core.operations.organize(organizeRequest([root]), { dryRun: false, watch: { files: named } });
    expect(result).toMatchObject({ status: 'completed', moved: 2 });
    expect(listFiles(root)).toEqual(['Documents/b.pdf', 'Images/a.jpg', 'c.mp3']);
    expect(core.operations.get(result.operation_id).kind).toBe('watch');
    expect(core.operations.history(10, 'local', 0, 'watch').map((operation) => operation.id)).toEqual([result.operation_id]);
    await core.operations.undo(result.operation_id);
    expect(listFiles(root)).toEqual(['a.jpg', 'b.pdf', 'c.mp3']);

    // A destination that holds the watched folder (~ for ~/Downloads) takes the batch's files, as organize's would.
    const above = path.dirname(root);
    const intoParent = await core.operations.organize(organizeRequest([root], { destination: above }), { dryRun: false, watch: { files: [path.join(root, 'c.mp3')] } });
    expect(intoParent).toMatchObject({ moved: 1 });
    expect(fs.existsSync(path.join(above, 'Audio', 'c.mp3'))).toBe(true);
    await core.operations.undo(intoParent.operation_id);

    const nothing = await core.operations.organize(organizeRequest([root]), { dryRun: false, watch: { files: [path.join(root, 'missing.txt')] } });
    expect(nothing.discarded).toBe(true);
    expect(() => core.operations.get(nothing.operation_id)).toThrow(/no operation/);
    expect(fs.existsSync(path.join(root, 'missing.txt'))).toBe(false);
  });
});
