import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { journalRows, lastLine, MOVE_PATHS, runJson } from './helpers/cli.js';
import { pauseAt } from './helpers/pause.js';
import { listFiles, snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';

/**
 * Issue 14 §2: a symlink on the destination side is never followed. Every folder the engine creates, enters or
 * writes into below a root must be a real folder at that moment; otherwise the file is left where it is, with
 * the reason `symlink-in-path`. Both the native move (openat, O_NOFOLLOW) and the JavaScript path (lstat) run.
 */



describe.each(MOVE_PATHS)('symlinks on the way are refused, not followed ($path path)', ({ env }) => {
  it('a symlink named like a category folder does not send files outside the tree', async () => {
    const root = tempDir();
    const outside = tempDir('fileorg-outside-');
    const dataDir = tempDir('fileorg-data-');
    writeTree(root, { 'report.pdf': 'numbers', 'notes.txt': 'words', 'photo.png': 'pixels' });
    fs.symlinkSync(outside, path.join(root, 'Documents'));
    const run = await runJson(dataDir, ['organize', root], env);
    expect(run.code, run.stderr).toBe(0);
    expect(lastLine(run.lines)).toMatchObject({ status: 'completed', moved: 1, skipped: 2 });
    expect(listFiles(outside)).toEqual([]);
    expect(listFiles(root)).toEqual(['Documents', 'Images/photo.png', 'notes.txt', 'report.pdf']);
    const rows = await journalRows(dataDir, lastLine(run.lines).operation_id as string);
    for (const name of ['report.pdf', 'notes.txt']) {
      expect(rows.find((row) => row.source === path.join(root, name))).toMatchObject({
        state: 'skipped', reason: 'symlink-in-path', error: expect.stringContaining('is a symlink'),
      });
    }
  });

  it('a destination folder swapped for a symlink in the middle of a run is refused from then on', async () => {
    const root = tempDir();
    const destination = tempDir('fileorg-dest-');
    const outside = tempDir('fileorg-outside-');
    const dataDir = tempDir('fileorg-data-');
    writeTree(root, { 'a.txt': 'one', 'b.txt': 'two' });
    fs.mkdirSync(path.join(destination, 'Documents'));
    const pause = pauseAt('before-move');
    const running = runJson(dataDir, ['organize', root, '--dest', destination], { ...env, ...pause.env });
    await pause.paused();
    fs.rmdirSync(path.join(destination, 'Documents'));
    fs.symlinkSync(outside, path.join(destination, 'Documents'));
    pause.resume();
    const run = await running;
    expect(lastLine(run.lines)).toMatchObject({ status: 'completed', moved: 0, skipped: 2 });
    expect(listFiles(outside)).toEqual([]);
    expect(listFiles(root)).toEqual(['a.txt', 'b.txt']);
  });

  it('undo does not put files back through a folder that became a symlink', async () => {
    const root = tempDir();
    const outside = tempDir('fileorg-outside-');
    const dataDir = tempDir('fileorg-data-');
    writeTree(root, { 'inbox/letter.txt': 'dear reader', 'kept.md': 'stays' });
    const run = await runJson(dataDir, ['organize', root], env);
    expect(lastLine(run.lines)).toMatchObject({ moved: 2 });
    expect(fs.existsSync(path.join(root, 'inbox'))).toBe(false); // emptied, so removed
    fs.symlinkSync(outside, path.join(root, 'inbox'));
    const undo = await runJson(dataDir, ['undo', lastLine(run.lines).operation_id as string], env);
    expect(undo.code).toBe(1);
    expect(lastLine(undo.lines)).toMatchObject({ status: 'partially_rolled_back', rolled_back: 1, rollback_conflicts: 1 });
    expect(listFiles(outside)).toEqual([]);
    expect(listFiles(root)).toEqual(['Documents/letter.txt', 'inbox', 'kept.md']);
    const rows = await journalRows(dataDir, lastLine(run.lines).operation_id as string);
    expect(rows.find((row) => row.source === path.join(root, 'inbox/letter.txt'))).toMatchObject({ state: 'rollback_conflict', reason: 'symlink-in-path' });
  });

  it('the quarantine is not followed when it was replaced by a symlink', async () => {
    const root = tempDir();
    const outside = tempDir('fileorg-outside-');
    const dataDir = tempDir('fileorg-data-');
    writeTree(root, { 'a.bin': 'twin', 'b.bin': 'twin' });
    fs.mkdirSync(dataDir, { recursive: true });
    fs.symlinkSync(outside, path.join(dataDir, 'quarantine'));
    const before = snapshotTree(root);
    const run = await runJson(dataDir, ['dupes', root, '--quarantine'], env);
    expect(lastLine(run.lines)).toMatchObject({ quarantined: 0, skipped: 1 });
    expect(snapshotTree(root)).toEqual(before);
    expect(listFiles(outside)).toEqual([]);
  });
});

describe('the quarantine and hard links are not reached through symlinks', () => {
  it('quarantine empty leaves a file reached through a symlink where it is: it is not the file quarantined', async () => {
    const root = tempDir('fileorg-shm-', '/dev/shm'); // another device than the data folder: quarantined beside the files
    const secret = tempDir('fileorg-secret-', '/dev/shm');
    const dataDir = tempDir('fileorg-data-');
    writeTree(root, { 'a.txt': 'twin', 'b.txt': 'twin' });
    writeTree(secret, { 'b.txt': 'private words' });
    fs.utimesSync(path.join(root, 'a.txt'), 1_600_000_000, 1_600_000_000); // the oldest: kept
    const run = await runJson(dataDir, ['dupes', root, '--quarantine']);
    const operationId = lastLine(run.lines).operation_id as string;
    expect(listFiles(root)).toEqual(['.fileorg-quarantine/' + operationId + '/b.txt', 'a.txt']);
    // Someone who may write to the folder moves the quarantine aside and points its name at another folder.
    fs.renameSync(path.join(root, '.fileorg-quarantine'), path.join(root, '.aside'));
    fs.mkdirSync(path.join(root, '.fileorg-quarantine'));
    fs.symlinkSync(secret, path.join(root, '.fileorg-quarantine', operationId));
    const emptied = await runJson(dataDir, ['quarantine', 'empty']);
    expect(lastLine(emptied.lines)).toMatchObject({ trashed: 0, left: 1 });
    expect(fs.readFileSync(path.join(secret, 'b.txt'), 'utf8')).toBe('private words');
    expect(fs.readFileSync(path.join(root, '.aside', operationId, 'b.txt'), 'utf8')).toBe('twin');
    expect(fs.existsSync(path.join(dataDir, 'xdg', 'Trash'))).toBe(false);
  });

  it('undo of a quarantine whose folder became a symlink leaves the file, saying why', async () => {
    const root = tempDir();
    const outside = tempDir('fileorg-outside-');
    const dataDir = tempDir('fileorg-data-');
    writeTree(root, { 'a.txt': 'twin', 'b.txt': 'twin' });
    fs.utimesSync(path.join(root, 'a.txt'), 1_600_000_000, 1_600_000_000);
    const run = await runJson(dataDir, ['dupes', root, '--quarantine']);
    const operationId = lastLine(run.lines).operation_id as string;
    const held = path.join(dataDir, 'quarantine', operationId);
    fs.renameSync(held, path.join(outside, 'held'));
    fs.symlinkSync(path.join(outside, 'held'), held);
    const undo = await runJson(dataDir, ['undo', operationId]);
    expect(lastLine(undo.lines)).toMatchObject({ rolled_back: 0, rollback_conflicts: 1 });
    expect(listFiles(root)).toEqual(['a.txt']);
    const rows = await journalRows(dataDir, operationId);
    expect(rows[0]).toMatchObject({ state: 'rollback_conflict', reason: 'symlink-in-path' });
  });

  it.each([
    { path: 'native', env: {} },
    { path: 'JavaScript', env: { FILEORG_NATIVE: 'off' } },
  ])('a hard link is not made through a folder swapped for a symlink just before linking ($path)', async ({ env }) => {
    const root = tempDir();
    const outside = tempDir('fileorg-outside-');
    const dataDir = tempDir('fileorg-data-');
    writeTree(root, { 'a.txt': 'twin', 'sub/b.txt': 'twin' });
    fs.utimesSync(path.join(root, 'a.txt'), 1_600_000_000, 1_600_000_000);
    const pause = pauseAt('before-link');
    const running = runJson(dataDir, ['dupes', root, '--hardlink'], { ...env, ...pause.env });
    expect(await pause.paused()).toBe(path.join(root, 'sub/b.txt'));
    fs.renameSync(path.join(root, 'sub'), path.join(outside, 'sub'));
    fs.symlinkSync(path.join(outside, 'sub'), path.join(root, 'sub'));
    pause.resume();
    const run = await running;
    expect(lastLine(run.lines)).toMatchObject({ linked: 0, skipped: 1 });
    expect(fs.statSync(path.join(outside, 'sub/b.txt')).nlink).toBe(1);
    expect(fs.statSync(path.join(root, 'a.txt')).nlink).toBe(1);
  });
});
