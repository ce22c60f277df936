import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { readIdentity } from '../../src-worker/file-identity.js';
import { nativeMovesAvailable } from '../../src-worker/native-moves.js';
import { type ActionRow, createRowContext, executeRow, rollbackRow } from '../../src-worker/row-actions.js';
import { tempDir, writeTree } from './temp-tree.js';

const OPERATION = 'op-rowcases';
const shm = '/dev/shm';
const shmIsAnotherDevice = fs.existsSync(shm) && fs.statSync(shm).dev !== fs.statSync(os.tmpdir()).dev;

/** A journal row for the file at `source` as it is now, planned to go to `destination`. */
function planned(id: number, source: string, destination: string, action: ActionRow['action'] = 'move'): ActionRow {
  const identity = readIdentity(source);
  if (!identity) throw new Error(`no file at ${source}`);
  return { id, action, source, destination, ...identity, destinationDev: null, destinationIno: null, contentHash: null };
}

/** A hard-link row: the duplicate `source` to point at `kept`, both as they are now (as a duplicate search hashed them). */
function plannedLink(id: number, source: string, kept: string): ActionRow {
  const keptStats = fs.lstatSync(kept, { bigint: true });
  const keptIdentity = readIdentity(kept);
  if (!keptIdentity) throw new Error(`no file at ${kept}`);
  return {
    ...planned(id, source, kept, 'hardlink'), destinationDev: keptIdentity.dev, destinationIno: keptIdentity.ino, keptMtimeMs: keptIdentity.mtimeMs,
    ctimeNs: String(fs.lstatSync(source, { bigint: true }).ctimeNs), keptPath: kept, keptDev: keptIdentity.dev, keptIno: keptIdentity.ino,
    keptCtimeNs: String(keptStats.ctimeNs), digest: null,
  };
}

/** The row as the journal holds it after a run that placed it (what execute reported). */
function afterRun(row: ActionRow, outcome: ReturnType<typeof executeRow>): ActionRow {
  if (outcome.state !== 'done') throw new Error(`expected done, got ${outcome.state}`);
  return { ...row, destinationDev: outcome.destinationDev ?? null, destinationIno: outcome.destinationIno ?? null, contentHash: outcome.contentHash ?? null };
}

/**
 * What a single file action does, for every outcome a user can meet. The same cases run once with the native
 * fast path and once with FILEORG_NATIVE=off (each test file is its own process), so both paths must agree.
 */
