import fs from 'node:fs';
import os from 'node:os';
import { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createHandlers } from '../src-main/api/handlers.js';
import { createHttpApi } from '../src-main/api/http.js';
import { registerIpcHandlers } from '../src-main/api/ipc.js';
import { LOCAL_USER_ID } from '../src-main/core/db/schema.js';
import { type HubEvent } from '../src-main/core/events/event-hub.js';
import { type Caller, pushEvents } from '../src-shared/contract.js';
import { DUPLICATE_STAGES } from '../src-shared/duplicates.js';
import { collect, startApi, type TestApi } from './helpers/api.js';
import { runCli, runJson } from './helpers/cli.js';
import { openTestCore, organizeRequest } from './helpers/core.js';
import { fakeIpcMain, type Pushed } from './helpers/ipc.js';
import { createRecording } from './helpers/recording.js';
import { plantDuplicates } from './helpers/planted-duplicates.js';
import { tempDir, writeTree } from './helpers/temp-tree.js';

type EventMessage = { event: string; data: Record<string, unknown> };
const localCaller = (): Caller => ({ userId: LOCAL_USER_ID, via: { kind: 'local' } });
/** Longest a test waits for a message before it fails saying which (a deadline, not a sleep). */
const DEADLINE_MS = 30_000;

const treeOf = (count: number, kinds = ['jpg', 'pdf', 'mp3', 'txt']): string => {
  const root = tempDir('fileorg-events-tree-');
  writeTree(root, Object.fromEntries(Array.from({ length: count }, (_, index) => [`file-${index}.${kinds[index % kinds.length]}`, `content ${index}`])));
  return root;
};

/**
 * A /ws/events socket: every message it gets, a wait for the first (already come or still to come) that
 * matches, and how it closed. Ready once the server has it subscribed (the upgrade is answered before the
 * credential is checked).
 */
async function openEvents(api: Pick<TestApi, 'socket' | 'core'>, userId: string, credential: { headers?: Record<string, string>; protocols?: string[] }) {
  const socket = api.socket('/ws/events', credential);
  const recording = createRecording<EventMessage>(DEADLINE_MS);
  socket.on('message', (data) => recording.add(JSON.parse(String(data)) as EventMessage));
  const closed = new Promise<{ code: number }>((resolve) => socket.on('close', (code) => resolve({ code })));
  const listeners = (): number => (api.core.events.subscribedUsers().has(userId) ? 1 : 0);
  await vi.waitFor(() => expect(listeners()).toBe(1), { timeout: DEADLINE_MS });
  return {
    socket, messages: recording.items, closed,
    async next(event: string, test: (data: Record<string, unknown>) => boolean = () => true): Promise<Record<string, unknown>> {
      return (await recording.next((message) => message.event === event && test(message.data), event)).data;
    },
  };
}

