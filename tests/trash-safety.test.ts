import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliRun, type JsonLine, lastLine, NOBODY, runJson, runsAsRoot } from './helpers/cli.js';
import { mountSmallDisk } from './helpers/small-disk.js';
import { tempDir, writeTree } from './helpers/temp-tree.js';

const otherUserPossible = runsAsRoot && ['/usr/bin/setpriv', '/bin/setpriv'].some((file) => fs.existsSync(file));
const uid = String(process.getuid?.());
const SECRET = 'the owner\'s secret words';

/** Run a command as uid 65534 (the other user on the machine). */
const asOtherUser = (command: string, ...args: string[]): void => {
  execFileSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', command, ...args], { stdio: 'pipe' });
};

/** A home folder of its own for the CLI, so the real one's trash is never touched. */
function homeEnvironment(): { home: string; dataHome: string; env: NodeJS.ProcessEnv } {
  const home = tempDir('fileorg-trash-home-');
  const dataHome = path.join(home, 'xdg');
  return { home, dataHome, env: { HOME: home, XDG_DATA_HOME: dataHome } };
}

/** Two copies under `root`, one quarantined by the CLI: answers where it was put. */
async function quarantineOne(dataDir: string, root: string, env: NodeJS.ProcessEnv): Promise<string> {
  writeTree(root, { 'a/one.txt': SECRET, 'b/two.txt': SECRET });
  for (const file of ['a/one.txt', 'b/two.txt']) fs.chmodSync(path.join(root, file), 0o644);
  fs.utimesSync(path.join(root, 'a/one.txt'), 1_600_000_000, 1_600_000_000); // the oldest: kept
  const run = await runJson(dataDir, ['dupes', root, '--quarantine'], env);
  expect(lastLine(run.lines), run.stderr).toMatchObject({ type: 'result', quarantined: 1 });
  const listed = await listedQuarantine(dataDir, env);
  expect(listed).toHaveLength(1);
  return listed[0] as string;
}

async function listedQuarantine(dataDir: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const run = await runJson(dataDir, ['quarantine', 'list'], env);
  return run.lines.filter((line: JsonLine) => line.type === 'quarantined').map((line) => line.quarantined as string);
}

async function emptied(dataDir: string, env: NodeJS.ProcessEnv): Promise<CliRun & { result: Record<string, unknown> }> {
  const run = await runJson(dataDir, ['quarantine', 'empty'], env);
  const result = lastLine(run.lines);
  // Files left because their trash folder is not safe are not done: exit 1, as for failures.
  expect(run.code, run.stderr).toBe((result.refused as unknown[]).length > 0 ? 1 : 0);
  return { ...run, result };
}

/** The files in a trash folder's files/, with their contents. */
const trashedContents = (trash: string): string[] => fs.readdirSync(path.join(trash, 'files')).map((name) => fs.readFileSync(path.join(trash, 'files', name), 'utf8'));

/** A second device (a tmpfs every user may write in, sticky, as a shared disk's top is), unmounted after `body`. */
async function withSharedDisk(body: (disk: string) => Promise<void>): Promise<void> {
  const parent = tempDir('fileorg-trash-disk-');
  fs.chmodSync(parent, 0o755); // the other user may reach the disk
  const disk = mountSmallDisk('4m', parent);
  if (!disk.dir) throw new Error(`could not mount a tmpfs: ${disk.refusal}`);
  try {
    fs.chmodSync(disk.dir, 0o1777);
    await body(disk.dir);
  } finally {
    disk.unmount();
  }
}

