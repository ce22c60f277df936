import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type JsonLine, runCli } from './helpers/cli.js';
import { openTestCore, organizeRequest } from './helpers/core.js';
import { plantDuplicates } from './helpers/planted-duplicates.js';
import { listFiles, snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';

const last = (lines: JsonLine[]): Record<string, unknown> => lines.at(-1) as Record<string, unknown>;
/** Set a file's mtime to a whole second (exact on every filesystem). */
const age = (file: string, seconds: number): void => fs.utimesSync(file, seconds, seconds);
const inode = (file: string): number => fs.statSync(file).ino;

function cli(dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  // The OS trash of `quarantine empty` goes to a temp XDG data folder, not the real one.
  return runCli(['--data-dir', dataDir, ...args, '--json'], { env: { XDG_DATA_HOME: path.join(dataDir, 'xdg'), ...env } });
}

describe('fileorg dupes --quarantine', () => {
  it('keeps the oldest of each group, quarantines the rest as one operation, lists them, and undo brings every file back', async () => {
    const root = tempDir();
    const dataDir = tempDir('fileorg-data-');
    const planted = plantDuplicates(root, 3);
    // The last file of each group (by name) is made the oldest: it is the one kept.
    for (const group of planted.groups) group.forEach((file, index) => age(file, 1_600_000_000 + (group.length - index) * 60));
    const before = snapshotTree(root);
    const beforeTimes = Object.fromEntries(planted.groups.flat().map((file) => [file, fs.statSync(file).mtimeMs]));

    const run = await cli(dataDir, ['dupes', root, '--quarantine']);
    expect(run.code, run.stderr).toBe(0);
    const expectedGone = planted.groups.flatMap((group) => group.slice(0, -1));
    const freed = expectedGone.reduce((sum, file) => sum + fs.statSync(planted.groups.find((group) => group.includes(file))?.at(-1) as string).size, 0);
    const result = last(run.lines);
    expect(result).toMatchObject({ type: 'result', status: 'completed', quarantined: expectedGone.length, freed_bytes: freed, skipped: 0, failed: 0 });
    for (const file of expectedGone) expect(fs.existsSync(file)).toBe(false);
    for (const group of planted.groups) expect(fs.existsSync(group.at(-1) as string)).toBe(true);
    // A search now finds nothing left to resolve.
    expect(last((await cli(dataDir, ['dupes', root])).lines)).toMatchObject({ groups: [] });

    const listed = await cli(dataDir, ['quarantine', 'list']);
    const entries = listed.lines.filter((line) => line.type === 'quarantined');
    expect(entries.map((entry) => entry.original).sort()).toEqual([...expectedGone].sort());
    for (const entry of entries) {
      expect(fs.existsSync(entry.quarantined as string)).toBe(true);
      expect(entry.quarantined as string).toContain(path.join(dataDir, 'quarantine', result.operation_id as string));
    }

    const undo = await cli(dataDir, ['undo', result.operation_id as string]);
    expect(last(undo.lines)).toMatchObject({ status: 'rolled_back', rolled_back: expectedGone.length, rollback_conflicts: 0 });
    expect(snapshotTree(root)).toEqual(before);
    for (const [file, mtimeMs] of Object.entries(beforeTimes)) expect(fs.statSync(file).mtimeMs).toBe(mtimeMs);
    expect(last((await cli(dataDir, ['quarantine', 'list'])).lines)).toMatchObject({ files: 0 });
    expect(fs.readdirSync(path.join(dataDir, 'quarantine'))).toEqual([]);
  });

  it('--keep newest and shortest, ties to the shorter path then the name; --keep-path chooses outright', async () => {
    const root = tempDir();
    const dataDir = tempDir('fileorg-data-');
    writeTree(root, { 'deep/er/a.txt': 'one', 'b.txt': 'one', 'c.txt': 'one', 'x/1.bin': 'two', 'x/2.bin': 'two' });
    const file = (relative: string): string => path.join(root, relative);
    age(file('deep/er/a.txt'), 1_700_000_000);
    age(file('b.txt'), 1_600_000_000);
    age(file('c.txt'), 1_600_000_000);
    for (const name of ['x/1.bin', 'x/2.bin']) age(file(name), 1_650_000_000);

    const newest = last((await cli(dataDir, ['dupes', root, '--quarantine', '--keep', 'newest'])).lines);
    expect(listFiles(root)).toEqual(['deep/er/a.txt', 'x/1.bin']); // a tie (same time, same length) goes to the first name
    await cli(dataDir, ['undo', newest.operation_id as string]);

    await cli(dataDir, ['dupes', root, '--quarantine', '--keep', 'oldest']);
    expect(listFiles(root)).toEqual(['b.txt', 'x/1.bin']); // b and c are equally old and long: b by name
    await cli(dataDir, ['undo', last((await cli(dataDir, ['history'])).lines.slice(0, 1)).operation_id as string]);

    const chosen = await cli(dataDir, ['dupes', root, '--quarantine', '--keep', 'shortest', '--keep-path', file('x/2.bin')]);
    expect(chosen.code, chosen.stderr).toBe(0);
    expect(listFiles(root)).toEqual(['b.txt', 'x/2.bin']);

    const bad = await cli(dataDir, ['dupes', root, '--keep', 'newest']);
    expect(bad.code).toBe(2);
    expect(last(bad.lines)).toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('--quarantine') });
    const badPolicy = await cli(dataDir, ['dupes', root, '--quarantine', '--keep', 'biggest']);
    expect(last(badPolicy.lines)).toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('--keep') });
  });

  it('--reference keeps every copy inside the reference folder and leaves groups without one alone', async () => {
    const library = tempDir();
    const downloads = tempDir();
    writeTree(library, { 'photo.jpg': 'pixels', 'again/photo.jpg': 'pixels' });
    writeTree(downloads, { 'photo (1).jpg': 'pixels', 'photo (2).jpg': 'pixels', 'mine.txt': 'unique pair', 'mine copy.txt': 'unique pair' });
    const dataDir = tempDir('fileorg-data-');
    const run = await cli(dataDir, ['dupes', library, downloads, '--quarantine', '--reference', library]);
    expect(last(run.lines)).toMatchObject({ quarantined: 2 });
    expect(listFiles(library)).toEqual(['again/photo.jpg', 'photo.jpg']);
    expect(listFiles(downloads)).toEqual(['mine copy.txt', 'mine.txt']);
  });

  it('a file changed between hashing and acting is left where it is, as it is, and reported skipped', async () => {
    const root = tempDir();
    writeTree(root, { 'a.txt': 'same text', 'b.txt': 'same text', 'c.txt': 'same text' });
    age(path.join(root, 'a.txt'), 1_600_000_000);
    const core = openTestCore();
    const result = await core.duplicates.resolve([root], { minSize: 0, includeEmpty: false, includeHidden: false, resolution: 'quarantine', keep: 'oldest', reference: null }, {
      beforeActing: () => { fs.writeFileSync(path.join(root, 'b.txt'), 'new words'); },
    });
    expect(result).toMatchObject({ quarantined: 1, skipped: 1 });
    expect(listFiles(root)).toEqual(['a.txt', 'b.txt']);
    expect(fs.readFileSync(path.join(root, 'b.txt'), 'utf8')).toBe('new words');
    const shown = core.operations.show(result.operation_id);
    expect(shown.files.find((row) => row.source === path.join(root, 'b.txt'))).toMatchObject({ state: 'skipped', reason: 'changed-since-plan' });
  });

  it('quarantine empty sends the files to the OS trash; undo then says so instead of failing to find them', async () => {
    const root = tempDir();
    const dataDir = tempDir('fileorg-data-');
    writeTree(root, { 'a.txt': 'twin', 'b.txt': 'twin' });
    age(path.join(root, 'a.txt'), 1_600_000_000);
    const run = last((await cli(dataDir, ['dupes', root, '--quarantine'])).lines);
    const emptied = await cli(dataDir, ['quarantine', 'empty']);
    expect(last(emptied.lines)).toMatchObject({ type: 'result', trashed: 1, trashed_bytes: 4, missing: 0 });
    const trash = path.join(dataDir, 'xdg', 'Trash');
    const trashed = fs.readdirSync(path.join(trash, 'files'));
    expect(trashed).toHaveLength(1);
    expect(fs.readFileSync(path.join(trash, 'files', trashed[0] as string), 'utf8')).toBe('twin');
    expect(fs.readFileSync(path.join(trash, 'info', `${trashed[0]}.trashinfo`), 'utf8')).toContain('b.txt');
    expect(last((await cli(dataDir, ['quarantine', 'list'])).lines)).toMatchObject({ files: 0 });
    const undo = await cli(dataDir, ['undo', run.operation_id as string]);
    expect(undo.code).toBe(1);
    expect(last(undo.lines)).toMatchObject({ rolled_back: 0, rollback_conflicts: 1 });
    const shown = await cli(dataDir, ['show', run.operation_id as string]);
    expect(shown.stdout).toContain('quarantine-emptied');
  });
});

