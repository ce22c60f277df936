import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type JsonLine, lastLine, NOBODY, runJson, runsAsRoot } from './helpers/cli.js';
import { tempDir, writeTree } from './helpers/temp-tree.js';

/** Another device than the temp folder (where the data folders are): its files are quarantined beside them. */
const OTHER_DEVICE = '/dev/shm';
const otherUserPossible = runsAsRoot && ['/usr/bin/setpriv', '/bin/setpriv'].some((file) => fs.existsSync(file));

const modeOf = (file: string): number => fs.statSync(file).mode & 0o777;

/**
 * What uid 65534 gets trying each path: a folder listed, a file opened for reading: "read", else the OS's code.
 * The tests run as root, who reads everything: only another user shows what the modes let through.
 */
function triedByOtherUser(paths: string[]): Record<string, string> {
  const script = `const fs = require('node:fs'); const answers = {};
    for (const file of JSON.parse(process.argv[1])) {
      try { if (fs.statSync(file).isDirectory()) fs.readdirSync(file); else fs.closeSync(fs.openSync(file, 'r')); answers[file] = 'read'; }
      catch (error) { answers[file] = error.code; }
    }
    process.stdout.write(JSON.stringify(answers));`;
  const output = execFileSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, '-e', script, JSON.stringify(paths)], { encoding: 'utf8' });
  return JSON.parse(output) as Record<string, string>;
}

/** A folder every user may pass through, holding a folder only its owner may enter, with two copies in it. */
function secretTwins(base?: string): { top: string; secret: string } {
  const top = base === undefined ? tempDir('fileorg-x-') : tempDir('fileorg-x-', base);
  fs.chmodSync(top, 0o755);
  const secret = path.join(top, 'secret');
  writeTree(secret, { 'dd/one.txt': 'the owner\'s words', 'dd/two.txt': 'the owner\'s words' });
  fs.chmodSync(secret, 0o700);
  for (const file of ['dd/one.txt', 'dd/two.txt']) fs.chmodSync(path.join(secret, file), 0o644);
  fs.utimesSync(path.join(secret, 'dd/one.txt'), 1_600_000_000, 1_600_000_000); // the oldest: kept
  return { top, secret };
}

async function quarantined(dataDir: string, root: string): Promise<{ operationId: string; placed: string }> {
  const run = await runJson(dataDir, ['dupes', root, '--quarantine']);
  expect(lastLine(run.lines), run.stderr).toMatchObject({ type: 'result', quarantined: 1 });
  const operationId = lastLine(run.lines).operation_id as string;
  const listed = await runJson(dataDir, ['quarantine', 'list', operationId]);
  const files = listed.lines.filter((line: JsonLine) => line.type === 'quarantined');
  expect(files).toHaveLength(1);
  return { operationId, placed: files[0]?.quarantined as string };
}

