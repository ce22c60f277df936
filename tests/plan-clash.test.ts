import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ConflictPolicy } from '../src-shared/operation-status.js';
import { type RuleSet } from '../src-shared/rules.js';
import { openTestCore, organizeRequest } from './helpers/core.js';
import { listFiles, snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';

/**
 * A name is a file or a folder, never both: when a rule renders `X` for one file and `X/{name}` for another,
 * or the disk already holds the other kind, the plan sees the clash and resolves it by the conflict policy
 * (the later one gets a free name under `rename`, is skipped as a conflict under `skip`), so the run meets
 * no surprise and every file is somewhere.
 */

/** Text files become the file `X`; PDFs go into the folder `X`. */
const clashing: RuleSet = {
  name: 'file versus folder',
  rules: [
    { name: 'text is X', when: { extension: 'txt' }, action: { type: 'move', to: 'X' } },
    { name: 'pdf into X', when: { extension: 'pdf' }, action: { type: 'move', to: 'X/{name}' } },
  ],
};

/** The contents of a tree as a sorted list of hashes: every file's bytes somewhere, wherever it is. */
const contents = (root: string): string[] => Object.values(snapshotTree(root)).filter((value) => value !== 'dir').sort();

async function organizeInto(files: Record<string, string>, existing: Record<string, string>, conflict: ConflictPolicy) {
  const source = tempDir('fileorg-source-');
  const destination = tempDir('fileorg-dest-');
  writeTree(source, files);
  writeTree(destination, existing);
  const before = [...contents(source), ...contents(destination)].sort();
  const core = openTestCore();
  const request = organizeRequest([source], { destination, conflict, rules: clashing });
  const dry = await core.operations.organize(request, { dryRun: true });
  const planned = core.operations.show(dry.operation_id).files.map((row) => [path.relative(source, row.source), row.destination && path.relative(destination, row.destination), row.state, row.reason]);
  const run = await core.operations.organize(request, { dryRun: false });
  const rows = core.operations.show(run.operation_id).files;
  // The run carried out exactly the plan its dry run showed.
  expect(rows.map((row) => [path.relative(source, row.source), row.destination && path.relative(destination, row.destination)]))
    .toEqual(planned.map(([from, to]) => [from, to]));
  return { core, source, destination, before, planned, run, rows };
}

describe('a file and a folder wanting the same name in one plan', () => {
  it('rename: a folder wanted where the plan put a file takes a free name, and every later file follows it', async () => {
    const { source, destination, before, planned, run } = await organizeInto({ 'a.txt': 'text a', 'b.pdf': 'pdf b', 'c.pdf': 'pdf c' }, {}, 'rename');
    expect(planned).toEqual([
      ['a.txt', 'X', 'planned', null],
      ['b.pdf', 'X (1)/b.pdf', 'planned', null],
      ['c.pdf', 'X (1)/c.pdf', 'planned', null],
    ]);
    expect(run).toMatchObject({ status: 'completed', moved: 3, failed: 0, conflicts: 2 });
    expect(listFiles(destination)).toEqual(['X', 'X (1)/b.pdf', 'X (1)/c.pdf']);
    expect(listFiles(source)).toEqual([]);
    expect(contents(destination)).toEqual(before);
  });

  it('rename: a file wanted where the plan made a folder takes a free name', async () => {
    const { destination, before, planned, run } = await organizeInto({ 'a.pdf': 'pdf a', 'b.txt': 'text b' }, {}, 'rename');
    expect(planned).toEqual([
      ['a.pdf', 'X/a.pdf', 'planned', null],
      ['b.txt', 'X (1)', 'planned', null],
    ]);
    expect(run).toMatchObject({ status: 'completed', moved: 2, failed: 0, conflicts: 1 });
    expect(listFiles(destination)).toEqual(['X (1)', 'X/a.pdf']);
    expect(contents(destination)).toEqual(before);
  });

  it('skip: the later one stays where it is, as a conflict with its reason', async () => {
    const first = await organizeInto({ 'a.txt': 'text a', 'b.pdf': 'pdf b' }, {}, 'skip');
    expect(first.planned).toEqual([['a.txt', 'X', 'planned', null], ['b.pdf', null, 'skipped', 'conflict']]);
    expect(first.rows[1]?.error).toContain('is a file');
    expect(first.run).toMatchObject({ status: 'completed', moved: 1, skipped: 1, failed: 0 });
    expect(listFiles(first.source)).toEqual(['b.pdf']);
    expect(listFiles(first.destination)).toEqual(['X']);
    expect([...contents(first.source), ...contents(first.destination)].sort()).toEqual(first.before);

    const second = await organizeInto({ 'a.pdf': 'pdf a', 'b.txt': 'text b' }, {}, 'skip');
    expect(second.planned).toEqual([['a.pdf', 'X/a.pdf', 'planned', null], ['b.txt', null, 'skipped', 'conflict']]);
    expect(listFiles(second.source)).toEqual(['b.txt']);
    expect(listFiles(second.destination)).toEqual(['X/a.pdf']);
  });
});

describe('a file and a folder wanting the same name, one of them already on disk', () => {
  it('rename: a file X on disk where the plan needs the folder X', async () => {
    const { destination, before, planned, run } = await organizeInto({ 'b.pdf': 'pdf b', 'c.pdf': 'pdf c' }, { X: 'a file called X' }, 'rename');
    expect(planned).toEqual([['b.pdf', 'X (1)/b.pdf', 'planned', null], ['c.pdf', 'X (1)/c.pdf', 'planned', null]]);
    expect(run).toMatchObject({ status: 'completed', moved: 2, failed: 0 });
    expect(fs.readFileSync(path.join(destination, 'X'), 'utf8')).toBe('a file called X');
    expect(listFiles(destination)).toEqual(['X', 'X (1)/b.pdf', 'X (1)/c.pdf']);
    expect(contents(destination)).toEqual(before);
  });

  it('rename: a free name is one that is not a file; a folder "X (1)" already there is used', async () => {
    const { destination, planned } = await organizeInto({ 'b.pdf': 'pdf b' }, { X: 'a file called X', 'X (1)/old.pdf': 'old' }, 'rename');
    expect(planned).toEqual([['b.pdf', 'X (1)/b.pdf', 'planned', null]]);
    expect(listFiles(destination)).toEqual(['X', 'X (1)/b.pdf', 'X (1)/old.pdf']);
  });

  it('rename: a folder X on disk where the plan wants the file X', async () => {
    const { destination, before, planned, run } = await organizeInto({ 'a.txt': 'text a' }, { 'X/kept.pdf': 'kept' }, 'rename');
    expect(planned).toEqual([['a.txt', 'X (1)', 'planned', null]]);
    expect(run).toMatchObject({ status: 'completed', moved: 1, failed: 0 });
    expect(listFiles(destination)).toEqual(['X (1)', 'X/kept.pdf']);
    expect(contents(destination)).toEqual(before);
  });

  it('skip: both disk clashes leave the files where they are, as conflicts', async () => {
    const needsFolder = await organizeInto({ 'b.pdf': 'pdf b' }, { X: 'a file called X' }, 'skip');
    expect(needsFolder.planned).toEqual([['b.pdf', null, 'skipped', 'conflict']]);
    expect(listFiles(needsFolder.source)).toEqual(['b.pdf']);
    const wantsFile = await organizeInto({ 'a.txt': 'text a' }, { 'X/kept.pdf': 'kept' }, 'skip');
    expect(wantsFile.planned).toEqual([['a.txt', null, 'skipped', 'conflict']]);
    expect(listFiles(wantsFile.source)).toEqual(['a.txt']);
  });

  it('a clash deeper down: a file where a folder on the way is needed', async () => {
    const source = tempDir('fileorg-source-');
    const destination = tempDir('fileorg-dest-');
    writeTree(source, { 'b.pdf': 'pdf b' });
    writeTree(destination, { 'Documents/2024': 'a file where a year folder would go' });
    const core = openTestCore();
    const rules: RuleSet = { name: 'deep', rules: [{ name: 'by year', action: { type: 'move', to: 'Documents/2024/pdf/{name}' } }] };
    const run = await core.operations.organize(organizeRequest([source], { destination, rules }), { dryRun: false });
    expect(run).toMatchObject({ status: 'completed', moved: 1, failed: 0 });
    expect(listFiles(destination)).toEqual(['Documents/2024', 'Documents/2024 (1)/pdf/b.pdf']);
  });
});

describe('undo after a resolved clash', () => {
  it('puts every file back byte for byte', async () => {
    const source = tempDir('fileorg-source-');
    writeTree(source, { 'a.txt': 'text a', 'b.pdf': 'pdf b', 'sub/c.pdf': 'pdf c', 'sub/d.txt': 'text d' });
    const before = snapshotTree(source);
    const core = openTestCore();
    const run = await core.operations.organize(organizeRequest([source], { rules: clashing }), { dryRun: false });
    expect(run).toMatchObject({ status: 'completed', moved: 4, failed: 0 });
    // In place: a.txt became X, d.txt found X taken, the PDFs went into the folder "X (1)".
    expect(listFiles(source)).toEqual(['X', 'X (1)/b.pdf', 'X (1)/c.pdf', 'X (2)']);
    const undone = await core.operations.undo(run.operation_id);
    expect(undone).toMatchObject({ status: 'rolled_back', rolled_back: 4 });
    expect(snapshotTree(source)).toEqual(before);
  });
});
