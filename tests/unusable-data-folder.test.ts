import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { httpStatusOf, toApiError } from '../src-shared/api-errors.js';
import { describeError, FileOrganizerError } from '../src-shared/errors.js';
import { dataFolderError } from '../src-main/core/db/data-folder-error.js';
import { startApi } from './helpers/api.js';
import { openTestCore, organizeRequest } from './helpers/core.js';
import { runCli, runsAsRoot } from './helpers/cli.js';
import { fillDisk, mountSmallDisk } from './helpers/small-disk.js';
import { snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';

const EXIT_DATA_FOLDER = 3;

/** A folder to organize, which must come through untouched: the run stops before anything moves. */
function untouchedSource(): { root: string; check: () => void } {
  const root = tempDir('fileorg-src-');
  writeTree(root, { 'a.txt': 'one', 'b.jpg': 'two' });
  const before = snapshotTree(root);
  return { root, check: () => expect(snapshotTree(root)).toEqual(before) };
}

/** organize, organize --json and serve all refuse the folder alike: exit 3, a message naming it and what to do. */
async function expectRefused(dataDir: string, words: RegExp, options: { asNobody?: boolean } = {}): Promise<void> {
  const source = untouchedSource();
  if (options.asNobody) fs.chmodSync(source.root, 0o755);
  const human = await runCli(['--data-dir', dataDir, 'organize', source.root], options);
  expect(human.code).toBe(EXIT_DATA_FOLDER);
  expect(human.stderr).toContain(`data folder ${dataDir}`);
  expect(human.stderr).toMatch(words);
  expect(human.stderr).toMatch(/--data-dir or FILEORG_DATA_DIR/);
  expect(human.stderr).not.toContain('[object Object]');

  const json = await runCli(['--data-dir', dataDir, 'organize', source.root, '--json'], options);
  expect(json.code).toBe(EXIT_DATA_FOLDER);
  expect(json.lines).toEqual([{ type: 'error', code: 'E_DATA_FOLDER', message: expect.stringContaining(dataDir) }]);

  const serve = await runCli(['--data-dir', dataDir, 'serve', '--port', '0'], options);
  expect(serve.code).toBe(EXIT_DATA_FOLDER);
  expect(serve.stdout).toBe(''); // it never listened
  expect(serve.stderr).toContain(dataDir);
  expect(serve.stderr).toMatch(words);
  source.check();
}

describe('an unusable data folder is named, with what to do: CLI exit 3', () => {
  it('a damaged database (garbage in fileorganizer.db)', async () => {
    const dataDir = tempDir('fileorg-data-');
    fs.writeFileSync(path.join(dataDir, 'fileorganizer.db'), Buffer.alloc(8192, 0x47));
    await expectRefused(dataDir, /is damaged \(SQLITE_NOTADB: file is not a database\)\. Move fileorganizer\.db/);
    // Nothing was written over it: the damaged file is kept for whoever repairs it.
    expect(fs.readFileSync(path.join(dataDir, 'fileorganizer.db'))).toEqual(Buffer.alloc(8192, 0x47));
  });

  it(`a data folder this user cannot write (${runsAsRoot ? 'run as uid 65534 on a folder root owns' : 'mode 0555'})`, async () => {
    const parent = tempDir('fileorg-home-');
    fs.chmodSync(parent, 0o755);
    const dataDir = path.join(parent, 'data');
    expect((await runCli(['--data-dir', dataDir, 'history'])).code).toBe(0); // made, with its database, by its owner
    fs.chmodSync(dataDir, 0o555);
    fs.chmodSync(path.join(dataDir, 'fileorganizer.db'), 0o644); // readable, not writable (fileorg makes it 0600)
    try {
      await expectRefused(dataDir, /cannot be written \(SQLITE_READONLY\w*: attempt to write a readonly database\)\. FileOrganizer keeps its history and journal there: make it writable/, { asNobody: true });
      // A data folder that cannot even be made says the same of the folder it would be.
      const unmade = path.join(dataDir, 'inner');
      const refused = await runCli(['--data-dir', unmade, 'history'], { asNobody: true });
      expect(refused.code).toBe(EXIT_DATA_FOLDER);
      expect(refused.stderr).toMatch(new RegExp(`the data folder ${unmade} cannot be written \\(EACCES: permission denied`));
    } finally {
      fs.chmodSync(dataDir, 0o755);
    }
  });
});

// A 2 MiB disk for the data folder, filled to the last byte once the folder is set up.
const disk = mountSmallDisk('2m', os.tmpdir());
afterAll(() => disk.unmount());
const noMount = disk.dir === undefined ? `skipped: tmpfs cannot be mounted here (${disk.refusal}): ` : '';

describe('a data folder on a full disk', () => {
  it.skipIf(disk.dir === undefined)(`${noMount}the CLI and serve exit 3, naming the folder and what to do`, async () => {
    const dataDir = path.join(disk.dir as string, 'cli');
    expect((await runCli(['--data-dir', dataDir, 'history'])).code).toBe(0);
    const filler = fillDisk(disk.dir as string);
    try {
      await expectRefused(dataDir, /is full \(SQLITE_\w+: [^)]+\)\. Free some space/);
    } finally {
      fs.rmSync(filler);
    }
  });

  it.skipIf(disk.dir === undefined)(`${noMount}a request that needs to write while the server's data folder disk is full answers 503 E_IO naming the folder`, async () => {
    const dataDir = path.join(disk.dir as string, 'api');
    const api = await startApi({ bcryptCost: 4, dataDir });
    const session = await api.signup('dora');
    const source = untouchedSource();
    const filler = fillDisk(disk.dir as string);
    try {
      const started = await api.call('POST', '/api/v1/operations', { token: session.access_token, body: { source_paths: [source.root], preset: 'by-type' } });
      expect(started.status).toBe(503);
      expect(started.body).toEqual({
        code: 'E_IO',
        message: expect.stringMatching(new RegExp(`^the disk holding the data folder ${dataDir} is full \\(SQLITE_FULL: database or disk is full\\)\\. Free some space`)),
        details: { reason: 'E_DATA_FOLDER', data_folder: dataDir, problem: 'full', cause: 'SQLITE_FULL' },
      });
      // Reading still works: the folder is full, not gone.
      expect((await api.call('GET', '/api/v1/operations', { token: session.access_token })).status).toBe(200);
      source.check();
    } finally {
      fs.rmSync(filler);
    }
  });
});