const ofOperation = (id: string) => (data: Record<string, unknown>): boolean => data.operation_id === id;
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('WS /ws/events', () => {
  it('streams an operation started over HTTP: its progress, then its result, each {"event", "data"} as the contract types them', async () => {
    const api = await startApi({ bcryptCost: 4, progressEveryFiles: 20, pageSize: 50 });
    const session = await api.signup('erin');
    const events = await openEvents(api, session.user.id, { protocols: ['fileorg.bearer', session.access_token] });
    const root = treeOf(600);
    const started = await api.call('POST', '/api/v1/operations', { token: session.access_token, body: { source_paths: [root] } });
    expect(started.status).toBe(202);
    const id: string = started.body.operation_id;

    const result = await events.next('operations:result', ofOperation(id));
    expect(result).toMatchObject({ type: 'result', operation_id: id, status: 'completed', moved: 600 });
    expect(fs.readdirSync(root).sort()).toEqual(['Audio', 'Documents', 'Images']);
    const progress = events.messages.filter((message) => message.event === 'operations:progress');
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.map((message) => message.data.stage)).toContain('execute');
    expect(progress.at(-1)?.data).toMatchObject({ operation_id: id, files_total: 600 });
    for (const message of events.messages) {
      expect(Object.keys(message).sort()).toEqual(['data', 'event']);
      expect(message.data.operation_id).toBe(id);
      expect(pushEvents[message.event as keyof typeof pushEvents].safeParse(message.data).success).toBe(true);
    }
    expect(events.messages.filter((message) => message.event === 'operations:result')).toHaveLength(1);
    // A client that leaves is no longer listened for.
    events.socket.close();
    await events.closed;
    await vi.waitFor(() => expect(api.core.events.subscribedUsers().size).toBe(0), { timeout: DEADLINE_MS });
  });

  it('streams a run the CLI makes on the same data folder, read from the database: its progress while it runs, then its result', async () => {
    const api = await startApi({ bcryptCost: 4 });
    // The local profile (whose runs the CLI makes) reaches HTTP with an API key of its own.
    const { key } = api.core.auth.apiKeys.create(LOCAL_USER_ID, 'events test');
    const events = await openEvents(api, LOCAL_USER_ID, { headers: { 'x-api-key': key } });
    const root = treeOf(300, ['txt']);
    let id = '';
    let executing = 0;
    let stopped: number | undefined;
    try {
      // Stopped (SIGSTOP) once files are moving, so the run is surely seen in progress; continued once it was.
      const run = runCli(['--data-dir', api.core.dataDir, 'organize', root, '--json'], {
        env: { FILEORG_PAGE_SIZE: '2', FILEORG_PROGRESS_EVERY: '1' },
        killSignal: 'SIGSTOP',
        killWhen: (line) => {
          if (line.type === 'started') id = line.operation_id as string;
          return line.type === 'progress' && line.stage === 'execute' && ++executing === 3;
        },
      });
      await vi.waitFor(() => expect(executing).toBeGreaterThanOrEqual(3), { timeout: DEADLINE_MS });
      const progress = await events.next('operations:progress', (data) => data.operation_id === id && data.stage === 'execute');
      expect(progress).toMatchObject({ type: 'progress', operation_id: id, files_total: 300 });
      expect(progress.files_done).toBeLessThan(300);
      stopped = api.core.operations.get(id).ownerPid ?? undefined;
      expect(stopped).toBeGreaterThan(0);
      process.kill(stopped as number, 'SIGCONT');
      stopped = undefined;
      const result = await events.next('operations:result', ofOperation(id));
      expect(result).toMatchObject({ type: 'result', operation_id: id, status: 'completed', moved: 300 });
      expect((await run).code).toBe(0);
      expect(fs.readdirSync(root)).toEqual(['Documents']);
    } finally {
      if (stopped !== undefined) process.kill(stopped, 'SIGCONT'); // never leave a stopped CLI behind a failed assertion
    }
    // Every event was this run's, its progress in order, and its result told once.
    expect(events.messages.every((message) => message.data.operation_id === id)).toBe(true);
    const done = events.messages.filter((message) => message.event === 'operations:progress').map((message) => message.data.files_done as number);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    // A run the CLI starts and ends between two reads of the database is told too (its result), and once.
    const quick = await runJson(api.core.dataDir, ['organize', treeOf(3, ['txt'])]);
    const quickId = quick.lines.at(-1)?.operation_id as string;
    expect(await events.next('operations:result', ofOperation(quickId))).toMatchObject({ status: 'completed', moved: 3 });
    expect(events.messages.filter((message) => message.event === 'operations:result').map((message) => message.data.operation_id)).toEqual([id, quickId]);
  });

  it('gives each caller only their own events: not another user\'s runs, nor the CLI\'s (the local profile\'s)', async () => {
    const api = await startApi({ bcryptCost: 4, progressEveryFiles: 5 });
    const alice = await api.signup('alice');
    const bob = await api.signup('bob');
    const { key } = api.core.auth.apiKeys.create(LOCAL_USER_ID, 'events test');
    const local = await openEvents(api, LOCAL_USER_ID, bearer(key));
    const alices = await openEvents(api, alice.user.id, bearer(alice.access_token));
    const bobs = await openEvents(api, bob.user.id, bearer(bob.access_token));
    const start = async (token: string) => (await api.call('POST', '/api/v1/operations', { token, body: { source_paths: [treeOf(40)] } })).body.operation_id as string;

    const alicesRun = await start(alice.access_token);
    await alices.next('operations:result', ofOperation(alicesRun));
    const cli = await runJson(api.core.dataDir, ['organize', treeOf(40)]);
    const cliRun = cli.lines.at(-1)?.operation_id as string;
    await local.next('operations:result', ofOperation(cliRun));
    // Bob's own run last: had anything of the others reached him, it would have come before its result.
    const bobsRun = await start(bob.access_token);
    await bobs.next('operations:result', ofOperation(bobsRun));

    const subjects = (messages: EventMessage[]) => new Set(messages.map((message) => message.data.operation_id));
    expect(subjects(bobs.messages)).toEqual(new Set([bobsRun]));
    expect(subjects(alices.messages)).toEqual(new Set([alicesRun]));
    expect(subjects(local.messages)).toEqual(new Set([cliRun]));
  });

  it('streams a duplicate search: each stage\'s progress, then its result, naming the search', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const session = await api.signup('dora');
    const events = await openEvents(api, session.user.id, bearer(session.access_token));
    const root = tempDir('fileorg-events-dupes-');
    const planted = plantDuplicates(root, 16);
    const started = await api.call('POST', '/api/v1/duplicates/search', { token: session.access_token, body: { paths: [root] } });
    expect(started.status).toBe(202);
    const searchId: string = started.body.search_id;

    const result = await events.next('duplicates:result', (data) => data.search_id === searchId);
    expect(result).toMatchObject({ type: 'result', search_id: searchId, status: 'completed', groups: planted.groups.length, files_scanned: planted.files });
    const progress = events.messages.filter((message) => message.event === 'duplicates:progress');
    const stages = [...new Set(progress.map((message) => message.data.stage))];
    expect(stages[0]).toBe('scan');
    expect(stages).toContain('full');
    expect(stages).toEqual(DUPLICATE_STAGES.filter((stage) => stages.includes(stage))); // in the pipeline's order
    for (const message of events.messages) {
      expect(message.data.search_id).toBe(searchId);
      expect(pushEvents[message.event as keyof typeof pushEvents].safeParse(message.data).success).toBe(true);
    }
    expect(events.messages.at(-1)?.event).toBe('duplicates:result');
  });

  it('refuses a wrong or missing credential with close code 4401, and a plain GET with 426 in the one error shape', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const plain = await api.call('GET', '/ws/events');
    expect(plain.status).toBe(426);
    expect(plain.body).toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('WebSocket endpoint') });

    const wrongHeader = await collect(api.socket('/ws/events', bearer('not-a-token')));
    expect(wrongHeader.code).toBe(4401);
    expect(wrongHeader.messages).toEqual([expect.objectContaining({ type: 'error', code: 'E_UNAUTHORIZED' })]);
    const wrongProtocol = await collect(api.socket('/ws/events', { protocols: ['fileorg.bearer', 'fo_not_a_key'] }));
    expect(wrongProtocol.code).toBe(4401);
    const wrongMessage = await collect(api.socket('/ws/events'), (socket) => socket.send(JSON.stringify({ type: 'auth', token: 'not-a-token' })));
    expect(wrongMessage.code).toBe(4401);
    const noCredential = await collect(api.socket('/ws/events'), (socket) => socket.send('hello'));
    expect(noCredential.code).toBe(4401);
    expect(noCredential.messages).toEqual([expect.objectContaining({ type: 'error', code: 'E_UNAUTHORIZED', message: expect.stringContaining('authenticate first') })]);
    expect(api.core.events.subscribedUsers().size).toBe(0);

    // A first message with a good token is a credential too.
    const session = await api.signup('frank');
    const late = api.socket('/ws/events');
    late.on('open', () => late.send(JSON.stringify({ type: 'auth', token: session.access_token })));
    await vi.waitFor(() => expect(api.core.events.subscribedUsers().has(session.user.id)).toBe(true), { timeout: DEADLINE_MS });
    const ended = new Promise<number>((resolve) => late.on('close', resolve));
    late.close();
    await ended;
    await vi.waitFor(() => expect(api.core.events.subscribedUsers().size).toBe(0), { timeout: DEADLINE_MS });
  });
});

