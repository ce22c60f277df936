import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCAL_USER_ID } from '../src-main/core/db/schema.js';
import { createHandledFiles, identityOf } from '../src-main/core/watch/handled-files.js';
import { endedAfterEach } from './helpers/child-processes.js';
import { listFiles, tempDir } from './helpers/temp-tree.js';
import { movedInAll, openCore, QUICK, sha256, until, watch, watchedFolder, watchOperations } from './helpers/watch-runtime.js';

/** Another file system than the temp folder's: a move there is a copy and a delete, and so is its undo. */
const OTHER_DEVICE = '/dev/shm';
const HOLDER = path.resolve(import.meta.dirname, 'helpers', 'watch-holder.ts');

const children = endedAfterEach('SIGKILL');

/** A watcher in another process whose batches go a few files a page, slowly: resolves once it watches. */
async function startSlowHolder(dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, dataDir, 'fileorg watch', JSON.stringify(QUICK), JSON.stringify({ pageSize: 4, pageDelayMs: 150 })], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { if (chunk.includes('"watching"')) resolve(); });
    child.once('exit', (code) => reject(new Error(`the holder exited (${code}) before watching: ${stderr}`)));
  });
  return child;
}

/** Files in the watched folder by content, for "the same files, byte for byte". */
const contents = (root: string): Record<string, string> => Object.fromEntries(listFiles(root).map((name) => [name, sha256(path.join(root, name))]));

function otherDevice(): string {
  const destination = tempDir('watch-dest-', OTHER_DEVICE);
  expect(fs.statSync(destination).dev, `${OTHER_DEVICE} must be another device than ${os.tmpdir()}`).not.toBe(fs.statSync(os.tmpdir()).dev);
  return destination;
}

describe('files put back by an undo stay put back', () => {
  it('undoing a batch that moved files to another device, while the watcher runs: the files copied back are left, also after a restart', async () => {
    const core = openCore();
    const destination = otherDevice();
    const { root } = watchedFolder(core, { destination });
    const watching = await watch(core);
    for (const name of ['a.pdf', 'b.jpg', 'c.mp3']) fs.writeFileSync(path.join(root, name), `the bytes of ${name}`);
    const before = contents(root);
    await until('the three files to be moved', () => movedInAll(core) === 3);
    await watching.watcher.idle();
    expect(listFiles(root)).toEqual([]);
    const [batch] = watchOperations(core);
    const seenBefore = watching.outcomes.length;
    expect(await core.operations.undo(batch?.id as string, {}, { owner: LOCAL_USER_ID })).toMatchObject({ status: 'rolled_back', rolled_back: 3 });
    expect(contents(root)).toEqual(before);
    // Each file copied back (a new inode) arrives, settles and is looked at: known as put back, left where it is.
    const names = Object.keys(before).map((name) => path.join(root, name));
    await until('the files put back to be left as handled', () => names.every((name) => watching.outcomes.slice(seenBefore).some((seen) => seen.file === name && seen.outcome === 'handled')));
    await watching.watcher.idle();
    expect(watchOperations(core)).toHaveLength(1);
    expect(contents(root)).toEqual(before);

    await watching.watcher.stop();
    const restarted = await watch(core);
    await restarted.watcher.idle();
    await restarted.watcher.catchUp();
    expect(watchOperations(core)).toHaveLength(1);
    expect(contents(root)).toEqual(before);
  });

  it('an undo that puts files back page by page, slowly, while the watcher runs: batches wait for it, and none is organized again', async () => {
    const core = openCore({ pageSize: 2, pageDelayMs: 150 });
    const destination = otherDevice();
    const { root } = watchedFolder(core, { destination });
    // The undo's state each time the watcher leaves a file as handled: never while it still puts files back.
    const undoStates: string[] = [];
    const watching = await watch(core, { observe: (_file, outcome) => { if (outcome === 'handled') undoStates.push(watchOperations(core)[0]?.status ?? 'none'); } });
    for (let index = 0; index < 8; index++) fs.writeFileSync(path.join(root, `page-${index}.txt`), `page ${index}`);
    const before = contents(root);
    await until('the eight files to be moved', () => movedInAll(core) === 8);
    await watching.watcher.idle();
    const [batch] = watchOperations(core);
    const seenBefore = watching.outcomes.length;
    // Four pages, 150 ms apart: the first files back settle and reach a batch while the undo still runs.
    const undone = core.operations.undo(batch?.id as string, {}, { owner: LOCAL_USER_ID });
    await until('the undo to be under way', () => watchOperations(core)[0]?.status === 'rolling_back');
    expect(await undone).toMatchObject({ status: 'rolled_back', rolled_back: 8 });
    const names = Object.keys(before).map((name) => path.join(root, name));
    await until('the files put back to be left as handled', () => names.every((name) => watching.outcomes.slice(seenBefore).some((seen) => seen.file === name && seen.outcome === 'handled')));
    await watching.watcher.idle();
    expect(new Set(undoStates)).toEqual(new Set(['rolled_back']));
    expect(watchOperations(core)).toHaveLength(1);
    expect(contents(root)).toEqual(before);
  });

  it('undoing such a batch while no watcher runs: the next watcher\'s catch-up pass leaves the files put back', async () => {
    const core = openCore();
    const destination = otherDevice();
    const { root } = watchedFolder(core, { destination });
    const first = await watch(core);
    for (const name of ['d.pdf', 'e.txt']) fs.writeFileSync(path.join(root, name), `the bytes of ${name}`);
    const before = contents(root);
    await until('the two files to be moved', () => movedInAll(core) === 2);
    await first.watcher.idle();
    await first.watcher.stop();
    const [batch] = watchOperations(core);
    await core.operations.undo(batch?.id as string, {}, { owner: LOCAL_USER_ID });
    expect(contents(root)).toEqual(before);
    const second = await watch(core);
    await second.watcher.idle();
    expect(second.outcomes.filter((seen) => seen.outcome !== 'handled')).toEqual([]);
    expect(watchOperations(core)).toHaveLength(1);
    expect(contents(root)).toEqual(before);
  });
});