describe.skipIf(!otherUserPossible)(`(needs root, to mount a second device, and setpriv, to plant folders as another OS user) emptying the quarantine never hands a file to another user's trash folder`, () => {
  it(`a .Trash-<uid> another user made (0777) on the file's disk is refused: the file stays quarantined, listed, reported; once it is gone, emptying makes .Trash-<uid> 0700 and the file goes there`, async () => {
    await withSharedDisk(async (disk) => {
      const { dataHome, env } = homeEnvironment();
      const dataDir = tempDir('fileorg-trash-data-');
      const placed = await quarantineOne(dataDir, path.join(disk, 'shared'), env);
      expect(placed.startsWith(path.join(disk, 'shared', '.fileorg-quarantine'))).toBe(true);
      const trash = path.join(disk, `.Trash-${uid}`);
      asOtherUser('mkdir', '-m', '0777', trash, path.join(trash, 'files'), path.join(trash, 'info'));

      const refused = await emptied(dataDir, env);
      expect(refused.result).toMatchObject({ type: 'result', trashed: 0, left: 1 });
      expect(refused.result.refused).toEqual([{
        original: path.join(disk, 'shared', 'b', 'two.txt'), quarantined: placed,
        message: expect.stringMatching(new RegExp(`${trash}.*belongs to another user.*delete it yourself`)),
      }]);
      expect(fs.readdirSync(path.join(trash, 'files'))).toEqual([]);
      expect(fs.readFileSync(placed, 'utf8')).toBe(SECRET);
      expect(await listedQuarantine(dataDir, env)).toEqual([placed]);
      expect(fs.existsSync(path.join(dataHome, 'Trash'))).toBe(false);

      fs.rmSync(trash, { recursive: true });
      const sent = await emptied(dataDir, env);
      expect(sent.result).toMatchObject({ type: 'result', trashed: 1, left: 0, refused: [] });
      const made = fs.lstatSync(trash);
      expect({ folder: made.isDirectory(), mode: made.mode & 0o7777, owner: made.uid }).toEqual({ folder: true, mode: 0o700, owner: process.getuid?.() });
      expect(trashedContents(trash)).toEqual([SECRET]);
      expect(fs.existsSync(placed)).toBe(false);
      expect(await listedQuarantine(dataDir, env)).toEqual([]);
    });
  });

  it('a .Trash-<uid> that is a symlink (to a folder another user made) is refused: nothing lands where it points', async () => {
    await withSharedDisk(async (disk) => {
      const { env } = homeEnvironment();
      const dataDir = tempDir('fileorg-trash-data-');
      const placed = await quarantineOne(dataDir, path.join(disk, 'shared'), env);
      const elsewhere = path.join(disk, 'elsewhere');
      asOtherUser('mkdir', '-m', '0777', elsewhere, path.join(elsewhere, 'files'), path.join(elsewhere, 'info'));
      asOtherUser('ln', '-s', elsewhere, path.join(disk, `.Trash-${uid}`));

      const refused = await emptied(dataDir, env);
      expect(refused.result).toMatchObject({ type: 'result', trashed: 0, left: 1, refused: [{ quarantined: placed, message: expect.stringContaining('is a symlink') }] });
      expect(fs.readdirSync(path.join(elsewhere, 'files'))).toEqual([]);
      expect(fs.readFileSync(placed, 'utf8')).toBe(SECRET);
      expect(await listedQuarantine(dataDir, env)).toEqual([placed]);
    });
  });

  it('on the home folder\'s device the file goes to $XDG_DATA_HOME/Trash, made 0700; a data home another user owns is refused', async () => {
    const { home, dataHome, env } = homeEnvironment();
    expect(fs.statSync(home).dev).toBe(fs.statSync(os.tmpdir()).dev);
    const dataDir = tempDir('fileorg-trash-data-');
    const placed = await quarantineOne(dataDir, tempDir('fileorg-trash-root-'), env);
    expect(placed.startsWith(path.join(dataDir, 'quarantine'))).toBe(true);

    fs.mkdirSync(dataHome, { mode: 0o755 });
    fs.chownSync(dataHome, NOBODY, NOBODY);
    const refused = await emptied(dataDir, env);
    expect(refused.result).toMatchObject({ type: 'result', trashed: 0, left: 1, refused: [{ quarantined: placed, message: expect.stringContaining(`${dataHome}, which holds it, belongs to another user`) }] });
    expect(fs.existsSync(path.join(dataHome, 'Trash'))).toBe(false);
    expect(await listedQuarantine(dataDir, env)).toEqual([placed]);

    fs.chownSync(dataHome, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
    const sent = await emptied(dataDir, env);
    expect(sent.result).toMatchObject({ type: 'result', trashed: 1, left: 0, refused: [] });
    const trash = path.join(dataHome, 'Trash');
    expect(fs.statSync(trash).mode & 0o7777).toBe(0o700);
    expect(trashedContents(trash)).toEqual([SECRET]);
    expect(await listedQuarantine(dataDir, env)).toEqual([]);
  });
});
