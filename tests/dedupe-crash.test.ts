import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type JsonLine, runCli } from './helpers/cli.js';
import { snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';

/**
 * SIGKILL `fileorg dupes --quarantine` (or --hardlink) after its k-th progress line of the run, open the data
 * folder again (recovery settles the journal against the disk), then undo: every name must hold its own
 * file with its original bytes again, no temp file left, nothing lost.
 */
const KNOBS = { FILEORG_PROGRESS_EVERY: '1', FILEORG_PAGE_SIZE: '3' };
const KILL_POINTS = [1, 2, 4, 7, 11, 16, 20];

function makeTree(root: string): void {
  const files: Record<string, string> = {};
  for (let group = 0; group < 8; group++) {
    for (let copy = 0; copy < 3; copy++) files[`${['', 'a/', 'a/b/'][copy]}g${group}-${copy}.dat`] = `group ${group} `.repeat(200 * (group + 1));
  }
  writeTree(root, files);
  // Distinct times: the kept file (oldest) is the same every run.
  Object.keys(files).forEach((relative, index) => fs.utimesSync(path.join(root, relative), 1_600_000_000 + index, 1_600_000_000 + index));
}

/** Each file's inode link count: after undo every name is a file of its own again. */
const linkCounts = (root: string): number[] => Object.keys(snapshotTree(root)).filter((key) => !key.endsWith('/')).map((key) => fs.statSync(path.join(root, key)).nlink);

describe.each(['--quarantine', '--hardlink'])('crash matrix, fileorg dupes %s', (mode) => {
  it('killed after the k-th file action, reopened and undone: the original tree, each name its own file', async () => {
    const outcomes = new Set<string>();
    for (const k of KILL_POINTS) {
      const root = tempDir('fileorg-dedupe-crash-');
      const dataDir = tempDir('fileorg-dedupe-data-');
      makeTree(root);
      const before = snapshotTree(root);
      let seen = 0;
      const killed = await runCli(['--data-dir', dataDir, 'dupes', root, mode, '--json'], {
        env: KNOBS, killWhen: (line: JsonLine) => line.type === 'progress' && line.stage === 'execute' && ++seen === k,
      });
      const id = killed.lines.find((line) => line.type === 'started')?.operation_id as string;
      expect(id, killed.stderr).toBeDefined();
      const history = await runCli(['--data-dir', dataDir, 'history', '--json']);
      outcomes.add(history.lines.find((line) => line.operation_id === id)?.status as string);
      const undo = await runCli(['--data-dir', dataDir, 'undo', id, '--json']);
      expect(undo.lines.at(-1), `k=${k}: ${undo.stderr}`).toMatchObject({ type: 'result', status: 'rolled_back', rollback_conflicts: 0 });
      expect(snapshotTree(root), `k=${k}`).toEqual(before);
      expect(linkCounts(root).every((count) => count === 1), `k=${k}`).toBe(true);
    }
    // The kills landed both mid-run (interrupted) and, for the last points, after the run had finished.
    expect(outcomes.has('interrupted')).toBe(true);
  });
});
