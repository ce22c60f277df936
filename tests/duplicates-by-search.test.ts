import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHandlers } from '../src-main/api/handlers.js';
import { type IpcAnswer, registerIpcHandlers } from '../src-main/api/ipc.js';
import { type AppCore } from '../src-main/core/compose.js';
import { LOCAL_USER_ID } from '../src-main/core/db/schema.js';
import { contract, type Caller } from '../src-shared/contract.js';
import { type TestApi, startApi } from './helpers/api.js';
import { openTestCore } from './helpers/core.js';
import { recordEvents } from './helpers/hub-events.js';
import { fakeIpcMain } from './helpers/ipc.js';
import { type Face, FACES, openFace, rowsOf, runToResult, searched, valueOf } from './helpers/operation-faces.js';
import { snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';

/** Set a file's mtime to a whole second (exact on every filesystem): the oldest copy of a group is the one kept. */
const age = (file: string, seconds: number): void => fs.utimesSync(file, seconds, seconds);
const HOUR = 60 * 60 * 1000;

interface Session { token: string; userId: string }

async function signedUp(api: TestApi, name: string, allow?: string[]): Promise<Session> {
  const session = await api.signup(name, undefined, allow ? { allow } : {});
  return { token: session.access_token, userId: session.user.id };
}

/** Start a search over HTTP (202 at once) and wait for its result event; answers its id and what was heard. */
async function search(api: TestApi, session: Session, paths: string[]) {
  const events = recordEvents(api.core, session.userId);
  const answer = await api.call('POST', '/api/v1/duplicates/search', { token: session.token, body: { paths } });
  expect(answer.status, answer.text).toBe(202);
  expect(contract['duplicates:search'].output.safeParse(answer.body).success).toBe(true);
  const searchId = answer.body.search_id as string;
  const result = await events.next('duplicates:result', (data) => data.search_id === searchId);
  events.stop();
  const progress = events.heard.flatMap((event) => (event.name === 'duplicates:progress' && event.data.search_id === searchId ? [event.data] : []));
  return { searchId, result, progress };
}

/** POST an action that starts an operation in the background (202), and wait for the operation's result event. */
async function runToEnd(api: TestApi, session: Session, route: string, body: unknown) {
  const events = recordEvents(api.core, session.userId);
  const answer = await api.call('POST', route, { token: session.token, body });
  expect(answer.status, answer.text).toBe(202);
  const id = answer.body.operation_id as string;
  const result = await events.next('operations:result', (data) => data.operation_id === id && !['running', 'rolling_back', 'planned'].includes(data.status));
  events.stop();
  return { id, answer: answer.body, result };
}

const groupsOf = async (api: TestApi, session: Session, searchId: string, query = '') => {
  const answer = await api.call('GET', `/api/v1/duplicates/${searchId}/groups${query}`, { token: session.token });
  expect(answer.status, answer.text).toBe(200);
  expect(contract['duplicates:groups'].output.safeParse(answer.body).success).toBe(true);
  return answer.body as { items: { hash: string; size: number; copies: number; wasted_bytes: number; files: string[] }[]; total: number };
};

/** Three copies of one text (a oldest, so kept), two of another (p oldest); each file's place in the tree. */
function twoGroups(root: string) {
  writeTree(root, { 'a/x.txt': 'the same text', 'b/x.txt': 'the same text', 'c/x.txt': 'the same text', 'p/y.bin': 'another content', 'q/y.bin': 'another content' });
  const file = (relative: string): string => path.join(root, relative);
  age(file('a/x.txt'), 1_600_000_000);
  age(file('b/x.txt'), 1_600_000_100);
  age(file('c/x.txt'), 1_600_000_200);
  age(file('p/y.bin'), 1_600_000_000);
  age(file('q/y.bin'), 1_600_000_100);
  return file;
}

describe('duplicate searches kept by id (HTTP)', () => {
  it('answers 202 at once, sends each stage\'s progress and the result as events, and pages the groups by space to win', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const session = await signedUp(api, 'dora');
    const root = tempDir('fileorg-search-');
    // Space to win: big (2 x 100 B: 100), then two of 20 B with 2 copies (20 each, by hash), then 3 x 10 B (20, smaller files).
    writeTree(root, {
      'big1.bin': 'B'.repeat(100), 'big2.bin': 'B'.repeat(100),
      'mid1.txt': 'C'.repeat(20), 'mid2.txt': 'C'.repeat(20),
      'other1.txt': 'D'.repeat(20), 'other2.txt': 'D'.repeat(20),
      'small1.txt': 'A'.repeat(10), 'small2.txt': 'A'.repeat(10), 'small3.txt': 'A'.repeat(10),
      'unique.txt': 'nothing like it',
    });
    const before = snapshotTree(root);

    const { searchId, result, progress } = await search(api, session, [root]);
    expect(result).toMatchObject({ type: 'result', search_id: searchId, status: 'completed', groups: 4, wasted_bytes: 160, files_scanned: 10, message: null });
    const stages = progress.map((event) => event.stage);
    expect(stages[0]).toBe('scan');
    expect(stages).toContain('full');
    expect(snapshotTree(root)).toEqual(before); // a search reads only

    const got = await api.call('GET', `/api/v1/duplicates/${searchId}`, { token: session.token });
    expect(got.status).toBe(200);
    expect(contract['duplicates:get'].output.safeParse(got.body).success).toBe(true);
    expect(got.body).toMatchObject({
      search_id: searchId, status: 'completed', paths: [root], min_size: 0, stage: null, message: null,
      summary: { groups: 4, files: 9, wasted_bytes: 160, files_scanned: 10, skipped_count: 0, skipped: [] },
    });

    const first = await groupsOf(api, session, searchId, '?limit=2');
    const second = await groupsOf(api, session, searchId, '?limit=2&offset=2');
    expect(first.total).toBe(4);
    const all = [...first.items, ...second.items];
    const name = (group: { files: string[] }) => group.files.map((file) => path.basename(file));
    expect(all.map((group) => [group.size, group.copies, group.wasted_bytes])).toEqual([[100, 2, 100], [20, 2, 20], [20, 2, 20], [10, 3, 20]]);
    expect(name(all[0] as { files: string[] })).toEqual(['big1.bin', 'big2.bin']);
    expect((all[1] as { hash: string }).hash < (all[2] as { hash: string }).hash).toBe(true); // same space and size: by hash
    expect(name(all[3] as { files: string[] })).toEqual(['small1.txt', 'small2.txt', 'small3.txt']);
  });

  it('acts only on the groups named; an unknown hash is 422 naming it; another user\'s search is 404; a folder taken back is 403', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const root = tempDir('fileorg-search-');
    const session = await signedUp(api, 'gail', [root]);
    const file = twoGroups(root);
    const { searchId } = await search(api, session, [root]);
    const groups = (await groupsOf(api, session, searchId)).items;
    const textGroup = groups.find((group) => group.files.includes(file('a/x.txt')));
    const binGroup = groups.find((group) => group.files.includes(file('p/y.bin')));

    const unknown = 'f'.repeat(64);
    const refused = await api.call('POST', '/api/v1/duplicates/quarantine', { token: session.token, body: { search_id: searchId, groups: [binGroup?.hash, unknown] } });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining(unknown) });

    const other = await signedUp(api, 'otto');
    for (const [method, route, body] of [
      ['GET', `/api/v1/duplicates/${searchId}`, undefined], ['GET', `/api/v1/duplicates/${searchId}/groups`, undefined],
      ['POST', '/api/v1/duplicates/quarantine', { search_id: searchId }], ['POST', '/api/v1/duplicates/hardlink', { search_id: searchId }],
    ] as const) {
      const answer = await api.call(method, route, { token: other.token, ...(body ? { body } : {}) });
      expect(answer.status, route).toBe(404);
      expect(answer.body).toMatchObject({ code: 'E_NOT_FOUND', message: expect.stringContaining('search again') });
    }
    expect(api.core.operations.history(10, other.userId)).toEqual([]);

    const before = snapshotTree(root);
    const { result } = await runToEnd(api, session, '/api/v1/duplicates/quarantine', { search_id: searchId, groups: [binGroup?.hash] });
    expect(result).toMatchObject({ status: 'completed', moved: 1, skipped: 0 });
    expect(fs.existsSync(file('q/y.bin'))).toBe(false);
    const expected = { ...before };
    delete expected['q/y.bin'];
    expect(snapshotTree(root)).toEqual(expected);
    expect(textGroup?.copies).toBe(3); // its three copies untouched
    for (const kept of ['a/x.txt', 'b/x.txt', 'c/x.txt']) expect(fs.existsSync(file(kept))).toBe(true);

    // The owner takes the folder back: acting on the search made inside it is refused, nothing is recorded.
    api.core.folderAccess.disallow(session.userId, root);
    const taken = await api.call('POST', '/api/v1/duplicates/quarantine', { token: session.token, body: { search_id: searchId, groups: [textGroup?.hash] } });
    expect(taken).toMatchObject({ status: 403, body: { code: 'E_FORBIDDEN', message: expect.stringContaining(root) } });
    expect(api.core.operations.history(10, session.userId)).toHaveLength(1);
    for (const kept of ['a/x.txt', 'b/x.txt', 'c/x.txt']) expect(fs.existsSync(file(kept))).toBe(true);
  });

  it('links a search\'s copies to the kept file (one inode); undo gives separate files back', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const session = await signedUp(api, 'hana');
    const root = tempDir('fileorg-search-');
    const file = twoGroups(root);
    const before = snapshotTree(root);
    const { searchId } = await search(api, session, [root]);

    const { id, result } = await runToEnd(api, session, '/api/v1/duplicates/hardlink', { search_id: searchId });
    expect(result).toMatchObject({ status: 'completed', moved: 3, skipped: 0, failed: 0 });
    const inode = (relative: string): number => fs.statSync(file(relative)).ino;
    expect(new Set(['a/x.txt', 'b/x.txt', 'c/x.txt'].map(inode)).size).toBe(1);
    expect(inode('p/y.bin')).toBe(inode('q/y.bin'));
    expect(snapshotTree(root)).toEqual(before);

    const undo = await runToEnd(api, session, `/api/v1/operations/${id}/rollback`, undefined);
    expect(undo.result).toMatchObject({ status: 'rolled_back', rolled_back: 3 });
    expect(new Set(['a/x.txt', 'b/x.txt', 'c/x.txt'].map(inode)).size).toBe(3);
    expect(inode('p/y.bin')).not.toBe(inode('q/y.bin'));
    expect(snapshotTree(root)).toEqual(before);
  });

});