describe('a WebSocket whose credential ends', () => {
  const servers: FastifyInstance[] = [];
  afterEach(async () => { for (const server of servers.splice(0)) await server.close(); });

  /** The HTTP API with credentials checked again every 100 ms (a minute in serve), over a core whose clock a test moves. */
  async function startRechecking() {
    let offset = 0;
    const core = openTestCore(tempDir('fileorg-events-data-'), { bcryptCost: 4, clock: () => Date.now() + offset });
    const app = await createHttpApi({ core, handlers: createHandlers(core, { version: 'test', allowSignup: true }), version: 'test', log: () => {}, socketRecheckMs: 100 });
    servers.push(app);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const call = async (method: string, path: string, token: string, body?: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) as Record<string, unknown> : null };
    };
    const signup = async (name: string) => {
      const response = await fetch(`${url}/api/v1/auth/signup`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `${name}@example.com`, username: name, password: 'securepassword123', full_name: name }),
      });
      return await response.json() as { access_token: string; user: { id: string } };
    };
    const socket = (path: string, options: { protocols?: string[]; headers?: Record<string, string> } = {}) =>
      new WebSocket(`${url.replace('http', 'ws')}${path}`, options.protocols ?? [], { headers: options.headers ?? {} });
    return { core, call, signup, socket, advance: (ms: number) => { offset += ms; } };
  }

  it('closes /ws/events with 4401 after a logout, a revoked API key, or the access token\'s expiry', async () => {
    const server = await startRechecking();
    const session = await server.signup('grace');
    const byToken = await openEvents(server, session.user.id, { protocols: ['fileorg.bearer', session.access_token] });
    expect((await server.call('POST', '/api/v1/auth/logout', session.access_token, {})).status).toBe(204);
    expect(await byToken.closed).toEqual({ code: 4401 });
    expect(byToken.messages).toEqual([expect.objectContaining({ type: 'error', code: 'E_UNAUTHORIZED', message: expect.stringContaining('has ended') })]);

    const key = server.core.auth.apiKeys.create(session.user.id, 'script');
    const byKey = await openEvents(server, session.user.id, { protocols: ['fileorg.bearer', key.key] });
    server.core.auth.apiKeys.revoke(session.user.id, key.id);
    expect(await byKey.closed).toEqual({ code: 4401 });

    const again = await server.signup('heidi');
    const expiring = await openEvents(server, again.user.id, { protocols: ['fileorg.bearer', again.access_token] });
    server.advance(31 * 60 * 1000); // access tokens last 30 minutes
    expect(await expiring.closed).toEqual({ code: 4401 });
    await vi.waitFor(() => expect(server.core.events.subscribedUsers().size).toBe(0), { timeout: DEADLINE_MS });
  });

  it('closes /ws/operations/{id} with 4401 after a logout, while it follows a run', async () => {
    const server = await startRechecking();
    const session = await server.signup('ivan');
    // A run another live process (the test runner's parent) holds, as the CLI records one.
    const id = '0000000000aabbccddeeff';
    server.core.database.sqlite.prepare(`INSERT INTO operations (id, user_id, kind, status, phase, dry_run, request, created_at, started_at, plan_recorded_at,
      files_total, bytes_total, owner_pid, owner_host, heartbeat_at) VALUES (?, ?, 'organize', 'running', 'execute', 0, ?, ?, ?, ?, 10, 1000, ?, ?, ?)`)
      .run(id, session.user.id, JSON.stringify({ roots: ['/x'], destination: null, conflict: 'rename', includeHidden: false, sniffAll: false, preset: 'by-type', ruleSet: { rules: [{ name: 'r', action: { type: 'move', to: '{name}' } }] } }),
        Date.now(), Date.now(), Date.now(), process.ppid, os.hostname(), Date.now());
    const socket = server.socket(`/ws/operations/${id}`, { protocols: ['fileorg.bearer', session.access_token] });
    const followed = collect(socket);
    await new Promise((resolve) => socket.once('message', resolve)); // its progress as the row has it: it follows
    expect((await server.call('POST', '/api/v1/auth/logout', session.access_token, {})).status).toBe(204);
    const { code, messages } = await followed;
    expect(code).toBe(4401);
    expect(messages.map((message) => message.type)).toEqual(['progress', 'error']);
  });
});

