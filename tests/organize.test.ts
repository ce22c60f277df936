import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RuleSet } from '../src-shared/rules.js';
import { listFiles, snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';
import { openTestCore, organizeRequest } from './helpers/core.js';

describe('organize by type, in place', () => {
  it('sorts files into category folders, leaves hidden files, and a second run plans nothing', async () => {
    const root = tempDir();
    writeTree(root, {
      'a.jpg': 'jpeg', 'report.pdf': 'pdf', 'notes/todo.txt': 'todo', 'song.mp3': 'mp3', 'setup.exe': 'exe',
      '.DS_Store': 'finder', 'Thumbs.db': 'thumbs', '.config/app.json': '{}', 'README': 'plain words',
    });
    const core = openTestCore();
    const result = await core.operations.organize(organizeRequest([root]), { dryRun: false });
    expect(result.status).toBe('completed');
    expect(listFiles(root)).toEqual([
      '.DS_Store', '.config/app.json', 'Audio/song.mp3', 'Documents/report.pdf', 'Documents/todo.txt',
      'Images/a.jpg', 'Installers/setup.exe', 'Other/README', 'Thumbs.db',
    ]);
    // the emptied source folder is gone
    expect(fs.existsSync(path.join(root, 'notes'))).toBe(false);

    const again = await core.operations.organize(organizeRequest([root]), { dryRun: true });
    expect(core.operations.show(again.operation_id).files).toEqual([]);
    expect(again.plan).toMatchObject({ unchanged: 6, filesTotal: 0 });
  });

  it('makes a destination that does not exist yet (two folders deep), and undo puts the files back', async () => {
    const root = tempDir();
    writeTree(root, { 'a.pdf': 'pdf', 'b.jpg': 'jpeg' });
    const destination = path.join(tempDir('fileorg-dest-'), 'Sorted', 'Inbox');
    const core = openTestCore();
    const result = await core.operations.organize(organizeRequest([root], { destination }), { dryRun: false });
    expect(result).toMatchObject({ status: 'completed', moved: 2, skipped: 0 });
    expect(listFiles(destination)).toEqual(['Documents/a.pdf', 'Images/b.jpg']);
    await core.operations.undo(result.operation_id);
    expect(listFiles(root)).toEqual(['a.pdf', 'b.jpg']);
  });

  it('finishes the run even when whoever watches its progress fails', async () => {
    const root = tempDir();
    writeTree(root, Object.fromEntries(Array.from({ length: 250 }, (_, index) => [`f${index}.pdf`, 'x'])));
    const core = openTestCore();
    const result = await core.operations.organize(organizeRequest([root]), { dryRun: false }, {
      onProgress: () => { throw new Error('the terminal went away'); },
    });
    expect(result).toMatchObject({ status: 'completed', moved: 250 });
  });

  it('includes hidden and system files when asked', async () => {
    const root = tempDir();
    writeTree(root, { '.env.txt': 'secret', 'desktop.ini': 'x' });
    const core = openTestCore();
    await core.operations.organize(organizeRequest([root], { includeHidden: true }), { dryRun: false });
    expect(listFiles(root)).toEqual(['Documents/.env.txt', 'Other/desktop.ini']);
  });

  it('executes exactly the plan its dry run printed', async () => {
    const root = tempDir();
    writeTree(root, { 'a.jpg': '1', 'x/a.jpg': '2', 'y/a.jpg': '3', 'Images/a.jpg': '0', 'doc.pdf': 'p', 'x/doc.pdf': 'q' });
    const core = openTestCore();
    const dry = await core.operations.organize(organizeRequest([root]), { dryRun: true });
    const before = snapshotTree(root);
    const real = await core.operations.organize(organizeRequest([root]), { dryRun: false });
    const planned = core.operations.show(dry.operation_id).files.map((row) => [row.source, row.destination, row.state]);
    expect(planned).toHaveLength(5);
    expect(planned.every(([, , state]) => state === 'planned')).toBe(true);
    const executed = core.operations.show(real.operation_id).files;
    expect(executed.map((row) => [row.source, row.destination])).toEqual(planned.map(([source, destination]) => [source, destination]));
    expect(executed.every((row) => row.state === 'done')).toBe(true);
    for (const [source, destination] of planned) expect(before[path.relative(root, source as string)]).toBeDefined(), expect(fs.existsSync(destination as string)).toBe(true);
    expect(listFiles(root)).toEqual(['Documents/doc (1).pdf', 'Documents/doc.pdf', 'Images/a (1).jpg', 'Images/a (2).jpg', 'Images/a (3).jpg', 'Images/a.jpg']);
  });

  it('never replaces a file: conflict policy rename counts on, skip leaves the file', async () => {
    const root = tempDir();
    const destination = tempDir();
    writeTree(destination, { 'Images/a.jpg': 'existing', 'Images/a (1).jpg': 'existing too' });
    writeTree(root, { 'a.jpg': 'new' });
    const core = openTestCore();
    const renamed = await core.operations.organize(organizeRequest([root], { destination }), { dryRun: false });
    expect(renamed.conflicts).toBe(1);
    expect(fs.readFileSync(path.join(destination, 'Images/a (2).jpg'), 'utf8')).toBe('new');
    expect(fs.readFileSync(path.join(destination, 'Images/a.jpg'), 'utf8')).toBe('existing');

    writeTree(root, { 'a.jpg': 'newer' });
    const skipped = await core.operations.organize(organizeRequest([root], { destination, conflict: 'skip' }), { dryRun: false });
    expect(skipped).toMatchObject({ status: 'completed', moved: 0, skipped: 1, conflicts: 1 });
    expect(fs.readFileSync(path.join(root, 'a.jpg'), 'utf8')).toBe('newer');
    expect(core.operations.show(skipped.operation_id).files[0]).toMatchObject({ state: 'skipped', reason: 'conflict' });
  });

  it('skips a file that changed after the plan, and one that appeared at its destination', async () => {
    const root = tempDir();
    writeTree(root, { 'a.jpg': 'one', 'b.jpg': 'two', 'c.jpg': 'three' });
    const core = openTestCore();
    const result = await core.operations.organize(organizeRequest([root], { conflict: 'skip' }), { dryRun: false }, {
      onPlanned: () => {
        fs.appendFileSync(path.join(root, 'a.jpg'), ' edited');
        writeTree(root, { 'Images/b.jpg': 'someone else' });
      },
    });
    expect(result).toMatchObject({ moved: 1, skipped: 2 });
    const files = core.operations.show(result.operation_id).files;
    expect(files.find((row) => row.source.endsWith('a.jpg'))).toMatchObject({ state: 'skipped', reason: 'changed-since-plan' });
    expect(files.find((row) => row.source.endsWith('b.jpg'))).toMatchObject({ state: 'skipped', reason: 'conflict' });
    expect(fs.readFileSync(path.join(root, 'Images/b.jpg'), 'utf8')).toBe('someone else');
    expect(fs.readFileSync(path.join(root, 'b.jpg'), 'utf8')).toBe('two');
  });

  it('takes the next free name when a destination appears after the plan (policy rename)', async () => {
    const root = tempDir();
    writeTree(root, { 'b.jpg': 'two' });
    const core = openTestCore();
    const result = await core.operations.organize(organizeRequest([root]), { dryRun: false }, {
      onPlanned: () => writeTree(root, { 'Images/b.jpg': 'someone else' }),
    });
    expect(result).toMatchObject({ moved: 1, conflicts: 1 });
    expect(fs.readFileSync(path.join(root, 'Images/b (1).jpg'), 'utf8')).toBe('two');
    expect(core.operations.show(result.operation_id).files[0]?.destination).toBe(path.join(root, 'Images/b (1).jpg'));
  });
});

describe('names and odd entries', () => {
  it('keeps NFC and NFD spellings apart and never normalizes names', async () => {
    const root = tempDir();
    const nfc = 'caf\u00e9.txt';
    const nfd = 'cafe\u0301.txt';
    writeTree(root, { [nfc]: 'composed', [nfd]: 'decomposed', '日本語 ファイル.pdf': 'pdf', 'emoji 🎉.png': 'png' });
    const core = openTestCore();
    await core.operations.organize(organizeRequest([root]), { dryRun: false });
    expect(fs.readFileSync(path.join(root, 'Documents', nfc), 'utf8')).toBe('composed');
    expect(fs.readFileSync(path.join(root, 'Documents', nfd), 'utf8')).toBe('decomposed');
    expect(listFiles(root)).toContain('Documents/日本語 ファイル.pdf');
    expect(listFiles(root)).toContain('Images/emoji 🎉.png');
  });

  it('leaves symlinks alone and never follows them', async () => {
    const root = tempDir();
    const outside = tempDir();
    writeTree(outside, { 'secret.jpg': 'outside' });
    writeTree(root, { 'real.jpg': 'in' });
    fs.symlinkSync(path.join(outside, 'secret.jpg'), path.join(root, 'link.jpg'));
    fs.symlinkSync(outside, path.join(root, 'linked-folder'));
    const core = openTestCore();
    await core.operations.organize(organizeRequest([root]), { dryRun: false });
    expect(fs.lstatSync(path.join(root, 'link.jpg')).isSymbolicLink()).toBe(true);
    expect(fs.lstatSync(path.join(root, 'linked-folder')).isSymbolicLink()).toBe(true);
    expect(listFiles(outside)).toEqual(['secret.jpg']);
    expect(fs.existsSync(path.join(root, 'Images/real.jpg'))).toBe(true);
  });

  it('skips a name that is not valid UTF-8 with reason unsupported-name', async () => {
    const root = tempDir();
    writeTree(root, { 'ok.txt': 'fine' });
    const badName = Buffer.concat([Buffer.from(root + '/bad'), Buffer.from([0xff, 0xfe]), Buffer.from('.txt')]);
    fs.writeFileSync(badName, 'bytes');
    const core = openTestCore();
    const result = await core.operations.organize(organizeRequest([root]), { dryRun: false });
    const skipped = core.operations.show(result.operation_id).files.filter((row) => row.state === 'skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]?.reason).toBe('unsupported-name');
    expect(fs.existsSync(badName)).toBe(true);
    expect(fs.existsSync(path.join(root, 'Documents/ok.txt'))).toBe(true);
  });

  it('fits a conflict suffix into a 255-byte name by shortening the stem', async () => {
    const root = tempDir();
    const name = `${'é'.repeat(125)}x.pdf`; // 250 + 1 + 4 = 255 bytes
    expect(Buffer.byteLength(name)).toBe(255);
    writeTree(root, { [`Documents/${name}`]: 'first', [`sub/${name}`]: 'second' });
    const core = openTestCore();
    await core.operations.organize(organizeRequest([root]), { dryRun: false });
    const documents = fs.readdirSync(path.join(root, 'Documents')).sort();
    expect(documents).toHaveLength(2);
    const renamed = documents.find((entry) => entry !== name) as string;
    expect(renamed.endsWith(' (1).pdf')).toBe(true);
    expect(Buffer.byteLength(renamed)).toBeLessThanOrEqual(255);
    expect(fs.readFileSync(path.join(root, 'Documents', renamed), 'utf8')).toBe('second');
  });

  it('walks deep trees', async () => {
    const root = tempDir();
    const deep = Array.from({ length: 60 }, (_, index) => `level${index}`).join('/');
    writeTree(root, { [`${deep}/bottom.txt`]: 'deep' });
    const core = openTestCore();
    await core.operations.organize(organizeRequest([root]), { dryRun: false });
    expect(listFiles(root)).toEqual(['Documents/bottom.txt']);
  });

  it('recognizes a file without an extension by its content, and --sniff all checks every file', async () => {
    const root = tempDir();
    writeTree(root, {
      scan: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(100)]),
      'photo.txt': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, ...Array(20).fill(0)]),
      'letter.txt': 'plain text agrees with .txt',
    });
    const core = openTestCore();
    await core.operations.organize(organizeRequest([root], { sniffAll: true }), { dryRun: false });
    expect(listFiles(root)).toEqual(['Documents/letter.txt', 'Documents/scan', 'Images/photo.txt']);
  });
});