// A big search (200k files and more) takes what acting needs of each file (its device, inode, times) before
// the cache writer is given the search's arrays: the same checks must hold there.
describe.each([
  { how: 'as a search runs', env: {} },
  { how: 'as a big search runs (FILEORG_BIG_SEARCH_FILES=1)', env: { FILEORG_BIG_SEARCH_FILES: '1' } },
])('fileorg dupes --hardlink, $how', ({ env }) => {
  it('replaces each duplicate by a hard link to the kept file, and undo gives each name its own file again', async () => {
    const root = tempDir();
    const dataDir = tempDir('fileorg-data-');
    writeTree(root, { 'keep.bin': 'x'.repeat(50_000), 'a/copy.bin': 'x'.repeat(50_000), 'b/copy.bin': 'x'.repeat(50_000) });
    age(path.join(root, 'keep.bin'), 1_600_000_000);
    age(path.join(root, 'a/copy.bin'), 1_650_000_000);
    const before = snapshotTree(root);
    const copyTime = fs.statSync(path.join(root, 'a/copy.bin')).mtimeMs;
    const run = await cli(dataDir, ['dupes', root, '--hardlink'], env);
    expect(last(run.lines)).toMatchObject({ status: 'completed', linked: 2, quarantined: 0, freed_bytes: 100_000 });
    expect(snapshotTree(root)).toEqual(before);
    expect(inode(path.join(root, 'a/copy.bin'))).toBe(inode(path.join(root, 'keep.bin')));
    expect(inode(path.join(root, 'b/copy.bin'))).toBe(inode(path.join(root, 'keep.bin')));
    expect(fs.statSync(path.join(root, 'keep.bin')).nlink).toBe(3);
    expect(fs.readdirSync(root).filter((name) => name.includes('.fileorg-'))).toEqual([]); // no temp name left

    const undo = await cli(dataDir, ['undo', last(run.lines).operation_id as string]);
    expect(last(undo.lines)).toMatchObject({ status: 'rolled_back', rolled_back: 2 });
    expect(snapshotTree(root)).toEqual(before);
    expect(fs.statSync(path.join(root, 'keep.bin')).nlink).toBe(1);
    expect(inode(path.join(root, 'a/copy.bin'))).not.toBe(inode(path.join(root, 'keep.bin')));
    expect(Math.round(fs.statSync(path.join(root, 'a/copy.bin')).mtimeMs)).toBe(Math.round(copyTime));
  });

  it('never links over a duplicate edited since it was hashed, even with its mtime put back (ctime tells)', async () => {
    const root = tempDir();
    writeTree(root, { 'a.txt': 'same text', 'b.txt': 'same text' });
    age(path.join(root, 'a.txt'), 1_600_000_000);
    age(path.join(root, 'b.txt'), 1_700_000_000);
    const core = openTestCore();
    const saved = { ...process.env };
    Object.assign(process.env, env);
    const result = await core.duplicates.resolve([root], { minSize: 0, includeEmpty: false, includeHidden: false, resolution: 'hardlink', keep: 'oldest', reference: null }, {
      beforeActing: () => {
        fs.writeFileSync(path.join(root, 'b.txt'), 'SAME TEXT'); // same size
        age(path.join(root, 'b.txt'), 1_700_000_000);
      },
    }).finally(() => { process.env = saved; });
    expect(result).toMatchObject({ linked: 0, skipped: 1 });
    expect(fs.readFileSync(path.join(root, 'b.txt'), 'utf8')).toBe('SAME TEXT');
    expect(inode(path.join(root, 'b.txt'))).not.toBe(inode(path.join(root, 'a.txt')));
  });
});