describe('the window (IPC) hears its caller\'s events', () => {
  it('gets every event of a run it started, of one started over HTTP by the same user, and of the CLI\'s, once each', async () => {
    const api = await startApi({ bcryptCost: 4, progressEveryFiles: 10 });
    const ipc = fakeIpcMain();
    registerIpcHandlers(ipc.ipcMain, createHandlers(api.core), { isOwnPage: (url) => url.startsWith('app://'), callerOf: localCaller, events: api.core.events });
    // What the local profile's listeners hear in this process: the window must get exactly this, in this order.
    const heard: HubEvent[] = [];
    api.core.events.subscribe(LOCAL_USER_ID, (event) => heard.push(event));
    // A second window, subscribed by its first call, then closed: nothing more is sent to it.
    const closing = ipc.openWindow();
    expect(await closing.invoke('system:health', {})).toMatchObject({ ok: true });
    closing.destroy();
    expect(await ipc.invoke('system:health', {})).toMatchObject({ ok: true });
    const resultIn = (pushed: Pushed[], id: string) => vi.waitFor(() => {
      expect(pushed.find((event) => event.channel === 'operations:result' && event.payload.operation_id === id)).toBeDefined();
    }, { timeout: DEADLINE_MS });

    const byWindow = await ipc.invoke('operations:start', { source_paths: [treeOf(100)] });
    const windowRun = (byWindow as { value: { operation_id: string } }).value.operation_id;
    await resultIn(ipc.pushed, windowRun);
    const { key } = api.core.auth.apiKeys.create(LOCAL_USER_ID, 'script');
    const byHttp = await api.call('POST', '/api/v1/operations', { headers: { 'x-api-key': key }, body: { source_paths: [treeOf(100)] } });
    expect(byHttp.status).toBe(202);
    const httpRun: string = byHttp.body.operation_id;
    await resultIn(ipc.pushed, httpRun);
    // The CLI's run comes through the database; its result comes from a later read than the others' results.
    const cli = await runJson(api.core.dataDir, ['organize', treeOf(20)]);
    const cliRun = cli.lines.at(-1)?.operation_id as string;
    await resultIn(ipc.pushed, cliRun);

    expect(ipc.pushed).toEqual(heard.map((event) => ({ channel: event.name, payload: event.data })));
    const results = ipc.pushed.filter((event) => event.channel === 'operations:result').map((event) => event.payload.operation_id);
    expect(results).toEqual([windowRun, httpRun, cliRun]);
    for (const id of [windowRun, httpRun]) {
      expect(ipc.pushed.filter((event) => event.channel === 'operations:progress' && event.payload.operation_id === id).length).toBeGreaterThan(1);
    }
    expect(closing.pushed).toEqual([]);
    expect(closing.sendsAfterDestroyed()).toBe(0);
  });

  it('follows the window\'s caller: an account signed in there hears its own events, a window signed out none', async () => {
    const core = openTestCore();
    const ipc = fakeIpcMain();
    let caller: Caller | null = localCaller();
    registerIpcHandlers(ipc.ipcMain, createHandlers(core), { isOwnPage: (url) => url.startsWith('app://'), callerOf: () => caller, events: core.events });
    const tell = (userId: string, operationId: string): void => core.events.publish(userId, {
      name: 'operations:result', data: { type: 'result', operation_id: operationId, status: 'completed', moved: 0, skipped: 0, failed: 0, conflicts: 0 },
    });
    const told = () => ipc.pushed.map((event) => event.payload.operation_id);

    tell(LOCAL_USER_ID, 'before-any-call');
    await ipc.invoke('system:health', {});
    tell(LOCAL_USER_ID, 'local-1');
    tell('account-a', 'account-1');
    caller = { userId: 'account-a', via: { kind: 'local' } };
    await ipc.invoke('system:health', {});
    tell(LOCAL_USER_ID, 'local-2');
    tell('account-a', 'account-2');
    caller = null;
    await ipc.invoke('system:health', {});
    tell('account-a', 'account-3');
    tell(LOCAL_USER_ID, 'local-3');
    expect(told()).toEqual(['local-1', 'account-2']);
    expect(core.events.subscribedUsers().size).toBe(0);
  });
});

