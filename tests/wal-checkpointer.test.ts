import fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { databaseFileIn } from '../src-main/core/db/open-database.js';
import { openTestCore, organizeRequest } from './helpers/core.js';
import { tempDir, writeTree } from './helpers/temp-tree.js';

/** A dry run over enough files to write a few MiB of journal: well under the automatic checkpoint (64 MiB). */
async function planMany(core: ReturnType<typeof openTestCore>): Promise<void> {
  const root = tempDir('fileorg-wal-tree-');
  const files: Record<string, string> = {};
  for (let index = 0; index < 3000; index++) files[`folder-${index % 30}/a-rather-long-file-name-${index}.pdf`] = String(index);
  writeTree(root, files);
  await core.operations.organize(organizeRequest([root]), { dryRun: true });
}

describe('checkpoints on a thread of their own (serve, the app)', () => {
  it('copy the journal into the database file while the process runs, where the main thread alone would not until 64 MiB', async () => {
    const withThread = openTestCore(undefined, { backgroundCheckpoints: true });
    const file = databaseFileIn(withThread.dataDir);
    const before = fs.statSync(file).size;
    await planMany(withThread);
    await vi.waitFor(() => expect(fs.statSync(file).size).toBeGreaterThan(before + 256 * 1024), { timeout: 10_000 });

    // The same work without the thread leaves the journal in the log, not yet in the file.
    const alone = openTestCore();
    const aloneFile = databaseFileIn(alone.dataDir);
    const aloneBefore = fs.statSync(aloneFile).size;
    await planMany(alone);
    expect(fs.statSync(aloneFile).size).toBe(aloneBefore);
    expect(fs.statSync(`${aloneFile}-wal`).size).toBeGreaterThan(256 * 1024);
  });
});