describe.skipIf(!otherUserPossible)(`(needs root and setpriv, to try the files as another OS user) another OS user cannot read the quarantine or the history`, () => {
  it('a data folder fileorg makes is 0700 and its database 0600: the other user can neither list nor read a quarantined file, nor open the database', async () => {
    const { top, secret } = secretTwins();
    const dataDir = path.join(top, 'data');
    const { operationId, placed } = await quarantined(dataDir, secret);
    expect(placed).toBe(path.join(dataDir, 'quarantine', operationId, secret.slice(1), 'dd', 'two.txt'));
    expect(fs.readFileSync(placed, 'utf8')).toBe('the owner\'s words');
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(path.join(dataDir, 'quarantine'))).toBe(0o700);
    expect(modeOf(path.join(dataDir, 'fileorganizer.db'))).toBe(0o600);
    const database = path.join(dataDir, 'fileorganizer.db');
    expect(triedByOtherUser([dataDir, path.join(dataDir, 'quarantine'), path.join(dataDir, 'quarantine', operationId), path.dirname(placed), placed, database]))
      .toEqual(Object.fromEntries([dataDir, path.join(dataDir, 'quarantine'), path.join(dataDir, 'quarantine', operationId), path.dirname(placed), placed, database].map((file) => [file, 'EACCES'])));
  });

  it('a data folder the user made open to others stays as they made it, but the database is 0600 and the quarantine 0700, so neither can be read', async () => {
    const { top, secret } = secretTwins();
    const dataDir = path.join(top, 'data');
    fs.mkdirSync(dataDir, { mode: 0o755 });
    fs.chmodSync(dataDir, 0o755);
    const { placed } = await quarantined(dataDir, secret);
    expect(modeOf(dataDir)).toBe(0o755); // theirs to decide
    const database = path.join(dataDir, 'fileorganizer.db');
    expect(modeOf(database)).toBe(0o600);
    expect(modeOf(path.join(dataDir, 'quarantine'))).toBe(0o700);
    expect(triedByOtherUser([path.join(dataDir, 'quarantine'), placed, database])).toEqual({
      [path.join(dataDir, 'quarantine')]: 'EACCES', [placed]: 'EACCES', [database]: 'EACCES',
    });
  });

  it('a quarantine and a database of this user that others could read (made before) are narrowed when used', async () => {
    const { top, secret } = secretTwins();
    const dataDir = path.join(top, 'data');
    fs.mkdirSync(path.join(dataDir, 'quarantine'), { recursive: true });
    fs.chmodSync(dataDir, 0o755);
    fs.chmodSync(path.join(dataDir, 'quarantine'), 0o755);
    // A database made as SQLite makes it (0644), as an earlier version left it.
    const database = path.join(dataDir, 'fileorganizer.db');
    fs.writeFileSync(database, '');
    fs.chmodSync(database, 0o644);
    const { placed } = await quarantined(dataDir, secret);
    expect(modeOf(path.join(dataDir, 'quarantine'))).toBe(0o700);
    expect(modeOf(database)).toBe(0o600);
    expect(triedByOtherUser([placed, database])).toEqual({ [placed]: 'EACCES', [database]: 'EACCES' });
  });

  it('a .fileorg-quarantine beside the files (another device) is 0700, made so or narrowed; one of another user\'s is not used', async () => {
    const dataDir = tempDir('fileorg-data-');
    // Made by fileorg.
    const made = secretTwins(OTHER_DEVICE);
    const first = await quarantined(dataDir, made.secret);
    const beside = path.join(made.secret, '.fileorg-quarantine');
    expect(first.placed).toBe(path.join(beside, first.operationId, 'dd', 'two.txt'));
    expect(modeOf(beside)).toBe(0o700);
    fs.chmodSync(made.secret, 0o755); // even where the folder it is in lets others pass
    expect(triedByOtherUser([beside, first.placed])).toEqual({ [beside]: 'EACCES', [first.placed]: 'EACCES' });

    // This user's, left open to others: narrowed.
    const open = secretTwins(OTHER_DEVICE);
    const openBeside = path.join(open.secret, '.fileorg-quarantine');
    fs.mkdirSync(openBeside, { mode: 0o755 });
    fs.chmodSync(openBeside, 0o755);
    const second = await quarantined(dataDir, open.secret);
    expect(second.placed.startsWith(openBeside + path.sep)).toBe(true);
    expect(modeOf(openBeside)).toBe(0o700);

    // Another user's (who could read what is put there): the file goes to the data folder's quarantine instead.
    const theirs = secretTwins(OTHER_DEVICE);
    const theirBeside = path.join(theirs.secret, '.fileorg-quarantine');
    fs.mkdirSync(theirBeside, { mode: 0o777 });
    fs.chownSync(theirBeside, NOBODY, NOBODY);
    const third = await quarantined(dataDir, theirs.secret);
    expect(third.placed).toBe(path.join(dataDir, 'quarantine', third.operationId, theirs.secret.slice(1), 'dd', 'two.txt'));
    expect(fs.readFileSync(third.placed, 'utf8')).toBe('the owner\'s words');
    expect(fs.readdirSync(theirBeside)).toEqual([]);
    expect(fs.existsSync(path.join(theirs.secret, 'dd', 'two.txt'))).toBe(false);
  });

  it('a searched folder others could rename a .fileorg-quarantine in (0777, not sticky) gets none: its copies go to the data folder\'s quarantine', async () => {
    const dataDir = tempDir('fileorg-data-');
    const shared = secretTwins(OTHER_DEVICE);
    fs.chmodSync(shared.secret, 0o777); // anyone may rename entries here: a folder of ours could be swapped for theirs
    const placed = await quarantined(dataDir, shared.secret);
    expect(placed.placed).toBe(path.join(dataDir, 'quarantine', placed.operationId, shared.secret.slice(1), 'dd', 'two.txt'));
    expect(fs.existsSync(path.join(shared.secret, '.fileorg-quarantine'))).toBe(false);
    expect(fs.readFileSync(placed.placed, 'utf8')).toBe('the owner\'s words');

    // Sticky (as /tmp is): others cannot rename what is ours in it, so the copies stay on their device.
    const sticky = secretTwins(OTHER_DEVICE);
    fs.chmodSync(sticky.secret, 0o1777);
    const beside = await quarantined(dataDir, sticky.secret);
    expect(beside.placed).toBe(path.join(sticky.secret, '.fileorg-quarantine', beside.operationId, 'dd', 'two.txt'));
  });
});