describe('a run whose account is removed while it goes', () => {
  it('still tells its followers its end, and the result goes to the profile that now owns it', async () => {
    const core = openTestCore(tempDir('fileorg-events-data-'), { bcryptCost: 4, pageSize: 2, pageDelayMs: 40 });
    const account = await core.accounts.create({ email: 'frank@example.com', username: 'frank', password: 'securepassword123', full_name: 'Frank' });
    const root = treeOf(20);
    core.folderAccess.allow(account.id, root);
    const heardByLocal: HubEvent[] = [];
    core.events.subscribe(LOCAL_USER_ID, (event) => heardByLocal.push(event));
    const id = await core.runs.organize(organizeRequest([root]), { dryRun: false, owner: account.id });
    const followed: string[] = [];
    const ended = new Promise<Record<string, unknown>>((resolve) => core.runs.followToEnd(id, account.id, (event) => {
      followed.push(event.type);
      if (event.type === 'result') resolve(event as unknown as Record<string, unknown>);
    }));
    await vi.waitFor(() => expect(followed).toContain('progress'), { timeout: DEADLINE_MS, interval: 10 });
    core.accounts.remove('frank@example.com');
    expect(await ended).toMatchObject({ type: 'result', operation_id: id, status: 'completed' });
    expect(core.operations.get(id, { owner: LOCAL_USER_ID, exact: true }).userId).toBe(LOCAL_USER_ID);
    expect(heardByLocal).toContainEqual({ name: 'operations:result', data: expect.objectContaining({ operation_id: id, status: 'completed' }) });
  });
});
