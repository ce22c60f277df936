import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCAL_USER_ID } from '../src-main/core/db/schema.js';
import { listFiles, snapshotTree } from './helpers/temp-tree.js';
import { movedInAll, openCore, until, watch, watchedFolder, watchOperations } from './helpers/watch-runtime.js';

const EXTENSIONS = ['jpg', 'pdf', 'mp3', 'zip', 'txt'];

describe('batches of arrivals', () => {
  it('1000 files dropped at once become a few batches, each undoable, and undoing them all gives the tree back byte for byte without organizing it again', async () => {
    const core = openCore();
    const { root } = watchedFolder(core);
    const staging = fs.mkdtempSync(path.join(path.dirname(root), 'staging-'));
    for (let index = 0; index < 1000; index++) {
      fs.writeFileSync(path.join(staging, `file-${index}.${EXTENSIONS[index % EXTENSIONS.length]}`), `content of file ${index}\n`.repeat(1 + (index % 7)));
    }
    const watching = await watch(core, { settings: { quietMs: 300 } });
    // Dropped at once: renamed in from a folder beside it (the same file system), as a file manager drops them.
    for (const name of fs.readdirSync(staging)) fs.renameSync(path.join(staging, name), path.join(root, name));
    const before = snapshotTree(root);
    expect(Object.keys(before)).toHaveLength(1000);

    await until('1000 files to be moved', () => movedInAll(core) === 1000, 60_000);
    await watching.watcher.idle();
    const operations = watchOperations(core);
    expect(operations.length).toBeGreaterThanOrEqual(1);
    expect(operations.length).toBeLessThanOrEqual(10);
    expect(operations.every((operation) => operation.status === 'completed' && operation.kind === 'watch')).toBe(true);
    expect(fs.readdirSync(root).sort()).toEqual(['Archives', 'Audio', 'Documents', 'Images']);
    const batches = watching.events.heard.filter((event) => event.name === 'watch:batch');
    expect(batches).toHaveLength(operations.length);

    const putBack = watching.outcomes.length;
    for (const operation of [...operations].reverse()) {
      const undone = await core.operations.undo(operation.id, {}, { owner: LOCAL_USER_ID });
      expect(undone).toMatchObject({ status: 'rolled_back', rollback_conflicts: 0 });
    }
    expect(snapshotTree(root)).toEqual(before);
    // The files put back arrive again; each is known as one the watcher placed, and left alone. chokidar may tell
    // only some of 2000 moves out and back in on a loaded machine: a pass over the folder looks at every one.
    const names = new Set(Object.keys(before).map((name) => path.join(root, name)));
    await until('some of the files put back to be seen', () => watching.outcomes.slice(putBack).some((seen) => names.has(seen.file)));
    await watching.watcher.idle();
    await watching.watcher.catchUp();
    const seen = new Set(watching.outcomes.slice(putBack).map((outcome) => outcome.file));
    expect([...names].filter((name) => !seen.has(name))).toEqual([]);
    expect(watching.outcomes.slice(putBack).filter((seen) => seen.outcome !== 'handled')).toEqual([]);
    expect(watchOperations(core)).toHaveLength(operations.length);
    expect(snapshotTree(root)).toEqual(before);
  });

  it('files the watcher moved into Images/ inside the watched folder trigger nothing', async () => {
    const core = openCore();
    const { root } = watchedFolder(core, { depth: 1 });
    const watching = await watch(core);
    fs.writeFileSync(path.join(root, 'beach.jpg'), 'jpeg bytes');
    fs.writeFileSync(path.join(root, 'sunset.png'), 'png bytes');
    fs.writeFileSync(path.join(root, 'notes.txt'), 'words');
    const placed = ['Images/beach.jpg', 'Images/sunset.png', 'Documents/notes.txt'].map((name) => path.join(root, name));
    // The moves arrive in the category folders (watched at depth 1), and are known as the watcher's own; a pass
    // over the whole folder (which also looks at any a loaded machine's chokidar did not tell) leaves them too.
    await until('the batch to be made', () => watchOperations(core).length === 1 && watchOperations(core)[0]?.status === 'completed');
    await until('a placed file to arrive', () => watching.outcomes.some((seen) => placed.includes(seen.file)));
    await watching.watcher.idle();
    await watching.watcher.catchUp();
    expect(placed.filter((file) => !watching.outcomes.some((seen) => seen.file === file))).toEqual([]);
    expect(watching.outcomes.filter((seen) => placed.includes(seen.file) && seen.outcome !== 'handled')).toEqual([]);
    expect(watchOperations(core)).toHaveLength(1);
    expect(watchOperations(core)[0]).toMatchObject({ moved: 3 });
    expect(listFiles(root)).toEqual(['Documents/notes.txt', 'Images/beach.jpg', 'Images/sunset.png']);
  });

  it('a file left where it is (its name taken, conflict skip) is told once, with why', async () => {
    const core = openCore();
    const { root, id } = watchedFolder(core, { conflict: 'skip' });
    fs.mkdirSync(path.join(root, 'Documents'));
    fs.writeFileSync(path.join(root, 'Documents', 'report.pdf'), 'the one already there');
    const watching = await watch(core);
    const source = path.join(root, 'report.pdf');
    fs.writeFileSync(source, 'a new one');
    const skipped = await watching.events.next('watch:skipped', () => true);
    expect(skipped).toMatchObject({ folder_id: id, path: source, reason: 'conflict' });
    expect(skipped.detail.length).toBeGreaterThan(0);
    await watching.watcher.idle();
    fs.appendFileSync(source, ', changed'); // it arrives again, and is left again: not told twice
    await until('the changed file to be looked at again', () => watching.outcomes.filter((seen) => seen.file === source && seen.outcome === 'queued').length === 2);
    await watching.watcher.idle();
    expect(watching.events.heard.filter((event) => event.name === 'watch:skipped')).toHaveLength(1);
    expect(watchOperations(core)).toHaveLength(0); // batches that moved nothing are not kept
    expect(fs.readFileSync(path.join(root, 'Documents', 'report.pdf'), 'utf8')).toBe('the one already there');
  });

  it('a rename rule does not loop: one rename per file, and the loop reported once', async () => {
    const core = openCore();
    const rules = core.ruleSets.create(LOCAL_USER_ID, 'tag everything', [{ name: 'add -seen', action: { type: 'rename', name: '{stem}-seen.{ext}' } }]);
    const { root, id } = watchedFolder(core, { ruleSetId: rules.id });
    const watching = await watch(core);
    for (const name of ['a.txt', 'b.txt', 'c.txt']) fs.writeFileSync(path.join(root, name), name);
    const renamed = ['a-seen.txt', 'b-seen.txt', 'c-seen.txt'].map((name) => path.join(root, name));
    await until('the renamed files to arrive', () => renamed.every((file) => watching.outcomes.some((seen) => seen.file === file)));
    await watching.watcher.idle();
    expect(watching.outcomes.filter((seen) => renamed.includes(seen.file) && seen.outcome !== 'handled')).toEqual([]);
    expect(listFiles(root)).toEqual(['a-seen.txt', 'b-seen.txt', 'c-seen.txt']);
    const loops = () => watching.events.heard.filter((event) => event.name === 'watch:skipped' && event.data.reason === 'rule-loop');
    expect(loops()).toHaveLength(1);
    expect(loops()[0]?.data).toMatchObject({ folder_id: id, reason: 'rule-loop', detail: expect.stringContaining('"add -seen"') as string });

    fs.writeFileSync(path.join(root, 'd.txt'), 'd');
    await until('d.txt to be renamed', () => watching.outcomes.some((seen) => seen.file === path.join(root, 'd-seen.txt')));
    await watching.watcher.idle();
    expect(listFiles(root)).toEqual(['a-seen.txt', 'b-seen.txt', 'c-seen.txt', 'd-seen.txt']);
    expect(watchOperations(core)).toHaveLength(2);
    expect(watchOperations(core).map((operation) => operation.moved)).toEqual([3, 1]);
    expect(loops()).toHaveLength(1); // told once per folder and rule, not per batch
  });
});
