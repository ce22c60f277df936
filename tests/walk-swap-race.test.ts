import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type FolderIdentity, type ScanSummary, type WalkTask } from '../src-main/core/scan/scan-types.js';
import { NOBODY, runCli, runsAsRoot } from './helpers/cli.js';
import { tempDir, writeTree } from './helpers/temp-tree.js';

// Issue 15: the walker never enters a symlink it sees, but it used to open each folder by its path. The user whose
// tree is scanned (by a server running as root) could rename a subfolder away and put a symlink to a folder they
// may not read in its place between the walker's look at it and its listing: the plan and the duplicate search
// then named (and sized) files in that folder. A folder is now listed only if the folder opened is the very one
// the walk found (its device and inode), and its entries are looked up relative to it.

const MODULE_FILE = fileURLToPath(new URL('../native/build/Release/fileorg_native.node', import.meta.url));
const hasNative = fs.existsSync(MODULE_FILE);

type ReadFolder = (folder: string, dev?: bigint, ino?: bigint, followLast?: boolean) => [string, ...unknown[]] | number;
const FOLDER_CHANGED = 1;

const identityOf = (folder: string): FolderIdentity => {
  const stats = fs.lstatSync(folder, { bigint: true });
  return { dev: stats.dev, ino: stats.ino };
};

/** A tree the scanning user owns, and a folder only root may read (any other user's, when not run as root) beside it. */
function treeAndSecret(marker: string): { root: string; secret: string } {
  const root = tempDir();
  const secret = tempDir();
  // The same content in the tree and the secret folder: a leaked listing would show up in the duplicate groups too.
  writeTree(root, { 'visible.txt': 'shared words', 'box/own.txt': 'box file', 'box/inner/deep.txt': 'inner file' });
  writeTree(secret, { [`${marker}-top.txt`]: 'shared words', [`${marker}-also.txt`]: 'shared words', [`inner/${marker}-inner.txt`]: 'shared words' });
  return { root, secret };
}

/** What a walk of one task emits: every file path, and its summary. */
async function walkOnce(walkFolder: typeof import('../src-main/core/scan/walk-tree.js').walkFolder, task: WalkTask): Promise<{ paths: string[]; summary: ScanSummary; subfolders: string[] }> {
  const paths: string[] = [];
  const { summary, subfolders } = walkFolder(task, { excludedFolders: [], includeHidden: true, batchSize: 64 }, (batch) => {
    const names = batch.count === 0 ? [] : batch.names.split('\0');
    names.forEach((name, index) => paths.push(path.join(batch.folders[batch.folderOf[index] as number] as string, name)));
  });
  return { paths, summary, subfolders: subfolders.map((found) => found.folder) };
}

describe.skipIf(!hasNative)('(needs the native module built) readFolder lists a folder only if it is the one found', () => {
  const native = (): ReadFolder => (createRequire(import.meta.url)(MODULE_FILE) as { readFolder: ReadFolder }).readFolder;

  it('refuses another folder than the identity it is given, and a symlink in the folder\'s place', () => {
    const marker = `secret-${crypto.randomUUID()}`;
    const { root, secret } = treeAndSecret(marker);
    const readFolder = native();
    const box = path.join(root, 'box');
    const found = identityOf(box);
    const listed = readFolder(box, found.dev, found.ino, false);
    expect(Array.isArray(listed) && listed[0].split('\0')).toEqual(['inner', 'own.txt']);
    // The right path, the wrong identity: nothing listed.
    const other = identityOf(secret);
    expect(readFolder(box, other.dev, other.ino, false)).toBe(FOLDER_CHANGED);
    // The folder renamed away and a symlink put in its place: never followed, even with the target's identity.
    fs.renameSync(box, path.join(root, 'box-aside'));
    fs.symlinkSync(secret, box);
    const refused = readFolder(box, other.dev, other.ino, false);
    expect(typeof refused === 'number' && refused < 0).toBe(true);
    expect(readFolder(box, found.dev, found.ino, false)).toBeLessThan(0);
    // A folder below the swapped one: its path now leads into the secret folder, whose `inner` is another folder.
    expect(readFolder(path.join(box, 'inner'), identityOf(path.join(root, 'box-aside', 'inner')).dev, identityOf(path.join(root, 'box-aside', 'inner')).ino, false)).toBe(FOLDER_CHANGED);
    // Typed as a root, a symlink is followed, and its target's identity is what counts.
    const target = fs.statSync(box, { bigint: true });
    expect(Array.isArray(readFolder(box, target.dev, target.ino, true))).toBe(true);
    expect(readFolder(box, found.dev, found.ino, true)).toBe(FOLDER_CHANGED);
  });
});

