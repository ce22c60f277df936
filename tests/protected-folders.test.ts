import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isFileOrganizerError } from '../src-shared/errors.js';
import { type RuleSet } from '../src-shared/rules.js';
import { startApi } from './helpers/api.js';
import { runCli } from './helpers/cli.js';
import { openTestCore, organizeRequest } from './helpers/core.js';
import { listFiles, snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';

/**
 * The data folder (the database every undo needs) and the quarantines are never organized, searched or
 * scanned: named directly, through a symlink or a ".." path, they are refused with E_BAD_PATH; inside a folder
 * being organized, they are stepped around.
 */

/** Every file under a folder with its content hash, but SQLite's WAL and shared-memory files (readers touch them). */
const contentOf = (folder: string): Record<string, string> =>
  Object.fromEntries(Object.entries(snapshotTree(folder)).filter(([name]) => !/-(wal|shm)$/.test(name)));

/** The refusal a call threw: E_BAD_PATH, naming the data folder. */
async function refusal(work: () => Promise<unknown>): Promise<string> {
  const error = await work().then(() => undefined, (thrown: unknown) => thrown);
  if (!isFileOrganizerError(error)) throw new Error(`expected a refusal, got ${String(error)}`);
  expect(error.code).toBe('E_BAD_PATH');
  return error.message;
}

/** A data folder holding a history and a quarantine, and a folder of the user's files beside it. */
function dataFolderWithQuarantine(dataDir: string): void {
  writeTree(dataDir, { 'quarantine/01abc/home/me/photo.jpg': 'quarantined photo', 'notes.txt': 'not the user\'s' });
}

describe('the data folder and the quarantines are refused as roots', () => {
  it('refuses the data folder as a source, however it is spelled, and moves nothing', async () => {
    const core = openTestCore();
    const { dataDir } = core;
    dataFolderWithQuarantine(dataDir);
    const outside = tempDir('fileorg-links-');
    fs.symlinkSync(dataDir, path.join(outside, 'data-link'));
    fs.mkdirSync(path.join(outside, 'real'));
    const before = contentOf(dataDir);
    const spellings = [
      dataDir, path.join(dataDir, 'quarantine'), path.join(dataDir, 'quarantine', '01abc'),
      path.join(outside, 'data-link'), path.join(outside, 'data-link', 'quarantine'),
      `${path.join(dataDir, 'quarantine')}${path.sep}..`, path.join(outside, 'real', '..', 'data-link'),
    ];
    for (const source of spellings) {
      const message = await refusal(() => core.operations.organize(organizeRequest([source]), { dryRun: false }));
      expect(message).toContain(source);
      expect(message).toContain(dataDir);
    }
    expect(contentOf(dataDir)).toEqual(before);
    expect(core.operations.history()).toEqual([]); // refused before anything was recorded
  });

  it('says what the data folder holds and what to do instead', async () => {
    const core = openTestCore();
    dataFolderWithQuarantine(core.dataDir);
    expect(await refusal(() => core.operations.organize(organizeRequest([core.dataDir]), { dryRun: true })))
      .toBe(`${core.dataDir} is FileOrganizer's data folder ${core.dataDir}, which holds the history every undo needs; give a folder to organize outside it`);
    const quarantine = path.join(core.dataDir, 'quarantine');
    expect(await refusal(() => core.operations.organize(organizeRequest([quarantine]), { dryRun: true })))
      .toBe(`${quarantine} is FileOrganizer's quarantine in its data folder ${core.dataDir}: quarantined files come back with "fileorg undo ID" (see "fileorg quarantine list"); give a folder to organize outside it`);
  });

  it('refuses a destination inside the data folder, also one not made yet or reached through a symlink', async () => {
    const core = openTestCore();
    const { dataDir } = core;
    const root = tempDir();
    writeTree(root, { 'a.jpg': 'a', 'b.pdf': 'b' });
    const outside = tempDir('fileorg-links-');
    fs.symlinkSync(dataDir, path.join(outside, 'data-link'));
    const before = snapshotTree(root);
    for (const destination of [dataDir, path.join(dataDir, 'sorted'), path.join(dataDir, 'new', 'deeper'), path.join(outside, 'data-link', 'sorted')]) {
      const message = await refusal(() => core.operations.organize(organizeRequest([root], { destination }), { dryRun: false }));
      expect(message).toContain(`the destination ${destination}`);
      expect(message).toContain(dataDir);
      expect(message).toContain('give a destination outside it');
    }
    expect(snapshotTree(root)).toEqual(before);
    expect(fs.existsSync(path.join(dataDir, 'sorted'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'new'))).toBe(false);
  });

  it('refuses a .fileorg-quarantine folder and anything inside it, as a source and as a destination', async () => {
    const core = openTestCore();
    const root = tempDir();
    writeTree(root, { 'a.jpg': 'a', '.fileorg-quarantine/01abc/b.jpg': 'quarantined b' });
    const before = snapshotTree(root);
    const quarantine = path.join(root, '.fileorg-quarantine');
    for (const source of [quarantine, path.join(quarantine, '01abc')]) {
      const message = await refusal(() => core.operations.organize(organizeRequest([source]), { dryRun: false }));
      expect(message).toContain(quarantine);
      expect(message).toContain(core.dataDir);
    }
    await refusal(() => core.operations.organize(organizeRequest([root], { destination: path.join(quarantine, 'out') }), { dryRun: false }));
    expect(snapshotTree(root)).toEqual(before);
  });

  it('refuses them as duplicate search roots, and a reference folder outside the searched folders', async () => {
    const core = openTestCore();
    const { dataDir } = core;
    dataFolderWithQuarantine(dataDir);
    const root = tempDir();
    const elsewhere = tempDir('fileorg-elsewhere-');
    writeTree(root, { 'a.jpg': 'same', 'b.jpg': 'same' });
    writeTree(elsewhere, { 'c.jpg': 'same' });
    const before = { root: snapshotTree(root), elsewhere: snapshotTree(elsewhere), data: contentOf(dataDir) };
    const options = { minSize: 0, includeEmpty: false, includeHidden: true };
    expect(await refusal(() => core.duplicates.find([dataDir], options))).toContain(dataDir);
    expect(await refusal(() => core.duplicates.find([root, path.join(dataDir, 'quarantine')], options))).toContain(dataDir);
    expect(await refusal(() => core.duplicates.resolve([dataDir], { ...options, resolution: 'quarantine', keep: 'oldest', reference: null }))).toContain(dataDir);

    const outsideReference = await refusal(() => core.duplicates.resolve([root], { ...options, resolution: 'quarantine', keep: 'oldest', reference: elsewhere }));
    expect(outsideReference).toContain(`the reference folder ${elsewhere} is outside the searched folders (${root})`);
    expect(outsideReference).toContain('give one of the searched folders or a folder inside one');
    const outsideKept = await refusal(() => core.duplicates.resolve([root], { ...options, resolution: 'quarantine', keep: 'oldest', reference: null, keepPaths: [path.join(elsewhere, 'c.jpg')] }));
    expect(outsideKept).toContain(`the file to keep ${path.join(elsewhere, 'c.jpg')} is outside the searched folders`);
    expect({ root: snapshotTree(root), elsewhere: snapshotTree(elsewhere), data: contentOf(dataDir) }).toEqual(before);
    expect(core.operations.history()).toEqual([]);

    // A reference inside a searched folder is still taken: the group keeps its file there.
    writeTree(root, { 'keep/d.jpg': 'same' });
    const result = await core.duplicates.resolve([root], { ...options, resolution: 'quarantine', keep: 'oldest', reference: path.join(root, 'keep') });
    expect(result).toMatchObject({ status: 'completed', quarantined: 2 });
    expect(listFiles(root)).toEqual(['keep/d.jpg']);
  });

  it('refuses them as scan roots', async () => {
    const core = openTestCore();
    dataFolderWithQuarantine(core.dataDir);
    expect(await refusal(() => core.operations.scan([core.dataDir], { includeHidden: true }))).toContain(core.dataDir);
    expect(await refusal(() => core.operations.scan([path.join(core.dataDir, 'quarantine', '01abc')], { includeHidden: true }))).toContain(core.dataDir);
  });
});

describe('a folder that holds them is organized around them', () => {
  /** A home folder with the data folder inside (not hidden, so only the protection keeps it out) and a quarantine. */
  function homeWithDataFolder(): { home: string; dataDir: string } {
    const home = tempDir('fileorg-home-');
    const dataDir = path.join(home, 'appdata', 'FileOrganizer');
    writeTree(home, {
      'a.jpg': 'photo a', 'docs/b.pdf': 'pdf b', 'song.mp3': 'song',
      '.fileorg-quarantine/01abc/c.jpg': 'quarantined c',
    });
    dataFolderWithQuarantine(dataDir);
    return { home, dataDir };
  }

  it('organizes the rest, leaves the data folder and the quarantines as they were, and undoes from the kept history', async () => {
    const { home, dataDir } = homeWithDataFolder();
    const core = openTestCore(dataDir);
    const quarantine = path.join(home, '.fileorg-quarantine');
    const userFiles = (): Record<string, string> => Object.fromEntries(Object.entries(snapshotTree(home)).filter(([name]) => !name.startsWith('appdata/')));
    const before = { home: userFiles(), data: contentOf(path.join(dataDir, 'quarantine')), quarantine: snapshotTree(quarantine) };

    const result = await core.operations.organize(organizeRequest([home], { includeHidden: true }), { dryRun: false });
    expect(result).toMatchObject({ status: 'completed', moved: 3, failed: 0 });
    const rows = core.operations.show(result.operation_id).files;
    expect(rows.map((row) => path.relative(home, row.source)).sort()).toEqual(['a.jpg', 'docs/b.pdf', 'song.mp3']);
    expect(listFiles(home).filter((file) => !file.startsWith('appdata/'))).toEqual([
      '.fileorg-quarantine/01abc/c.jpg', 'Audio/song.mp3', 'Documents/b.pdf', 'Images/a.jpg',
    ]);
    expect(fs.existsSync(path.join(dataDir, 'fileorganizer.db'))).toBe(true);
    expect(fs.readFileSync(path.join(dataDir, 'notes.txt'), 'utf8')).toBe('not the user\'s');
    expect(contentOf(path.join(dataDir, 'quarantine'))).toEqual(before.data);
    expect(snapshotTree(quarantine)).toEqual(before.quarantine);

    const undone = await core.operations.undo(result.operation_id);
    expect(undone).toMatchObject({ status: 'rolled_back', rolled_back: 3 });
    expect(userFiles()).toEqual(before.home);
  });

  it('steps around the data folder when the folder is reached through a symlink', async () => {
    const { home, dataDir } = homeWithDataFolder();
    const core = openTestCore(dataDir);
    const links = tempDir('fileorg-links-');
    const homeLink = path.join(links, 'home');
    fs.symlinkSync(home, homeLink);
    const result = await core.operations.organize(organizeRequest([homeLink], { includeHidden: true }), { dryRun: true });
    const sources = core.operations.show(result.operation_id).files.map((row) => path.relative(homeLink, row.source)).sort();
    expect(sources).toEqual(['a.jpg', 'docs/b.pdf', 'song.mp3']);
  });

  it('leaves in place a file a rule would put into the data folder', async () => {
    const { home, dataDir } = homeWithDataFolder();
    const core = openTestCore(dataDir);
    const rules: RuleSet = { name: 'into the data folder', rules: [{ name: 'all', action: { type: 'move', to: 'appdata/FileOrganizer/{name}' } }] };
    const result = await core.operations.organize(organizeRequest([home], { rules }), { dryRun: false });
    expect(result).toMatchObject({ moved: 0, skipped: 3 });
    const rows = core.operations.show(result.operation_id).files;
    expect(rows.every((row) => row.state === 'skipped' && row.reason === 'destination-invalid' && row.error?.includes(dataDir))).toBe(true);
    expect(listFiles(dataDir).filter((file) => !file.startsWith('fileorganizer.db'))).toEqual(['notes.txt', 'quarantine/01abc/home/me/photo.jpg']);
  });

  it('finds duplicates and scans around them', async () => {
    const { home, dataDir } = homeWithDataFolder();
    writeTree(home, { 'copy/photo.jpg': 'quarantined photo', 'copy/c.jpg': 'quarantined c' });
    const core = openTestCore(dataDir);
    const found = await core.duplicates.find([home], { minSize: 0, includeEmpty: false, includeHidden: true });
    expect(found.groups).toEqual([]); // the copies' twins are in the quarantines, which are never read

    const scanned = await core.operations.scan([home], { includeHidden: true });
    expect(scanned.files).toBe(5); // a.jpg, docs/b.pdf, song.mp3, copy/photo.jpg, copy/c.jpg
  });
});

describe('the CLI and the API refuse them too', () => {
  it('exits 2 naming the data folder, for organize, dupes and scan, and moves nothing', async () => {
    const dataDir = tempDir('fileorg-data-');
    const root = tempDir();
    writeTree(root, { 'a.jpg': 'same', 'b.jpg': 'same' });
    const elsewhere = tempDir('fileorg-elsewhere-');
    // A first run makes the database, with a history to lose.
    const first = await runCli(['--data-dir', dataDir, 'organize', root, '--dry-run']);
    expect(first.code).toBe(0);
    dataFolderWithQuarantine(dataDir);
    const before = { data: contentOf(dataDir), root: snapshotTree(root) };

    for (const args of [['organize', dataDir], ['organize', root, '--dest', path.join(dataDir, 'sorted')], ['scan', dataDir],
      ['dupes', dataDir], ['dupes', path.join(dataDir, 'quarantine'), '--quarantine'], ['organize', path.join(root, '.fileorg-quarantine')]]) {
      const run = await runCli(['--data-dir', dataDir, ...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(dataDir);
    }
    const reference = await runCli(['--data-dir', dataDir, 'dupes', root, '--quarantine', '--reference', elsewhere]);
    expect(reference.code).toBe(2);
    expect(reference.stderr).toContain(`the reference folder ${elsewhere} is outside the searched folders`);
    // A file to keep must be a file of the search: not missing, not a symlink (which is never kept or followed).
    writeTree(root, { 'twin.txt': 'same', 'twin copy.txt': 'same' });
    fs.symlinkSync(path.join(root, 'twin.txt'), path.join(root, 'twin link.txt'));
    for (const [kept, words] of [['missing.txt', 'does not exist'], ['twin link.txt', 'is a symlink']]) {
      const keep = await runCli(['--data-dir', dataDir, 'dupes', root, '--quarantine', '--keep-path', path.join(root, kept as string)]);
      expect(keep.code).toBe(2);
      expect(keep.stderr).toContain(words);
    }
    // An option a command does not take is refused, never ignored: dupes has no --dry-run (it would act for real).
    const dryRun = await runCli(['--data-dir', dataDir, 'dupes', root, '--quarantine', '--dry-run']);
    expect(dryRun.code).toBe(2);
    expect(dryRun.stderr).toContain('dupes does not take --dry-run: without --quarantine or --hardlink, dupes only lists the groups');
    fs.rmSync(path.join(root, 'twin.txt'));
    fs.rmSync(path.join(root, 'twin copy.txt'));
    fs.rmSync(path.join(root, 'twin link.txt'));

    expect({ data: contentOf(dataDir), root: snapshotTree(root) }).toEqual(before);
    const history = await runCli(['--data-dir', dataDir, 'history', '--json']);
    expect(history.code).toBe(0);
    expect(history.lines).toHaveLength(1); // the first dry run alone
  });

  it('answers 422 E_BAD_PATH for a source, a destination or a search root in the data folder', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const session = await api.signup('olivia');
    const { dataDir } = api.core;
    const root = tempDir();
    writeTree(root, { 'a.jpg': 'a' });
    const before = snapshotTree(root);
    const answers = [
      await api.call('POST', '/api/v1/operations', { token: session.access_token, body: { source_paths: [dataDir], preset: 'by-type' } }),
      await api.call('POST', '/api/v1/operations', { token: session.access_token, body: { source_paths: [root], destination: path.join(dataDir, 'sorted') } }),
      await api.call('POST', '/api/v1/duplicates/search', { token: session.access_token, body: { paths: [dataDir] } }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(422);
      expect(answer.body).toMatchObject({ code: 'E_VALIDATION', details: { reason: 'E_BAD_PATH' } });
      expect(answer.body.message).toContain(dataDir);
    }
    expect(snapshotTree(root)).toEqual(before);
    const listed = await api.call('GET', '/api/v1/operations', { token: session.access_token });
    expect(listed.body.total).toBe(0);
  });
});

describe('the data folder under another name', () => {
  const mayMount = process.getuid?.() === 0 && process.platform === 'linux';
  it.skipIf(!mayMount)(`${mayMount ? '' : 'skipped: only root may bind-mount: '}a bind mount of it (or of its quarantine) inside a folder to organize is never entered, nor taken as a root`, async () => {
    const dataDir = tempDir('fileorg-data-');
    const work = tempDir();
    const twins = tempDir('fileorg-twins-');
    writeTree(twins, { 'a.txt': 'twin', 'b.txt': 'twin' });
    fs.utimesSync(path.join(twins, 'a.txt'), 1_600_000_000, 1_600_000_000);
    const quarantined = await runCli(['--data-dir', dataDir, 'dupes', twins, '--quarantine', '--json']);
    const quarantineId = quarantined.lines.at(-1)?.operation_id as string;
    const dataBefore = snapshotTree(path.join(dataDir, 'quarantine'));
    writeTree(work, { 'a.txt': 'mine', 'mnt/': '', 'more/mq/': '' });
    execFileSync('mount', ['--bind', dataDir, path.join(work, 'mnt')]);
    execFileSync('mount', ['--bind', path.join(dataDir, 'quarantine'), path.join(work, 'more/mq')]);
    try {
      const run = await runCli(['--data-dir', dataDir, 'organize', work, '--json']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.lines.at(-1)).toMatchObject({ moved: 1 }); // a.txt alone: neither mount is entered
      expect(fs.existsSync(path.join(dataDir, 'fileorganizer.db'))).toBe(true);
      expect(snapshotTree(path.join(dataDir, 'quarantine'))).toEqual(dataBefore);
      const history = await runCli(['--data-dir', dataDir, 'history', '--json']);
      expect(history.lines).toHaveLength(2);
      // Given as a root under its other name, it is refused like the data folder itself.
      const direct = await runCli(['--data-dir', dataDir, 'organize', path.join(work, 'mnt')]);
      expect(direct.code).toBe(2);
      expect(direct.stderr).toContain('under another name');
    } finally {
      execFileSync('umount', [path.join(work, 'more/mq')]);
      execFileSync('umount', [path.join(work, 'mnt')]);
    }
    const undo = await runCli(['--data-dir', dataDir, 'undo', quarantineId, '--json']);
    expect(undo.lines.at(-1)).toMatchObject({ status: 'rolled_back', rollback_conflicts: 0 });
    expect(listFiles(twins)).toEqual(['a.txt', 'b.txt']);
  });
});

