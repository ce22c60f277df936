import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LOCAL_USER_ID } from '../src-main/core/db/schema.js';
import { openTestCore } from './helpers/core.js';
import { recordEvents } from './helpers/hub-events.js';
import { tempDir, writeTree } from './helpers/temp-tree.js';

/** Two duplicate groups under one folder, quarantined by the local profile: answers the core, the folder and the operation. */
async function quarantinedTree(trashed: string[][]) {
  const root = tempDir('fileorg-quarantine-edges-');
  writeTree(root, { 'a/one.txt': 'same one', 'b/one.txt': 'same one', 'a/two.txt': 'same two', 'b/two.txt': 'same two' });
  const core = openTestCore(tempDir('fileorg-quarantine-edges-data-'), { trash: async (files) => { trashed.push(files); } });
  const result = await core.duplicates.resolve([root], { minSize: 0, includeEmpty: false, includeHidden: false, resolution: 'quarantine', keep: 'shortest', reference: null });
  expect(result).toMatchObject({ status: 'completed', quarantined: 2 });
  return { core, root, operationId: result.operation_id };
}

/** Mark an operation as worked on by another live process right now (the test runner's parent), as a restore from serve would show. */
function heldByAnotherProcess(core: ReturnType<typeof openTestCore>, operationId: string): void {
  core.database.sqlite.prepare(`UPDATE operations SET status = 'rolling_back', phase = 'rollback', owner_pid = ?, heartbeat_at = ? WHERE id = ?`)
    .run(process.ppid, Date.now(), operationId);
}

describe('emptying the quarantine while files are being put back', () => {
  it('refuses one operation that is being restored (E_BUSY, saying to wait) and leaves its files when emptying all', async () => {
    const trashed: string[][] = [];
    const first = await quarantinedTree(trashed);
    const { core } = first;
    const secondRoot = tempDir('fileorg-quarantine-edges-second-');
    writeTree(secondRoot, { 'x/three.txt': 'same three', 'y/three.txt': 'same three' });
    const second = await core.duplicates.resolve([secondRoot], { minSize: 0, includeEmpty: false, includeHidden: false, resolution: 'quarantine', keep: 'shortest', reference: null });
    heldByAnotherProcess(core, first.operationId);

    await expect(core.duplicates.quarantine.empty(first.operationId)).rejects.toMatchObject({ code: 'E_BUSY', message: expect.stringContaining('once that ends') });
    expect(trashed).toEqual([]);

    const emptied = await core.duplicates.quarantine.empty(null);
    expect(emptied).toMatchObject({ trashed: 1, left: 2 });
    expect(trashed.flat()).toEqual([expect.stringContaining(second.operation_id)]);
    // The busy operation's files are still in the quarantine, still listed.
    const stillThere = core.duplicates.quarantine.list(first.operationId);
    expect(stillThere).toHaveLength(2);
    for (const file of stillThere) expect(fs.existsSync(file.quarantined)).toBe(true);
  });
});

describe('a kept search that cannot be read back', () => {
  it('is answered as gone, saying to search again, not as an internal error', async () => {
    const root = tempDir('fileorg-search-unreadable-');
    writeTree(root, { 'a.txt': 'same', 'b.txt': 'same' });
    const core = openTestCore(tempDir('fileorg-search-unreadable-data-'));
    const events = recordEvents(core, LOCAL_USER_ID);
    const searchId = core.searches.start(LOCAL_USER_ID, { roots: [root], minSize: 0, includeEmpty: false, includeHidden: false });
    await events.next('duplicates:result', (data) => data.search_id === searchId);
    core.database.sqlite.prepare('UPDATE duplicate_searches SET summary = ? WHERE id = ?').run('{"groups": "many"', searchId);
    expect(() => core.searches.get(searchId, LOCAL_USER_ID)).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND', message: expect.stringContaining('search again') }));
  });
});