describe('a batch killed part way', () => {
  const RENAMES = 60;

  /** A watcher in another process renames RENAMES files "{stem}-seen"; killed part way. Answers how many it had renamed. */
  async function killMidBatch(core: ReturnType<typeof openCore>): Promise<{ root: string; renamed: number }> {
    const rules = core.ruleSets.create(LOCAL_USER_ID, 'mark as seen', [{ name: 'add -seen', action: { type: 'rename', name: '{stem}-seen.{ext}' } }]);
    const { root } = watchedFolder(core, { ruleSetId: rules.id });
    for (let index = 0; index < RENAMES; index++) fs.writeFileSync(path.join(root, `file-${index}.txt`), `file ${index}\n`);
    const holder = await startSlowHolder(core.dataDir);
    const seen = (): number => fs.readdirSync(root).filter((name) => name.endsWith('-seen.txt')).length;
    await until('the holder to be part way through its batch', () => seen() >= 8, 30_000);
    const killed = new Promise((resolve) => { holder.once('exit', resolve); });
    holder.kill('SIGKILL');
    await killed;
    const renamed = seen();
    expect(renamed).toBeLessThan(RENAMES);
    expect(watchOperations(core).map((operation) => operation.status)).toEqual(['running']); // left by a process that is gone
    return { root, renamed };
  }

  const expectEachRenamedOnce = (root: string): void => {
    const names = listFiles(root);
    expect(names.filter((name) => name.includes('-seen-seen'))).toEqual([]);
    expect(names).toEqual(Array.from({ length: RENAMES }, (_, index) => `file-${index}-seen.txt`).sort());
  };

  it('a watcher started afresh (a new process: its files recovered at open) renames the rest once, and none again', async () => {
    const core = openCore();
    const { root } = await killMidBatch(core);
    const reopened = openCore({ dataDir: core.dataDir });
    expect(reopened.recovered).toHaveLength(1);
    const watching = await watch(reopened);
    await until('every file to be renamed', () => fs.readdirSync(root).every((name) => name.includes('-seen')));
    await watching.watcher.idle();
    await watching.watcher.catchUp();
    expectEachRenamedOnce(root);
  });

  it('a watcher of a process opened before the kill (a serve taking over) settles the batch first, and renames none again', async () => {
    const core = openCore();
    const { root } = await killMidBatch(core);
    const watching = await watch(core);
    await until('every file to be renamed', () => fs.readdirSync(root).every((name) => name.includes('-seen')));
    await watching.watcher.idle();
    await watching.watcher.catchUp();
    expectEachRenamedOnce(root);
    expect(watchOperations(core)[0]?.status).toBe('interrupted');
  });
});

describe('a handled file is told from a new one in its inode', () => {
  it('a new file that reuses a freed inode, with the same mtime but another size, is organized', async () => {
    const core = openCore();
    const { root } = watchedFolder(core);
    const watching = await watch(core);
    const staging = tempDir('staging-'); // the same file system as the watched folder
    const when = new Date('2024-02-03T04:05:06Z');
    fs.writeFileSync(path.join(staging, 'first.txt'), 'the first file');
    fs.utimesSync(path.join(staging, 'first.txt'), when, when);
    fs.renameSync(path.join(staging, 'first.txt'), path.join(root, 'first.txt'));
    await watching.events.next('watch:batch', () => true);
    await watching.watcher.idle();
    const placed = path.join(root, 'Documents', 'first.txt');
    const handledInode = fs.statSync(placed).ino;
    fs.rmSync(placed);
    // Made in the same folder right after: ext4 gives it the inode just freed.
    const second = path.join(root, 'Documents', 'second.txt');
    fs.writeFileSync(second, 'a second file, of another size');
    expect(fs.statSync(second).ino, 'the file system did not reuse the freed inode').toBe(handledInode);
    fs.utimesSync(second, when, when);
    fs.renameSync(second, path.join(root, 'second.txt'));
    const batch = await watching.events.next('watch:batch', (event) => event.operation_id !== watchOperations(core)[0]?.id);
    expect(batch).toMatchObject({ moved: 1 });
    expect(listFiles(root)).toEqual(['Documents/second.txt']);
  });

  it('compares size and birth time beside the mtime, and the birth time only where both were kept', () => {
    const core = openCore();
    const { root, id } = watchedFolder(core);
    const file = path.join(root, 'kept.txt');
    fs.writeFileSync(file, 'kept');
    const identity = identityOf(file);
    if (!identity) throw new Error('no identity');
    const handled = createHandledFiles(core.database, Date.now);
    handled.record([{ ...identity, folderId: id, path: file, operationId: 'op' }]);
    expect(handled.isHandled(identity)).toBe(true);
    expect(handled.isHandled({ ...identity, size: identity.size + 1 })).toBe(false);
    expect(handled.isHandled({ ...identity, mtimeMs: identity.mtimeMs + 1 })).toBe(false);
    expect(handled.isHandled({ ...identity, birthtimeMs: identity.birthtimeMs + 1 })).toBe(identity.birthtimeMs === 0);
    expect(handled.isHandled({ ...identity, birthtimeMs: 0 })).toBe(true); // a file system without birth times
    expect(identity.birthtimeMs).toBeGreaterThan(0); // this one keeps them (ext4, tmpfs)
  });
});