describe.each(FACES)('duplicate searches acted on by id (%s)', (faceName) => {
  /** A page of the quarantine, checked against the contract. */
  const quarantineOf = async (face: Face, input: Record<string, unknown>) => {
    const answer = valueOf(await face.call('quarantine:list', input));
    expect(contract['quarantine:list'].output.safeParse(answer).success).toBe(true);
    return answer;
  };

  it('quarantines exactly the stored groups: a file edited since is skipped with its reason, a copy made since is never seen; undo restores all', async () => {
    const face = await openFace(faceName);
    const root = tempDir('fileorg-search-');
    const file = twoGroups(root);
    const searchId = await searched(face, [root]);

    fs.appendFileSync(file('b/x.txt'), ' edited after the search');
    age(file('b/x.txt'), 1_600_000_100);
    writeTree(root, { 'd/x.txt': 'the same text' }); // a new copy: not in the search, so never touched
    const edited = snapshotTree(root);

    const { id, answer, result } = await runToResult(face, 'duplicates:quarantine', { search_id: searchId });
    expect(contract['duplicates:quarantine'].output.safeParse(answer).success).toBe(true);
    expect(result).toMatchObject({ status: 'completed', moved: 2, skipped: 1, failed: 0 });
    expect(fs.readFileSync(file('b/x.txt'), 'utf8')).toBe('the same text edited after the search');
    for (const gone of ['c/x.txt', 'q/y.bin']) expect(fs.existsSync(file(gone))).toBe(false);
    for (const kept of ['a/x.txt', 'p/y.bin', 'd/x.txt']) expect(fs.existsSync(file(kept))).toBe(true);
    const rows = await rowsOf(face, id);
    expect(rows.map((row) => [path.relative(root, row.source), row.state, row.reason]).sort()).toEqual([
      ['b/x.txt', 'skipped', 'changed-since-plan'], ['c/x.txt', 'done', null], ['q/y.bin', 'done', null],
    ]);
    const listed = await quarantineOf(face, { operation_id: id });
    expect(listed.items.map((item) => item.original).sort()).toEqual([file('c/x.txt'), file('q/y.bin')]);

    const undo = await runToResult(face, 'operations:rollback', { id });
    expect(undo.result).toMatchObject({ status: 'rolled_back', rolled_back: 2, rollback_conflicts: 0 });
    expect(snapshotTree(root)).toEqual(edited);
  });

  it('restores chosen quarantined files at once (the operation stays completed), refuses what it cannot, then restores the rest as its undo', async () => {
    const face = await openFace(faceName);
    const root = tempDir('fileorg-search-');
    const file = twoGroups(root);
    const before = snapshotTree(root);
    const searchId = await searched(face, [root]);
    const { id } = await runToResult(face, 'duplicates:quarantine', { search_id: searchId });
    expect(fs.existsSync(file('b/x.txt'))).toBe(false);

    const first = await quarantineOf(face, { operation_id: id, limit: 2 });
    const last = await quarantineOf(face, { operation_id: id, limit: 2, offset: 2 });
    expect(first.total).toBe(3);
    expect([...first.items, ...last.items].map((item) => path.relative(root, item.original))).toEqual(['b/x.txt', 'c/x.txt', 'q/y.bin']);
    expect(first.items[0]?.kept).toBe(file('a/x.txt'));
    expect((await quarantineOf(face, {})).total).toBe(3);
    const unknown = await face.call('quarantine:list', { operation_id: 'nope' });
    expect(unknown).toMatchObject({ ok: false, code: 'E_NOT_FOUND', httpStatus: face.name === 'HTTP' ? 404 : null });

    // c's place is taken meanwhile: it stays in the quarantine; b goes back; a path of no quarantined file is named.
    writeTree(root, { 'c/x.txt': 'a new file in its place' });
    const restore = async (input: Record<string, unknown>) => {
      const answer = await face.call('quarantine:restore', input);
      if (face.name === 'HTTP') expect(answer.httpStatus).toBe(202);
      const restored = valueOf(answer);
      expect(contract['quarantine:restore'].output.safeParse(restored).success).toBe(true);
      return restored;
    };
    const partial = await restore({ operation_id: id, paths: [file('b/x.txt'), file('c/x.txt'), file('a/x.txt')] });
    expect(partial).toMatchObject({ operation_id: id, status: 'completed', restored: 1 });
    expect(partial.not_restored).toEqual([
      { path: file('a/x.txt'), reason: 'not-quarantined', message: expect.stringContaining(file('a/x.txt')) },
      { path: file('c/x.txt'), reason: 'original-place-taken', message: expect.stringContaining(file('c/x.txt')) },
    ]);
    expect(fs.readFileSync(file('b/x.txt'), 'utf8')).toBe('the same text');
    expect(fs.readFileSync(file('c/x.txt'), 'utf8')).toBe('a new file in its place');
    const rows = await rowsOf(face, id);
    expect(rows.map((row) => [path.relative(root, row.source), row.state]).sort()).toEqual([['b/x.txt', 'rolled_back'], ['c/x.txt', 'done'], ['q/y.bin', 'done']]);
    expect(valueOf(await face.call('operations:get', { id }))).toMatchObject({ status: 'completed', rolled_back: 1, rollback_conflicts: 0 });
    expect((await quarantineOf(face, { operation_id: id })).items.map((item) => path.relative(root, item.original))).toEqual(['c/x.txt', 'q/y.bin']);
    // Restoring b again: it is no longer in the quarantine.
    expect((await restore({ operation_id: id, paths: [file('b/x.txt')] })).not_restored).toMatchObject([{ reason: 'not-quarantined' }]);

    // The rest as the operation's undo, in the background.
    fs.rmSync(file('c/x.txt'));
    const events = recordEvents(face.core, face.owner);
    const whole = await restore({ operation_id: id });
    expect(whole).toEqual({ operation_id: id, status: 'rolling_back', restored: null, not_restored: [] });
    expect(await events.next('operations:result', (data) => data.operation_id === id)).toMatchObject({ status: 'rolled_back', rolled_back: 3 });
    events.stop();
    expect(snapshotTree(root)).toEqual(before);
    expect((await quarantineOf(face, {})).total).toBe(0);
  });
});

