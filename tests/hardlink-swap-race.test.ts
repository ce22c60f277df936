import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readIdentity, type FileIdentity } from '../src-worker/file-identity.js';
import { anchoredLinkOver, anchoredRenameOver, nativeMovesAvailable } from '../src-worker/native-moves.js';
import { anchorBytes } from '../src-worker/real-folders.js';
import { journalRows, lastLine, MOVE_PATHS, NOBODY, runJson, runsAsRoot } from './helpers/cli.js';
import { pauseAt } from './helpers/pause.js';
import { snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';
import { startToggler } from './helpers/toggler.js';

/**
 * Issue 16: hard-link dedupe replaces a duplicate's name (the kept file linked beside it, then renamed over it).
 * By path, another OS user who may write a folder of the tree (here uid 65534 owning it, the engine running as
 * root) could swap the duplicate's folder for a symlink to a folder only root may write, after the checks and
 * before the link and rename: the rename then replaced root's file there with the kept file's inode. The native
 * link over and rename over open both folders from the root without following a symlink, check both files with
 * fstatat relative to them and link and rename relative to them, so the row is refused and nothing there changes.
 * The engine's test pause stops it right between its checks and the link (or, in undo, the rename of the copy over
 * the link), and the other user swaps the folder there.
 */
const native = nativeMovesAvailable();
/** As root, the other user is uid 65534 through setpriv (util-linux); as anyone else, the same user plays it. */
const otherUserPossible = !runsAsRoot || ['/usr/bin/setpriv', '/bin/setpriv'].some((file) => fs.existsSync(file));

/** A root-only folder (0700) holding a file named like the duplicate: what the symlink points to. */
function secretFolder(): string {
  const secret = tempDir('fileorg-secret-');
  fs.chmodSync(secret, 0o700);
  writeTree(secret, { 'b.txt': 'not for anyone else' });
  return secret;
}

/** The secret folder as it must stay: its names and contents, and its file's inode and link count. */
function secretState(secret: string) {
  const file = fs.lstatSync(path.join(secret, 'b.txt'));
  return { tree: snapshotTree(secret), ino: file.ino, nlink: file.nlink };
}

/**
 * A tree the other user owns, inside a folder everyone may enter: the kept file a.txt (the oldest) and its
 * duplicate sub/b.txt. The folder sub itself is ours (0755): hard links are made only in folders no one else can
 * change, and the other user may still swap it, being the owner of the folder it lies in.
 */
function hostileTree(): { root: string; sub: string; aside: string } {
  const base = tempDir('fileorg-hardlink-swap-');
  fs.chmodSync(base, 0o755);
  const root = path.join(base, 'tree');
  writeTree(root, { 'a.txt': 'twin', 'sub/b.txt': 'twin' });
  fs.utimesSync(path.join(root, 'a.txt'), 1_600_000_000, 1_600_000_000);
  if (runsAsRoot) for (const entry of [root, path.join(root, 'a.txt'), path.join(root, 'sub/b.txt')]) fs.lchownSync(entry, NOBODY, NOBODY);
  return { root, sub: path.join(root, 'sub'), aside: path.join(root, 'sub.aside') };
}

/** Run `script` (node, with `args` as process.argv.slice(1)) as the other user, to its end. */
function asOtherUser(script: string, ...args: string[]): void {
  const command = runsAsRoot ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath] : [process.execPath];
  const result = spawnSync(command[0] as string, [...command.slice(1), '-e', script, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the other user's step failed (${result.status}): ${result.stderr}`);
}

/** The other user's swap: the folder renamed aside, a symlink to `target` in its place. */
const SWAP = `const fs = require('fs'); const [folder, aside, target] = process.argv.slice(1); fs.renameSync(folder, aside); fs.symlinkSync(target, folder);`;
/** And back: the symlink removed, the real folder under its name again. */
const SWAP_BACK = `const fs = require('fs'); const [folder, aside] = process.argv.slice(1); fs.unlinkSync(folder); fs.renameSync(aside, folder);`;

describe.each(MOVE_PATHS)('hard-link dedupe, the duplicate\'s folder swapped for a symlink by another user ($path path)', ({ path: movePath, env }) => {
  const onNative = movePath === 'native';
  /** A case runs where the native module is built (on its path) and another OS user can be played. */
  const cannotRun = (onNative && !native) || !otherUserPossible;
  // Only the native link over holds. On the JavaScript fallback (Windows, FILEORG_NATIVE=off) a folder checked by
  // lstat just before the link may still be swapped before the link by path follows it, leaving a link to the kept
  // file in the folder the symlink points to (seen when this case ran there): it narrows the window, it cannot
  // close it (docs/architecture.md, "Hard links, relative to real folders"), so the case is the native path's only.

  if (onNative) it.skipIf(cannotRun)('(needs the native module, and setpriv when run as root) between the checks and the link: the row is skipped symlink-in-path, nothing in the folder it points to is replaced or linked, nothing is lost', async () => {
    const secret = secretFolder();
    const secretBefore = secretState(secret);
    const { root, sub, aside } = hostileTree();
    const dataDir = tempDir('fileorg-data-');
    const duplicate = fs.lstatSync(path.join(sub, 'b.txt'));

    const pause = pauseAt('before-unlink');
    const running = runJson(dataDir, ['dupes', root, '--hardlink'], { ...env, ...pause.env });
    expect(await pause.paused()).toBe(path.join(sub, 'b.txt'));
    asOtherUser(SWAP, sub, aside, secret);
    pause.resume();
    const run = await running;

    expect(secretState(secret)).toEqual(secretBefore);
    expect(lastLine(run.lines), run.stderr).toMatchObject({ status: 'completed', linked: 0, skipped: 1 });
    const rows = await journalRows(dataDir, lastLine(run.lines).operation_id as string);
    expect(rows[0]).toMatchObject({ state: 'skipped', reason: 'symlink-in-path', error: expect.stringContaining(`${sub} is a symlink`) });
    // Nothing lost: the duplicate is its own file still, where the other user put its folder; the kept file alone.
    expect(fs.readdirSync(aside)).toEqual(['b.txt']);
    expect(fs.lstatSync(path.join(aside, 'b.txt'))).toMatchObject({ ino: duplicate.ino, nlink: 1 });
    expect(fs.readFileSync(path.join(aside, 'b.txt'), 'utf8')).toBe('twin');
    expect(fs.lstatSync(path.join(root, 'a.txt')).nlink).toBe(1);
  });

  it.skipIf(cannotRun)('(needs setpriv when run as root, and the native module on its path) undo, between writing the copy and renaming it over the link: a rollback conflict, nothing in the folder the symlink points to is replaced, and undo again once the folder is back ends it', async () => {
    const secret = secretFolder();
    const secretBefore = secretState(secret);
    const { root, sub, aside } = hostileTree();
    const dataDir = tempDir('fileorg-data-');
    const treeBefore = snapshotTree(root);
    const run = await runJson(dataDir, ['dupes', root, '--hardlink'], env);
    expect(lastLine(run.lines), run.stderr).toMatchObject({ status: 'completed', linked: 1 });
    const operationId = lastLine(run.lines).operation_id as string;
    const kept = fs.lstatSync(path.join(root, 'a.txt'));

    const pause = pauseAt('after-copy');
    const undoing = runJson(dataDir, ['undo', operationId], { ...env, ...pause.env });
    expect(await pause.paused()).toBe(path.join(sub, 'b.txt'));
    asOtherUser(SWAP, sub, aside, secret);
    pause.resume();
    const undo = await undoing;

    expect(secretState(secret)).toEqual(secretBefore);
    expect(lastLine(undo.lines), undo.stderr).toMatchObject({ rolled_back: 0, rollback_conflicts: 1 });
    const rows = await journalRows(dataDir, operationId);
    // Natively the rename is refused at the folder; by path, the rename of a temp name that is not there fails.
    expect(rows[0]).toMatchObject({ state: 'rollback_conflict', reason: onNative ? 'symlink-in-path' : expect.any(String) });
    // Nothing lost: the name is still the link, with the content.
    expect(fs.lstatSync(path.join(aside, 'b.txt')).ino).toBe(kept.ino);
    expect(fs.readFileSync(path.join(aside, 'b.txt'), 'utf8')).toBe('twin');

    // The folder back, undo again: the name gets its own file, and the copy left under its temp name goes.
    asOtherUser(SWAP_BACK, sub, aside);
    const again = await runJson(dataDir, ['undo', operationId], env);
    expect(lastLine(again.lines), again.stderr).toMatchObject({ status: 'rolled_back', rollback_conflicts: 0 });
    expect(snapshotTree(root)).toEqual(treeBefore);
    expect(fs.lstatSync(path.join(sub, 'b.txt')).ino).not.toBe(kept.ino);
    expect(secretState(secret)).toEqual(secretBefore);
  });
});

/** The other user's loop: the folder aside, a symlink to `target` in its place, the symlink gone, the folder back. */

// The native path's only: on the JavaScript fallback a link, a copy or a rename by path may follow the folder
// swapped between its checks and the call (it narrows the window, it cannot close it).
describe.skipIf(!native)('(needs the native module, which is not built on Windows or after a failed build) hard-link dedupe and its undo under a loop swapping the duplicates\' folder for a symlink', () => {
  const env = MOVE_PATHS.find((entry) => entry.path === 'native')?.env ?? {};

  it.skipIf(!otherUserPossible)('(needs setpriv when run as root) nothing in the root-only folder the symlink points to is replaced, linked or added; every name holds its content', async () => {
    const secret = tempDir('fileorg-secret-');
    fs.chmodSync(secret, 0o700);
    const base = tempDir('fileorg-hardlink-loop-');
    fs.chmodSync(base, 0o755);
    const root = path.join(base, 'tree');
    const sub = path.join(root, 'sub');
    const aside = path.join(root, 'sub.real');
    const names = Array.from({ length: 300 }, (_, index) => `copy-${String(index).padStart(3, '0')}.txt`);
    writeTree(root, { 'keep.txt': 'same words', ...Object.fromEntries(names.map((name) => [`sub/${name}`, 'same words'])) });
    writeTree(secret, Object.fromEntries(names.map((name) => [name, 'root only'])));
    fs.utimesSync(path.join(root, 'keep.txt'), 1_600_000_000, 1_600_000_000);
    // The folder sub stays ours (hard links are made only in folders no one else can change); the other user swaps it from its parent.
    if (runsAsRoot) for (const entry of [root, path.join(root, 'keep.txt'), ...names.map((name) => path.join(sub, name))]) fs.lchownSync(entry, NOBODY, NOBODY);
    const secretBefore = snapshotTree(secret);
    const secretInodes = names.map((name) => fs.lstatSync(path.join(secret, name)).ino);
    const secretUnchanged = (): void => {
      expect(snapshotTree(secret)).toEqual(secretBefore);
      expect(names.map((name) => fs.lstatSync(path.join(secret, name))).map((stats) => [stats.ino, stats.nlink])).toEqual(secretInodes.map((ino) => [ino, 1]));
    };
    const treeBefore = snapshotTree(root);
    const dataDir = tempDir('fileorg-data-');
    /** Where a name is now: under the folder's name, or its aside name if the loop left both. */
    const find = (name: string): string => [path.join(sub, name), path.join(aside, name)].find((file) => fs.existsSync(file)) ?? expect.fail(`${name} is nowhere`);

    // The loop starts once the search is over (it would otherwise find the files under the folder's aside name),
    // as the first row is about to be linked.
    let swaps = 0;
    const pause = pauseAt('before-link');
    const running = runJson(dataDir, ['dupes', root, '--hardlink'], { ...env, ...pause.env });
    await pause.paused();
    let toggler = await startToggler(sub, aside, secret, 30);
    pause.resume();
    const run = await running.finally(async () => { swaps += await toggler.stop(); });
    secretUnchanged();
    expect(lastLine(run.lines), run.stderr).toMatchObject({ type: 'result', status: expect.stringMatching(/^completed/) });
    const operationId = lastLine(run.lines).operation_id as string;
    const keptIno = fs.lstatSync(path.join(root, 'keep.txt')).ino;
    for (const row of await journalRows(dataDir, operationId)) {
      const file = find(path.basename(row.source as string));
      expect(fs.readFileSync(file, 'utf8')).toBe('same words');
      if (row.state === 'done') expect(fs.lstatSync(file).ino).toBe(keptIno);
      // Skipped, or failed where a folder vanished between two looks at it (the loop's rename): left as it is.
      else expect(row, file).toMatchObject({ state: expect.stringMatching(/^(skipped|failed)$/), reason: expect.any(String) });
    }

    toggler = await startToggler(sub, aside, secret, 30);
    const undo = await runJson(dataDir, ['undo', operationId], env).finally(async () => { swaps += await toggler.stop(); });
    secretUnchanged();
    expect(lastLine(undo.lines), undo.stderr).toMatchObject({ type: 'result' });
    for (const name of names) expect(fs.readFileSync(find(name), 'utf8')).toBe('same words');

    // The loop over (it leaves the real folder under its name), undo again ends it: the tree as it was.
    if (fs.existsSync(aside)) for (const name of fs.readdirSync(aside)) fs.renameSync(path.join(aside, name), path.join(sub, name));
    if (fs.existsSync(aside)) fs.rmdirSync(aside);
    if (lastLine(undo.lines).status !== 'rolled_back') {
      const again = await runJson(dataDir, ['undo', operationId], env);
      expect(lastLine(again.lines), again.stderr).toMatchObject({ status: 'rolled_back', rollback_conflicts: 0 });
    }
    expect(snapshotTree(root)).toEqual(treeBefore);
    secretUnchanged();
    expect(swaps).toBeGreaterThan(0);
  });
});

/** Every name that appears in `folder` until stop() (inotify: what another user watching it would see). */
function watchNames(folder: string): { stop: () => Promise<string[]> } {
  const marker = '.watch-marker';
  const seen = new Set<string>();
  let markerSeen: (() => void) | undefined;
  const watcher = fs.watch(folder, (_event, name) => {
    if (name === marker) markerSeen?.();
    else if (name) seen.add(String(name));
  });
  return {
    async stop(): Promise<string[]> {
      // Events come in order: once the marker made now is seen, every earlier name was.
      const arrived = new Promise<void>((resolve) => { markerSeen = resolve; });
      fs.writeFileSync(path.join(folder, marker), '');
      await arrived;
      watcher.close();
      fs.unlinkSync(path.join(folder, marker));
      return [...seen];
    },
  };
}

/**
 * Issue 16's re-probe: the link's temp name was made beside the duplicate, in a shared 0777 folder, where another
 * user renamed it away as it appeared and kept lasting links to files in a root-only folder. The temp link is now
 * made only in a folder that is ours and no one else may write, unless it is sticky (others cannot rename our names).
 */
const DUPLICATE_FOLDERS = [
  { folder: 'a shared 0777 folder', mode: 0o777, owner: undefined, links: false },
  { folder: 'a 0755 folder of another user', mode: 0o755, owner: NOBODY, links: false },
  { folder: 'a sticky 1777 folder of ours', mode: 0o1777, owner: undefined, links: true },
] as const;

describe.each(MOVE_PATHS)('hard-link dedupe makes its temp link only where no other user can take it ($path path)', ({ path: movePath, env }) => {
  const noModule = movePath === 'native' && !native;
  for (const { folder, mode, owner, links } of DUPLICATE_FOLDERS) {
    const cannotRun = noModule || (owner !== undefined && !runsAsRoot);
    const outcome = links
      ? 'the duplicate is linked to the kept copy in a root-only folder'
      : 'the row is skipped folder-others-can-write, no temp name ever appears there, nothing is linked';
    it.skipIf(cannotRun)(`(needs root to give a folder to another user, and the native module on its path) the duplicate in ${folder}: ${outcome}`, async () => {
      const base = tempDir('fileorg-shared-folder-');
      writeTree(base, { 'keep/a.txt': 'same words', 'shared/b.txt': 'same words' });
      const kept = path.join(base, 'keep/a.txt');
      const shared = path.join(base, 'shared');
      const duplicate = path.join(shared, 'b.txt');
      fs.chmodSync(path.join(base, 'keep'), 0o700);
      fs.chmodSync(shared, mode);
      if (owner !== undefined) fs.chownSync(shared, owner, owner);
      fs.utimesSync(kept, 1_600_000_000, 1_600_000_000); // the oldest: the one kept
      const duplicateIno = fs.lstatSync(duplicate).ino;
      const dataDir = tempDir('fileorg-data-');

      const watching = watchNames(shared);
      const run = await runJson(dataDir, ['dupes', base, '--hardlink'], env);
      const seen = await watching.stop();
      const temporaryNames = seen.filter((name) => name.startsWith('.fileorg-'));
      expect(fs.readdirSync(shared)).toEqual(['b.txt']);
      expect(fs.readFileSync(duplicate, 'utf8')).toBe('same words');
      if (links) {
        expect(lastLine(run.lines), run.stderr).toMatchObject({ status: 'completed', linked: 1, skipped: 0 });
        expect(fs.lstatSync(duplicate).ino).toBe(fs.lstatSync(kept).ino);
        // The watch does see a temp link made there (so an empty list below means none was made).
        expect(temporaryNames).toHaveLength(1);
        return;
      }
      expect(lastLine(run.lines), run.stderr).toMatchObject({ status: 'completed', linked: 0, skipped: 1 });
      const rows = await journalRows(dataDir, lastLine(run.lines).operation_id as string);
      expect(rows[0]).toMatchObject({
        state: 'skipped', reason: 'folder-others-can-write',
        error: expect.stringContaining(`${shared} belongs to another user or others may write in it`),
      });
      expect(rows[0]?.error).toContain('make the folder yours and not writable by others');
      expect(temporaryNames).toEqual([]);
      expect(fs.lstatSync(duplicate)).toMatchObject({ ino: duplicateIno, nlink: 1 });
      expect(fs.lstatSync(kept).nlink).toBe(1);
    });
  }
});

describe.skipIf(!native)('(needs the native module, which is not built on Windows or after a failed build) the native link over and rename over', () => {
  /** A kept file and its duplicate in their own folders below one root, and what the engine checked of them. */
  function pair() {
    const root = tempDir('fileorg-link-over-');
    writeTree(root, { 'kept/a.txt': 'same words', 'dup/b.txt': 'same words' });
    const keptFile = path.join(root, 'kept/a.txt');
    const duplicate = path.join(root, 'dup/b.txt');
    const stats = fs.lstatSync(keptFile, { bigint: true });
    const identity = (file: string): FileIdentity => readIdentity(file) ?? expect.fail(`no file at ${file}`);
    const checks = () => ({ fromDev: String(stats.dev), fromIno: String(stats.ino), ctimeNs: String(fs.lstatSync(duplicate, { bigint: true }).ctimeNs) });
    return { root, keptFile, duplicate, temporary: path.join(root, 'dup/.fileorg-test.tmp'), expected: identity(duplicate), checks, bytes: anchorBytes([root], root), identity };
  }

  it('links the kept file over its duplicate, or answers why not, leaving both files and no temp name', () => {
    const secret = secretFolder();
    const secretBefore = secretState(secret);
    const { root, keptFile, duplicate, temporary, expected, checks, bytes, identity } = pair();

    // The duplicate's folder (or the kept file's) a symlink: refused on that side, nothing made through it.
    fs.renameSync(path.join(root, 'dup'), path.join(root, 'dup.aside'));
    fs.symlinkSync(secret, path.join(root, 'dup'));
    expect(anchoredLinkOver(keptFile, temporary, duplicate, expected, checks(), bytes, bytes))
      .toEqual({ outcome: 'refused', folder: path.join(root, 'dup'), symlink: true });
    fs.unlinkSync(path.join(root, 'dup'));
    fs.renameSync(path.join(root, 'dup.aside'), path.join(root, 'dup'));
    const fresh = checks();
    fs.renameSync(path.join(root, 'kept'), path.join(root, 'kept.aside'));
    fs.symlinkSync(path.join(root, 'kept.aside'), path.join(root, 'kept'));
    expect(anchoredLinkOver(keptFile, temporary, duplicate, expected, fresh, bytes, bytes)).toEqual({ outcome: 'refused', folder: path.join(root, 'kept'), symlink: true });
    fs.unlinkSync(path.join(root, 'kept'));
    fs.renameSync(path.join(root, 'kept.aside'), path.join(root, 'kept'));
    expect(secretState(secret)).toEqual(secretBefore);

    // The kept file is not the one checked: fromChanged. The duplicate not as checked (another inode, its ctime moved): not done, errno 0.
    expect(anchoredLinkOver(keptFile, temporary, duplicate, expected, { ...fresh, fromIno: String(BigInt(fresh.fromIno) + 1n) }, bytes, bytes))
      .toEqual({ outcome: 'not-done', errno: 0, fromChanged: true });
    expect(anchoredLinkOver(keptFile, temporary, duplicate, { ...expected, ino: String(BigInt(expected.ino) + 1n) }, fresh, bytes, bytes)).toEqual({ outcome: 'not-done', errno: 0 });
    fs.chmodSync(duplicate, 0o644); // a ctime moved, size and mtime kept
    expect(anchoredLinkOver(keptFile, temporary, duplicate, expected, fresh, bytes, bytes)).toEqual({ outcome: 'not-done', errno: 0 });
    // The temp name taken: nothing replaced.
    fs.writeFileSync(temporary, 'someone else');
    expect(anchoredLinkOver(keptFile, temporary, duplicate, expected, checks(), bytes, bytes)).toEqual({ outcome: 'taken' });
    expect(fs.readFileSync(temporary, 'utf8')).toBe('someone else');
    fs.unlinkSync(temporary);
    expect(fs.readdirSync(path.join(root, 'dup'))).toEqual(['b.txt']);
    expect(fs.lstatSync(keptFile).nlink).toBe(1);

    // The duplicate's folder writable by others and not sticky: folderShared, before anything is linked there.
    fs.chmodSync(path.join(root, 'dup'), 0o777);
    expect(anchoredLinkOver(keptFile, temporary, duplicate, expected, checks(), bytes, bytes)).toEqual({ outcome: 'not-done', errno: 0, folderShared: true });
    expect(fs.readdirSync(path.join(root, 'dup'))).toEqual(['b.txt']);
    fs.chmodSync(path.join(root, 'dup'), 0o755);

    // All as checked: the duplicate's name is the kept file now, and no temp name is left.
    expect(anchoredLinkOver(keptFile, temporary, duplicate, expected, checks(), bytes, bytes)).toEqual({ outcome: 'moved', descriptor: 0 });
    expect(identity(duplicate).ino).toBe(identity(keptFile).ino);
    expect(fs.readdirSync(path.join(root, 'dup'))).toEqual(['b.txt']);
  });

  it('renames a copy over the link only while the link and the copy are the files checked, through real folders', () => {
    const secret = secretFolder();
    const secretBefore = secretState(secret);
    const { root, keptFile, duplicate, temporary, bytes, identity } = pair();
    fs.rmSync(duplicate);
    fs.linkSync(keptFile, duplicate);
    fs.writeFileSync(temporary, 'same words');
    const link = identity(duplicate);
    const copy = fs.lstatSync(temporary, { bigint: true });
    const checks = () => ({ fromDev: String(copy.dev), fromIno: String(copy.ino), ctimeNs: String(fs.lstatSync(duplicate, { bigint: true }).ctimeNs) });

    fs.renameSync(path.join(root, 'dup'), path.join(root, 'dup.aside'));
    fs.symlinkSync(secret, path.join(root, 'dup'));
    expect(anchoredRenameOver(temporary, duplicate, link, checks(), bytes, bytes)).toEqual({ outcome: 'refused', folder: path.join(root, 'dup'), symlink: true });
    fs.unlinkSync(path.join(root, 'dup'));
    fs.renameSync(path.join(root, 'dup.aside'), path.join(root, 'dup'));
    expect(secretState(secret)).toEqual(secretBefore);

    expect(anchoredRenameOver(temporary, duplicate, link, { ...checks(), fromIno: String(copy.ino + 1n) }, bytes, bytes)).toEqual({ outcome: 'not-done', errno: 0, fromChanged: true });
    expect(anchoredRenameOver(temporary, duplicate, link, { ...checks(), ctimeNs: '1' }, bytes, bytes)).toEqual({ outcome: 'not-done', errno: 0 });
    expect(identity(duplicate).ino).toBe(identity(keptFile).ino);
    expect(anchoredRenameOver(temporary, duplicate, link, checks(), bytes, bytes)).toEqual({ outcome: 'moved', descriptor: 0 });
    expect(identity(duplicate).ino).toBe(String(copy.ino));
    expect(fs.readdirSync(path.join(root, 'dup'))).toEqual(['b.txt']);
  });
});