describe('destinations', () => {
  it('organizes into --dest and never rescans a destination inside the source', async () => {
    const root = tempDir();
    writeTree(root, { 'a.jpg': 'a', 'sub/b.pdf': 'b', 'Sorted/Images/old.jpg': 'already sorted' });
    const destination = path.join(root, 'Sorted');
    const core = openTestCore();
    const result = await core.operations.organize(organizeRequest([root], { destination }), { dryRun: false });
    expect(result.moved).toBe(2);
    expect(listFiles(root)).toEqual(['Sorted/Documents/b.pdf', 'Sorted/Images/a.jpg', 'Sorted/Images/old.jpg']);
  });

  it('refuses overlapping folders, which would be scanned twice', async () => {
    const root = tempDir();
    writeTree(root, { 'sub/a.jpg': 'a' });
    const core = openTestCore();
    await expect(core.operations.organize(organizeRequest([root, path.join(root, 'sub')]), { dryRun: false })).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('is inside') });
    await expect(core.operations.organize(organizeRequest([root, root]), { dryRun: false })).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('given twice') });
    expect(listFiles(root)).toEqual(['sub/a.jpg']);
  });

  it('never touches its own data folder, even inside the folder being organized', async () => {
    const root = tempDir();
    writeTree(root, { 'a.jpg': 'a' });
    const core = openTestCore(path.join(root, 'fileorg-data'));
    await core.operations.organize(organizeRequest([root]), { dryRun: false });
    expect(fs.existsSync(path.join(root, 'fileorg-data', 'fileorganizer.db'))).toBe(true);
    expect(listFiles(root).filter((file) => !file.startsWith('fileorg-data/'))).toEqual(['Images/a.jpg']);
  });

  it('refuses a root that does not exist or is a file, touching nothing', async () => {
    const root = tempDir();
    writeTree(root, { 'a.jpg': 'a' });
    const core = openTestCore();
    await expect(core.operations.organize(organizeRequest([path.join(root, 'missing')]), { dryRun: false })).rejects.toMatchObject({ code: 'E_BAD_PATH' });
    await expect(core.operations.organize(organizeRequest([path.join(root, 'a.jpg')]), { dryRun: false })).rejects.toMatchObject({ code: 'E_BAD_PATH' });
    expect(core.operations.history()).toEqual([]);
  });
});

