import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runJson } from './helpers/cli.js';
import { openTestCore, organizeRequest } from './helpers/core.js';
import { type Face, FACES, filesOf, openFace, preview, rowsOf, treeAfter, valueOf, waitForStatus } from './helpers/operation-faces.js';
import { snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';

const HOUR = 60 * 60 * 1000;
const FINISHED = ['completed', 'completed_with_failures', 'interrupted'];

/** Files of every category, one nested (its folder is emptied by the run), one already where by-type puts it. */
const TREE = {
  'a.jpg': 'image a', 'b.pdf': 'document b', 'c.mp3': 'audio c', 'd.txt': 'text d', 'e.zip': 'archive e',
  'nested/f.jpg': 'image f', 'nested/g.pdf': 'document g', 'Images/already.jpg': 'already in place',
};

function tree(): string {
  const root = tempDir('fileorg-apply-tree-');
  writeTree(root, TREE);
  return root;
}

/** The journal rows of one state, by id. */
const statesOf = (rows: { id: number; state: string; reason: string | null }[]) => new Map(rows.map((row) => [row.id, { state: row.state, reason: row.reason }]));

/** Journal rows of an operation left in the database, whatever their table. */
function rowsLeft(face: Face, id: string): number {
  const { sqlite } = face.core.database;
  const count = (sql: string): number => sqlite.prepare(sql).pluck().get(id) as number;
  return count('SELECT count(*) FROM operations WHERE id = ?') + count('SELECT count(*) FROM file_records WHERE operation_id = ?')
    + count('SELECT count(*) FROM file_states WHERE operation_id = ?') + count('SELECT count(*) FROM folder_records WHERE operation_id = ?');
}

describe.each(FACES)('apply a recorded preview (%s)', (faceName) => {
  it('runs exactly the plan its rows showed, under the preview\'s id (202, running), and undo puts every file back', async () => {
    const face = await openFace(faceName);
    const root = tree();
    const before = filesOf(root);
    const beforeWithFolders = snapshotTree(root);
    const id = await preview(face, root);
    const rows = await rowsOf(face, id);
    const planned = rows.filter((row) => row.state === 'planned');
    expect(planned.length).toBe(7);
    expect(filesOf(root)).toEqual(before); // the preview touched nothing

    const applied = await face.call('operations:apply', { id });
    expect(valueOf(applied)).toEqual({ operation_id: id, status: 'running' });
    if (face.name === 'HTTP') expect(applied.httpStatus).toBe(202);
    const done = await waitForStatus(face, id, FINISHED);
    expect(done).toMatchObject({ operation_id: id, status: 'completed', dry_run: false, moved: 7, failed: 0, progress: { files_done: 7, files_total: 7 } });
    expect(filesOf(root)).toEqual(treeAfter(root, before, rows));
    expect(fs.existsSync(path.join(root, 'nested'))).toBe(false); // emptied by the run, so removed as organize does
    const after = statesOf(await rowsOf(face, id));
    for (const row of rows) expect(after.get(row.id)?.state).toBe(row.state === 'planned' ? 'done' : row.state);

    expect(valueOf(await face.call('operations:rollback', { id }))).toEqual({ operation_id: id, status: 'rolling_back' });
    expect(await waitForStatus(face, id, ['rolled_back', 'partially_rolled_back'])).toMatchObject({ status: 'rolled_back', rolled_back: 7 });
    expect(snapshotTree(root)).toEqual(beforeWithFolders);
  });

  it('skips a file changed since the preview, with the reason, and runs every other row as shown', async () => {
    const face = await openFace(faceName);
    const root = tree();
    const id = await preview(face, root);
    const rows = await rowsOf(face, id);
    const changed = rows.find((row) => row.source === path.join(root, 'b.pdf'));
    expect(changed?.state).toBe('planned');
    fs.appendFileSync(path.join(root, 'b.pdf'), ', edited after the preview');
    const edited = filesOf(root);

    valueOf(await face.call('operations:apply', { id }));
    const done = await waitForStatus(face, id, FINISHED);
    expect(done).toMatchObject({ status: 'completed', moved: 6, skipped: 1, failed: 0 });
    expect(filesOf(root)).toEqual(treeAfter(root, edited, rows, (row) => row.id === changed?.id));
    expect(statesOf(await rowsOf(face, id)).get(changed?.id as number)).toEqual({ state: 'skipped', reason: 'changed-since-plan' });
  });

  it.each(['rename', 'skip'] as const)('follows the conflict policy (%s) for a name taken since the preview, and never replaces that file', async (conflict) => {
    const face = await openFace(faceName);
    const root = tree();
    const id = await preview(face, root, { conflict });
    const rows = await rowsOf(face, id);
    const taken = rows.find((row) => row.source === path.join(root, 'c.mp3'));
    const destination = taken?.destination as string;
    fs.mkdirSync(path.dirname(destination), { recursive: true });
    fs.writeFileSync(destination, 'a file that came after the preview');
    const intruded = filesOf(root);

    valueOf(await face.call('operations:apply', { id }));
    const done = await waitForStatus(face, id, FINISHED);
    const row = (await rowsOf(face, id)).find((each) => each.id === taken?.id);
    if (conflict === 'rename') {
      const renamed = path.join(path.dirname(destination), 'c (1).mp3');
      expect(done).toMatchObject({ status: 'completed', moved: 7, conflicts: 1 });
      expect(row).toMatchObject({ state: 'done', destination: renamed });
      expect(filesOf(root)).toEqual(treeAfter(root, intruded, rows.map((each) => (each.id === taken?.id ? { ...each, destination: renamed } : each))));
    } else {
      expect(done).toMatchObject({ status: 'completed', moved: 6, skipped: 1, conflicts: 1 });
      expect(row).toMatchObject({ state: 'skipped', reason: 'conflict' });
      expect(filesOf(root)).toEqual(treeAfter(root, intruded, rows, (each) => each.id === taken?.id));
    }
    expect(fs.readFileSync(destination, 'utf8')).toBe('a file that came after the preview');
  });

  it('leaves out rows named by id and by path (skipped, excluded), and refuses one that is not the preview\'s by name (422), leaving it a preview', async () => {
    const face = await openFace(faceName);
    const root = tree();
    const id = await preview(face, root);
    const rows = await rowsOf(face, id);
    const other = await preview(face, tree());
    const otherRow = (await rowsOf(face, other))[0]?.id as number;
    const byId = rows.find((row) => row.source === path.join(root, 'a.jpg'));
    const byPath = rows.find((row) => row.source === path.join(root, 'nested', 'g.pdf'));
    const before = filesOf(root);

    const notOurs = await face.call('operations:apply', { id, exclude: [byId?.id, otherRow] });
    expect(notOurs).toMatchObject({ ok: false, code: 'E_VALIDATION', message: expect.stringContaining(`${otherRow} is not a row of preview ${id}`) });
    const missing = path.join(root, 'never-there.txt');
    const notAFile = await face.call('operations:apply', { id, exclude_paths: [byPath?.source, missing] });
    expect(notAFile).toMatchObject({ ok: false, code: 'E_VALIDATION', message: expect.stringContaining(`${missing} is not a file of preview ${id}`) });
    if (face.name === 'HTTP') expect([notOurs.httpStatus, notAFile.httpStatus]).toEqual([422, 422]);
    expect(valueOf(await face.call('operations:get', { id }))).toMatchObject({ status: 'planned', dry_run: true });
    expect(filesOf(root)).toEqual(before);

    valueOf(await face.call('operations:apply', { id, exclude: [byId?.id], exclude_paths: [byPath?.source] }));
    const done = await waitForStatus(face, id, FINISHED);
    expect(done).toMatchObject({ status: 'completed', moved: 5, skipped: 2, progress: { files_done: 5, files_total: 5 } });
    const left = new Set([byId?.id, byPath?.id]);
    expect(filesOf(root)).toEqual(treeAfter(root, before, rows, (row) => left.has(row.id)));
    const states = statesOf(await rowsOf(face, id));
    for (const row of [byId, byPath]) expect(states.get(row?.id as number)).toEqual({ state: 'skipped', reason: 'excluded' });
  });

  it('refuses to apply twice (409, also two at once), a run that was never a preview (409), and an id it does not have (404: saying previews are discarded)', async () => {
    const face = await openFace(faceName);
    const id = await preview(face, tree());
    const both = await Promise.all([face.call('operations:apply', { id }), face.call('operations:apply', { id })]);
    expect(both.filter((answer) => answer.ok)).toHaveLength(1);
    expect(both.find((answer) => !answer.ok)).toMatchObject({ code: 'E_CONFLICT', message: expect.stringContaining(id) });
    await waitForStatus(face, id, FINISHED);
    const again = await face.call('operations:apply', { id });
    expect(again).toMatchObject({ ok: false, code: 'E_CONFLICT', message: expect.stringMatching(/not a preview waiting to be applied.*fileorg undo/) });
    if (face.name === 'HTTP') expect(again.httpStatus).toBe(409);

    const run = valueOf(await face.call('operations:start', { source_paths: [tree()] })).operation_id as string;
    await waitForStatus(face, run, FINISHED);
    expect(await face.call('operations:apply', { id: run })).toMatchObject({ ok: false, code: 'E_CONFLICT' });

    const unknown = await face.call('operations:apply', { id: 'nosuchoperation' });
    expect(unknown).toMatchObject({ ok: false, code: 'E_NOT_FOUND', message: expect.stringMatching(/not applied within 24 hours is discarded; preview again/) });
    // Another user's preview is as unknown as one that never existed.
    const someoneElse = face.core.users.profile(face.name === 'IPC' ? 'someone-else' : 'local');
    const theirs = await face.core.operations.organize(organizeRequest([tree()]), { dryRun: true, owner: someoneElse });
    expect(await face.call('operations:apply', { id: theirs.operation_id })).toMatchObject({ ok: false, code: 'E_NOT_FOUND' });
    expect(face.core.operations.get(theirs.operation_id, { owner: someoneElse })).toMatchObject({ dryRun: true, status: 'planned' });
  });

  it('prunes a preview not applied within 24 hours, rows and all, and then answers 404', async () => {
    const face = await openFace(faceName);
    const root = tree();
    const before = filesOf(root);
    const id = await preview(face, root);
    face.advance(23 * HOUR);
    expect(face.core.operations.prunePreviews()).toBe(0); // the hourly pruning keeps it for a day
    expect(valueOf(await face.call('operations:get', { id }))).toMatchObject({ dry_run: true });
    face.advance(2 * HOUR);
    expect(face.core.operations.prunePreviews()).toBe(1);
    expect(rowsLeft(face, id)).toBe(0);

    const refused = await face.call('operations:apply', { id });
    expect(refused).toMatchObject({ ok: false, code: 'E_NOT_FOUND', message: expect.stringContaining('a preview not applied within 24 hours is discarded') });
    if (face.name === 'HTTP') expect(refused.httpStatus).toBe(404);
    expect(filesOf(root)).toEqual(before);
  });

  it('refuses a preview past its day in a process open all along (404, as pruned, nothing moved), pruning it then and there; one within its day applies', async () => {
    const face = await openFace(faceName);
    const oldRoot = tree();
    const youngRoot = tree();
    const old = await preview(face, oldRoot);
    face.advance(2 * HOUR);
    const young = await preview(face, youngRoot);
    face.advance(23 * HOUR); // 25 h since the first preview, 23 h since the second; nothing has pruned since the core opened
    const oldBefore = filesOf(oldRoot);
    expect(rowsLeft(face, old)).toBeGreaterThan(1);

    const refused = await face.call('operations:apply', { id: old });
    const pruned = await face.call('operations:apply', { id: 'nosuchpreview' });
    expect(refused).toMatchObject({ ok: false, code: 'E_NOT_FOUND', message: pruned.message?.replace('nosuchpreview', old) });
    expect(refused.message).toContain('a preview not applied within 24 hours is discarded');
    if (face.name === 'HTTP') expect(refused.httpStatus).toBe(404);
    expect(rowsLeft(face, old)).toBe(0);
    expect(filesOf(oldRoot)).toEqual(oldBefore);

    const rows = await rowsOf(face, young);
    const youngBefore = filesOf(youngRoot);
    valueOf(await face.call('operations:apply', { id: young }));
    expect(await waitForStatus(face, young, FINISHED)).toMatchObject({ status: 'completed', moved: 7 });
    expect(filesOf(youngRoot)).toEqual(treeAfter(youngRoot, youngBefore, rows));
  });
});

describe('pruning previews when the data folder is opened', () => {
  it('deletes previews older than a day, with their journal, and keeps younger ones and every run', async () => {
    const dataDir = tempDir('fileorg-prune-');
    const core = openTestCore(dataDir);
    const old = await core.operations.organize(organizeRequest([tree()]), { dryRun: true });
    const run = await core.operations.organize(organizeRequest([tree()]), { dryRun: false });
    const rowsOfOld = (database = core.database) => database.sqlite.prepare('SELECT count(*) FROM file_states WHERE operation_id = ?').pluck().get(old.operation_id);
    expect(rowsOfOld()).toBe(7);

    const dayLater = openTestCore(dataDir, { clock: () => Date.now() + 23 * HOUR });
    expect(dayLater.operations.history().map((operation) => operation.id)).toEqual([run.operation_id, old.operation_id]);
    const later = openTestCore(dataDir, { clock: () => Date.now() + 25 * HOUR });
    expect(later.operations.history().map((operation) => operation.id)).toEqual([run.operation_id]);
    expect(rowsOfOld(later.database)).toBe(0);
    await expect(later.operations.apply(old.operation_id)).rejects.toMatchObject({ code: 'E_UNKNOWN_OPERATION', message: expect.stringContaining('24 hours') });
  });

  it('a core open for more than a day refuses a preview made 25 h before on it, as pruned, and moves nothing', async () => {
    let now = Date.now();
    const core = openTestCore(tempDir('fileorg-prune-'), { clock: () => now });
    const root = tree();
    const before = snapshotTree(root);
    const made = await core.operations.organize(organizeRequest([root]), { dryRun: true });
    now += 25 * HOUR;
    await expect(core.operations.apply(made.operation_id)).rejects.toMatchObject({
      code: 'E_UNKNOWN_OPERATION', message: `no preview "${made.operation_id}" among yours: a preview not applied within 24 hours is discarded; preview again (fileorg organize … --dry-run) and apply that one`,
    });
    expect(core.operations.history()).toEqual([]);
    expect(snapshotTree(root)).toEqual(before);
  });
});

describe('fileorg apply', () => {
  it('applies the dry run the "Apply it with" line names, by a short id, leaving out --exclude-path files (absolute or relative to the working folder)', async () => {
    const dataDir = tempDir('fileorg-apply-cli-');
    const root = tree();
    const dry = await runCli(['--data-dir', dataDir, 'organize', root, '--dry-run']);
    expect(dry.code).toBe(0);
    const id = (await runJson(dataDir, ['history'])).lines[0]?.operation_id as string;
    expect(dry.stdout.trimEnd().split('\n').at(-1)).toBe(`Apply it with: fileorg apply ${id}`);
    const before = filesOf(root);

    const relative = path.relative(process.cwd(), path.join(root, 'nested', 'g.pdf'));
    expect(path.isAbsolute(relative)).toBe(false);
    const unknownPath = await runJson(dataDir, ['apply', id, '--exclude-path', path.join(root, 'never-there.txt')]);
    expect(unknownPath.code).toBe(2);
    expect(unknownPath.lines.at(-1)).toMatchObject({ type: 'error', code: 'E_VALIDATION', message: expect.stringContaining('never-there.txt is not a file of preview') });

    const applied = await runCli(['--data-dir', dataDir, 'apply', id.slice(0, 8), '--exclude-path', path.join(root, 'a.jpg'), '--exclude-path', relative]);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain(`Operation ${id}: completed. 5 files organized, 2 skipped, 0 failed, 0 name conflicts.`);
    expect(applied.stdout).toContain('skipped: excluded 2');
    expect(applied.stdout).toContain(`Undo it any time with: fileorg undo ${id}`);
    const after = filesOf(root);
    expect(after['a.jpg']).toBe(before['a.jpg']);
    expect(after[path.join('nested', 'g.pdf')]).toBe(before[path.join('nested', 'g.pdf')]);
    expect(Object.keys(after).sort()).toEqual(['Archives/e.zip', 'Audio/c.mp3', 'Documents/b.pdf', 'Documents/d.txt', 'Images/already.jpg', 'Images/f.jpg', 'a.jpg', 'nested/g.pdf'].sort());
    const shown = (await runJson(dataDir, ['show', id])).lines.filter((line) => line.reason === 'excluded').map((line) => line.source);
    expect(shown.sort()).toEqual([path.join(root, 'a.jpg'), path.join(root, 'nested', 'g.pdf')]);

    const again = await runJson(dataDir, ['apply', id]);
    expect(again.code).toBe(2);
    expect(again.lines.at(-1)).toMatchObject({ type: 'error', code: 'E_CONFLICT' });
    const gone = await runJson(dataDir, ['apply', 'zzzzzzzz']);
    expect(gone.code).toBe(2);
    expect(gone.lines.at(-1)).toMatchObject({ type: 'error', code: 'E_UNKNOWN_OPERATION', message: expect.stringContaining('24 hours') });
  });

  it('prints like organize with --json: the plan\'s skips as file lines, progress, then the result', async () => {
    const dataDir = tempDir('fileorg-apply-cli-');
    const root = tree();
    const dry = await runJson(dataDir, ['organize', root, '--dry-run']);
    const id = dry.lines.at(-1)?.operation_id as string;
    const applied = await runJson(dataDir, ['apply', id, '--exclude-path', path.join(root, 'd.txt')], { FILEORG_PROGRESS_EVERY: '1' });
    expect(applied.code).toBe(0);
    expect(applied.lines.filter((line) => line.type === 'file')).toEqual([expect.objectContaining({ source: path.join(root, 'd.txt'), state: 'skipped', reason: 'excluded' })]);
    expect(applied.lines.some((line) => line.type === 'progress' && line.stage === 'execute')).toBe(true);
    expect(applied.lines.at(-1)).toMatchObject({ type: 'result', operation_id: id, status: 'completed', moved: 6, skipped: 1 });
  });
});
