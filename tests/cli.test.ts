import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOBODY, runCli, runsAsRoot } from './helpers/cli.js';
import { listFiles, snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';

function setup(files: Record<string, string> = { 'a.jpg': 'a', 'b.pdf': 'b', 'sub/c.mp3': 'c' }) {
  const root = tempDir();
  const dataDir = tempDir('fileorg-data-');
  writeTree(root, files);
  return { root, dataDir, cli: (...args: string[]) => runCli(['--data-dir', dataDir, ...args]) };
}

describe('fileorg organize --json', () => {
  it('prints started, the plan, and a result for a dry run, and touches nothing', async () => {
    const { root, cli } = setup();
    const before = snapshotTree(root);
    const run = await cli('organize', root, '--dry-run', '--json');
    expect(run.code).toBe(0);
    expect(run.lines[0]).toEqual({ type: 'started', operation_id: expect.any(String) });
    const plan = run.lines.filter((line) => line.type === 'plan');
    expect(plan).toEqual([
      { type: 'plan', source: path.join(root, 'a.jpg'), destination: path.join(root, 'Images/a.jpg'), action: 'move', reason: null, error: null },
      { type: 'plan', source: path.join(root, 'b.pdf'), destination: path.join(root, 'Documents/b.pdf'), action: 'move', reason: null, error: null },
      { type: 'plan', source: path.join(root, 'sub/c.mp3'), destination: path.join(root, 'Audio/c.mp3'), action: 'move', reason: null, error: null },
    ]);
    expect(run.lines.at(-1)).toEqual({ type: 'result', operation_id: run.lines[0]?.operation_id, status: 'planned', moved: 0, skipped: 0, failed: 0, conflicts: 0 });
    expect(snapshotTree(root)).toEqual(before);
  });

  it('runs, reports progress, and can be undone; history and show tell the story', async () => {
    const { root, cli } = setup();
    const before = snapshotTree(root);
    const run = await cli('organize', root, '--json');
    expect(run.code).toBe(0);
    const id = run.lines[0]?.operation_id as string;
    const progress = run.lines.filter((line) => line.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    for (const line of progress) {
      expect(Object.keys(line).sort()).toEqual(['bytes_done', 'bytes_total', 'current_path', 'files_done', 'files_total', 'operation_id', 'stage', 'type']);
    }
    expect(progress.at(-1)).toMatchObject({ stage: 'execute', files_done: 3, files_total: 3, bytes_done: 3, bytes_total: 3 });
    expect(run.lines.at(-1)).toEqual({ type: 'result', operation_id: id, status: 'completed', moved: 3, skipped: 0, failed: 0, conflicts: 0 });
    expect(listFiles(root)).toEqual(['Audio/c.mp3', 'Documents/b.pdf', 'Images/a.jpg']);

    const dry = await cli('organize', root, '--dry-run', '--json');
    expect(dry.lines.filter((line) => line.type === 'plan')).toEqual([]);

    const history = await cli('history', '--json');
    expect(history.lines.map((line) => line.operation_id)).toEqual([dry.lines[0]?.operation_id, id]);
    expect(history.lines[1]).toMatchObject({ status: 'completed', kind: 'organize', files_total: 3, created_at: expect.any(String) });

    const shown = await cli('show', id, '--json');
    expect(shown.lines[0]).toMatchObject({ type: 'operation', operation_id: id, status: 'completed' });
    expect(shown.lines.filter((line) => line.type === 'file')).toHaveLength(3);

    const undo = await cli('undo', id, '--json');
    expect(undo.code).toBe(0);
    expect(undo.lines.at(-1)).toMatchObject({ type: 'result', status: 'rolled_back', rolled_back: 3 });
    expect(undo.lines.filter((line) => line.type === 'progress').at(-1)).toMatchObject({ stage: 'rollback', files_done: 3, files_total: 3, bytes_done: 3, bytes_total: 3 });
    expect(snapshotTree(root)).toEqual(before);
  });

  it('exits 1 when an undo leaves a file in place', async () => {
    const { root, cli } = setup({ 'a.jpg': 'a' });
    const run = await cli('organize', root, '--json');
    fs.writeFileSync(path.join(root, 'a.jpg'), 'someone took the old place');
    const undo = await cli('undo', run.lines[0]?.operation_id as string, '--json');
    expect(undo.code).toBe(1);
    expect(undo.lines.at(-1)).toMatchObject({ status: 'partially_rolled_back', rollback_conflicts: 1 });
  });
});

describe('fileorg stopped with Ctrl-C', () => {
  it('finishes the files in flight, marks the run interrupted (exit 130), and resume completes it', async () => {
    const files = Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`f${index}.txt`, `text ${index}`]));
    const { root, cli, dataDir } = setup(files);
    let executing = 0;
    const stopped = await runCli(['--data-dir', dataDir, 'organize', root, '--json'], {
      env: { FILEORG_PROGRESS_EVERY: '1', FILEORG_PAGE_SIZE: '2' },
      killSignal: 'SIGINT',
      killWhen: (line) => line.type === 'progress' && line.stage === 'execute' && ++executing === 3,
    });
    expect(stopped.code).toBe(130);
    const id = stopped.lines[0]?.operation_id as string;
    expect(stopped.lines.at(-1)).toMatchObject({ type: 'result', operation_id: id, status: 'interrupted' });
    const moved = stopped.lines.at(-1)?.moved as number;
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(30);
    expect((await cli('history', '--json')).lines[0]).toMatchObject({ status: 'interrupted', message: expect.stringContaining('fileorg resume') });
    const resumed = await cli('resume', id, '--json');
    expect(resumed.code).toBe(0);
    expect(resumed.lines.at(-1)).toMatchObject({ status: 'completed', moved: 30 });
    expect(listFiles(root)).toHaveLength(30);
    expect(listFiles(root).every((file) => file.startsWith('Documents/'))).toBe(true);
  });
});

