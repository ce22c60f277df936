import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTestCore, organizeRequest } from './helpers/core.js';
import { listFiles, snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';

describe('undo', () => {
  it('restores the tree exactly, recreating emptied folders and removing created ones, after a restart', async () => {
    const root = tempDir();
    writeTree(root, { 'a.jpg': 'a', 'deep/er/b.pdf': 'b', 'deep/c.mp3': 'c', 'keep/d.txt': 'd', 'keep/e/': '', 'Images/old.jpg': 'old' });
    const before = snapshotTree(root);
    const dataDir = tempDir('fileorg-data-');
    const first = openTestCore(dataDir);
    const result = await first.operations.organize(organizeRequest([root]), { dryRun: false });
    expect(fs.existsSync(path.join(root, 'deep'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'keep/e'))).toBe(true); // it was empty before: not ours to remove
    await first.close();

    const later = openTestCore(dataDir); // a new process, days later
    const undo = await later.operations.undo(result.operation_id.slice(0, 10));
    expect(undo).toMatchObject({ status: 'rolled_back', rolled_back: 4, rollback_conflicts: 0 });
    expect(snapshotTree(root)).toEqual(before);
    expect(later.operations.history()[0]).toMatchObject({ id: result.operation_id, status: 'rolled_back' });
    await expect(later.operations.undo(result.operation_id)).rejects.toMatchObject({ code: 'E_INVALID_STATE' });
  });

  it('leaves a changed file and a taken place alone, rolls back the rest, and finishes when run again', async () => {
    const root = tempDir();
    writeTree(root, { 'a.jpg': 'a', 'b.jpg': 'b', 'c.jpg': 'c' });
    const before = snapshotTree(root);
    const core = openTestCore();
    const result = await core.operations.organize(organizeRequest([root]), { dryRun: false });
    fs.appendFileSync(path.join(root, 'Images/a.jpg'), ' edited after organizing');
    writeTree(root, { 'b.jpg': 'a new file where b was' });

    const undo = await core.operations.undo(result.operation_id);
    expect(undo).toMatchObject({ status: 'partially_rolled_back', rolled_back: 1, rollback_conflicts: 2 });
    const files = core.operations.show(result.operation_id).files;
    expect(files.find((row) => row.source.endsWith('a.jpg'))).toMatchObject({ state: 'rollback_conflict', reason: 'changed-since-organize' });
    expect(files.find((row) => row.source.endsWith('b.jpg'))).toMatchObject({ state: 'rollback_conflict', reason: 'original-place-taken' });
    expect(fs.readFileSync(path.join(root, 'b.jpg'), 'utf8')).toBe('a new file where b was');
    expect(fs.readFileSync(path.join(root, 'Images/b.jpg'), 'utf8')).toBe('b');
    expect(fs.existsSync(path.join(root, 'c.jpg'))).toBe(true);

    // The user sorts it out; undo again finishes the job.
    fs.writeFileSync(path.join(root, 'Images/a.jpg'), 'a');
    fs.utimesSync(path.join(root, 'Images/a.jpg'), new Date(), new Date());
    fs.rmSync(path.join(root, 'b.jpg'));
    const again = await core.operations.undo(result.operation_id);
    // a.jpg was rewritten (new mtime), so it still counts as changed; b goes back now
    expect(again).toMatchObject({ status: 'partially_rolled_back', rolled_back: 2, rollback_conflicts: 1 });
    expect(fs.readFileSync(path.join(root, 'b.jpg'), 'utf8')).toBe('b');
    expect(Object.keys(before).filter((key) => key !== 'a.jpg').every((key) => fs.existsSync(path.join(root, key)))).toBe(true);
  });

  it('reports a moved file that is gone as missing', async () => {
    const root = tempDir();
    writeTree(root, { 'a.jpg': 'a' });
    const core = openTestCore();
    const result = await core.operations.organize(organizeRequest([root]), { dryRun: false });
    fs.rmSync(path.join(root, 'Images/a.jpg'));
    const undo = await core.operations.undo(result.operation_id);
    expect(undo.status).toBe('partially_rolled_back');
    expect(core.operations.show(result.operation_id).files[0]).toMatchObject({ state: 'rollback_conflict', reason: 'missing' });
  });

  it('refuses to undo a dry run or an unknown id', async () => {
    const root = tempDir();
    writeTree(root, { 'a.jpg': 'a' });
    const core = openTestCore();
    const dry = await core.operations.organize(organizeRequest([root]), { dryRun: true });
    await expect(core.operations.undo(dry.operation_id)).rejects.toMatchObject({ code: 'E_INVALID_STATE' });
    await expect(core.operations.undo('nope-nope')).rejects.toMatchObject({ code: 'E_UNKNOWN_OPERATION' });
    expect(listFiles(root)).toEqual(['a.jpg']);
  });
});

describe('across devices', () => {
  const shm = '/dev/shm';
  const haveShm = fs.existsSync(shm) && fs.statSync(shm).dev !== fs.statSync(tempDir()).dev;

  it.skipIf(!haveShm)('(needs /dev/shm on its own device) copies, verifies and then removes the source when the destination is on another device; undo brings it back', async () => {
    const source = tempDir('fileorg-shm-', shm);
    const destination = tempDir();
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    writeTree(source, { 'big.mp4': big, 'sub/doc.pdf': 'pdf', 'empty.txt': '' });
    const mtime = new Date('2021-02-03T04:05:06.789Z');
    fs.utimesSync(path.join(source, 'big.mp4'), mtime, mtime);
    const before = snapshotTree(source);
    const core = openTestCore();
    const result = await core.operations.organize(organizeRequest([source], { destination }), { dryRun: false });
    expect(result).toMatchObject({ status: 'completed', moved: 3, failed: 0 });
    expect(listFiles(source)).toEqual([]);
    expect(fs.readFileSync(path.join(destination, 'Video/big.mp4')).equals(big)).toBe(true);
    expect(Math.abs(fs.statSync(path.join(destination, 'Video/big.mp4')).mtimeMs - mtime.getTime())).toBeLessThan(1);
    expect(fs.readdirSync(path.join(destination, 'Video')).filter((name) => name.includes('.fileorg-'))).toEqual([]);
    const files = core.operations.show(result.operation_id).files;
    expect(files.every((row) => row.contentHash !== null && row.destinationDev !== row.dev)).toBe(true);

    const undo = await core.operations.undo(result.operation_id);
    expect(undo.status).toBe('rolled_back');
    expect(snapshotTree(source)).toEqual(before);
    expect(listFiles(destination)).toEqual([]);
  });
});