describe('the duplicate rule condition', () => {
  it('moves the copies aside and leaves the kept file and unique files alone; undo puts them back', async () => {
    const root = tempDir();
    writeTree(root, { 'a/report.pdf': 'quarterly', 'b/report copy.pdf': 'quarterly', 'c/report (2).pdf': 'quarterly', 'notes.txt': 'mine', 'same-size.txt': 'MINE' });
    age(path.join(root, 'b/report copy.pdf'), 1_600_000_000); // the oldest: kept by default
    age(path.join(root, 'c/report (2).pdf'), 1_700_000_000); // the newest
    age(path.join(root, 'a/report.pdf'), 1_650_000_000);
    const before = snapshotTree(root);
    const core = openTestCore();
    const rules = { rules: [{ name: 'copies aside', when: { duplicate: true }, action: { type: 'move' as const, to: 'Copies/{relative_dir}/{name}' } }] };
    const run = await core.operations.organize(organizeRequest([root], { rules }), { dryRun: false });
    expect(run).toMatchObject({ status: 'completed', moved: 2 });
    expect(listFiles(root)).toEqual(['Copies/a/report.pdf', 'Copies/c/report (2).pdf', 'b/report copy.pdf', 'notes.txt', 'same-size.txt']);
    await core.operations.undo(run.operation_id);
    expect(snapshotTree(root)).toEqual(before);

    // keep newest; the files that are not its copies go elsewhere ({ duplicate: false } would ask of the default, oldest).
    const newest = { rules: [
      { name: 'copies', when: { duplicate: { keep: 'newest' as const } }, action: { type: 'move' as const, to: 'Copies/{name}' } },
      { name: 'the rest', when: { not: { duplicate: { keep: 'newest' as const } } }, action: { type: 'move' as const, to: 'Kept/{name}' } },
    ] };
    await core.operations.organize(organizeRequest([root], { rules: newest }), { dryRun: false });
    expect(listFiles(root)).toEqual(['Copies/report copy.pdf', 'Copies/report.pdf', 'Kept/notes.txt', 'Kept/report (2).pdf', 'Kept/same-size.txt']);
  });

  it('a rule file with a bad duplicate condition is refused with the field named', async () => {
    const dataDir = tempDir('fileorg-data-');
    const root = tempDir();
    writeTree(root, { 'a.txt': 'x' });
    const rulesFile = path.join(dataDir, 'rules.json');
    fs.writeFileSync(rulesFile, JSON.stringify({ rules: [{ name: 'bad', when: { duplicate: { keep: 'largest' } }, action: { type: 'move', to: 'x/{name}' } }] }));
    const run = await cli(dataDir, ['organize', root, '--rules', rulesFile]);
    expect(run.code).toBe(2);
    expect(last(run.lines)).toMatchObject({ code: 'E_BAD_RULES', message: expect.stringContaining('when') });
  });
});
