import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contract } from '../src-shared/contract.js';
import { collect, startApi, type TestApi } from './helpers/api.js';
import { organizeRequest } from './helpers/core.js';
import { recordEvents } from './helpers/hub-events.js';
import { snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';

const mixedTree = (count: number): Record<string, string> => {
  const files: Record<string, string> = {};
  const kinds = ['jpg', 'pdf', 'mp3', 'txt', 'zip'];
  for (let index = 0; index < count; index++) files[`file-${index}.${kinds[index % kinds.length]}`] = `content ${index}`;
  return files;
};

async function waitForStatus(api: TestApi, token: string, id: string, settled: string[]): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const answer = await api.call('GET', `/api/v1/operations/${id}`, { token });
    // A run is `planned` from its start; a dry run stays `planned` and is over once it has a finish time.
    if (settled.includes(answer.body.status) && answer.body.finished_at !== null) return answer.body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`operation ${id} did not reach ${settled.join('/')}`);
}

describe('operations over HTTP and WebSocket', () => {
  it('organizes in the background (202 at once), streams progress then the result over the WebSocket, and rolls back', async () => {
    const api = await startApi({ bcryptCost: 4, progressEveryFiles: 20 });
    const session = await api.signup('olivia');
    const root = tempDir('fileorg-api-tree-');
    writeTree(root, mixedTree(1500));
    const before = snapshotTree(root);

    const started = await api.call('POST', '/api/v1/operations', { token: session.access_token, body: { source_paths: [root], preset: 'by-type' } });
    expect(started.status).toBe(202);
    expect(Object.keys(started.body).sort()).toEqual(['operation_id', 'status']);
    const id: string = started.body.operation_id;

    const followed = await collect(api.socket(`/ws/operations/${id}`), (socket) => socket.send(JSON.stringify({ type: 'auth', token: session.access_token })));
    expect(followed.code).toBe(1000);
    const progress = followed.messages.filter((message) => message.type === 'progress');
    const last = followed.messages.at(-1) as Record<string, unknown>;
    expect(progress.length).toBeGreaterThan(0);
    for (const event of progress) expect(Object.keys(event).sort()).toEqual(['bytes_done', 'bytes_total', 'current_path', 'files_done', 'files_total', 'operation_id', 'stage', 'type']);
    expect(last).toMatchObject({ type: 'result', operation_id: id, status: 'completed', moved: 1500 });
    expect(fs.readdirSync(root).sort()).toEqual(['Archives', 'Audio', 'Documents', 'Images']);

    const shown = await api.call('GET', `/api/v1/operations/${id}`, { token: session.access_token });
    expect(contract['operations:get'].output.safeParse(shown.body).success).toBe(true);
    expect(shown.body).toMatchObject({ status: 'completed', source_paths: [root], preset: 'by-type', progress: { files_done: 1500, files_total: 1500 } });

    // A client that connects after the end gets the result at once (token as a subprotocol, as a browser sends it).
    const late = await collect(api.socket(`/ws/operations/${id}`, { protocols: ['fileorg.bearer', session.access_token] }));
    expect(late.protocol).toBe('fileorg.bearer');
    expect(late.messages).toEqual([expect.objectContaining({ type: 'result', status: 'completed', moved: 1500 })]);
    expect(late.code).toBe(1000);

    const rollback = await api.call('POST', `/api/v1/operations/${id}/rollback`, { token: session.access_token });
    expect(rollback.status).toBe(202);
    expect(rollback.body).toEqual({ operation_id: id, status: 'rolling_back' });
    const undone = await waitForStatus(api, session.access_token, id, ['rolled_back', 'partially_rolled_back']);
    expect(undone).toMatchObject({ status: 'rolled_back', rolled_back: 1500 });
    expect(snapshotTree(root)).toEqual(before);

    const again = await api.call('POST', `/api/v1/operations/${id}/rollback`, { token: session.access_token });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'E_CONFLICT', message: expect.stringMatching(/already rolled back/) });
  });

  it('lists operations newest first, paged with limit and offset, and shows an operation\'s files', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const session = await api.signup('paul');
    const ids: string[] = [];
    for (let run = 0; run < 3; run++) {
      const root = tempDir('fileorg-api-tree-');
      writeTree(root, { 'a.jpg': `a${run}`, 'b.pdf': `b${run}` });
      const started = await api.call('POST', '/api/v1/operations', { token: session.access_token, body: { source_paths: [root], dry_run: true } });
      ids.push(started.body.operation_id);
      await waitForStatus(api, session.access_token, started.body.operation_id, ['planned']);
    }
    const page = await api.call('GET', '/api/v1/operations?limit=2&offset=1', { token: session.access_token });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ total: 3, limit: 2, offset: 1 });
    expect(page.body.items.map((item: { operation_id: string }) => item.operation_id)).toEqual([ids[1], ids[0]]);
    expect(page.body.items[0]).toMatchObject({ dry_run: true, status: 'planned' });

    const files = await api.call('GET', `/api/v1/operations/${ids[2]}/files?limit=1`, { token: session.access_token });
    expect(files.body).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(files.body.items[0]).toMatchObject({ action: 'move', state: 'planned' });

    const badPage = await api.call('GET', '/api/v1/operations?limit=0', { token: session.access_token });
    expect(badPage.status).toBe(422);
    expect(badPage.body.details.issues[0].path).toBe('limit');
  });

  it('keeps users apart: user B gets 404 for user A\'s operation, cannot roll it back, follow it, or see it listed', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const alice = await api.signup('alice');
    const bob = await api.signup('bob');
    const root = tempDir('fileorg-api-tree-');
    writeTree(root, { 'a.jpg': 'a', 'b.pdf': 'b' });
    const started = await api.call('POST', '/api/v1/operations', { token: alice.access_token, body: { source_paths: [root] } });
    const id: string = started.body.operation_id;
    await waitForStatus(api, alice.access_token, id, ['completed']);
    const after = snapshotTree(root);

    for (const [method, route] of [['GET', `/api/v1/operations/${id}`], ['GET', `/api/v1/operations/${id}/files`], ['POST', `/api/v1/operations/${id}/rollback`]] as const) {
      const answer = await api.call(method, route, { token: bob.access_token });
      expect(answer.status, route).toBe(404);
      expect(answer.body.code).toBe('E_NOT_FOUND');
    }
    expect((await api.call('GET', '/api/v1/operations', { token: bob.access_token })).body).toMatchObject({ items: [], total: 0 });
    const followed = await collect(api.socket(`/ws/operations/${id}`, { headers: { authorization: `Bearer ${bob.access_token}` } }));
    expect(followed.code).toBe(4404);
    expect(followed.messages).toEqual([expect.objectContaining({ type: 'error', code: 'E_NOT_FOUND' })]);
    expect(snapshotTree(root)).toEqual(after); // nothing was rolled back
    // The CLI's local profile does not see it either.
    expect(api.core.operations.history(10)).toEqual([]);
  });

  it('resumes an interrupted operation in the background (202), and refuses to resume a finished one (409)', async () => {
    const api = await startApi({ bcryptCost: 4, pageSize: 1 });
    const session = await api.signup('wendy');
    const root = tempDir('fileorg-api-tree-');
    writeTree(root, { 'a.jpg': 'a', 'b.pdf': 'b', 'c.mp3': 'c', 'd.jpg': 'd', 'e.pdf': 'e', 'f.mp3': 'f', 'g.jpg': 'g', 'h.pdf': 'h' });
    // Stopped as the server's shutdown stops its runs: after the pages in flight (one file a page here).
    const stop = new AbortController();
    const stopped = await api.core.operations.organize(organizeRequest([root]), { dryRun: false, owner: session.user.id }, { onPlanned: () => stop.abort(), signal: stop.signal });
    expect(stopped.status).toBe('interrupted');
    expect(stopped.moved).toBeLessThan(8);

    const resumed = await api.call('POST', `/api/v1/operations/${stopped.operation_id}/resume`, { token: session.access_token });
    expect(resumed.status).toBe(202);
    expect(resumed.body).toEqual({ operation_id: stopped.operation_id, status: 'running' });
    expect(await waitForStatus(api, session.access_token, stopped.operation_id, ['completed'])).toMatchObject({ moved: 8 });
    expect(fs.readdirSync(root).sort()).toEqual(['Audio', 'Documents', 'Images']);

    const again = await api.call('POST', `/api/v1/operations/${stopped.operation_id}/resume`, { token: session.access_token });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/only an interrupted operation can be resumed/);
  });

  it('follows an operation another process runs (the CLI, say) through the database, to its result', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const session = await api.signup('victor');
    const id = '0000000000aabbccddeeff';
    const { sqlite } = api.core.database;
    // A run owned by another live process on this host (the test runner's parent), as the CLI would record it.
    sqlite.prepare(`INSERT INTO operations (id, user_id, kind, status, phase, dry_run, request, created_at, started_at, plan_recorded_at,
      files_total, bytes_total, owner_pid, owner_host, heartbeat_at) VALUES (?, ?, 'organize', 'running', 'execute', 0, ?, ?, ?, ?, 10, 1000, ?, ?, ?)`)
      .run(id, session.user.id, JSON.stringify({ roots: ['/x'], destination: null, conflict: 'rename', includeHidden: false, sniffAll: false, preset: 'by-type', ruleSet: { rules: [{ name: 'r', action: { type: 'move', to: '{name}' } }] } }),
        Date.now(), Date.now(), Date.now(), process.ppid, os.hostname(), Date.now());
    const socket = api.socket(`/ws/operations/${id}`, { headers: { authorization: `Bearer ${session.access_token}` } });
    const followed = collect(socket);
    // Each change is made once the socket has reported the state before it, so no poll can miss one.
    const reported = (filesDone: number) => new Promise<void>((resolve) => {
      const check = (data: unknown) => { if (JSON.parse(String(data)).files_done === filesDone) { socket.off('message', check); resolve(); } };
      socket.on('message', check);
    });
    await reported(0);
    sqlite.prepare('UPDATE operations SET files_done = 4, bytes_done = 400, moved = 4 WHERE id = ?').run(id);
    await reported(4);
    sqlite.prepare("UPDATE operations SET files_done = 10, bytes_done = 1000, moved = 10, status = 'completed', owner_pid = NULL WHERE id = ?").run(id);
    const { messages, code } = await followed;
    expect(code).toBe(1000);
    expect(messages.map((message) => [message.type, message.files_done ?? message.moved])).toEqual([['progress', 0], ['progress', 4], ['result', 10]]);
    expect(messages.at(-1)).toMatchObject({ status: 'completed', operation_id: id });
  });

  it('refuses a WebSocket without a valid token with an error and close code 4401', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const bad = await collect(api.socket('/ws/operations/whatever'), (socket) => socket.send(JSON.stringify({ type: 'auth', token: 'not-a-token' })));
    expect(bad.code).toBe(4401);
    expect(bad.messages).toEqual([expect.objectContaining({ type: 'error', code: 'E_UNAUTHORIZED' })]);
    const garbage = await collect(api.socket('/ws/operations/whatever'), (socket) => socket.send('hello'));
    expect(garbage.code).toBe(4401);
  });

  it('answers bad operation requests with 422 and starts nothing: relative path, missing folder, a file, both preset and rule set', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const session = await api.signup('quinn');
    const root = tempDir('fileorg-api-tree-');
    writeTree(root, { 'a.jpg': 'a' });
    const cases: [unknown, RegExp][] = [
      [{ source_paths: ['relative/dir'] }, /absolute path/],
      [{ source_paths: [] }, /at least one folder/],
      [{ source_paths: [path.join(root, 'missing')] }, /does not exist/],
      [{ source_paths: [path.join(root, 'a.jpg')] }, /is a file/],
      [{ source_paths: [root], preset: 'by-type', rule_set_id: 'x' }, /not both/],
      [{ source_paths: [root], preset: 'by-color' }, /preset/],
      [{ source_paths: [root], conflict: 'overwrite' }, /conflict/],
    ];
    for (const [body, message] of cases) {
      const answer = await api.call('POST', '/api/v1/operations', { token: session.access_token, body });
      expect(answer.status, JSON.stringify(body)).toBe(422);
      expect(answer.body.code).toBe('E_VALIDATION');
      expect(`${answer.body.message} ${JSON.stringify(answer.body.details ?? {})}`).toMatch(message);
    }
    expect((await api.call('GET', '/api/v1/operations', { token: session.access_token })).body.total).toBe(0);
    expect(fs.readdirSync(root)).toEqual(['a.jpg']);
  });
});