describe('fileorg bad input', () => {
  it('exits 2 with a message that says what to fix, touching nothing', async () => {
    const { root, dataDir, cli } = setup();
    const before = snapshotTree(root);
    const badRules = path.join(dataDir, 'rules.json');
    fs.writeFileSync(badRules, JSON.stringify({ rules: [{ name: 'x', action: { type: 'move', to: '{colour}/{name}' } }] }));
    const cases: [string[], string, RegExp][] = [
      [['organize', root, '--frobnicate', '--json'], 'E_USAGE', /frobnicate/],
      [['organize', '--json'], 'E_USAGE', /at least one folder/],
      [['organize', path.join(root, 'nope'), '--json'], 'E_BAD_PATH', /does not exist/],
      [['organize', root, '--rules', badRules, '--json'], 'E_BAD_RULES', /rules\[0\]\.action\.to: unknown placeholder \{colour\}/],
      [['organize', root, '--rules', path.join(root, 'none.json'), '--json'], 'E_BAD_RULES', /cannot read/],
      [['organize', root, '--conflict', 'overwrite', '--json'], 'E_USAGE', /conflict/],
      [['organize', root, '--preset', 'by-colour', '--json'], 'E_USAGE', /preset/],
      [['undo', 'no-such-operation', '--json'], 'E_UNKNOWN_OPERATION', /fileorg history/],
      [['resume', 'no-such-operation', '--json'], 'E_UNKNOWN_OPERATION', /fileorg history/],
      [['launch', '--json'], 'E_USAGE', /unknown command/],
    ];
    for (const [args, code, message] of cases) {
      const run = await cli(...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.lines).toEqual([{ type: 'error', code, message: expect.stringMatching(message) }]);
    }
    const human = await cli('organize', path.join(root, 'nope'));
    expect(human.code).toBe(2);
    expect(human.stderr).toMatch(/^fileorg: .*does not exist; give a folder to organize/);
    expect(snapshotTree(root)).toEqual(before);
    expect((await cli('history', '--json')).lines).toEqual([]);
  });

  it('refuses to resume an operation that is not interrupted', async () => {
    const { root, cli } = setup();
    const run = await cli('organize', root, '--json');
    const resume = await cli('resume', run.lines[0]?.operation_id as string, '--json');
    expect(resume.code).toBe(2);
    expect(resume.lines[0]).toMatchObject({ type: 'error', code: 'E_INVALID_STATE' });
  });
});