describe('rules', () => {
  const rules: RuleSet = {
    name: 'mine',
    rules: [
      { name: 'invoices', when: { all: [{ extension: 'pdf' }, { regex: '^invoice' }] }, action: { type: 'move', to: 'Finance/{year}/{name}' } },
      { name: 'big videos', when: { all: [{ category: 'Video' }, { size: { min: '1 KiB' } }] }, action: { type: 'move', to: 'Big/{stem}.{ext}' } },
      { name: 'keep copies of screenshots', when: { glob: 'Screenshot*.png' }, action: { type: 'copy', to: 'Backup/{relative_dir}/{name}' } },
      { name: 'tag drafts', when: { not: { any: [{ extension: ['pdf', 'mp4', 'png'] }, { glob: '*.md' }] } }, action: { type: 'rename', name: 'draft-{name}' } },
    ],
  };

  it('applies the first matching rule: move, copy and rename', async () => {
    const root = tempDir();
    writeTree(root, {
      'invoice-42.pdf': 'pay', 'other.pdf': 'no rule', 'clip.mp4': 'x'.repeat(2048), 'tiny.mp4': 'x',
      'shots/Screenshot 1.png': 'png', 'notes.txt': 'draft', 'keep.md': 'markdown',
    });
    fs.utimesSync(path.join(root, 'invoice-42.pdf'), new Date('2023-05-06T12:00:00'), new Date('2023-05-06T12:00:00'));
    const core = openTestCore();
    const result = await core.operations.organize(organizeRequest([root], { rules }), { dryRun: false });
    expect(result.failed).toBe(0);
    expect(listFiles(root)).toEqual([
      'Backup/shots/Screenshot 1.png', 'Big/clip.mp4', 'Finance/2023/invoice-42.pdf', 'draft-notes.txt', 'keep.md',
      'other.pdf', 'shots/Screenshot 1.png', 'tiny.mp4',
    ]);
  });

  it('runs rows side by side, yet a name that an earlier row frees is still there for the row after it', async () => {
    // f<i>.one becomes f<i>.two, then f<i>.zero takes the freed name f<i>.one. One row per chunk, so the two
    // rows of a pair run on different threads at the same moment, either first.
    const root = tempDir();
    const files: Record<string, string> = {};
    for (let index = 0; index < 60; index++) { files[`f${index}.one`] = `one ${index}`; files[`f${index}.zero`] = `zero ${index}`; }
    writeTree(root, files);
    const before = snapshotTree(root);
    const chain: RuleSet = { name: 'chain', rules: [
      { name: 'one to two', when: { glob: '*.one' }, action: { type: 'rename', name: '{stem}.two' } },
      { name: 'zero to one', when: { glob: '*.zero' }, action: { type: 'rename', name: '{stem}.one' } },
    ] };
    const core = openTestCore(undefined, { pageSize: 8 });
    const result = await core.operations.organize(organizeRequest([root], { rules: chain }), { dryRun: false });
    expect(result).toMatchObject({ status: 'completed', moved: 120, conflicts: 0, failed: 0 });
    for (let index = 0; index < 60; index++) {
      expect(fs.readFileSync(path.join(root, `f${index}.two`), 'utf8')).toBe(`one ${index}`);
      expect(fs.readFileSync(path.join(root, `f${index}.one`), 'utf8')).toBe(`zero ${index}`);
    }
    expect(listFiles(root)).toHaveLength(120);
    // and back, where the same holds in reverse: f<i>.one must leave before f<i>.two can return to it
    expect(await core.operations.undo(result.operation_id)).toMatchObject({ status: 'rolled_back', rolled_back: 120, rollback_conflicts: 0 });
    expect(snapshotTree(root)).toEqual(before);
  });

  it('undo removes a copy only after checking it is unchanged', async () => {
    const root = tempDir();
    writeTree(root, { 'Screenshot a.png': 'a', 'Screenshot b.png': 'b' });
    const core = openTestCore();
    const result = await core.operations.organize(organizeRequest([root], { rules }), { dryRun: false });
    fs.writeFileSync(path.join(root, 'Backup/Screenshot b.png'), 'edited copy');
    const undo = await core.operations.undo(result.operation_id);
    expect(undo).toMatchObject({ status: 'partially_rolled_back', rolled_back: 1, rollback_conflicts: 1 });
    expect(listFiles(root)).toEqual(['Backup/Screenshot b.png', 'Screenshot a.png', 'Screenshot b.png']);
  });
});