export function rowActionCases(mode: 'native' | 'js'): void {
  it(`uses the ${mode} path for plain moves`, () => {
    expect(nativeMovesAvailable()).toBe(mode === 'native');
  });

  it('moves a file into a folder that exists and into one it creates: same inode under the new name, nothing at the old one', () => {
    const root = tempDir();
    writeTree(root, { 'in/a.txt': 'alpha', 'in/b.txt': 'beta', 'Documents/': '' });
    const rows = [planned(1, path.join(root, 'in/a.txt'), path.join(root, 'Documents/a.txt')), planned(2, path.join(root, 'in/b.txt'), path.join(root, 'New/b.txt'))];
    for (const row of rows) {
      const outcome = executeRow(row, OPERATION, row.destination as string, createRowContext([root]));
      expect(outcome).toMatchObject({ id: row.id, state: 'done', destinationDev: row.dev, destinationIno: row.ino, contentHash: null });
      expect(fs.existsSync(row.source)).toBe(false);
      expect(readIdentity(row.destination as string)).toEqual({ size: row.size, mtimeMs: row.mtimeMs, dev: row.dev, ino: row.ino });
    }
  });

  it('never replaces a file that took the destination name after planning', () => {
    const root = tempDir();
    writeTree(root, { 'a.txt': 'mine', 'Documents/a.txt': 'someone else' });
    const row = planned(2, path.join(root, 'a.txt'), path.join(root, 'Documents/a.txt'));
    expect(executeRow(row, OPERATION, row.destination as string, createRowContext([root]))).toEqual({ id: 2, state: 'destination-taken' });
    expect(fs.readFileSync(row.source, 'utf8')).toBe('mine');
    expect(fs.readFileSync(row.destination as string, 'utf8')).toBe('someone else');
  });

  it('skips a file that changed after the plan: new size, new time, or another file under the same name', () => {
    const root = tempDir();
    // The destination folder exists, so nothing but the file itself stands in the way.
    writeTree(root, { 'grew.txt': 'one', 'touched.txt': 'two', 'replaced.txt': 'three', 'Documents/': '' });
    const second = new Date(2020, 5, 1, 12, 0, 0); // whole seconds, so a replacement can carry exactly the same time
    fs.utimesSync(path.join(root, 'replaced.txt'), second, second);
    const rows = ['grew', 'touched', 'replaced'].map((name, index) => planned(10 + index, path.join(root, `${name}.txt`), path.join(root, `Documents/${name}.txt`)));
    fs.appendFileSync(path.join(root, 'grew.txt'), ' and more');
    fs.utimesSync(path.join(root, 'touched.txt'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    // Same size and time, another inode: a different file, even if it looks the same.
    const replaced = rows[2] as ActionRow;
    fs.writeFileSync(`${replaced.source}.new`, 'three');
    fs.utimesSync(`${replaced.source}.new`, second, second);
    fs.renameSync(`${replaced.source}.new`, replaced.source);
    expect(readIdentity(replaced.source)).toMatchObject({ size: replaced.size, mtimeMs: replaced.mtimeMs });
    for (const row of rows) {
      expect(executeRow(row, OPERATION, row.destination as string, createRowContext([root]))).toMatchObject({ id: row.id, state: 'skipped', reason: 'changed-since-plan' });
      expect(fs.existsSync(row.source)).toBe(true);
      expect(fs.existsSync(row.destination as string)).toBe(false);
    }
  });

  it('skips a file that is gone, and a name that is now a folder (not a regular file)', () => {
    const root = tempDir();
    writeTree(root, { 'gone.txt': 'x', 'now-a-folder': 'y', 'Documents/': '', 'Other/': '' });
    const gone = planned(20, path.join(root, 'gone.txt'), path.join(root, 'Documents/gone.txt'));
    const folder = planned(21, path.join(root, 'now-a-folder'), path.join(root, 'Other/now-a-folder'));
    fs.unlinkSync(gone.source);
    fs.unlinkSync(folder.source);
    fs.mkdirSync(folder.source);
    expect(executeRow(gone, OPERATION, gone.destination as string, createRowContext([root]))).toMatchObject({ state: 'skipped', reason: 'source-missing' });
    expect(executeRow(folder, OPERATION, folder.destination as string, createRowContext([root]))).toMatchObject({ state: 'skipped', reason: 'not-a-regular-file' });
    expect(fs.statSync(folder.source).isDirectory()).toBe(true);
  });

  it('copies, keeping the original', () => {
    const root = tempDir();
    writeTree(root, { 'a.txt': 'kept' });
    const row = planned(30, path.join(root, 'a.txt'), path.join(root, 'Copies/a.txt'), 'copy');
    expect(executeRow(row, OPERATION, row.destination as string, createRowContext([root]))).toMatchObject({ state: 'done' });
    expect(fs.readFileSync(row.source, 'utf8')).toBe('kept');
    expect(fs.readFileSync(row.destination as string, 'utf8')).toBe('kept');
    expect(readIdentity(row.destination as string)?.ino).not.toBe(row.ino);
  });

  it.skipIf(!shmIsAnotherDevice)('(needs /dev/shm on its own device) moves across devices by a verified copy, then undoes it', () => {
    const source = tempDir('fileorg-shm-', shm);
    const target = tempDir();
    writeTree(source, { 'far.txt': 'across' });
    const row = planned(40, path.join(source, 'far.txt'), path.join(target, 'Documents/far.txt'));
    const outcome = executeRow(row, OPERATION, row.destination as string, createRowContext([source, target]));
    expect(outcome).toMatchObject({ state: 'done', contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(fs.existsSync(row.source)).toBe(false);
    expect(fs.readFileSync(row.destination as string, 'utf8')).toBe('across');
    expect(rollbackRow(afterRun(row, outcome), OPERATION, createRowContext([source, target]))).toEqual({ id: 40, state: 'rolled_back' });
    expect(fs.readFileSync(row.source, 'utf8')).toBe('across');
    expect(fs.readdirSync(path.join(target, 'Documents'))).toEqual([]);
  });

  it('puts a moved file back, recreating its old folder', () => {
    const root = tempDir();
    writeTree(root, { 'old/place/a.txt': 'back again' });
    const row = planned(50, path.join(root, 'old/place/a.txt'), path.join(root, 'Documents/a.txt'));
    const moved = afterRun(row, executeRow(row, OPERATION, row.destination as string, createRowContext([root])));
    fs.rmSync(path.join(root, 'old'), { recursive: true });
    expect(rollbackRow(moved, OPERATION, createRowContext([root]))).toEqual({ id: 50, state: 'rolled_back' });
    expect(readIdentity(row.source)).toEqual({ size: row.size, mtimeMs: row.mtimeMs, dev: row.dev, ino: row.ino });
    expect(fs.existsSync(row.destination as string)).toBe(false);
  });

  it('leaves a moved file where it is when its old place is taken, changed, or when it is gone', () => {
    const root = tempDir();
    writeTree(root, { 'taken.txt': 'a', 'edited.txt': 'b', 'gone.txt': 'c' });
    const rows = ['taken', 'edited', 'gone'].map((name, index) => {
      const row = planned(60 + index, path.join(root, `${name}.txt`), path.join(root, `Documents/${name}.txt`));
      return afterRun(row, executeRow(row, OPERATION, row.destination as string, createRowContext([root])));
    });
    const [taken, edited, gone] = rows as [ActionRow, ActionRow, ActionRow];
    writeTree(root, { 'taken.txt': 'a newcomer' });
    fs.appendFileSync(edited.destination as string, ' edited after organizing');
    fs.unlinkSync(gone.destination as string);
    const devices = createRowContext([root]);
    expect(rollbackRow(taken, OPERATION, devices)).toMatchObject({ state: 'rollback_conflict', reason: 'original-place-taken' });
    expect(rollbackRow(edited, OPERATION, devices)).toMatchObject({ state: 'rollback_conflict', reason: 'changed-since-organize' });
    expect(rollbackRow(gone, OPERATION, devices)).toMatchObject({ state: 'rollback_conflict', reason: 'missing' });
    expect(fs.readFileSync(taken.source, 'utf8')).toBe('a newcomer');
    expect(fs.readFileSync(taken.destination as string, 'utf8')).toBe('a');
    expect(fs.existsSync(edited.source)).toBe(false);
  });

  it('links a duplicate to its kept file, and undo gives the name a file of its own again, with its own times', () => {
    const root = tempDir();
    writeTree(root, { 'keep.txt': 'same words', 'sub/copy.txt': 'same words' });
    fs.utimesSync(path.join(root, 'sub/copy.txt'), 1_650_000_000, 1_650_000_000);
    const row = plannedLink(70, path.join(root, 'sub/copy.txt'), path.join(root, 'keep.txt'));
    const outcome = executeRow(row, OPERATION, row.destination as string, createRowContext([root]));
    expect(outcome).toMatchObject({ id: 70, state: 'done', attributes: { mode: expect.any(Number), atimeMs: 1_650_000_000_000 } });
    expect(readIdentity(row.source)?.ino).toBe(row.destinationIno);
    expect(fs.readdirSync(path.join(root, 'sub'))).toEqual(['copy.txt']); // no temp name left

    const linked = { ...row, ...(outcome.state === 'done' ? outcome.attributes : {}) };
    expect(rollbackRow(linked, OPERATION, createRowContext([root]))).toEqual({ id: 70, state: 'rolled_back' });
    expect(readIdentity(row.source)).toMatchObject({ size: row.size, mtimeMs: row.mtimeMs });
    expect(readIdentity(row.source)?.ino).not.toBe(row.destinationIno);
    expect(fs.readFileSync(row.source, 'utf8')).toBe('same words');
    expect(fs.lstatSync(path.join(root, 'keep.txt')).nlink).toBe(1);
    expect(fs.readdirSync(path.join(root, 'sub'))).toEqual(['copy.txt']);
  });

  it('does not link over a duplicate edited quietly since it was hashed, nor onto a kept file replaced since', () => {
    const root = tempDir();
    writeTree(root, { 'keep.txt': 'same words', 'edited.txt': 'same words', 'other-keep.txt': 'more words', 'copy.txt': 'more words' });
    const edited = plannedLink(80, path.join(root, 'edited.txt'), path.join(root, 'keep.txt'));
    const onReplaced = plannedLink(81, path.join(root, 'copy.txt'), path.join(root, 'other-keep.txt'));
    const { atime, mtime } = fs.statSync(edited.source);
    fs.writeFileSync(edited.source, 'SAME WORDS'); // same size, its mtime put back: only its ctime tells
    fs.utimesSync(edited.source, atime, mtime);
    fs.writeFileSync(`${onReplaced.destination}.new`, 'more words');
    fs.renameSync(`${onReplaced.destination}.new`, onReplaced.destination as string);
    expect(executeRow(edited, OPERATION, edited.destination as string, createRowContext([root]))).toMatchObject({ state: 'skipped', reason: 'changed-since-plan' });
    expect(executeRow(onReplaced, OPERATION, onReplaced.destination as string, createRowContext([root]))).toMatchObject({ state: 'skipped', reason: 'kept-file-changed' });
    expect(fs.readFileSync(edited.source, 'utf8')).toBe('SAME WORDS');
    expect(readIdentity(onReplaced.source)?.ino).toBe(onReplaced.ino);
    expect(fs.readdirSync(root).sort()).toEqual(['copy.txt', 'edited.txt', 'keep.txt', 'other-keep.txt']);
  });

  it('a duplicate whose folder is a symlink, at the link or at undo: skipped or a rollback conflict, symlink-in-path; nothing reaches the folder it points to', () => {
    const root = tempDir();
    const outside = tempDir('fileorg-outside-');
    writeTree(root, { 'keep.txt': 'same words', 'sub/copy.txt': 'same words', 'box/copy.txt': 'same words' });
    writeTree(outside, { 'copy.txt': 'not in the tree' });
    const outsideBefore = fs.lstatSync(path.join(outside, 'copy.txt'));
    const swap = (folder: string): void => {
      fs.renameSync(folder, `${folder}.aside`);
      fs.symlinkSync(outside, folder);
    };
    const refused = plannedLink(90, path.join(root, 'sub/copy.txt'), path.join(root, 'keep.txt'));
    swap(path.join(root, 'sub'));
    expect(executeRow(refused, OPERATION, refused.destination as string, createRowContext([root]))).toMatchObject({
      state: 'skipped', reason: 'symlink-in-path', error: expect.stringContaining(`${path.join(root, 'sub')} is a symlink`),
    });

    const row = plannedLink(91, path.join(root, 'box/copy.txt'), path.join(root, 'keep.txt'));
    const outcome = executeRow(row, OPERATION, row.destination as string, createRowContext([root]));
    expect(outcome).toMatchObject({ state: 'done' });
    swap(path.join(root, 'box'));
    expect(rollbackRow({ ...row, ...(outcome.state === 'done' ? outcome.attributes : {}) }, OPERATION, createRowContext([root])))
      .toMatchObject({ state: 'rollback_conflict', reason: 'symlink-in-path' });
    expect(fs.readdirSync(outside)).toEqual(['copy.txt']);
    expect(fs.lstatSync(path.join(outside, 'copy.txt'))).toMatchObject({ ino: outsideBefore.ino, nlink: 1 });
    expect(fs.readFileSync(path.join(root, 'sub.aside/copy.txt'), 'utf8')).toBe('same words');
    expect(readIdentity(path.join(root, 'box.aside/copy.txt'))?.ino).toBe(row.destinationIno); // still the link: nothing lost
  });
}