describe('fileorg scan and human output', () => {
  it('scan counts files and reports what it skipped', async () => {
    const { root, cli } = setup({ 'a.jpg': 'a', '.hidden': 'h', 'x/y.txt': 'yy' });
    fs.symlinkSync(path.join(root, 'a.jpg'), path.join(root, 'link'));
    const run = await cli('scan', root, '--json');
    expect(run.code).toBe(0);
    expect(run.lines[0]).toMatchObject({ type: 'scan', files: 2, bytes: 3, symlinks: 1, hidden: 1, skipped: [] });
  });

  it('prints a readable plan and a summary without --json', async () => {
    const { root, cli } = setup({ 'a.jpg': 'a' });
    const run = await cli('organize', root, '--dry-run');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`move    ${path.join(root, 'a.jpg')}\n     -> ${path.join(root, 'Images/a.jpg')}`);
    expect(run.stdout).toMatch(/Dry run \w+: 1 files .* would be organized/);
  });
});

// Both move paths: the native one links, finds it cannot unlink the source, takes the link back and leaves
// the row to the JavaScript path, which must report it as the JavaScript-only run does.
describe.each([
  { moves: 'the native fast path', env: {} },
  { moves: 'the JavaScript path', env: { FILEORG_NATIVE: 'off' } },
])('permissions, moves on $moves (the child runs as an unprivileged user, since root reads everything)', ({ env }) => {
  it('skips an unreadable folder with a reason and reports a file it may not move as failed (exit 1)', async () => {
    const root = tempDir();
    const dataDir = tempDir('fileorg-data-');
    // a-first.txt makes Documents/ before stuck.txt's turn, so the native path gets as far as the unlink.
    writeTree(root, { 'a-first.txt': 'moves', 'ok.jpg': 'fine', 'locked/secret.pdf': 'hidden from us', 'readonly/stuck.txt': 'cannot move' });
    fs.chmodSync(path.join(root, 'locked'), 0o000);
    fs.chmodSync(path.join(root, 'readonly'), 0o555);
    if (runsAsRoot) {
      for (const target of [root, dataDir, path.join(root, 'a-first.txt'), path.join(root, 'ok.jpg'), path.join(root, 'readonly/stuck.txt')]) fs.chownSync(target, NOBODY, NOBODY);
    }
    try {
      const dry = await runCli(['--data-dir', dataDir, 'organize', root, '--dry-run', '--json'], { asNobody: true, env });
      expect(dry.stderr).toBe('');
      expect(dry.lines.filter((line) => line.type === 'plan' && line.action === 'skip')).toEqual([
        { type: 'plan', source: path.join(root, 'locked'), destination: null, action: 'skip', reason: 'unreadable', error: expect.stringMatching(/EACCES|permission/i) },
      ]);
      const run = await runCli(['--data-dir', dataDir, 'organize', root, '--json'], { asNobody: true, env });
      expect(run.code).toBe(1);
      expect(run.lines.at(-1)).toMatchObject({ type: 'result', status: 'completed_with_failures', moved: 2, failed: 1, skipped: 1 });
      const shown = await runCli(['--data-dir', dataDir, 'show', run.lines[0]?.operation_id as string, '--json'], { asNobody: true });
      // The reason, a stable code, and the OS's words, in the run's own lines and in show --json alike.
      const failedFile = { type: 'file', state: 'failed', source: path.join(root, 'readonly/stuck.txt'), reason: 'permission-denied', error: expect.stringMatching(/^EACCES: permission denied/) };
      expect(run.lines.filter((line) => line.type === 'file' && line.state === 'failed')).toEqual([expect.objectContaining(failedFile)]);
      expect(run.lines.filter((line) => line.type === 'file' && line.state === 'skipped')).toEqual([expect.objectContaining({ source: path.join(root, 'locked'), reason: 'unreadable', error: expect.any(String) })]);
      expect(shown.lines.find((line) => line.type === 'file' && line.state === 'failed')).toMatchObject(failedFile);
      expect(fs.readFileSync(path.join(root, 'readonly/stuck.txt'), 'utf8')).toBe('cannot move');
      expect(fs.existsSync(path.join(root, 'Documents/stuck.txt'))).toBe(false);
    } finally {
      fs.chmodSync(path.join(root, 'locked'), 0o755);
      fs.chmodSync(path.join(root, 'readonly'), 0o755);
    }
  });
});
