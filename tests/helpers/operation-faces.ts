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
import { type ChannelName, contract } from '../../src-shared/contract.js';
import { openTestCore } from './core.js';
import { fakeIpcMain } from './ipc.js';
import { tempDir } from './temp-tree.js';

const servers: FastifyInstance[] = [];
// Registered after the core helper's hook, so (hooks run as a stack) servers close before their cores.
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** One call's answer, the same over both faces: HTTP's status too. */
export interface FaceAnswer {
  ok: boolean;
  /** the channel's output when ok (each test asserts the fields it reads) */
  value: any;
  code: string | null;
  message: string | null;
  /** HTTP only; null over IPC */
  httpStatus: number | null;
}

/** The operations channels as a window or a script calls them: over HTTP (a real server) or the in-memory IPC pair. */
export interface Face {
  name: 'HTTP' | 'IPC';
  core: AppCore;
  /** whose operations these are (an account over HTTP, the local profile over IPC) */
  owner: string;
  /** moves the core's clock */
  advance(ms: number): void;
  call(channel: ChannelName, input?: Record<string, unknown>): Promise<FaceAnswer>;
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
      async call(channel, input = {}) {
        const answer: IpcAnswer = await ipc.invoke(channel, input);
        return answer.ok
          ? { ok: true, value: answer.value, code: null, message: null, httpStatus: null }
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
    async call(channel, input = {}) {
      // The route the contract gives the channel: {id} from the input, the rest as the query (GET) or the body.
      const { method, path: template } = contract[channel].route;
      const { id, ...rest } = input as { id?: string };
      const route = template.replace('{id}', encodeURIComponent(String(id)));
      const query = new URLSearchParams(Object.entries(rest).map(([key, value]) => [key, String(value)])).toString();
      const answer = method === 'GET'
        ? await request(method, query ? `${route}?${query}` : route, undefined, key)
        : await request(method, route, rest, key);
      const ok = answer.status < 300;
      return {
        ok, value: ok ? answer.body : null, httpStatus: answer.status,
        code: ok ? null : String(answer.body?.code), message: ok ? null : String(answer.body?.message),
      };
    },
  };
}

/** The answer's value; fails the test with the error when the call was refused. */
export function valueOf(answer: FaceAnswer): any {
  if (!answer.ok) throw new Error(`expected success, got ${answer.code}: ${answer.message}`);
  return answer.value;
}

/** Wait until the operation's status is one of `statuses` (a preview, `planned`, once it has a finish time). */
export async function waitForStatus(face: Face, id: string, statuses: readonly string[]): Promise<Record<string, any>> {
  let view: Record<string, any> = {};
  await vi.waitFor(async () => {
    view = valueOf(await face.call('operations:get', { id }));
    expect(statuses).toContain(view.status);
    // A run is `planned` while it plans too; a preview is whole once it has a finish time.
    if (view.status === 'planned') expect(view.finished_at).not.toBeNull();
  }, { timeout: 30_000, interval: 20 });
  return view;
}

/** Start a preview (a dry run) of `root` and wait until its plan is whole. */
export async function preview(face: Face, root: string, options: { conflict?: 'rename' | 'skip' } = {}): Promise<string> {
  const started = valueOf(await face.call('operations:start', { source_paths: [root], dry_run: true, ...options }));
  await waitForStatus(face, started.operation_id, ['planned']);
  return started.operation_id as string;
}

export interface PreviewRow { id: number; source: string; destination: string | null; state: string; reason: string | null }

/** Every journal row of an operation, as operations:files pages them. */
export async function rowsOf(face: Face, id: string): Promise<PreviewRow[]> {
  const rows: PreviewRow[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = valueOf(await face.call('operations:files', { id, limit: 500, offset }));
    rows.push(...page.items as PreviewRow[]);
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
