import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { journalRows, lastLine, MOVE_PATHS, runJson } from './helpers/cli.js';
import { openTestCore } from './helpers/core.js';
import { pauseAt } from './helpers/pause.js';
import { listFiles, snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';

/**
 * Issue 14 §1: a file changed while the engine acts on it is never lost. Each race is made to happen with the
 * engine's test-only pause hook: the engine stops at the named step, the test changes the file, the engine goes on.
 * /dev/shm (a tmpfs) is the second device.
 */
const sha = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const age = (file: string, seconds: number): void => fs.utimesSync(file, seconds, seconds);
const OTHER_DEVICE = '/dev/shm';



/** Edit a file in place keeping its size and mtime: only its ctime tells. */
function editQuietly(file: string, content: string): void {
  const { size, atime, mtime } = fs.statSync(file);
  expect(Buffer.byteLength(content)).toBe(size);
  fs.writeFileSync(file, content);
  fs.utimesSync(file, atime, mtime);
}

describe.each(MOVE_PATHS)('the last moment before a cross-device source is unlinked ($path path)', ({ env }) => {
  it('a move whose source grew during the copy keeps the source and discards the copy (changed-during-move)', async () => {
    const root = tempDir();
    const destination = tempDir('fileorg-dest-', OTHER_DEVICE);
    const dataDir = tempDir('fileorg-data-');
    writeTree(root, { 'report.pdf': 'page '.repeat(100_000), 'notes.txt': 'kept apart' });
    const pause = pauseAt('before-unlink');
    const running = runJson(dataDir, ['organize', root, '--dest', destination], { ...env, ...pause.env });
    const file = await pause.paused();
    fs.appendFileSync(file, 'a line appended while it was copied\n');
    const grown = sha(file);
    pause.resume();
    const run = await running;

    expect(run.code, run.stderr).toBe(0);
    const result = lastLine(run.lines);
    expect(result).toMatchObject({ type: 'result', status: 'completed', moved: 1, skipped: 1 });
    expect(sha(file)).toBe(grown); // the appended line is still there, in the source
    const other = path.basename(file) === 'report.pdf' ? 'notes.txt' : 'report.pdf'; // two threads: either may pause first
    expect(listFiles(destination)).toEqual([path.join('Documents', other)]);
    const rows = await journalRows(dataDir, result.operation_id as string);
    expect(rows.find((row) => row.source === file)).toMatchObject({ state: 'skipped', reason: 'changed-during-move', error: expect.stringContaining('changed while it was being moved') });
    expect(fs.readdirSync(path.join(destination, 'Documents')).filter((name) => name.startsWith('.fileorg-'))).toEqual([]);
  });

  it('a copy action whose source changed after it was copied discards the copy', async () => {
    const root = tempDir();
    const destination = tempDir('fileorg-dest-', OTHER_DEVICE);
    const dataDir = tempDir('fileorg-data-');
    writeTree(root, { 'photo.png': 'pixels '.repeat(10_000) });
    const rules = path.join(dataDir, 'rules.json');
    fs.writeFileSync(rules, JSON.stringify({ rules: [{ name: 'backup', action: { type: 'copy', to: 'Backup/{name}' } }] }));
    const pause = pauseAt('after-copy');
    const running = runJson(dataDir, ['organize', root, '--dest', destination, '--rules', rules], { ...env, ...pause.env });
    const file = await pause.paused();
    editQuietly(file, 'PIXELS '.repeat(10_000));
    const edited = sha(file);
    pause.resume();
    const run = await running;

    expect(lastLine(run.lines)).toMatchObject({ status: 'completed', moved: 0, skipped: 1 });
    expect(sha(file)).toBe(edited);
    expect(listFiles(destination)).toEqual([]);
    const rows = await journalRows(dataDir, lastLine(run.lines).operation_id as string);
    expect(rows[0]).toMatchObject({ state: 'skipped', reason: 'changed-during-move' });
  });

  it('undo across devices leaves a file that changed while it was copied back where it is, and says so', async () => {
    const root = tempDir();
    const destination = tempDir('fileorg-dest-', OTHER_DEVICE);
    const dataDir = tempDir('fileorg-data-');
    writeTree(root, { 'song.mp3': 'la '.repeat(50_000) });
    const run = await runJson(dataDir, ['organize', root, '--dest', destination], env);
    expect(lastLine(run.lines)).toMatchObject({ status: 'completed', moved: 1 });
    const placed = path.join(destination, 'Audio', 'song.mp3');

    const pause = pauseAt('before-unlink');
    const undoing = runJson(dataDir, ['undo', lastLine(run.lines).operation_id as string], { ...env, ...pause.env });
    expect(await pause.paused()).toBe(placed);
    fs.appendFileSync(placed, 'a verse added during the undo\n');
    const grown = sha(placed);
    pause.resume();
    const undo = await undoing;

    expect(undo.code).toBe(1);
    expect(lastLine(undo.lines)).toMatchObject({ status: 'partially_rolled_back', rolled_back: 0, rollback_conflicts: 1 });
    expect(sha(placed)).toBe(grown);
    expect(listFiles(root)).toEqual([]);
    const rows = await journalRows(dataDir, lastLine(run.lines).operation_id as string);
    expect(rows[0]).toMatchObject({ state: 'rollback_conflict', reason: 'changed-since-organize', error: expect.stringContaining('changed while') });
  });
});

describe('duplicates: the kept file is checked at the last moment too', () => {
  const options = { minSize: 0, includeEmpty: false, includeHidden: false, keep: 'oldest' as const, reference: null };

  it('quarantine leaves a group alone when its kept file was deleted after hashing: the last copy stays', async () => {
    const root = tempDir();
    writeTree(root, { 'kept.txt': 'the only words', 'copy.txt': 'the only words' });
    age(path.join(root, 'kept.txt'), 1_600_000_000);
    age(path.join(root, 'copy.txt'), 1_700_000_000);
    const core = openTestCore();
    const result = await core.duplicates.resolve([root], { ...options, resolution: 'quarantine' }, {
      beforeActing: () => fs.rmSync(path.join(root, 'kept.txt')),
    });
    expect(result).toMatchObject({ quarantined: 0, skipped: 1 });
    expect(fs.readFileSync(path.join(root, 'copy.txt'), 'utf8')).toBe('the only words');
    const rows = core.operations.show(result.operation_id).files;
    expect(rows[0]).toMatchObject({ state: 'skipped', reason: 'kept-file-changed', error: expect.stringContaining('is gone') });
  });

  it('quarantine leaves a group alone when its kept file was edited with its size and mtime put back', async () => {
    const root = tempDir();
    writeTree(root, { 'kept.txt': 'same words', 'a/copy.txt': 'same words', 'b/copy.txt': 'same words' });
    age(path.join(root, 'kept.txt'), 1_600_000_000);
    const core = openTestCore();
    const result = await core.duplicates.resolve([root], { ...options, resolution: 'quarantine' }, {
      beforeActing: () => editQuietly(path.join(root, 'kept.txt'), 'SAME WORDS'),
    });
    expect(result).toMatchObject({ quarantined: 0, skipped: 2 });
    expect(listFiles(root)).toEqual(['a/copy.txt', 'b/copy.txt', 'kept.txt']);
    expect(fs.readFileSync(path.join(root, 'a/copy.txt'), 'utf8')).toBe('same words');
  });

  it.each([
    { path: 'native', env: {} },
    { path: 'JavaScript', env: { FILEORG_NATIVE: 'off' } },
  ])('a hard link is never made onto a kept file edited just before linking ($path)', async ({ env }) => {
    const root = tempDir();
    const dataDir = tempDir('fileorg-data-');
    writeTree(root, { 'kept.bin': 'original content', 'copy.bin': 'original content' });
    age(path.join(root, 'kept.bin'), 1_600_000_000);
    age(path.join(root, 'copy.bin'), 1_700_000_000);
    const pause = pauseAt('before-link');
    const running = runJson(dataDir, ['dupes', root, '--hardlink'], { ...env, ...pause.env });
    expect(await pause.paused()).toBe(path.join(root, 'copy.bin'));
    editQuietly(path.join(root, 'kept.bin'), 'EDITED!! content');
    pause.resume();
    const run = await running;
    expect(lastLine(run.lines)).toMatchObject({ status: 'completed', linked: 0, skipped: 1 });
    expect(fs.readFileSync(path.join(root, 'copy.bin'), 'utf8')).toBe('original content'); // the original still exists
    expect(fs.statSync(path.join(root, 'copy.bin')).ino).not.toBe(fs.statSync(path.join(root, 'kept.bin')).ino);
    const rows = await journalRows(dataDir, lastLine(run.lines).operation_id as string);
    expect(rows[0]).toMatchObject({ state: 'skipped', reason: 'kept-file-changed' });
  });

  it('a group of three is linked whole: the kept file\'s ctime moved by our own links is proven by its content', async () => {
    const root = tempDir();
    writeTree(root, { 'kept.bin': 'three of a kind', 'a.bin': 'three of a kind', 'b.bin': 'three of a kind', 'c.bin': 'three of a kind' });
    age(path.join(root, 'kept.bin'), 1_600_000_000);
    const core = openTestCore();
    const result = await core.duplicates.resolve([root], { ...options, resolution: 'hardlink' });
    expect(result).toMatchObject({ linked: 3, skipped: 0 });
    expect(fs.statSync(path.join(root, 'kept.bin')).nlink).toBe(4);
  });

  it('undo of a hard link refuses, in words, to hand back content edited since (size and mtime put back)', async () => {
    const root = tempDir();
    const dataDir = tempDir('fileorg-data-');
    writeTree(root, { 'kept.bin': 'the original', 'copy.bin': 'the original' });
    age(path.join(root, 'kept.bin'), 1_600_000_000);
    age(path.join(root, 'copy.bin'), 1_700_000_000);
    const run = await runJson(dataDir, ['dupes', root, '--hardlink']);
    expect(lastLine(run.lines)).toMatchObject({ linked: 1 });
    editQuietly(path.join(root, 'copy.bin'), 'THE ORIGINAL'); // through either name: one file now
    const undo = await runJson(dataDir, ['undo', lastLine(run.lines).operation_id as string]);
    expect(undo.code).toBe(1);
    expect(lastLine(undo.lines)).toMatchObject({ rolled_back: 0, rollback_conflicts: 1 });
    const rows = await journalRows(dataDir, lastLine(run.lines).operation_id as string);
    expect(rows[0]).toMatchObject({ state: 'rollback_conflict', reason: 'content-changed', error: expect.stringContaining('no longer holds the content') });
    expect(fs.readdirSync(root).filter((name) => name.startsWith('.fileorg-'))).toEqual([]);
  });
});

describe('undo after a later cross-device run was undone', () => {
  it('a file whose inode changed only through the engine\'s own journaled copy is put back (content compared)', async () => {
    const root = tempDir();
    const away = tempDir('fileorg-dest-', OTHER_DEVICE);
    const dataDir = tempDir('fileorg-data-');
    writeTree(root, { 'letter.txt': 'dear reader' });
    const before = snapshotTree(root);
    const first = await runJson(dataDir, ['organize', root]); // same device: root/Documents/letter.txt
    expect(lastLine(first.lines)).toMatchObject({ moved: 1 });
    const second = await runJson(dataDir, ['organize', path.join(root, 'Documents'), '--dest', away]); // across devices
    expect(lastLine(second.lines)).toMatchObject({ moved: 1 });
    expect(lastLine((await runJson(dataDir, ['undo', lastLine(second.lines).operation_id as string])).lines)).toMatchObject({ status: 'rolled_back' });
    const undo = await runJson(dataDir, ['undo', lastLine(first.lines).operation_id as string]);
    expect(lastLine(undo.lines)).toMatchObject({ status: 'rolled_back', rolled_back: 1, rollback_conflicts: 0 });
    expect(snapshotTree(root)).toEqual(before);
  });
});

describe('a crash at the last moment', () => {
  it('killed between placing a cross-device copy and the last check, with the source grown: recovery removes the copy, resume skips the file', async () => {
    const root = tempDir();
    const destination = tempDir('fileorg-dest-', OTHER_DEVICE);
    const dataDir = tempDir('fileorg-data-');
    writeTree(root, { 'draft.txt': 'first words ' });
    const pause = pauseAt('before-unlink');
    const running = runJson(dataDir, ['organize', root, '--dest', destination], pause.env);
    const { file, pid } = await pause.pausedIn();
    fs.appendFileSync(file, 'and the words written during the copy');
    const grown = sha(file);
    process.kill(pid, 'SIGKILL');
    expect((await running).signal).toBe('SIGKILL');
    // The crash left the copy in place and under its temp name (the row's own), the grown source beside it.
    const left = listFiles(destination);
    expect(left).toHaveLength(2);
    expect(left).toContain('Documents/draft.txt');
    expect(left.find((name) => name !== 'Documents/draft.txt')).toMatch(/^Documents\/\.fileorg-.*\.tmp$/);

    const history = await runJson(dataDir, ['history']); // any command settles what the crash left
    const operationId = history.lines[0]?.operation_id as string;
    expect(history.lines[0]).toMatchObject({ status: 'interrupted' });
    expect(listFiles(destination)).toEqual([]); // the copy that did not prove to be the file is gone, and its temp name
    expect(sha(file)).toBe(grown);
    const resume = await runJson(dataDir, ['resume', operationId]);
    expect(lastLine(resume.lines)).toMatchObject({ status: 'completed', moved: 0, skipped: 1 });
    expect(sha(file)).toBe(grown);
    expect(listFiles(destination)).toEqual([]);
  });
});

describe('undo of a copy', () => {
  it('keeps the copy when its original is gone: it may be the last one', async () => {
    const root = tempDir();
    const dataDir = tempDir('fileorg-data-');
    writeTree(root, { 'precious.txt': 'one of a kind' });
    const rules = path.join(dataDir, 'rules.json');
    fs.writeFileSync(rules, JSON.stringify({ rules: [{ name: 'backup', action: { type: 'copy', to: 'Backup/{name}' } }] }));
    const run = await runJson(dataDir, ['organize', root, '--rules', rules]);
    expect(lastLine(run.lines)).toMatchObject({ moved: 1 });
    fs.rmSync(path.join(root, 'precious.txt'));
    const undo = await runJson(dataDir, ['undo', lastLine(run.lines).operation_id as string]);
    expect(undo.code).toBe(1);
    expect(lastLine(undo.lines)).toMatchObject({ rolled_back: 0, rollback_conflicts: 1 });
    expect(fs.readFileSync(path.join(root, 'Backup', 'precious.txt'), 'utf8')).toBe('one of a kind');
    const rows = await journalRows(dataDir, lastLine(run.lines).operation_id as string);
    expect(rows[0]).toMatchObject({ state: 'rollback_conflict', reason: 'original-changed', error: expect.stringContaining('the copy was kept') });
  });
});
