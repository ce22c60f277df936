import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLoopback } from '../src-main/cli/serve.js';
import { CLI, runCli } from './helpers/cli.js';
import { startServe } from './helpers/serve.js';
import { snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';

const README = path.resolve(import.meta.dirname, '..', 'README.md');

export function readmeApiScript(): string {
  const text = fs.readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf('## Local API'));
  const block = /```bash\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README has no bash block under "## Local API"');
  return block[1] as string;
}

describe('fileorg serve', () => {
  it('prints its URL first, runs README\'s flow as written (the owner adds and allows an account; login, me, organize, rollback, API key), and stops on SIGTERM', async () => {
    const dataDir = tempDir('fileorg-serve-data-');
    const home = tempDir('fileorg-serve-home-');
    writeTree(path.join(home, 'Downloads'), { 'report.pdf': 'pdf', 'photo.jpg': 'jpg', 'song.mp3': 'mp3', 'notes/todo.txt': 'todo' });
    const before = snapshotTree(path.join(home, 'Downloads'));
    const server = await startServe(dataDir);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const script = readmeApiScript().replace(/^API=.*$/m, `API=${server.url}`);
    // `fileorg` as installed, over the server's data folder (the owner's terminal).
    const bin = tempDir('fileorg-serve-bin-');
    fs.writeFileSync(path.join(bin, 'fileorg'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
    const env = { ...process.env, HOME: home, PATH: `${bin}:${process.env.PATH}`, FILEORG_DATA_DIR: dataDir };
    const run = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { encoding: 'utf8', env, timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('"token_type":"bearer"');
    expect(run.stdout).toContain('"email":"user@example.com","username":"testuser","full_name":"Test User"');
    expect(run.stdout).toMatch(/"status":"completed".*"moved":4/);
    expect(run.stdout).toMatch(/"status":"rolling_back"/);
    expect(run.stdout).toMatch(/"items":\[\{"operation_id"/);

    // The account's username works as a CLI profile over the same data folder: its history shows the API's run.
    let history;
    for (let attempt = 0; attempt < 100; attempt++) {
      history = await runCli(['history', '--json', '--profile', 'testuser', '--data-dir', dataDir]);
      if (history.lines[0]?.status === 'rolled_back') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(history?.lines).toEqual([expect.objectContaining({ status: 'rolled_back', moved: 4, roots: [path.join(home, 'Downloads')] })]);
    expect(history?.stderr).toContain('--profile testuser is the API account user@example.com, not a profile of yours');
    expect(snapshotTree(path.join(home, 'Downloads'))).toEqual(before);
    expect((await runCli(['history', '--json', '--data-dir', dataDir])).lines).toEqual([]); // not the local profile's

    expect(await server.stop()).toBe(0);
  });

  it('refuses a bad port, and --port outside serve, as usage errors', async () => {
    const badPort = await runCli(['serve', '--port', 'eighty']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/--port takes a number/);
    const tooHigh = await runCli(['serve', '--port', '70000']);
    expect(tooHigh.code).toBe(2);
    const misplaced = await runCli(['history', '--port', '8000']);
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toMatch(/--port goes with serve/);
  });

  it('knows which hosts are loopback (anything else gets a warning at start)', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', '::1', 'localhost']) expect(isLoopback(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.5', 'example.org']) expect(isLoopback(host), host).toBe(false);
  });
});

describe('CLI profiles', () => {
  it('keep each profile\'s operations apart: another profile neither lists nor undoes them', async () => {
    const dataDir = tempDir('fileorg-profile-data-');
    const root = tempDir('fileorg-profile-tree-');
    writeTree(root, { 'a.jpg': 'a', 'b.pdf': 'b' });
    const organized = await runCli(['organize', root, '--json', '--profile', 'work', '--data-dir', dataDir]);
    expect(organized.code).toBe(0);
    const id = organized.lines.find((line) => line.type === 'result')?.operation_id as string;

    expect((await runCli(['history', '--json', '--data-dir', dataDir])).lines).toEqual([]);
    expect((await runCli(['history', '--json', '--profile', 'work', '--data-dir', dataDir])).lines.map((line) => line.operation_id)).toEqual([id]);
    const foreign = await runCli(['undo', id, '--data-dir', dataDir]);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/no operation/);
    expect(fs.readdirSync(root).sort()).toEqual(['Documents', 'Images']);
    expect((await runCli(['undo', id, '--profile', 'work', '--data-dir', dataDir])).code).toBe(0);
    expect(fs.readdirSync(root).sort()).toEqual(['a.jpg', 'b.pdf']);

    const badName = await runCli(['history', '--profile', 'bad name', '--data-dir', dataDir]);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toMatch(/--profile/);
  });
});