describe.each([
  { path: 'the native module', native: true },
  { path: 'the JavaScript fallback', native: false },
])('the walk, on $path, skips a folder swapped after it was found', ({ native }) => {
  afterEach(() => { vi.doUnmock('../src-worker/native-module.js'); vi.resetModules(); });

  const walker = async (): Promise<typeof import('../src-main/core/scan/walk-tree.js').walkFolder> => {
    vi.resetModules();
    if (!native) vi.doMock('../src-worker/native-module.js', async (original) => ({ ...await original<object>(), nativeModule: () => ({}) }));
    return (await import('../src-main/core/scan/walk-tree.js')).walkFolder;
  };

  it.skipIf(native && !hasNative)('(needs the native module built, on its path) lists nothing of a folder whose place a symlink took, or whose path now leads elsewhere', async () => {
    const walkFolder = await walker();
    const marker = `secret-${crypto.randomUUID()}`;
    const { root, secret } = treeAndSecret(marker);
    const box = path.join(root, 'box');
    const inner = path.join(box, 'inner');
    // The root alone, as a scan starts: its subfolders come back with the identities its listing showed.
    const top = await walkOnce(walkFolder, { folder: root, rootIndex: 0, kind: 'shallow', found: identityOf(root), root: true });
    expect(top.paths).toEqual([path.join(root, 'visible.txt')]);
    expect(top.subfolders).toEqual([box]);
    const boxFound = identityOf(box);
    const innerFound = identityOf(inner);

    // Unchanged, the box is walked whole.
    const whole = await walkOnce(walkFolder, { folder: box, rootIndex: 0, kind: 'deep', found: boxFound, root: false });
    expect(whole.paths).toEqual([path.join(box, 'own.txt'), path.join(inner, 'deep.txt')]); // a folder's files, then its subfolders
    expect(whole.summary.skipped).toEqual([]);

    // The box renamed away, a symlink to the secret folder in its place.
    fs.renameSync(box, path.join(root, '.box-aside'));
    fs.symlinkSync(secret, box);
    const swapped = await walkOnce(walkFolder, { folder: box, rootIndex: 0, kind: 'deep', found: boxFound, root: false });
    expect(swapped.paths).toEqual([]);
    expect(swapped.summary).toMatchObject({ files: 0, folders: 0, skipped: [{ path: box, reason: 'symlink-in-path', detail: expect.stringMatching(/ELOOP|ENOTDIR/) }] });

    // A folder below it, walked later: its path goes through the symlink into the secret folder's `inner`.
    const below = await walkOnce(walkFolder, { folder: inner, rootIndex: 0, kind: 'deep', found: innerFound, root: false });
    expect(below.paths).toEqual([]);
    expect(below.summary).toMatchObject({ files: 0, folders: 0, skipped: [{ path: inner, reason: 'symlink-in-path', detail: expect.stringContaining('no longer the folder the scan found') }] });

    // A root is checked against its identity when the scan started as well.
    fs.unlinkSync(box);
    fs.renameSync(path.join(root, '.box-aside'), box);
    const rootFound = identityOf(root);
    const aside = `${root}-aside`;
    fs.renameSync(root, aside);
    fs.symlinkSync(secret, root);
    try {
      const movedRoot = await walkOnce(walkFolder, { folder: root, rootIndex: 0, kind: 'shallow', found: rootFound, root: true });
      expect(movedRoot.paths).toEqual([]);
      expect(movedRoot.summary.skipped).toEqual([expect.objectContaining({ path: root, reason: 'symlink-in-path' })]);
    } finally {
      fs.unlinkSync(root);
      fs.renameSync(aside, root);
    }
    for (const walk of [top, whole, swapped, below]) expect(JSON.stringify(walk)).not.toContain(marker);
  });
});

/**
 * The scanning user's side of the race: a child process (as nobody when the tests run as root, so it cannot read
 * the secret folder itself) that swaps each box of the tree for a symlink to the secret folder and back, as fast as
 * it can, until it is stopped (SIGTERM: it prints how many swaps it made) or its time is up.
 */
const TOGGLER = `
const fs = require('node:fs');
const [secret, ...boxes] = JSON.parse(process.argv[1]);
const until = Date.now() + Number(process.argv[2]);
let swaps = 0;
process.on('SIGTERM', () => { console.log(JSON.stringify({ swaps })); process.exit(0); });
const swap = (box) => {
  try {
    fs.renameSync(box, box.replace(/([^/]+)$/, '.$1-aside'));
    fs.symlinkSync(secret, box);
    fs.unlinkSync(box);
    fs.renameSync(box.replace(/([^/]+)$/, '.$1-aside'), box);
    swaps++;
  } catch {}
};
const round = () => {
  for (let step = 0; step < 200; step++) for (const box of boxes) swap(box);
  if (Date.now() < until) setImmediate(round); else { console.log(JSON.stringify({ swaps })); process.exit(0); }
};
console.log('ready');
round();
`;

