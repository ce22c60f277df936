import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type JsonLine, NOBODY, runCli, runsAsRoot } from './helpers/cli.js';
import { listFiles, tempDir, writeTree } from './helpers/temp-tree.js';

/**
 * Issue 14 §3: a moved or copied file keeps its permissions, its times, its owner and group (when the process
 * may set them: root) and its extended attributes; hard links join only files of one owner, group and mode, and
 * undo gives each name back its own. /dev/shm (a tmpfs) is the second device.
 */
const last = (lines: JsonLine[]): Record<string, unknown> => lines.at(-1) as Record<string, unknown>;
const OTHER_DEVICE = '/dev/shm';
const ATIME = 1_500_000_000;
const MTIME = 1_600_000_000;

function cli(dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return runCli(['--data-dir', dataDir, ...args, '--json'], { env });
}

/** What must survive a move: permissions, owner, group, atime and mtime (whole seconds: exact everywhere). */
function attributes(file: string) {
  const stats = fs.statSync(file);
  return { mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid, atime: Math.round(stats.atimeMs / 1000), mtime: Math.round(stats.mtimeMs / 1000) };
}
/** The same without atime: a duplicate search reads every file, which may move atime (relatime) before linking. */
function ownership(file: string) {
  const { atime: _read, ...rest } = attributes(file);
  return rest;
}

function privateFile(file: string, content: string, mode: number, owner: number | undefined): void {
  writeTree(path.dirname(file), { [path.basename(file)]: content });
  if (owner !== undefined) fs.chownSync(file, owner, owner);
  fs.chmodSync(file, mode);
  fs.utimesSync(file, ATIME, MTIME);
}