describe('duplicate searches kept by id (in-memory IPC pair)', () => {
  const owner: Caller = { userId: LOCAL_USER_ID, via: { kind: 'local' }, owner: true };
  const value = <T = Record<string, unknown>>(answer: IpcAnswer): T => {
    if (!answer.ok) throw new Error(`expected success, got ${answer.error.code}: ${answer.error.message}`);
    return answer.value as T;
  };
  const failure = (answer: IpcAnswer) => (answer.ok ? undefined : answer.error);
  const windowOver = (core: AppCore) => {
    const ipc = fakeIpcMain();
    registerIpcHandlers(ipc.ipcMain, createHandlers(core), { isOwnPage: (url) => url.startsWith('app://'), callerOf: () => owner, events: core.events });
    return ipc.invoke;
  };
  const searchOver = async (core: AppCore, invoke: ReturnType<typeof windowOver>, paths: string[]) => {
    const events = recordEvents(core, LOCAL_USER_ID);
    const { search_id: searchId } = value<{ search_id: string }>(await invoke('duplicates:search', { paths }));
    const result = await events.next('duplicates:result', (data) => data.search_id === searchId);
    events.stop();
    return { searchId, result };
  };

  it('searches, quarantines by search id, and empties the quarantine through the trash it was given', async () => {
    const trashed: string[][] = [];
    const trashFolder = tempDir('fileorg-trash-');
    const core = openTestCore(undefined, {
      trash: async (files) => {
        trashed.push(files);
        for (const quarantined of files) fs.renameSync(quarantined, path.join(trashFolder, String(fs.readdirSync(trashFolder).length)));
      },
    });
    const invoke = windowOver(core);
    const root = tempDir('fileorg-search-');
    const file = twoGroups(root);
    const { searchId, result } = await searchOver(core, invoke, [root]);
    expect(result).toMatchObject({ status: 'completed', groups: 2 });
    expect(value<{ total: number }>(await invoke('duplicates:groups', { search_id: searchId }))).toMatchObject({ total: 2 });

    const events = recordEvents(core, LOCAL_USER_ID);
    const started = value<{ operation_id: string; status: string }>(await invoke('duplicates:quarantine', { search_id: searchId, keep: 'newest' }));
    const done = await events.next('operations:result', (data) => data.operation_id === started.operation_id);
    events.stop();
    expect(done).toMatchObject({ status: 'completed', moved: 3 });
    // keep newest: c and q stay
    for (const gone of ['a/x.txt', 'b/x.txt', 'p/y.bin']) expect(fs.existsSync(file(gone))).toBe(false);
    const listed = value<{ items: { quarantined: string }[] }>(await invoke('quarantine:list', { operation_id: started.operation_id }));

    const emptied = value(await invoke('quarantine:empty', { operation_id: started.operation_id }));
    expect(emptied).toEqual({ trashed: 3, trashed_bytes: 2 * 13 + 15, missing: 0, left: 0, refused: [] });
    expect(trashed.flat().sort()).toEqual(listed.items.map((item) => item.quarantined).sort());
    expect(fs.readdirSync(trashFolder)).toHaveLength(3);
    expect(value<{ total: number }>(await invoke('quarantine:list', {}))).toMatchObject({ total: 0 });
    expect(failure(await invoke('quarantine:empty', { operation_id: 'nope' }))?.code).toBe('E_NOT_FOUND');
  });

  it('names the file each keep policy keeps in every group, as quarantine then keeps it; empties only the files named', async () => {
    const trashed: string[] = [];
    const core = openTestCore(undefined, { trash: async (files) => { trashed.push(...files); for (const quarantined of files) fs.rmSync(quarantined); } });
    const invoke = windowOver(core);
    const root = tempDir('fileorg-search-');
    const file = twoGroups(root);
    const { searchId } = await searchOver(core, invoke, [root]);
    const groups = value<{ items: { files: string[]; kept: Record<string, string> }[] }>(await invoke('duplicates:groups', { search_id: searchId })).items;
    const keptOf = (name: string) => groups.find((group) => group.files.some((one) => one.endsWith(name)))?.kept;
    expect(keptOf('x.txt')).toEqual({ oldest: file('a/x.txt'), newest: file('c/x.txt'), shortest: file('a/x.txt') });
    expect(keptOf('y.bin')).toEqual({ oldest: file('p/y.bin'), newest: file('q/y.bin'), shortest: file('p/y.bin') });

    const events = recordEvents(core, LOCAL_USER_ID);
    const started = value<{ operation_id: string }>(await invoke('duplicates:quarantine', { search_id: searchId, keep: 'newest' }));
    await events.next('operations:result', (data) => data.operation_id === started.operation_id);
    events.stop();
    for (const group of groups) expect(fs.existsSync(group.kept.newest as string)).toBe(true);

    // Only a/x.txt's copy goes to the trash; a path not in the quarantine counts as missing.
    expect(failure(await invoke('quarantine:empty', { paths: [file('a/x.txt')] }))?.code).toBe('E_VALIDATION');
    const emptied = value(await invoke('quarantine:empty', { operation_id: started.operation_id, paths: [file('a/x.txt'), file('c/x.txt')] }));
    expect(emptied).toEqual({ trashed: 1, trashed_bytes: 13, missing: 1, left: 0, refused: [] });
    expect(trashed).toHaveLength(1);
    const left = value<{ items: { original: string }[] }>(await invoke('quarantine:list', { operation_id: started.operation_id })).items;
    expect(left.map((item) => path.relative(root, item.original)).sort()).toEqual(['b/x.txt', 'p/y.bin']);
  });

  it('is running while it runs (its stage shown, acting on it refused with 409), and a search left running by a process gone is interrupted', async () => {
    const core = openTestCore();
    const invoke = windowOver(core);
    const root = tempDir('fileorg-search-');
    twoGroups(root);
    const during: { stage?: string | null; status?: string; refusal?: unknown } = {};
    const events = recordEvents(core, LOCAL_USER_ID);
    const stopWatching = core.events.subscribe(LOCAL_USER_ID, (event) => {
      if (event.name !== 'duplicates:progress' || during.status) return;
      const seen = core.searches.get(event.data.search_id, LOCAL_USER_ID);
      Object.assign(during, { stage: seen.stage, status: seen.status });
      try {
        void core.searches.act(LOCAL_USER_ID, { searchId: seen.id, groups: undefined, keep: 'oldest', keepPaths: [], reference: null, resolution: 'quarantine' });
      } catch (error) {
        during.refusal = error;
      }
    });
    const { search_id: searchId } = value<{ search_id: string }>(await invoke('duplicates:search', { paths: [root] }));
    await events.next('duplicates:result', (data) => data.search_id === searchId);
    stopWatching();
    expect(during).toMatchObject({ stage: 'scan', status: 'running', refusal: { code: 'E_CONFLICT', message: expect.stringContaining('still running') } });
    expect(value(await invoke('duplicates:get', { search_id: searchId }))).toMatchObject({ status: 'completed', stage: null });

    // A search recorded as running by a process that has exited: the next open settles it.
    const gone = spawnSync(process.execPath, ['-e', '']).pid as number;
    core.database.sqlite.prepare(`INSERT INTO duplicate_searches (id, user_id, status, request, created_at, owner_pid, owner_host)
      VALUES ('orphan', ?, 'running', ?, ?, ?, ?)`).run(LOCAL_USER_ID, JSON.stringify({ roots: [root], minSize: 0, includeEmpty: false, includeHidden: false }), Date.now(), gone, os.hostname());
    const reopened = openTestCore(core.dataDir);
    const answer = value(await windowOver(reopened)('duplicates:get', { search_id: 'orphan' }));
    expect(answer).toMatchObject({ status: 'interrupted', summary: null, message: expect.stringContaining('search again') });
    expect(failure(await windowOver(reopened)('duplicates:quarantine', { search_id: 'orphan' }))).toMatchObject({ code: 'E_CONFLICT', message: expect.stringContaining('search again') });
  });

  it('keeps a search an hour, and the latest of each user always; older ones are pruned when a core opens', async () => {
    let offset = 0;
    const clock = () => Date.now() + offset;
    const core = openTestCore(undefined, { clock });
    const invoke = windowOver(core);
    const root = tempDir('fileorg-search-');
    twoGroups(root);
    const older = await searchOver(core, invoke, [root]);
    offset += 1000;
    const latest = await searchOver(core, invoke, [root]);
    offset += 2 * HOUR;

    const stale = failure(await invoke('duplicates:groups', { search_id: older.searchId }));
    expect(stale).toMatchObject({ code: 'E_NOT_FOUND', message: expect.stringContaining('search again') });
    expect(value(await invoke('duplicates:get', { search_id: latest.searchId }))).toMatchObject({ status: 'completed' });
    expect(value<{ total: number }>(await invoke('duplicates:groups', { search_id: latest.searchId })).total).toBe(2);

    const stored = (id: string) => core.database.sqlite.prepare('SELECT count(*) FROM duplicate_files WHERE search_id = ?').pluck().get(id);
    expect(stored(older.searchId)).toBe(5);
    openTestCore(core.dataDir, { clock });
    expect(stored(older.searchId)).toBe(0);
    expect(stored(latest.searchId)).toBe(5);
  });
});
