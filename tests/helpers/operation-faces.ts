import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type FastifyInstance } from 'fastify';
import { afterEach, expect, vi } from 'vitest';
import { createHandlers } from '../../src-main/api/handlers.js';
import { createHttpApi } from '../../src-main/api/http.js';
import { type IpcAnswer, registerIpcHandlers } from '../../src-main/api/ipc.js';
import { type AppCore } from '../../src-main/core/compose.js';
import { LOCAL_USER_ID } from '../../src-main/core/db/schema.js';
import { type ChannelName, type ChannelOutput, contract } from '../../src-shared/contract.js';
import { openTestCore } from './core.js';
import { recordEvents } from './hub-events.js';
import { fakeIpcMain } from './ipc.js';
import { tempDir } from './temp-tree.js';

const servers: FastifyInstance[] = [];
// Registered after the core helper's hook, so (hooks run as a stack) servers close before their cores.
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/**
 * One call's answer, the same over both faces: the channel's output when ok (typed as the contract says; the
 * contract test checks the shapes), the error's code and message otherwise, and HTTP's status (null over IPC).
 */
export type FaceAnswer<Name extends ChannelName = ChannelName> =
  | { ok: true; value: ChannelOutput<Name>; code: null; message: null; httpStatus: number | null }
  | { ok: false; value: null; code: string; message: string; httpStatus: number | null };

/** The contract's channels (operations, duplicates, quarantine…) as a window or a script calls them: over HTTP (a real server) or the in-memory IPC pair. */
export interface Face {
  name: 'HTTP' | 'IPC';
  core: AppCore;
  /** whose operations these are (an account over HTTP, the local profile over IPC) */
  owner: string;
  /** moves the core's clock */
  advance(ms: number): void;
  /** `input` is left loose on purpose: tests send what the contract refuses too */
  call<Name extends ChannelName>(channel: Name, input?: Record<string, unknown>): Promise<FaceAnswer<Name>>;
}

export type FaceName = Face['name'];
export const FACES: readonly FaceName[] = ['HTTP', 'IPC'];

export interface FaceOptions { pageSize?: number; pageDelayMs?: number; progressEveryFiles?: number; dataDir?: string }

/** A face over a fresh core in a temp data folder (the real SQLite file, the real worker threads). */
export async function openFace(name: FaceName, options: FaceOptions = {}): Promise<Face> {
  let offset = 0;
  const core = openTestCore(options.dataDir ?? tempDir('fileorg-face-'), {
    clock: () => Date.now() + offset, bcryptCost: 4,
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    ...(options.pageDelayMs ? { pageDelayMs: options.pageDelayMs } : {}),
    ...(options.progressEveryFiles ? { progressEveryFiles: options.progressEveryFiles } : {}),
  });
  const advance = (ms: number): void => { offset += ms; };
  if (name === 'IPC') {
    const ipc = fakeIpcMain();
    registerIpcHandlers(ipc.ipcMain, createHandlers(core), {
      isOwnPage: (url) => url.startsWith('app://'), callerOf: () => ({ userId: LOCAL_USER_ID, via: { kind: 'local' } }), events: core.events,
    });
    return {
      name, core, owner: LOCAL_USER_ID, advance,
      async call<Name extends ChannelName>(channel: Name, input: Record<string, unknown> = {}): Promise<FaceAnswer<Name>> {
        const answer: IpcAnswer = await ipc.invoke(channel, input);
        return answer.ok
          ? { ok: true, value: answer.value as ChannelOutput<Name>, code: null, message: null, httpStatus: null }
          : { ok: false, value: null, code: answer.error.code, message: answer.error.message, httpStatus: null };
      },
    };
  }
  const app = await createHttpApi({ core, handlers: createHandlers(core, { version: 'test', allowSignup: true }), version: 'test', log: () => {} });
  servers.push(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const request = async (method: string, route: string, body?: unknown, key?: string) => {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(key ? { 'x-api-key': key } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) as Record<string, unknown> : null };
  };
  const user = `user${crypto.randomBytes(4).toString('hex')}`;
  const signup = await request('POST', '/api/v1/auth/signup', { email: `${user}@example.com`, username: user, password: 'securepassword123', full_name: 'A User' });
  if (signup.status !== 201) throw new Error(`signup failed: ${signup.status} ${JSON.stringify(signup.body)}`);
  const session = signup.body as { access_token: string; user: { id: string } };
  core.folderAccess.allow(session.user.id, os.tmpdir()); // as the owner would: the tests' trees are made there
  // An API key, as a script uses: it does not expire when a test moves the clock a day on (an access token would).
  const { key } = core.auth.apiKeys.create(session.user.id, 'operation tests');
  return {
    name, core, owner: session.user.id, advance,
    async call<Name extends ChannelName>(channel: Name, input: Record<string, unknown> = {}): Promise<FaceAnswer<Name>> {
      // The route the contract gives the channel: its {names} from the input, the rest as the query (GET) or the body.
      const { method, path: template } = contract[channel].route;
      const rest = { ...input };
      const route = template.replace(/\{(\w+)\}/g, (_, name: string) => {
        const value = rest[name];
        delete rest[name];
        return encodeURIComponent(String(value));
      });
      const query = new URLSearchParams(Object.entries(rest).map(([name, value]): [string, string] => [name, String(value)])).toString();
      const answer = method === 'GET'
        ? await request(method, query ? `${route}?${query}` : route, undefined, key)
        : await request(method, route, rest, key);
      return answer.status < 300
        ? { ok: true, value: answer.body as ChannelOutput<Name>, code: null, message: null, httpStatus: answer.status }
        : { ok: false, value: null, code: String(answer.body?.code), message: String(answer.body?.message), httpStatus: answer.status };
    },
  };
}

