import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryPathFor } from '../src-worker/file-transfer.js';
import { temporaryTag } from '../src-worker/row-actions.js';
import { openTestCore, organizeRequest } from './helpers/core.js';
import { snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';

/**
 * Recovery from exact crash points, built by hand: the journal says "planned" while the disk shows a move
 * half done. (The crash matrix kills real processes at random points; this pins the points it may miss.)
 */
describe('recovery of an operation whose owner died', () => {
  it('settles each half-done move against the disk, then resume and undo work', async () => {
    const root = tempDir();
    writeTree(root, { 'linked.jpg': 'L', 'temp.jpg': 'T', 'moved.jpg': 'M', 'untouched.jpg': 'U', 'sub/vanished.jpg': 'V' });
    const before = snapshotTree(root);
    const dataDir = tempDir('fileorg-data-');
    const crashed = openTestCore(dataDir);
    let operationId = '';
    await expect(crashed.operations.organize(organizeRequest([root]), { dryRun: false }, {
      onPlanned: (_plan, id) => { operationId = id; throw new Error('simulated crash after the plan was journaled'); },
    })).rejects.toThrow('simulated crash');
    const tempRow = crashed.operations.show(operationId).files.find((row) => row.source.endsWith('temp.jpg'));
    // A thrown hook is a failed run, which its own process settles; a crash leaves it `running`, its owner gone.
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    crashed.database.sqlite.prepare("UPDATE operations SET status = 'running', owner_pid = ?, heartbeat_at = ? WHERE id = ?").run(gone, Date.now(), operationId);
    await crashed.close();

    // The disk as a crash would leave it, one state per file.
    const images = path.join(root, 'Images');
    fs.mkdirSync(images);
    fs.linkSync(path.join(root, 'linked.jpg'), path.join(images, 'linked.jpg')); // between link and unlink
    fs.renameSync(path.join(root, 'moved.jpg'), path.join(images, 'moved.jpg')); // finished, not yet journaled
    const temporary = temporaryPathFor(tempRow?.destination as string, temporaryTag(operationId, tempRow?.id as number, 'execute'));
    fs.writeFileSync(temporary, 'half a cop'); // an interrupted copy
    const reopened = openTestCore(dataDir);
    expect(reopened.recovered).toEqual([operationId]);
    let files = reopened.operations.show(operationId).files;
    const byName = (name: string) => files.find((row) => row.source.endsWith(name));
    expect(byName('linked.jpg')).toMatchObject({ state: 'done' });
    expect(fs.existsSync(path.join(root, 'linked.jpg'))).toBe(false);
    expect(byName('moved.jpg')).toMatchObject({ state: 'done' });
    expect(byName('temp.jpg')).toMatchObject({ state: 'planned' });
    expect(fs.existsSync(temporary)).toBe(false);
    expect(reopened.operations.history()[0]).toMatchObject({ status: 'interrupted' });
    await reopened.close();

    // A file deleted by someone while we were away: resume skips it and finishes the rest.
    fs.rmSync(path.join(root, 'sub/vanished.jpg'));
    const third = openTestCore(dataDir);
    const resumed = await third.operations.resume(operationId);
    expect(resumed).toMatchObject({ status: 'completed', moved: 4, skipped: 1 });
    files = third.operations.show(operationId).files;
    expect(byName('vanished.jpg')).toMatchObject({ state: 'skipped', reason: 'source-missing' });
    expect(fs.readdirSync(images).sort()).toEqual(['linked.jpg', 'moved.jpg', 'temp.jpg', 'untouched.jpg']);

    writeTree(root, { 'sub/vanished.jpg': 'V' }); // the user puts it back
    const undo = await third.operations.undo(operationId);
    expect(undo.status).toBe('rolled_back');
    expect(snapshotTree(root)).toEqual(before);
  });
});

describe('a run stopped while planning', () => {
  it('keeps no partial plan, moves nothing, and cannot be resumed', async () => {
    const root = tempDir();
    writeTree(root, Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`f${index}.txt`, 'x'])));
    const before = snapshotTree(root);
    const core = openTestCore();
    const stop = new AbortController();
    await expect(core.operations.organize(organizeRequest([root]), { dryRun: false }, {
      onPlannedRows: () => stop.abort(), // Ctrl-C while the plan is being made
      signal: stop.signal,
    })).rejects.toMatchObject({ code: 'E_INTERRUPTED' });
    const [operation] = core.operations.history();
    expect(operation).toMatchObject({ status: 'interrupted', planRecordedAt: null });
    expect(core.operations.show(operation?.id as string).files).toEqual([]);
    await expect(core.operations.resume(operation?.id as string)).rejects.toMatchObject({ code: 'E_INVALID_STATE' });
    expect(snapshotTree(root)).toEqual(before);
  });
});
