import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WATCH_STATES } from '../src-shared/api/watch.js';
import { runCli } from './helpers/cli.js';
import { createRecording } from './helpers/recording.js';
import { startServe } from './helpers/serve.js';
import { listFiles, tempDir, writeTree } from './helpers/temp-tree.js';

/**
 * Watched folders over a real `fileorg serve` (a child process, as a user runs it): the REST routes, an account's
 * folders, and the watcher's batches in /api/v1/operations and on WS /ws/events.
 */

/** Short waits, so a dropped file is organized within a second (the defaults wait 2 s for a file to settle). */
const FAST = { FILEORG_WATCH_SETTLE_MS: '300', FILEORG_WATCH_QUIET_MS: '200', FILEORG_RATE_LIMIT: '1000000' };
const DEADLINE_MS = 20_000;

interface Answer { status: number; body: any }

async function startWatchingServe() {
  const dataDir = tempDir('fileorg-watch-api-data-');
  const server = await startServe(dataDir, ['--allow-signup'], FAST);
  const call = async (method: string, route: string, token?: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${server.url}${route}`, {
      method, signal: AbortSignal.timeout(DEADLINE_MS),
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  /** An account, allowed one fresh folder (the owner does that at the terminal). */
  const account = async (name: string) => {
    const signup = await call('POST', '/api/v1/auth/signup', undefined, { email: `${name}@example.com`, username: name, password: 'securepassword123', full_name: `User ${name}` });
    expect(signup.status, JSON.stringify(signup.body)).toBe(201);
    const allowed = tempDir(`fileorg-watch-api-${name}-`);
    const allow = await runCli(['--data-dir', dataDir, 'accounts', 'allow', `${name}@example.com`, allowed]);
    expect(allow.code, allow.stderr).toBe(0);
    return { token: signup.body.access_token as string, id: signup.body.user.id as string, allowed };
  };
  return { dataDir, server, call, account };
}

/** Poll until `check` holds, failing with `what` at the deadline. */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${DEADLINE_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const FOLDER_FIELDS = ['conflict', 'created_at', 'depth', 'destination', 'enabled', 'id', 'last_activity_at', 'path', 'preset', 'rule_set_id', 'state', 'state_detail'];

describe('/api/v1/watched-folders over fileorg serve', () => {
  it('adds, lists, reads, changes and removes an account\'s watched folders; 422 for bad input, 403 outside its folders, 404 for another\'s', async () => {
    const { server, call, account } = await startWatchingServe();
    try {
      const alice = await account('alice');
      writeTree(alice.allowed, { 'Downloads/': '', 'Scans/': '', 'Elsewhere/': '', 'notes.txt': 'a file' });
      const downloads = path.join(alice.allowed, 'Downloads');
      const scans = path.join(alice.allowed, 'Scans');
      const sorted = path.join(alice.allowed, 'Sorted');

      const added = await call('POST', '/api/v1/watched-folders', alice.token, { path: downloads });
      expect(added.status, JSON.stringify(added.body)).toBe(201);
      expect(Object.keys(added.body).sort()).toEqual(FOLDER_FIELDS);
      expect(added.body).toMatchObject({
        path: downloads, preset: 'by-type', rule_set_id: null, destination: null, conflict: 'rename', depth: 0, enabled: true,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/), last_activity_at: null,
      });
      expect(WATCH_STATES).toContain(added.body.state);

      const rules = await call('POST', '/api/v1/rules', alice.token, { name: 'pdfs', rules: [{ name: 'pdf', when: { extension: 'pdf' }, action: { type: 'move', to: 'PDF/{name}' } }] });
      expect(rules.status).toBe(201);
      const scanned = await call('POST', '/api/v1/watched-folders', alice.token, {
        path: scans, rule_set_id: rules.body.id, destination: sorted, conflict: 'skip', depth: 2, enabled: false,
      });
      expect(scanned.status, JSON.stringify(scanned.body)).toBe(201);
      expect(scanned.body).toMatchObject({ path: scans, preset: null, rule_set_id: rules.body.id, destination: sorted, conflict: 'skip', depth: 2, enabled: false, state: 'paused' });

      const listed = await call('GET', '/api/v1/watched-folders', alice.token);
      expect(listed.status).toBe(200);
      expect(listed.body).toMatchObject({ total: 2, offset: 0 });
      expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual([added.body.id, scanned.body.id]);
      // serve watches this data folder: an enabled folder is watched
      await until(async () => (await call('GET', `/api/v1/watched-folders/${added.body.id}`, alice.token)).body.state === 'watching', 'the folder shown as watching');
      const one = await call('GET', `/api/v1/watched-folders/${added.body.id}`, alice.token);
      expect(one.body).toEqual({ ...added.body, state: 'watching', state_detail: null });

      const changed = await call('PUT', `/api/v1/watched-folders/${scanned.body.id}`, alice.token, { preset: 'by-date', destination: null, depth: 1, enabled: true });
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      expect(changed.body).toMatchObject({ id: scanned.body.id, preset: 'by-date', rule_set_id: null, destination: null, depth: 1, conflict: 'skip', enabled: true });
      const paused = await call('PUT', `/api/v1/watched-folders/${added.body.id}`, alice.token, { enabled: false });
      expect(paused.body).toMatchObject({ enabled: false, state: 'paused', state_detail: expect.stringMatching(/resume/) });

      // Bad input: 422 with a message that says what to fix; nothing is added.
      const refusals: [string, string, unknown, RegExp][] = [
        ['POST', '/api/v1/watched-folders', { path: 'Downloads' }, /absolute/],
        ['POST', '/api/v1/watched-folders', { path: path.join(alice.allowed, 'Elsewhere'), depth: 9 }, /depth is at most 8/],
        ['POST', '/api/v1/watched-folders', { path: path.join(alice.allowed, 'Elsewhere'), preset: 'by-type', rule_set_id: rules.body.id }, /preset or rule_set_id, not both/],
        ['POST', '/api/v1/watched-folders', { path: path.join(alice.allowed, 'notes.txt') }, /is a file, not a folder/],
        ['POST', '/api/v1/watched-folders', { path: path.join(alice.allowed, 'missing') }, /does not exist/],
        ['POST', '/api/v1/watched-folders', { path: path.join(alice.allowed, 'Elsewhere'), conflict: 'overwrite' }, /conflict/],
        ['POST', '/api/v1/watched-folders', { path: path.join(alice.allowed, 'Elsewhere'), colour: 'red' }, /colour/],
        ['PUT', `/api/v1/watched-folders/${added.body.id}`, { depth: -1 }, /depth is at least 0/],
      ];
      for (const [method, route, body, message] of refusals) {
        const answer = await call(method, route, alice.token, body);
        expect(answer.status, `${method} ${JSON.stringify(body)}`).toBe(422);
        expect(answer.body, `${method} ${JSON.stringify(body)}`).toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(message) });
      }
      const twice = await call('POST', '/api/v1/watched-folders', alice.token, { path: downloads });
      expect(twice.status).toBe(409);
      expect(twice.body.message).toMatch(/already watched/);

      // Outside the account's allowed folders: 403, as the folder or as the destination.
      const outside = tempDir('fileorg-watch-api-outside-');
      const forbidden = await call('POST', '/api/v1/watched-folders', alice.token, { path: outside });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.message).toMatch(/may not use/);
      const forbiddenDestination = await call('POST', '/api/v1/watched-folders', alice.token, { path: path.join(alice.allowed, 'Elsewhere'), destination: outside });
      expect(forbiddenDestination.status).toBe(403);
      const moved = await call('PUT', `/api/v1/watched-folders/${added.body.id}`, alice.token, { destination: outside });
      expect(moved.status).toBe(403);

      // Another account sees none of them: each is "not found", as one that never was.
      const bob = await account('bob');
      expect((await call('GET', '/api/v1/watched-folders', bob.token)).body).toMatchObject({ items: [], total: 0 });
      for (const [method, body] of [['GET', undefined], ['PUT', { enabled: true }], ['DELETE', undefined]] as const) {
        const answer = await call(method, `/api/v1/watched-folders/${added.body.id}`, bob.token, body);
        expect(answer.status, method).toBe(404);
        expect(answer.body.message).toMatch(/no watched folder/);
      }
      expect((await call('GET', '/api/v1/watched-folders', undefined)).status).toBe(401);

      const removed = await call('DELETE', `/api/v1/watched-folders/${added.body.id}`, alice.token);
      expect(removed.status).toBe(204);
      expect((await call('GET', `/api/v1/watched-folders/${added.body.id}`, alice.token)).status).toBe(404);
      expect((await call('GET', '/api/v1/watched-folders', alice.token)).body.total).toBe(1);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('a batch is an operation of kind watch (listed with ?kind=watch, undoable) and watch:batch on WS /ws/events; a folder gone, back, or no longer allowed is told', async () => {
    const { dataDir, server, call, account } = await startWatchingServe();
    try {
      const alice = await account('alice');
      writeTree(alice.allowed, { 'Downloads/': '', 'probe/a.txt': 'probe' });
      const downloads = path.join(alice.allowed, 'Downloads');
      const events = new WebSocket(`${server.url.replace('http', 'ws')}/ws/events`, ['fileorg.bearer', alice.token]);
      const recording = createRecording<{ event: string; data: Record<string, any> }>(DEADLINE_MS);
      events.on('message', (data) => recording.add(JSON.parse(String(data)) as { event: string; data: Record<string, any> }));
      const next = async (event: string, test: (data: Record<string, any>) => boolean, what: string) => (await recording.next((message) => message.event === event && test(message.data), what)).data;
      // Subscribed once an event of the account's own reaches the socket: a dry run's result (the upgrade is
      // answered before the token is checked, so a first run may finish before; another is started then).
      await new Promise<void>((resolve, reject) => { events.once('open', () => resolve()); events.once('error', reject); });
      let heard = false;
      for (let attempt = 0; attempt < 10 && !heard; attempt++) {
        const probe = await call('POST', '/api/v1/operations', alice.token, { source_paths: [path.join(alice.allowed, 'probe')], dry_run: true });
        expect(probe.status).toBe(202);
        const deadline = Date.now() + 2000;
        while (!heard && Date.now() < deadline) {
          heard = recording.items.some((message) => message.event === 'operations:result' && message.data.operation_id === probe.body.operation_id);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      expect(heard).toBe(true);

      const added = await call('POST', '/api/v1/watched-folders', alice.token, { path: downloads });
      expect(added.status).toBe(201);
      const folderId = added.body.id as string;
      fs.writeFileSync(path.join(downloads, 'photo.jpg'), 'a photo');
      const batch = await next('watch:batch', (data) => data.folder_id === folderId && data.moved === 1, 'watch:batch for the dropped file');
      expect(batch).toEqual({
        type: 'watch-batch', folder_id: folderId, path: downloads, trigger: expect.stringMatching(/^(arrivals|catch-up)$/),
        operation_id: expect.any(String), status: 'completed', moved: 1, skipped: 0, failed: 0,
      });
      expect(listFiles(downloads)).toEqual(['Images/photo.jpg']);

      const watchOperations = await call('GET', '/api/v1/operations?kind=watch', alice.token);
      expect(watchOperations.status).toBe(200);
      expect(watchOperations.body.items).toEqual([expect.objectContaining({ operation_id: batch.operation_id, kind: 'watch', status: 'completed', moved: 1 })]);
      expect(watchOperations.body.total).toBe(1);
      const organizeOperations = await call('GET', '/api/v1/operations?kind=organize', alice.token);
      expect(organizeOperations.body.total).toBeGreaterThan(0); // the probes
      expect(organizeOperations.body.items.every((item: { kind: string }) => item.kind === 'organize')).toBe(true);
      const all = await call('GET', '/api/v1/operations', alice.token);
      expect(all.body.items.map((item: { operation_id: string }) => item.operation_id)).toContain(batch.operation_id);
      expect(all.body.total).toBe(organizeOperations.body.total + 1);
      const folder = await call('GET', `/api/v1/watched-folders/${folderId}`, alice.token);
      expect(folder.body.last_activity_at).toEqual(expect.stringMatching(/^\d{4}-/));

      // Undone like any run: the photo is back where it landed, and is not organized again (undo is not an arrival).
      const undo = await call('POST', `/api/v1/operations/${batch.operation_id}/rollback`, alice.token);
      expect(undo.status).toBe(202);
      await next('operations:result', (data) => data.operation_id === batch.operation_id && data.status === 'rolled_back', 'the batch\'s undo');
      expect(listFiles(downloads)).toEqual(['photo.jpg']);
      // A file dropped after it is organized alone: had the photo counted as an arrival, it would have gone first.
      fs.writeFileSync(path.join(downloads, 'after.pdf'), 'a document');
      const after = await next('watch:batch', (data) => data.folder_id === folderId && data.operation_id !== batch.operation_id, 'a batch after the undo');
      expect(after).toMatchObject({ moved: 1, trigger: 'arrivals' });
      expect(listFiles(downloads)).toEqual(['Documents/after.pdf', 'photo.jpg']);

      // The folder deleted and made again: watch:folder tells both.
      fs.rmSync(downloads, { recursive: true });
      await next('watch:folder', (data) => data.folder_id === folderId && data.state === 'gone', 'watch:folder gone');
      fs.mkdirSync(downloads);
      await next('watch:folder', (data) => data.folder_id === folderId && data.state === 'watching', 'watch:folder back');

      // The owner takes the folder back: the next batch finds it no longer allowed, moves nothing, and says so.
      expect((await runCli(['--data-dir', dataDir, 'accounts', 'disallow', 'alice@example.com', alice.allowed])).code).toBe(0);
      fs.writeFileSync(path.join(downloads, 'late.pdf'), 'a document');
      await recording.next((message) => (message.event === 'watch:folder' && message.data.folder_id === folderId && message.data.state === 'not-allowed')
        || (message.event === 'watch:skipped' && message.data.reason === 'not-allowed'), 'the folder reported as no longer allowed');
      expect(listFiles(downloads)).toEqual(['late.pdf']);
      events.close();
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
