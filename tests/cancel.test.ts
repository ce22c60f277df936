import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { type Answer, startApi } from './helpers/api.js';
import { runCli, runJson } from './helpers/cli.js';
import { openTestCore, organizeRequest } from './helpers/core.js';
import { FACES, filesOf, openFace, preview, rowsOf, treeAfter, valueOf, waitForStatus } from './helpers/operation-faces.js';
import { snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';

/** Long enough a run to cancel mid-way: 30 files in pages of 2, each page started 80 ms after the last (15 pages, ~1.2 s). */
const FILES = 30;
const SLOW = { pageSize: 2, pageDelayMs: 80 };

function mixedTree(): string {
  const root = tempDir('fileorg-cancel-tree-');
  const kinds = ['jpg', 'pdf', 'mp3', 'txt', 'zip'];
  const files: Record<string, string> = {};
  for (let index = 0; index < FILES; index++) files[`folder-${index % 3}/file-${index}.${kinds[index % kinds.length]}`] = `content ${index}`;
  writeTree(root, files);
  return root;
}

describe.each(FACES)('cancel (%s)', (faceName) => {
  it('stops a running apply after the files in flight (interrupted); resume finishes it; a cancelled undo is finished by undo; the tree comes back exactly', async () => {
    const face = await openFace(faceName, SLOW);
    const root = mixedTree();
    const before = snapshotTree(root);
    const beforeFiles = filesOf(root);
    const id = await preview(face, root);
    const rows = await rowsOf(face, id);
    expect(rows.filter((row) => row.state === 'planned')).toHaveLength(FILES);

    valueOf(await face.call('operations:apply', { id }));
    await vi.waitFor(async () => expect(valueOf(await face.call('operations:get', { id })).progress.files_done).toBeGreaterThan(0), { timeout: 10_000, interval: 10 });
    const asked = await face.call('operations:cancel', { id });
    expect(valueOf(asked)).toEqual({ operation_id: id, status: 'running' });
    if (face.name === 'HTTP') expect(asked.httpStatus).toBe(202);
    expect(valueOf(await face.call('operations:get', { id })).cancel_requested).toBe(true);

    const stopped = await waitForStatus(face, id, ['interrupted', 'completed']);
    expect(stopped).toMatchObject({ status: 'interrupted', cancel_requested: false, message: expect.stringContaining(`fileorg resume ${id}`) });
    expect(stopped.moved).toBeGreaterThan(0);
    expect(stopped.moved).toBeLessThan(FILES);
    // Every file is where the journal says: moved if its row is done, untouched otherwise.
    const done = new Set((await rowsOf(face, id)).filter((row) => row.state === 'done').map((row) => row.id));
    expect(done.size).toBe(stopped.moved);
    expect(filesOf(root)).toEqual(treeAfter(root, beforeFiles, rows, (row) => !done.has(row.id)));

    expect(valueOf(await face.call('operations:resume', { id }))).toEqual({ operation_id: id, status: 'running' });
    expect(await waitForStatus(face, id, ['completed', 'interrupted'])).toMatchObject({ status: 'completed', moved: FILES });
    expect(filesOf(root)).toEqual(treeAfter(root, beforeFiles, rows));

    valueOf(await face.call('operations:rollback', { id }));
    await vi.waitFor(async () => expect(valueOf(await face.call('operations:get', { id })).rolled_back).toBeGreaterThan(0), { timeout: 10_000, interval: 10 });
    valueOf(await face.call('operations:cancel', { id }));
    const undoStopped = await waitForStatus(face, id, ['interrupted', 'rolled_back']);
    expect(undoStopped.status).toBe('interrupted');
    expect(undoStopped.rolled_back).toBeLessThan(FILES);
    valueOf(await face.call('operations:rollback', { id }));
    expect(await waitForStatus(face, id, ['rolled_back', 'partially_rolled_back', 'interrupted'])).toMatchObject({ status: 'rolled_back', rolled_back: FILES });
    expect(snapshotTree(root)).toEqual(before);
  });

  it('refuses to cancel what is not running: a finished run, an unapplied preview (409)', async () => {
    const face = await openFace(faceName);
    const run = valueOf(await face.call('operations:start', { source_paths: [mixedTree()] })).operation_id as string;
    await waitForStatus(face, run, ['completed']);
    const finished = await face.call('operations:cancel', { id: run });
    expect(finished).toMatchObject({ ok: false, code: 'E_CONFLICT', message: `operation ${run} is completed: nothing runs; put its files back with fileorg undo ${run} (POST …/rollback); only a running operation can be cancelled` });
    if (face.name === 'HTTP') expect(finished.httpStatus).toBe(409);
    const id = await preview(face, mixedTree());
    expect(await face.call('operations:cancel', { id })).toMatchObject({ ok: false, code: 'E_CONFLICT', message: expect.stringContaining('a preview that was not applied') });
    expect(valueOf(await face.call('operations:get', { id: run })).cancel_requested).toBe(false);
  });

  it('stops a restore of chosen quarantined paths between batches: those put back stay back, the rest stay quarantined and are answered "cancelled"; restoring them again finishes', async () => {
    const face = await openFace(faceName, SLOW);
    const groups = 16; // a copy of each quarantined, restored in batches of 2, each 80 ms after the last (~650 ms)
    const root = tempDir('fileorg-cancel-restore-');
    writeTree(root, Object.fromEntries(Array.from({ length: groups }, (_, index) => [[`kept/${index}.txt`, `content ${index}`], [`copies/${index}.txt`, `content ${index}`]]).flat()));
    const before = snapshotTree(root);
    const searchId = valueOf(await face.call('duplicates:search', { paths: [root] })).search_id as string;
    await vi.waitFor(() => expect(face.core.searches.get(searchId, face.owner).status).toBe('completed'), { timeout: 10_000, interval: 10 });
    const id = valueOf(await face.call('duplicates:quarantine', { search_id: searchId })).operation_id as string;
    expect(await waitForStatus(face, id, ['completed', 'completed_with_failures', 'interrupted'])).toMatchObject({ status: 'completed', moved: groups });
    const quarantined = async (): Promise<string[]> =>
      (valueOf(await face.call('quarantine:list', { operation_id: id, limit: 100 })).items as { original: string }[]).map((item) => item.original).sort();
    const paths = await quarantined();
    expect(paths).toHaveLength(groups);

    const restoring = face.call('quarantine:restore', { operation_id: id, paths });
    await vi.waitFor(async () => expect(valueOf(await face.call('operations:get', { id })).rolled_back).toBeGreaterThan(0), { timeout: 10_000, interval: 10 });
    const asked = await face.call('operations:cancel', { id });
    expect(valueOf(asked)).toEqual({ operation_id: id, status: 'rolling_back' });
    if (face.name === 'HTTP') expect(asked.httpStatus).toBe(202);

    const answer = valueOf(await restoring);
    expect(answer).toMatchObject({ operation_id: id, status: 'completed' });
    const restored = answer.restored as number; // a restore of paths given answers a count (null only for a whole undo)
    expect(restored).toBeGreaterThan(0);
    expect(restored).toBeLessThan(groups);
    const notReached = answer.not_restored;
    expect(notReached).toHaveLength(groups - restored);
    for (const left of notReached) {
      expect(left).toEqual({ path: left.path, reason: 'cancelled', message: expect.stringContaining(`the restore was cancelled before ${left.path} was put back`) });
      expect(left.message).toContain('restore it again');
    }
    const rest = notReached.map((left) => left.path).sort();
    // On disk and in the journal: put back exactly those answered restored; the rest still in the quarantine, rows `done`.
    for (const original of paths) expect(fs.existsSync(original)).toBe(!rest.includes(original));
    expect(await quarantined()).toEqual(rest);
    const states = (await rowsOf(face, id)).map((row) => row.state);
    expect(states.filter((state) => state === 'rolled_back')).toHaveLength(restored);
    expect(states.filter((state) => state === 'done')).toHaveLength(rest.length);
    expect(valueOf(await face.call('operations:get', { id }))).toMatchObject({ status: 'completed', rolled_back: restored, cancel_requested: false });

    expect(valueOf(await face.call('quarantine:restore', { operation_id: id, paths: rest }))).toEqual({ operation_id: id, status: 'completed', restored: rest.length, not_restored: [] });
    expect(snapshotTree(root)).toEqual(before);
  });
});

describe('a cancel asked before the first page', () => {
  it('while planning: the run stops before anything moves, saying once what happened and what to do', async () => {
    const core = openTestCore();
    const root = mixedTree();
    const before = snapshotTree(root);
    const stoppedWhilePlanning = 'stopped while planning, before anything moved; run organize again';
    let id = '';
    // Recorded as soon as the operation exists, before its run holds the lease: honoured from the run's start.
    await expect(core.operations.organize(organizeRequest([root]), { dryRun: false }, {
      onStarted: (started) => { id = started; core.operations.cancel(started); },
    })).rejects.toMatchObject({ code: 'E_INTERRUPTED', message: stoppedWhilePlanning });
    expect(core.operations.get(id)).toMatchObject({ status: 'interrupted', planRecordedAt: null, cancelRequestedAt: null, moved: 0, error: stoppedWhilePlanning });
    expect(snapshotTree(root)).toEqual(before);
  });

  it('once the plan is recorded, before the lease for the first page: the run stops at once (interrupted, nothing moved), and resume finishes it', async () => {
    const core = openTestCore();
    const root = mixedTree();
    const before = snapshotTree(root);
    const beforeFiles = filesOf(root);
    // onPlanned runs after the plan is recorded and before the run takes the lease to execute it.
    const result = await core.operations.organize(organizeRequest([root]), { dryRun: false }, {
      onPlanned: (_plan, planned) => { core.operations.cancel(planned); },
    });
    const id = result.operation_id;
    expect(result).toMatchObject({ status: 'interrupted', moved: 0 });
    expect(core.operations.get(id)).toMatchObject({ status: 'interrupted', ownerPid: null, cancelRequestedAt: null, error: expect.stringContaining(`fileorg resume ${id}`) });
    expect(core.operations.show(id).files.filter((row) => row.state === 'planned')).toHaveLength(FILES);
    expect(snapshotTree(root)).toEqual(before);

    expect(await core.operations.resume(id)).toMatchObject({ status: 'completed', moved: FILES });
    expect(Object.values(filesOf(root)).sort()).toEqual(Object.values(beforeFiles).sort());
    expect(snapshotTree(root)).not.toEqual(before);
  });

  it('a prepared plan (a duplicate resolution) cancelled while it is recorded stops before its first page, interrupted', async () => {
    const core = openTestCore();
    const root = mixedTree();
    const result = await core.operations.runPrepared({
      kind: 'dedupe', roots: [root], destination: null, conflict: 'rename', resolution: 'hardlink', keep: 'oldest', reference: null, minSize: 0, includeEmpty: false, includeHidden: false,
    }, (operationId) => {
      core.operations.cancel(operationId); // as another process would, while this one makes the plan
      return { rows: [], createdFolders: [] };
    });
    expect(result.status).toBe('interrupted');
    expect(core.operations.get(result.operation_id)).toMatchObject({ status: 'interrupted', ownerPid: null, cancelRequestedAt: null });
  });
});

/** A data folder for the CLI, the API over it reached as the owner (an API key of the local profile), and a tree. */
async function ownerApiAndTree() {
  const dataDir = tempDir('fileorg-cancel-data-');
  const api = await startApi({ dataDir, bcryptCost: 4 });
  const { key } = api.core.auth.apiKeys.create('local', 'cancel test');
  const root = mixedTree();
  return { dataDir, api, key, root, beforeFiles: filesOf(root) };
}

describe('cancel across processes', () => {
  it('a cancel asked over HTTP stops an organize the CLI runs: it exits 130 and the operation is interrupted', async () => {
    const { dataDir, api, key, root, beforeFiles } = await ownerApiAndTree();
    let id = '';
    let asked: Promise<Answer> | undefined;
    const run = await runCli(['--data-dir', dataDir, 'organize', root, '--json'], {
      env: { FILEORG_TEST_PAGE_DELAY_MS: '80', FILEORG_PAGE_SIZE: '2', FILEORG_PROGRESS_EVERY: '1' },
      killWhen: (line) => {
        if (line.type === 'started') id = line.operation_id as string;
        // Once files are moving: the cancel goes in while the CLI keeps running (nothing is killed here).
        if (line.type === 'progress' && line.stage === 'execute' && !asked) asked = api.call('POST', `/api/v1/operations/${id}/cancel`, { headers: { 'x-api-key': key } });
        return false;
      },
    });
    const answer = await asked;
    expect(answer?.status).toBe(202);
    expect(answer?.body).toEqual({ operation_id: id, status: 'running' });
    expect(run.code).toBe(130);
    const result = run.lines.at(-1);
    expect(result).toMatchObject({ type: 'result', operation_id: id, status: 'interrupted' });
    expect(result?.moved).toBeLessThan(FILES);
    const operation = api.core.operations.get(id);
    expect(operation).toMatchObject({ status: 'interrupted', ownerPid: null, cancelRequestedAt: null });
    // Resumable from the CLI, as any interrupted run.
    const resumed = await runJson(dataDir, ['resume', id]);
    expect(resumed.code).toBe(0);
    expect(resumed.lines.at(-1)).toMatchObject({ type: 'result', status: 'completed', moved: FILES });
    expect(Object.keys(filesOf(root))).toHaveLength(Object.keys(beforeFiles).length);
  });

  it('a cancel of a run whose process was killed outright settles it at once (interrupted, 202), and resume finishes it', async () => {
    // The API stays open the whole time, as serve would: the CLI's death is not seen by an open at start.
    const { dataDir, api, key, root, beforeFiles } = await ownerApiAndTree();
    let id = '';
    const run = await runCli(['--data-dir', dataDir, 'organize', root, '--json'], {
      env: { FILEORG_TEST_PAGE_DELAY_MS: '80', FILEORG_PAGE_SIZE: '2', FILEORG_PROGRESS_EVERY: '1' },
      killWhen: (line) => {
        if (line.type === 'started') id = line.operation_id as string;
        return line.type === 'progress' && line.stage === 'execute';
      },
    });
    expect(run.signal).toBe('SIGKILL');
    expect(api.core.operations.get(id)).toMatchObject({ status: 'running' });
    const asked = await api.call('POST', `/api/v1/operations/${id}/cancel`, { headers: { 'x-api-key': key } });
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual({ operation_id: id, status: 'interrupted' });
    expect(api.core.operations.get(id)).toMatchObject({ status: 'interrupted', ownerPid: null });
    const resumed = await api.call('POST', `/api/v1/operations/${id}/resume`, { headers: { 'x-api-key': key } });
    expect(resumed.status).toBe(202);
    await vi.waitFor(() => expect(api.core.operations.get(id).status).toBe('completed'), { timeout: 10_000, interval: 10 });
    expect(api.core.operations.get(id)).toMatchObject({ moved: FILES, failed: 0 });
    expect(Object.keys(filesOf(root))).toHaveLength(Object.keys(beforeFiles).length);
  });

  it('applying a preview whose planner died while planning says to preview again, not to wait', async () => {
    const core = openTestCore();
    const root = mixedTree();
    // What a planner killed outright leaves: a preview row, still leased by a process that is gone, no whole plan.
    const gone = spawnSync(process.execPath, ['-e', '']).pid as number;
    const id = '0000000001deadbeef0001';
    core.database.sqlite.prepare(`INSERT INTO operations (id, user_id, kind, status, phase, dry_run, request, created_at, started_at, owner_pid, owner_host, heartbeat_at)
      VALUES (?, 'local', 'organize', 'planned', 'execute', 1, ?, ?, ?, ?, ?, ?)`)
      .run(id, JSON.stringify(organizeRequest([root])), Date.now(), Date.now(), gone, os.hostname(), Date.now());
    await expect(core.operations.apply(id)).rejects.toMatchObject({ code: 'E_CONFLICT', message: expect.stringContaining('preview again') });
    expect(core.operations.get(id)).toMatchObject({ status: 'interrupted', ownerPid: null });
  });

  it('fileorg cancel of a finished operation exits 2, saying only a running one can be cancelled; of a running one, says what it asked', async () => {
    const dataDir = tempDir('fileorg-cancel-data-');
    const done = await runJson(dataDir, ['organize', mixedTree()]);
    const id = done.lines.at(-1)?.operation_id as string;
    const refused = await runCli(['--data-dir', dataDir, 'cancel', id.slice(0, 8)]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`fileorg: operation ${id} is completed: nothing runs; put its files back with fileorg undo ${id} (POST …/rollback); only a running operation can be cancelled\n`);
    const json = await runJson(dataDir, ['cancel', id]);
    expect(json.code).toBe(2);
    expect(json.lines).toEqual([{ type: 'error', code: 'E_CONFLICT', message: `operation ${id} is completed: nothing runs; put its files back with fileorg undo ${id} (POST …/rollback); only a running operation can be cancelled` }]);

    let cancelled: Promise<Awaited<ReturnType<typeof runCli>>> | undefined;
    const slow = await runCli(['--data-dir', dataDir, 'organize', mixedTree(), '--json'], {
      env: { FILEORG_TEST_PAGE_DELAY_MS: '80', FILEORG_PAGE_SIZE: '2', FILEORG_PROGRESS_EVERY: '1' },
      killWhen: (line) => {
        if (line.type === 'started') cancelled = runCli(['--data-dir', dataDir, 'cancel', line.operation_id as string]);
        return false;
      },
    });
    const asked = await cancelled;
    expect(asked?.code).toBe(0);
    expect(asked?.stdout).toMatch(/^Asked operation \w+ \((running|planned)\) to stop after the files in flight; it becomes interrupted\./);
    expect(slow.code).toBe(130);
  });
});