describe('rule sets and duplicate search over HTTP', () => {
  it('creates, lists, gets, updates and deletes a rule set, and organizes with it', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const session = await api.signup('rita');
    const token = session.access_token;
    const rules = [{ name: 'pdfs', when: { extension: 'pdf' }, action: { type: 'move', to: 'Papers/{name}' } }];
    const created = await api.call('POST', '/api/v1/rules', { token, body: { name: 'papers', rules } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'papers', rules });
    const id: string = created.body.id;
    expect((await api.call('POST', '/api/v1/rules', { token, body: { name: 'papers', rules } })).status).toBe(409);
    expect((await api.call('GET', '/api/v1/rules', { token })).body).toMatchObject({ total: 1, items: [{ id, name: 'papers' }] });

    const invalid = await api.call('PUT', `/api/v1/rules/${id}`, { token, body: { name: 'papers', rules: [{ name: 'x', action: { type: 'move', to: '/abs/{name}' } }] } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.details.issues[0].path).toBe('rules.0.action.to');
    const updated = await api.call('PUT', `/api/v1/rules/${id}`, { token, body: { name: 'documents', rules: [{ ...rules[0], action: { type: 'move', to: 'Docs/{name}' } }] } });
    expect(updated.body).toMatchObject({ id, name: 'documents' });

    const root = tempDir('fileorg-api-tree-');
    writeTree(root, { 'a.pdf': 'a', 'b.jpg': 'b' });
    const started = await api.call('POST', '/api/v1/operations', { token, body: { source_paths: [root], rule_set_id: id } });
    expect(started.status).toBe(202);
    await waitForStatus(api, token, started.body.operation_id, ['completed']);
    expect(fs.existsSync(path.join(root, 'Docs', 'a.pdf'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'b.jpg'))).toBe(true);

    const other = await api.signup('sam');
    expect((await api.call('GET', `/api/v1/rules/${id}`, { token: other.access_token })).status).toBe(404);
    expect((await api.call('POST', '/api/v1/operations', { token: other.access_token, body: { source_paths: [root], rule_set_id: id } })).status).toBe(404);
    expect((await api.call('DELETE', `/api/v1/rules/${id}`, { token })).status).toBe(204);
    expect((await api.call('GET', `/api/v1/rules/${id}`, { token })).status).toBe(404);
  });

  it('finds duplicates in the background (202, then its result event) and answers the groups, reading only', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const session = await api.signup('tina');
    const root = tempDir('fileorg-api-tree-');
    writeTree(root, { 'a/one.txt': 'same content', 'b/two.txt': 'same content', 'c/other.txt': 'different' });
    const before = snapshotTree(root);
    const events = recordEvents(api.core, session.user.id);
    const answer = await api.call('POST', '/api/v1/duplicates/search', { token: session.access_token, body: { paths: [root] } });
    expect(answer.status).toBe(202);
    expect(contract['duplicates:search'].output.safeParse(answer.body).success).toBe(true);
    const searchId = answer.body.search_id as string;
    expect(await events.next('duplicates:result', (data) => data.search_id === searchId)).toMatchObject({ status: 'completed', groups: 1, wasted_bytes: 12 });
    events.stop();
    const groups = await api.call('GET', `/api/v1/duplicates/${searchId}/groups`, { token: session.access_token });
    expect(groups.body.items).toEqual([expect.objectContaining({ size: 12, files: [path.join(root, 'a/one.txt'), path.join(root, 'b/two.txt')] })]);
    expect(snapshotTree(root)).toEqual(before);
  });
});