/** The answer's value; fails the test with the error when the call was refused. */
export function valueOf<Name extends ChannelName>(answer: FaceAnswer<Name>): ChannelOutput<Name> {
  if (!answer.ok) throw new Error(`expected success, got ${answer.code}: ${answer.message}`);
  return answer.value;
}

/** Wait until the operation's status is one of `statuses` (a preview, `planned`, once it has a finish time). */
export async function waitForStatus(face: Face, id: string, statuses: readonly string[]): Promise<ChannelOutput<'operations:get'>> {
  let view: ChannelOutput<'operations:get'> | undefined;
  await vi.waitFor(async () => {
    view = valueOf(await face.call('operations:get', { id }));
    expect(statuses).toContain(view.status);
    // A run is `planned` while it plans too; a preview is whole once it has a finish time.
    if (view.status === 'planned') expect(view.finished_at).not.toBeNull();
  }, { timeout: 30_000, interval: 20 });
  return view as ChannelOutput<'operations:get'>;
}

/** Start a preview (a dry run) of `root` and wait until its plan is whole. */
export async function preview(face: Face, root: string, options: { conflict?: 'rename' | 'skip' } = {}): Promise<string> {
  const started = valueOf(await face.call('operations:start', { source_paths: [root], dry_run: true, ...options }));
  await waitForStatus(face, started.operation_id, ['planned']);
  return started.operation_id;
}

/** Start a duplicate search (202 over HTTP) and wait for its result event; answers the search's id. */
export async function searched(face: Face, paths: readonly string[]): Promise<string> {
  const events = recordEvents(face.core, face.owner);
  try {
    const answer = await face.call('duplicates:search', { paths });
    if (face.name === 'HTTP') expect(answer.httpStatus).toBe(202);
    const { search_id: searchId } = valueOf(answer);
    expect(await events.next('duplicates:result', (data) => data.search_id === searchId)).toMatchObject({ status: 'completed' });
    return searchId;
  } finally {
    events.stop();
  }
}

/** The channels that start an operation's run in the background and answer its id at once. */
type BackgroundChannel = 'operations:apply' | 'operations:rollback' | 'operations:resume' | 'duplicates:quarantine' | 'duplicates:hardlink';

/**
 * Call a channel that runs an operation in the background (202 over HTTP) and wait for the operation's final
 * result event; answers its id, what the call answered and the result.
 */
export async function runToResult(face: Face, channel: BackgroundChannel, input: Record<string, unknown>) {
  const events = recordEvents(face.core, face.owner);
  try {
    const answer = await face.call(channel, input);
    if (face.name === 'HTTP') expect(answer.httpStatus).toBe(202);
    const accepted: ChannelOutput<BackgroundChannel> = valueOf(answer);
    const id = accepted.operation_id;
    const result = await events.next('operations:result', (data) => data.operation_id === id && !['running', 'rolling_back', 'planned'].includes(data.status));
    return { id, answer: accepted, result };
  } finally {
    events.stop();
  }
}

export type PreviewRow = ChannelOutput<'operations:files'>['items'][number];

/** Every journal row of an operation, as operations:files pages them. */
export async function rowsOf(face: Face, id: string): Promise<PreviewRow[]> {
  const rows: PreviewRow[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = valueOf(await face.call('operations:files', { id, limit: 500, offset }));
    rows.push(...page.items);
    if (rows.length >= page.total) return rows;
  }
}

/** Every file under root as { relative path: sha256 of content } (folders left out). */
export function filesOf(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (folder: string): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(root, full)] = crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex');
    }
  };
  walk(root);
  return out;
}

/** What the tree holds once the rows `planned` have run: each such file's content moved from its source to its destination. */
export function treeAfter(root: string, before: Record<string, string>, rows: readonly PreviewRow[], leaveOut: (row: PreviewRow) => boolean = () => false): Record<string, string> {
  const after = { ...before };
  for (const row of rows) {
    if (row.state !== 'planned' || leaveOut(row)) continue;
    const source = path.relative(root, row.source);
    const content = after[source] as string;
    delete after[source];
    after[path.relative(root, row.destination as string)] = content;
  }
  return after;
}