/** Extended attributes through python3 (Node has no xattr API); undefined where the filesystem has none. */
function setAttribute(file: string, name: string, value: string): boolean {
  try {
    execFileSync('python3', ['-c', 'import os,sys; os.setxattr(sys.argv[1], sys.argv[2], sys.argv[3].encode())', file, name, value], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const readAttribute = (file: string, name: string): string =>
  execFileSync('python3', ['-c', 'import os,sys; print(os.getxattr(sys.argv[1], sys.argv[2]).decode(), end="")', file, name], { encoding: 'utf8' });

const owner = runsAsRoot ? NOBODY : undefined;
const ownerNote = runsAsRoot ? 'and its owner' : '(owner not checked: only root may give a file to another user)';

describe.each([
  { path: 'native', env: {} },
  { path: 'JavaScript (FILEORG_NATIVE=off)', env: { FILEORG_NATIVE: 'off' } },
])('permissions, owners and times are kept ($path path)', ({ env }) => {
  it(`a private file moved to another device keeps its mode, times ${ownerNote}, there and after undo`, async () => {
    const root = tempDir();
    const destination = tempDir('fileorg-dest-', OTHER_DEVICE);
    const dataDir = tempDir('fileorg-data-');
    const file = path.join(root, 'diary.txt');
    privateFile(file, 'dear diary', 0o600, owner);
    const tagged = setAttribute(file, 'user.origin', 'my laptop');
    if (process.platform === 'linux') expect(tagged).toBe(true); // ext4 and tmpfs hold user attributes: the check below must run
    // To the nanosecond: fs.utimes could only give microseconds.
    execFileSync('touch', ['-m', '-d', '@1600000000.123456789', file]);
    const before = attributes(file);
    const exactTimes = (at: string) => { const stats = fs.statSync(at, { bigint: true }); return [stats.atimeNs, stats.mtimeNs]; };
    const exactBefore = exactTimes(file);
    expect(exactBefore[1]).toBe(1_600_000_000_123_456_789n);
    expect(before.mode).toBe(0o600);

    const run = await cli(dataDir, ['organize', root, '--dest', destination], env);
    expect(last(run.lines)).toMatchObject({ status: 'completed', moved: 1 });
    const placed = path.join(destination, 'Documents', 'diary.txt');
    expect(attributes(placed)).toEqual(before);
    expect(exactTimes(placed)).toEqual(exactBefore);
    if (tagged) expect(readAttribute(placed, 'user.origin')).toBe('my laptop');

    const undo = await cli(dataDir, ['undo', last(run.lines).operation_id as string], env);
    expect(last(undo.lines)).toMatchObject({ status: 'rolled_back', rolled_back: 1 });
    expect(attributes(file)).toEqual(before);
    expect(exactTimes(file)).toEqual(exactBefore);
    if (tagged) expect(readAttribute(file, 'user.origin')).toBe('my laptop');
  });

  it('a copy action makes a copy with the original\'s mode and times, not a world-readable 0644 one', async () => {
    const root = tempDir();
    const dataDir = tempDir('fileorg-data-');
    const file = path.join(root, 'payslip.pdf');
    privateFile(file, 'salary', 0o640, owner);
    const rules = path.join(dataDir, 'rules.json');
    fs.writeFileSync(rules, JSON.stringify({ rules: [{ name: 'backup', when: { extension: 'pdf' }, action: { type: 'copy', to: 'Backup/{name}' } }] }));
    const run = await cli(dataDir, ['organize', root, '--rules', rules], env);
    expect(last(run.lines)).toMatchObject({ status: 'completed', moved: 1 });
    expect(attributes(path.join(root, 'Backup', 'payslip.pdf'))).toEqual(attributes(file));
  });
});

describe('hard links join only files of one owner, group and mode', () => {
  it('files that differ in mode or owner are left as they are, with the reason', async () => {
    const root = tempDir();
    const dataDir = tempDir('fileorg-data-');
    privateFile(path.join(root, 'shared.txt'), 'same words', 0o664, owner);
    privateFile(path.join(root, 'mine.txt'), 'same words', 0o600, undefined);
    fs.utimesSync(path.join(root, 'mine.txt'), ATIME, MTIME - 100); // the oldest: the one kept
    const before = { shared: ownership(path.join(root, 'shared.txt')), mine: ownership(path.join(root, 'mine.txt')) };
    const run = await cli(dataDir, ['dupes', root, '--hardlink']);
    expect(last(run.lines)).toMatchObject({ status: 'completed', linked: 0, skipped: 1 });
    expect({ shared: ownership(path.join(root, 'shared.txt')), mine: ownership(path.join(root, 'mine.txt')) }).toEqual(before);
    expect(fs.statSync(path.join(root, 'shared.txt')).nlink).toBe(1);
    const shown = await cli(dataDir, ['show', last(run.lines).operation_id as string]);
    expect(shown.lines.find((line) => line.type === 'file')).toMatchObject({
      reason: 'different-owner-or-mode', error: expect.stringContaining('differ in permissions, owner or group'),
    });
  });

  it('undo gives each linked name back its own mode, owner and times', async () => {
    const root = tempDir();
    const dataDir = tempDir('fileorg-data-');
    privateFile(path.join(root, 'kept.txt'), 'same words', 0o640, owner);
    privateFile(path.join(root, 'copy.txt'), 'same words', 0o640, owner);
    fs.utimesSync(path.join(root, 'kept.txt'), ATIME - 50, MTIME - 100);
    const before = { kept: ownership(path.join(root, 'kept.txt')), copy: ownership(path.join(root, 'copy.txt')) };
    const run = await cli(dataDir, ['dupes', root, '--hardlink']);
    expect(last(run.lines)).toMatchObject({ linked: 1 });
    expect(fs.statSync(path.join(root, 'copy.txt')).ino).toBe(fs.statSync(path.join(root, 'kept.txt')).ino);
    const undo = await cli(dataDir, ['undo', last(run.lines).operation_id as string]);
    expect(last(undo.lines)).toMatchObject({ status: 'rolled_back', rolled_back: 1 });
    expect(listFiles(root)).toEqual(['copy.txt', 'kept.txt']);
    expect({ kept: ownership(path.join(root, 'kept.txt')), copy: ownership(path.join(root, 'copy.txt')) }).toEqual(before);
  });
});