function startToggler(secret: string, boxes: string[], limitMs: number): { child: ChildProcess; ready: Promise<void>; stop: () => Promise<{ swaps: number }> } {
  const command = runsAsRoot
    ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath]
    : [process.execPath];
  const child = spawn(command[0] as string, [...command.slice(1), '-e', TOGGLER, JSON.stringify([secret, ...boxes]), String(limitMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  let sawReady!: () => void;
  const ready = new Promise<void>((resolve) => { sawReady = resolve; });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { output += chunk; if (output.includes('ready')) sawReady(); });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    child,
    ready: Promise.race([ready, exited.then(() => { throw new Error(`the toggler exited before it started: ${output}`); })]),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      const last = output.trim().split('\n').at(-1) ?? '{}';
      return JSON.parse(last.startsWith('{') ? last : '{"swaps":0}') as { swaps: number };
    },
  };
}

describe('the real CLI, its tree swapped under it by its owner', () => {
  // The JavaScript fallback narrows the window but cannot close it, so under a live swap only the native walk is held to this.
  it.skipIf(!hasNative)('(needs the native module built: the JavaScript fallback only narrows the window) never names a file of the folder a symlink swapped in points to, in a plan, a duplicate search or a scan', async () => {
    const marker = `secret-${crypto.randomUUID()}`;
    const root = tempDir();
    const secret = tempDir(); // 0700, owned by whoever runs the tests (root in CI): the toggler's user cannot read it
    const dataDir = tempDir('fileorg-data-');
    const files: Record<string, string> = { 'visible.txt': 'shared words', 'also-visible.txt': 'shared words' };
    const boxes = ['box-a', 'box-b', 'box-c', 'box-d'];
    for (const box of boxes) {
      files[`${box}/own.txt`] = `${box} words`;
      for (let index = 0; index < 3; index++) files[`${box}/inner-${index}/deep.txt`] = 'shared words';
    }
    writeTree(root, files);
    const secretFiles: Record<string, string> = {};
    for (let index = 0; index < 5; index++) secretFiles[`${marker}-${index}.txt`] = 'shared words';
    for (let index = 0; index < 3; index++) secretFiles[`inner-${index}/${marker}-inner-${index}.txt`] = 'shared words';
    writeTree(secret, secretFiles);
    if (runsAsRoot) {
      // The tree is the toggler's own; the secret folder stays root's.
      for (const entry of [root, ...fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).map((relative) => path.join(root, relative))]) fs.lchownSync(entry, NOBODY, NOBODY);
      fs.chmodSync(root, 0o755);
    }
    const toggler = startToggler(secret, boxes.map((box) => path.join(root, box)), 90_000);
    const outputs: string[] = [];
    const skippedFolders = new Set<string>();
    let swaps = 0;
    try {
      await toggler.ready;
      for (let round = 0; round < 10; round++) {
        const runs = [
          await runCli(['--data-dir', dataDir, 'organize', root, '--dry-run', '--json']),
          await runCli(['--data-dir', dataDir, 'dupes', root, '--json']),
          await runCli(['--data-dir', dataDir, 'scan', root, '--json']),
        ];
        for (const run of runs) {
          outputs.push(run.stdout + run.stderr);
          expect(run.signal).toBeNull();
          expect(run.code).toBe(0);
          for (const line of run.lines) {
            if (line.type === 'plan' && line.reason === 'symlink-in-path') skippedFolders.add(String(line.source));
            const skipped = Array.isArray(line.skipped) ? line.skipped as Array<{ path: string; reason: string }> : []; // a scan's list; a result's count
            for (const skip of skipped) if (skip.reason === 'symlink-in-path') skippedFolders.add(skip.path);
          }
        }
        // The plan named the tree's own files: the runs did scan it.
        expect(runs[0]?.stdout).toContain(path.join(root, 'visible.txt'));
        expect(runs[1]?.stdout).toContain(path.join(root, 'visible.txt'));
      }
    } finally {
      swaps = (await toggler.stop()).swaps;
    }
    expect(swaps).toBeGreaterThan(0);
    // Each line that names a secret file (a few, with how many runs leaked).
    const leaked = outputs.filter((output) => output.includes(marker));
    expect({ runs: leaked.length, lines: leaked.flatMap((output) => output.split('\n').filter((line) => line.includes(marker))).slice(0, 5) }).toEqual({ runs: 0, lines: [] });
    // What the race turned up is reported by name as skipped, never followed (how often depends on the timing).
    for (const folder of skippedFolders) expect(folder.startsWith(root + path.sep)).toBe(true);
    console.log(`walk-swap-race: ${outputs.length} runs, ${swaps} swaps, folders skipped as swapped: ${skippedFolders.size}`);
  });
});