describe('a data folder too small to hold a new database', () => {
  it.skipIf(disk.dir === undefined)(`${noMount}is named as full when its first migrations cannot be written (exit 3)`, async () => {
    const tiny = mountSmallDisk('64k', os.tmpdir());
    try {
      const dataDir = path.join(tiny.dir as string, 'data');
      fs.mkdirSync(dataDir);
      fillDisk(tiny.dir as string);
      const run = await runCli(['--data-dir', dataDir, 'history', '--json']);
      expect(run.code).toBe(EXIT_DATA_FOLDER);
      expect(run.lines).toEqual([{ type: 'error', code: 'E_DATA_FOLDER', message: expect.stringContaining(`the disk holding the data folder ${dataDir} is full`) }]);
    } finally {
      tiny.unmount();
    }
  });
});

describe('a run whose journal cannot be written', () => {
  it.skipIf(disk.dir === undefined)(`${noMount}is settled from the disk once the data folder has room again: undo then puts every file back`, async () => {
    const dataDir = path.join(disk.dir as string, 'mid-run');
    const core = openTestCore(dataDir, { pageSize: 1 });
    const root = tempDir('fileorg-src-');
    writeTree(root, Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`file-${index}.txt`, `content ${index}`])));
    const before = snapshotTree(root);
    let filler: string | undefined;
    let operationId = '';
    // Files are moving, a page at a time; then the disk fills, so the next page written back fails.
    const run = core.operations.organize(organizeRequest([root]), { dryRun: false }, {
      onStarted: (id) => { operationId = id; },
      onProgress: (progress) => {
        if (progress.stage === 'execute' && progress.files_done > 0 && filler === undefined) filler = fillDisk(disk.dir as string);
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'SQLITE_FULL' }); // the CLI and the API name it as the data folder's
    fs.rmSync(filler as string);
    // Not left `running` for as long as this process lives: undo settles it (as recovery would), then undoes it.
    const undo = await core.operations.undo(operationId);
    expect(undo).toMatchObject({ status: 'rolled_back', rollback_conflicts: 0 });
    expect(snapshotTree(root)).toEqual(before);
  });
});

describe('errors in words', () => {
  it('never prints [object Object]: a value that crossed a thread (a bare { code }), an object with a message, a string', () => {
    // better-sqlite3's errors cross worker threads as a plain object holding only their code.
    expect(describeError(structuredClone({ code: 'SQLITE_IOERR_SHORT_READ' }))).toBe('SQLITE_IOERR_SHORT_READ');
    expect(describeError({ message: 'database disk image is malformed', code: 'SQLITE_CORRUPT' })).toBe('SQLITE_CORRUPT: database disk image is malformed');
    expect(describeError(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }))).toBe('ENOSPC: no space left on device, write');
    expect(describeError({ status: 7 })).toBe('{"status":7}');
    expect(describeError('plain words')).toBe('plain words');
    expect(describeError(new FileOrganizerError('E_BAD_PATH', '/x does not exist; give a folder to organize'))).toBe('/x does not exist; give a folder to organize');
    for (const value of [{}, Object.create(null), new Error(''), null, undefined]) expect(describeError(value)).not.toContain('[object');
  });

  it('SQLite\'s refusals are the data folder\'s: E_DATA_FOLDER, over HTTP E_IO 503; a user\'s file refusing is not', () => {
    const dataDir = tempDir('fileorg-data-');
    const damaged = dataFolderError({ code: 'SQLITE_CORRUPT' }, dataDir) as FileOrganizerError;
    expect(damaged).toMatchObject({ code: 'E_DATA_FOLDER', details: { data_folder: dataDir, problem: 'damaged' } });
    expect(damaged.message).toContain(dataDir);
    const answer = toApiError(damaged);
    expect(answer).toMatchObject({ code: 'E_IO', details: { reason: 'E_DATA_FOLDER' } });
    expect(httpStatusOf(answer)).toBe(503);
    // An OS error is the data folder's only where the caller says it came from there (opening it).
    const denied = Object.assign(new Error('EACCES: permission denied, open \'/home/me/a.txt\''), { code: 'EACCES' });
    expect(dataFolderError(denied, dataDir)).toBeUndefined();
    expect(httpStatusOf(toApiError(denied))).toBe(422);
    expect(dataFolderError({ code: 'SQLITE_CONSTRAINT_UNIQUE' }, dataDir)).toBeUndefined();
    // drizzle's wrapper ("Failed to run the query 'ROLLBACK'") is judged, and worded, by the SQLite error it holds.
    const wrapped = Object.assign(new Error("Failed to run the query 'ROLLBACK'"), { cause: Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }) });
    const full = dataFolderError(wrapped, dataDir) as FileOrganizerError;
    expect(full).toMatchObject({ code: 'E_DATA_FOLDER', details: { problem: 'full', cause: 'SQLITE_FULL' } });
    expect(full.message).toContain('(SQLITE_FULL: database or disk is full)');
  });
});
