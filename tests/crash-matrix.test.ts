import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type JsonLine, runCli } from './helpers/cli.js';
import { snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';

/**
 * SIGKILL the CLI after its k-th progress line, for many k, then open the data folder again and undo: the
 * tree must equal the original byte for byte, with no file lost or doubled and no temp file left behind.
 * Small journal pages and a progress line per file spread the kills over every stage of the run.
 */
const MATRIX_KNOBS = { FILEORG_PROGRESS_EVERY: '1', FILEORG_PAGE_SIZE: '5' };
const shm = '/dev/shm';
const crossDeviceAvailable = fs.existsSync(shm) && fs.statSync(shm).dev !== fs.statSync(tempDir()).dev;

function makeTree(root: string): void {
  const files: Record<string, string> = {};
  for (let index = 0; index < 36; index++) {
    const folder = ['', 'inbox/', 'inbox/old/', 'misc/deep/er/'][index % 4];
    const extension = ['jpg', 'pdf', 'mp3', 'zip', 'txt', 'bin'][index % 6];
    files[`${folder}file${index % 9}.${extension}`] = `content ${index} `.repeat(index * 37 + 1);
  }
  files['Images/file0.jpg'] = 'already here: forces name conflicts';
  files['big.mp4'] = 'v'.repeat(2 * 1024 * 1024); // a multi-chunk copy across devices
  writeTree(root, files);
}

interface Scenario { root: string; destination: string | null; dataDir: string; before: Record<string, string> }

function scenario(crossDevice: boolean): Scenario {
  const root = crossDevice ? tempDir('fileorg-crash-', shm) : tempDir('fileorg-crash-');
  makeTree(root);
  return { root, destination: crossDevice ? tempDir('fileorg-crash-dest-') : null, dataDir: tempDir('fileorg-crash-data-'), before: snapshotTree(root) };
}

const organizeArgs = (s: Scenario): string[] => ['--data-dir', s.dataDir, 'organize', s.root, ...(s.destination ? ['--dest', s.destination] : []), '--json'];
const killAfterProgress = (k: number, stage?: string) => (line: JsonLine): boolean => line.type === 'progress' && (!stage || line.stage === stage) && --k === 0;

/** Every file under the tree and the destination, by content: nothing lost, nothing doubled. */
function contentsOf(s: Scenario): string[] {
  const inRoot = Object.values(snapshotTree(s.root));
  const inDestination = s.destination ? Object.values(snapshotTree(s.destination)) : [];
  return [...inRoot, ...inDestination].filter((value) => value !== 'dir').sort();
}

async function expectRestored(s: Scenario, operationId: string, env: NodeJS.ProcessEnv): Promise<void> {
  const undo = await runCli(['--data-dir', s.dataDir, 'undo', operationId, '--json'], { env });
  expect(undo.lines.at(-1), `${JSON.stringify(undo.lines.at(-1))} ${undo.stderr}`).toMatchObject({ type: 'result', status: 'rolled_back' });
  expect(snapshotTree(s.root)).toEqual(s.before);
  if (s.destination) expect(snapshotTree(s.destination)).toEqual({});
}

async function statusAfterReopen(s: Scenario, operationId: string): Promise<string> {
  const history = await runCli(['--data-dir', s.dataDir, 'history', '--json']);
  return history.lines.find((line) => line.operation_id === operationId)?.status as string;
}

const KILL_POINTS = [1, 3, 8, 20, 30, 36, 40, 45, 50, 55, 60, 66, 72, 80, 90];

// Same-device moves take the native fast path where it is built; the JavaScript path gets its own run.
// Cross-device moves are always copies on the JavaScript path.
describe.each([
  { name: 'same device', crossDevice: false, moves: {} },
  { name: 'same device, moves on the JavaScript path (FILEORG_NATIVE=off)', crossDevice: false, moves: { FILEORG_NATIVE: 'off' } },
  { name: 'cross-device (/dev/shm to disk)', crossDevice: true, moves: {} },
])('crash matrix, $name', ({ crossDevice, moves }) => {
  const KNOBS = { ...MATRIX_KNOBS, ...moves };
  // The cross-device half needs /dev/shm on a device of its own (it is here, and on CI); the reason is in its name.
  const run = (name: string, test: () => Promise<void>): void => {
    if (crossDevice) it.skipIf(!crossDeviceAvailable)(`(needs /dev/shm on its own device) ${name}`, test);
    else it(name, test);
  };

  run('kill organize after the k-th progress line, reopen, undo: the original tree, byte for byte', async () => {
    const outcomes = new Set<string>();
    for (const k of KILL_POINTS) {
      const s = scenario(crossDevice);
      const killed = await runCli(organizeArgs(s), { env: KNOBS, killWhen: killAfterProgress(k) });
      const id = killed.lines[0]?.operation_id as string;
      expect(id, killed.stderr).toBeDefined();
      const status = await statusAfterReopen(s, id);
      outcomes.add(status);
      expect(['interrupted', 'completed'], `k=${k}`).toContain(status);
      expect(contentsOf(s).length, `k=${k}: files lost or doubled`).toBe(Object.values(s.before).filter((value) => value !== 'dir').length);
      await expectRestored(s, id, moves);
    }
    expect(outcomes).toContain('interrupted');
  });

  run('kill organize, then kill resume, then resume to the end: every file once, in its place; then undo', async () => {
    // Both kills land while files move (the execute stage): a run killed while planning has nothing to resume.
    for (const [first, second] of [[2, 5], [12, 2], [25, 1]] as const) {
      const s = scenario(crossDevice);
      const killed = await runCli(organizeArgs(s), { env: KNOBS, killWhen: killAfterProgress(first, 'execute') });
      const id = killed.lines[0]?.operation_id as string;
      expect(await statusAfterReopen(s, id)).toBe('interrupted');
      await runCli(['--data-dir', s.dataDir, 'resume', id, '--json'], { env: KNOBS, killWhen: killAfterProgress(second, 'execute') });
      const status = await statusAfterReopen(s, id);
      if (status === 'interrupted') {
        const finished = await runCli(['--data-dir', s.dataDir, 'resume', id, '--json'], { env: moves });
        expect(finished.lines.at(-1), finished.stderr).toMatchObject({ type: 'result', status: 'completed', failed: 0 });
      }
      const sorted = { ...snapshotTree(s.destination ?? s.root) };
      expect(Object.keys(sorted).filter((key) => key.includes('.fileorg-'))).toEqual([]);
      expect(contentsOf(s)).toEqual(Object.values(s.before).filter((value) => value !== 'dir').sort());
      await expectRestored(s, id, moves);
    }
  });

  run('kill undo after the k-th progress line, reopen, undo again: the original tree', async () => {
    const outcomes = new Set<string>();
    for (const k of [1, 4, 10, 18, 25, 33]) {
      const s = scenario(crossDevice);
      const organized = await runCli(organizeArgs(s), { env: KNOBS });
      const id = organized.lines[0]?.operation_id as string;
      expect(organized.lines.at(-1)).toMatchObject({ status: 'completed' });
      await runCli(['--data-dir', s.dataDir, 'undo', id, '--json'], { env: KNOBS, killWhen: killAfterProgress(k) });
      const status = await statusAfterReopen(s, id);
      outcomes.add(status);
      expect(['interrupted', 'rolled_back'], `k=${k}`).toContain(status);
      expect(contentsOf(s).length, `k=${k}: files lost or doubled`).toBe(Object.values(s.before).filter((value) => value !== 'dir').length);
      if (status === 'interrupted') {
        await expectRestored(s, id, moves);
        continue;
      }
      // A late kill (the last lines were still in the pipe when the test read them) found the undo finished:
      // the tree is whole already, and undoing again says so instead of touching it.
      expect(snapshotTree(s.root), `k=${k}`).toEqual(s.before);
      const again = await runCli(['--data-dir', s.dataDir, 'undo', id, '--json'], { env: moves });
      expect(again.lines.at(-1)).toMatchObject({ type: 'error', code: 'E_INVALID_STATE', message: `operation ${id} is already rolled back` });
    }
    expect(outcomes).toContain('interrupted');
  });
});

it('a live operation is not taken for interrupted by another process', async () => {
  const root = tempDir();
  const dataDir = tempDir('fileorg-data-');
  writeTree(root, Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`f${index}.txt`, `x${index}`])));
  let sawOther = '';
  const slow = runCli(['--data-dir', dataDir, 'organize', root, '--json'], {
    env: { FILEORG_PROGRESS_EVERY: '1', FILEORG_PAGE_SIZE: '1' },
  });
  // While it runs, another process opens the same data folder: it must leave the running operation alone.
  for (let attempt = 0; attempt < 50 && !sawOther; attempt++) {
    const history = await runCli(['--data-dir', dataDir, 'history', '--json']);
    sawOther = (history.lines[0]?.status as string | undefined) ?? '';
    if (sawOther === 'completed') break;
  }
  const result = await slow;
  expect(result.lines.at(-1)).toMatchObject({ type: 'result', status: 'completed', moved: 40 });
  expect(['planned', 'running', 'completed']).toContain(sawOther);
  expect(fs.readdirSync(path.join(root, 'Documents'))).toHaveLength(40);
});
