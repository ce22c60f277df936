import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readIdentity } from '../src-worker/file-identity.js';
import { anchoredFolder, anchoredRemoveFolder, fastMove, nativeMovesAvailable } from '../src-worker/native-moves.js';
import { sniffFiles } from '../src-worker/sniff-task.js';
import { SNIFF_CONTENT } from '../src-worker/content-protocol.js';
import { type ActionRow, createRowContext, executeRow, rollbackRow } from '../src-worker/row-actions.js';
import { anchorBytes } from '../src-worker/real-folders.js';
import { type JsonLine, journalRows, lastLine, NOBODY, runJson, runsAsRoot } from './helpers/cli.js';
import { listFiles, snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';
import { startToggler } from './helpers/toggler.js';

/**
 * Issue 15: someone who may write inside a tree being organized (here uid 65534 owning the root, while the
 * engine runs as root) swaps a folder below the root back and forth between a real folder and a symlink to a
 * folder only root may write. The native move opens every folder from the root without following a symlink,
 * makes missing ones there, and answers a symlink on the way as refused: nothing ever goes by path, so nothing
 * may land in (or be removed from) that folder, and the journal says where each file is.
 */
const native = nativeMovesAvailable();
/** As root, the other user is uid 65534 through setpriv (util-linux); as anyone else, the same user plays it. */
const otherUserPossible = !runsAsRoot || ['/usr/bin/setpriv', '/bin/setpriv'].some((file) => fs.existsSync(file));

/** A root-only folder (0700) holding a file of its own: what the attacker aims the symlink at. */
function secretFolder(): string {
  const secret = tempDir('fileorg-secret-');
  fs.chmodSync(secret, 0o700);
  writeTree(secret, { 'private.txt': 'not for anyone else' });
  return secret;
}

/** A root folder the other user owns (and can reach), inside a folder everyone may enter. */
function hostileRoot(): { base: string; root: string } {
  const base = tempDir('fileorg-swap-');
  fs.chmodSync(base, 0o755);
  const root = path.join(base, 'src4');
  fs.mkdirSync(root);
  return { base, root };
}


/** Where a row's file may be now: at `file`, or under the folder's aside name if the loop left both folders. */
function findFile(file: string, folder: string, aside: string): string | undefined {
  if (fs.existsSync(file)) return file;
  const relative = path.relative(folder, file);
  if (relative.startsWith('..')) return undefined;
  const moved = path.join(aside, relative);
  return fs.existsSync(moved) ? moved : undefined;
}

describe.skipIf(!native)('(needs the native module, which is not built on Windows or after a failed build) a folder swapped for a symlink by another user', () => {
  it.skipIf(!otherUserPossible)('(needs setpriv when run as root) organize and undo under a loop swapping the category folder for a symlink to a root-only folder: nothing reaches it, every file is accounted for', async () => {
    const secret = secretFolder();
    const secretBefore = snapshotTree(secret);
    const { root } = hostileRoot();
    const dataDir = tempDir('fileorg-data-');
    const files: Record<string, string> = {};
    for (let index = 0; index < 3000; index++) {
      const folder = `batch-${String(Math.floor(index / 100)).padStart(2, '0')}`;
      files[`${folder}/file-${String(index).padStart(4, '0')}.${index % 3 === 0 ? 'pdf' : 'txt'}`] = `content ${index}`;
    }
    writeTree(root, files);
    if (runsAsRoot) fs.chownSync(root, NOBODY, NOBODY); // the other user may rename what lies in it
    const treeBefore = snapshotTree(root);
    const documents = path.join(root, 'Documents');
    const aside = path.join(root, 'Documents.real');

    // Organize in place (by type: every file goes to Documents/) while the loop runs.
    let toggler = await startToggler(documents, aside, secret, 20);
    let run;
    let swaps = 0;
    try {
      run = await runJson(dataDir, ['organize', root]);
    } finally {
      swaps += await toggler.stop();
    }
    expect(snapshotTree(secret)).toEqual(secretBefore);
    const result = lastLine(run.lines);
    expect(result, run.stderr).toMatchObject({ type: 'result', status: expect.stringMatching(/^completed/) });
    const operationId = result.operation_id as string;
    const rows = await journalRows(dataDir, operationId);
    expect(rows).toHaveLength(3000);
    const bySource = new Map(rows.map((row) => [row.source as string, row]));
    for (const [relative, content] of Object.entries(files)) {
      const row = bySource.get(path.join(root, relative)) as JsonLine;
      if (row.state === 'done') {
        // Where the journal says (or under the aside name, if the loop was stopped with both folders there).
        const placed = findFile(row.destination as string, documents, aside);
        expect(placed, `${relative} is done but not at ${String(row.destination)}`).toBeDefined();
        expect(fs.readFileSync(placed as string, 'utf8')).toBe(content);
        expect(fs.existsSync(path.join(root, relative))).toBe(false);
      } else {
        expect(row, relative).toMatchObject({ state: expect.stringMatching(/^(skipped|failed)$/), reason: expect.any(String) });
        expect(fs.readFileSync(path.join(root, relative), 'utf8')).toBe(content);
      }
    }

    // Undo, the loop running again: each file goes back, or stays with a reason.
    toggler = await startToggler(documents, aside, secret, 20);
    let undo;
    try {
      undo = await runJson(dataDir, ['undo', operationId]);
    } finally {
      swaps += await toggler.stop();
    }
    expect(snapshotTree(secret)).toEqual(secretBefore);
    expect(lastLine(undo.lines), undo.stderr).toMatchObject({ type: 'result' });
    for (const row of await journalRows(dataDir, operationId)) {
      const relative = path.relative(root, row.source as string);
      if (row.state === 'rolled_back') expect(fs.readFileSync(row.source as string, 'utf8'), relative).toBe(files[relative]);
      else if (row.state === 'rollback_conflict') {
        expect(row.reason, relative).toEqual(expect.any(String));
        expect(fs.readFileSync(findFile(row.destination as string, documents, aside) as string, 'utf8'), relative).toBe(files[relative]);
      } else expect(row, relative).toMatchObject({ state: expect.stringMatching(/^(skipped|failed)$/) });
    }

    // The loop over, the files the loop left aside are put back under the folder's name; undo again ends it.
    if (fs.existsSync(aside)) {
      for (const name of fs.readdirSync(aside)) fs.renameSync(path.join(aside, name), path.join(documents, name));
      fs.rmdirSync(aside);
    }
    if (lastLine(undo.lines).status !== 'rolled_back') {
      const again = await runJson(dataDir, ['undo', operationId]);
      expect(lastLine(again.lines), again.stderr).toMatchObject({ status: 'rolled_back', rollback_conflicts: 0 });
    }
    const treeAfter = snapshotTree(root);
    delete treeAfter['Documents/']; // the other user's folder (made by the loop or kept by it) may stay
    expect(treeAfter).toEqual(treeBefore);
    expect(snapshotTree(secret)).toEqual(secretBefore);
    expect(swaps).toBeGreaterThan(0);
  });

  it('a category folder that is a symlink to a root-only folder before the run: its rows are skipped symlink-in-path and nothing reaches it', async () => {
    const secret = secretFolder();
    const secretBefore = snapshotTree(secret);
    const { root } = hostileRoot();
    const dataDir = tempDir('fileorg-data-');
    writeTree(root, { 'report.pdf': 'numbers', 'notes.txt': 'words', 'inbox/letter.txt': 'dear reader', 'photo.png': 'pixels' });
    fs.symlinkSync(secret, path.join(root, 'Documents'));
    const run = await runJson(dataDir, ['organize', root]);
    expect(lastLine(run.lines), run.stderr).toMatchObject({ status: 'completed', moved: 1, skipped: 3 });
    expect(snapshotTree(secret)).toEqual(secretBefore);
    expect(listFiles(root)).toEqual(['Documents', 'Images/photo.png', 'inbox/letter.txt', 'notes.txt', 'report.pdf']);
    const rows = await journalRows(dataDir, lastLine(run.lines).operation_id as string);
    for (const name of ['report.pdf', 'notes.txt', 'inbox/letter.txt']) {
      expect(rows.find((row) => row.source === path.join(root, name))).toMatchObject({
        state: 'skipped', reason: 'symlink-in-path', error: `${path.join(root, 'Documents')} is a symlink; FileOrganizer never follows one, so nothing was put through it`,
      });
    }
  });

  it('the native move makes a missing destination folder itself, and answers a symlink on the way as refused (never not-done)', () => {
    const root = tempDir();
    const secret = secretFolder();
    writeTree(root, { 'a.txt': 'alpha', 'b.txt': 'beta', 'c.txt': 'gamma', 'Linked/': '' });
    const identity = (file: string) => readIdentity(file) ?? expect.fail(`no file at ${file}`);
    const bytes = anchorBytes([root], root);

    // The first file into folders that do not exist yet: made below the root, one at a time.
    expect(fastMove(path.join(root, 'a.txt'), path.join(root, 'New/Deeper/a.txt'), identity(path.join(root, 'a.txt')), bytes, bytes, false)).toEqual({ outcome: 'moved', descriptor: 0 });
    expect(fs.readFileSync(path.join(root, 'New/Deeper/a.txt'), 'utf8')).toBe('alpha');

    // A symlink where a folder should be, at any depth: refused, nothing made through it.
    fs.symlinkSync(secret, path.join(root, 'Documents'));
    fs.symlinkSync(secret, path.join(root, 'Linked', 'Inner'));
    expect(fastMove(path.join(root, 'b.txt'), path.join(root, 'Documents/Sub/b.txt'), identity(path.join(root, 'b.txt')), bytes, bytes, true))
      .toEqual({ outcome: 'refused', folder: path.join(root, 'Documents'), symlink: true });
    expect(fastMove(path.join(root, 'b.txt'), path.join(root, 'Linked/Inner/b.txt'), identity(path.join(root, 'b.txt')), bytes, bytes, false))
      .toEqual({ outcome: 'refused', folder: path.join(root, 'Linked', 'Inner'), symlink: true });
    // A file where a folder should be: refused too, as not a folder.
    expect(fastMove(path.join(root, 'b.txt'), path.join(root, 'c.txt/b.txt'), identity(path.join(root, 'b.txt')), bytes, bytes, false))
      .toEqual({ outcome: 'refused', folder: path.join(root, 'c.txt'), symlink: false });
    expect(anchoredFolder(path.join(root, 'Documents/Made'), bytes, true)).toEqual({ outcome: 'refused', folder: path.join(root, 'Documents'), symlink: true });
    expect(fs.readdirSync(secret)).toEqual(['private.txt']);
    expect(fs.readFileSync(path.join(root, 'b.txt'), 'utf8')).toBe('beta');
  });

  it('an emptied folder is removed only through real folders: a parent swapped for a symlink leaves the empty folder it points to alone', () => {
    const root = tempDir('fileorg-rmdir-root-');
    const secret = tempDir('fileorg-rmdir-secret-');
    fs.mkdirSync(path.join(secret, 'empty'));
    fs.mkdirSync(path.join(root, 'real', 'empty'), { recursive: true });
    fs.symlinkSync(secret, path.join(root, 'swapped'));
    const bytes = anchorBytes([root], path.join(root, 'swapped', 'empty'));
    expect(anchoredRemoveFolder(path.join(root, 'swapped', 'empty'), bytes)).toMatchObject({ outcome: 'refused', symlink: true });
    expect(fs.existsSync(path.join(secret, 'empty'))).toBe(true);
    expect(anchoredRemoveFolder(path.join(root, 'real', 'empty'), bytes)).toMatchObject({ outcome: 'moved' });
    expect(fs.existsSync(path.join(root, 'real', 'empty'))).toBe(false);
  });

  it('a file is sniffed only if it is the file the scan found: one reached through a folder swapped since is not read', async () => {
    const folder = tempDir('fileorg-sniff-identity-');
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
    writeTree(folder, { image: png });
    const stats = fs.statSync(path.join(folder, 'image'), { bigint: true });
    const sniff = (identities: string) => sniffFiles({ kind: 'sniff', paths: path.join(folder, 'image'), wants: Uint8Array.of(SNIFF_CONTENT), identities });
    expect((await sniff(`${stats.dev}:${stats.ino}`)).mimes[0]).toBe('image/png');
    expect((await sniff(`${stats.dev}:${stats.ino + 1n}`)).mimes[0]).toBeNull();
  });

  it('a row whose destination, or whose old place at undo, lies through a symlink: skipped, or a rollback conflict, symlink-in-path; nothing reaches the folder it points to', () => {
    const root = tempDir();
    const secret = secretFolder();
    writeTree(root, { 'a.txt': 'alpha', 'inbox/b.txt': 'beta' });
    const planned = (id: number, source: string, destination: string): ActionRow =>
      ({ id, action: 'move', source, destination, ...(readIdentity(source) ?? expect.fail(`no file at ${source}`)), destinationDev: null, destinationIno: null, contentHash: null });
    fs.symlinkSync(secret, path.join(root, 'Documents'));
    const refused = planned(1, path.join(root, 'a.txt'), path.join(root, 'Documents/a.txt'));
    expect(executeRow(refused, 'op-swap', refused.destination as string, createRowContext([root], { cacheFolders: true }))).toMatchObject({
      state: 'skipped', reason: 'symlink-in-path', error: expect.stringContaining(`${path.join(root, 'Documents')} is a symlink`),
    });

    // Moved into a folder made for it; then its old folder becomes a symlink before undo.
    const moved = planned(2, path.join(root, 'inbox/b.txt'), path.join(root, 'Letters/b.txt'));
    expect(executeRow(moved, 'op-swap', moved.destination as string, createRowContext([root]))).toMatchObject({ state: 'done' });
    fs.rmdirSync(path.join(root, 'inbox'));
    fs.symlinkSync(secret, path.join(root, 'inbox'));
    expect(rollbackRow(moved, 'op-swap', createRowContext([root], { cacheFolders: true }))).toMatchObject({ state: 'rollback_conflict', reason: 'symlink-in-path' });
    expect(fs.readdirSync(secret)).toEqual(['private.txt']);
    expect(fs.readFileSync(path.join(root, 'Letters/b.txt'), 'utf8')).toBe('beta');
  });
});
