import fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { createHandlers } from '../src-main/api/handlers.js';
import { type IpcAnswer, registerIpcHandlers } from '../src-main/api/ipc.js';
import { LOCAL_USER_ID } from '../src-main/core/db/schema.js';
import { type Caller, CHANNEL_NAMES, type Handlers } from '../src-shared/contract.js';
import { openTestCore } from './helpers/core.js';
import { fakeIpcMain, OWN_PAGE } from './helpers/ipc.js';
import { tempDir, writeTree } from './helpers/temp-tree.js';

const localCaller = (): Caller => ({ userId: LOCAL_USER_ID, via: { kind: 'local' } });

describe('the IPC adapter, over an in-memory ipcMain', () => {
  it('registers one handler per contract channel and removes them all', () => {
    const core = openTestCore();
    const ipc = fakeIpcMain();
    const unregister = registerIpcHandlers(ipc.ipcMain, createHandlers(core), { isOwnPage: (url) => url.startsWith('app://'), callerOf: localCaller });
    expect([...ipc.listeners.keys()].sort()).toEqual([...CHANNEL_NAMES].sort());
    unregister();
    expect(ipc.listeners.size).toBe(0);
  });

  it('runs an organize from the window as the local profile, pushes its progress and result to that window, and undoes it', async () => {
    const core = openTestCore(undefined, { progressEveryFiles: 10 });
    const ipc = fakeIpcMain();
    registerIpcHandlers(ipc.ipcMain, createHandlers(core), { isOwnPage: (url) => url.startsWith('app://'), callerOf: localCaller, events: core.events });
    const root = tempDir('fileorg-ipc-tree-');
    const files: Record<string, string> = {};
    for (let index = 0; index < 300; index++) files[`photo-${index}.jpg`] = `image ${index}`;
    writeTree(root, files);

    const started = await ipc.invoke('operations:start', { source_paths: [root] });
    expect(started).toMatchObject({ ok: true, value: { status: 'planned' } });
    const id = (started as { value: { operation_id: string } }).value.operation_id;
    await vi.waitFor(() => expect(ipc.pushed.at(-1)?.channel).toBe('operations:result'), { timeout: 30_000 });
    expect(ipc.pushed.at(-1)?.payload).toMatchObject({ operation_id: id, status: 'completed', moved: 300 });
    expect(ipc.pushed.length).toBeGreaterThan(1);
    expect(ipc.pushed.slice(0, -1).every((event) => event.channel === 'operations:progress' && event.payload.operation_id === id)).toBe(true);
    expect(fs.readdirSync(root)).toEqual(['Images']);
    // The CLI's history (the same local profile) shows the window's run.
    expect(core.operations.history(10).map((operation) => operation.id)).toEqual([id]);

    ipc.pushed.length = 0;
    expect(await ipc.invoke('operations:rollback', { id })).toEqual({ ok: true, value: { operation_id: id, status: 'rolling_back' } });
    await vi.waitFor(() => expect(ipc.pushed.at(-1)?.payload).toMatchObject({ type: 'result', status: 'rolled_back', rolled_back: 300 }), { timeout: 30_000 });
    expect(fs.readdirSync(root)).toHaveLength(300);
  });

  it('refuses a subframe, another page, and a gone frame with E_FORBIDDEN before any handler runs', async () => {
    const core = openTestCore();
    const ipc = fakeIpcMain();
    const health = vi.fn(async () => ({ status: 'ok' as const }));
    const handlers: Handlers = { ...createHandlers(core), 'system:health': health };
    registerIpcHandlers(ipc.ipcMain, handlers, { isOwnPage: (url) => url.startsWith('app://'), callerOf: localCaller });
    for (const frame of [ipc.frame(OWN_PAGE, { url: OWN_PAGE }), ipc.frame('https://evil.example/'), null]) {
      const answer = await ipc.invoke('system:health', {}, frame);
      expect(answer).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } });
    }
    expect(health).not.toHaveBeenCalled();
    expect(await ipc.invoke('system:health', {})).toEqual({ ok: true, value: { status: 'ok' } });
    expect(health).toHaveBeenCalledTimes(1);
  });

  it('validates input with the contract\'s schema and answers the error shape; a user channel needs a caller', async () => {
    const core = openTestCore();
    const ipc = fakeIpcMain();
    let caller: Caller | null = null;
    registerIpcHandlers(ipc.ipcMain, createHandlers(core), { isOwnPage: (url) => url.startsWith('app://'), callerOf: () => caller });
    const invalid = await ipc.invoke('operations:start', { source_paths: ['not/absolute'] });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'E_UNAUTHORIZED' } });
    caller = localCaller();
    const answer = await ipc.invoke('operations:start', { source_paths: ['not/absolute'] });
    expect(answer).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', details: { issues: [{ path: 'source_paths.0' }] } } });
    const unknown = await ipc.invoke('operations:get', { id: 'nope' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
    const extra = await ipc.invoke('rules:list', { limit: 5, sneaky: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
  });

  it('never passes an internal error\'s text or stack to the window', async () => {
    const core = openTestCore();
    const ipc = fakeIpcMain();
    const log = vi.fn();
    const handlers: Handlers = { ...createHandlers(core), 'system:health': async () => { throw new Error('secret /home/me/internal detail'); } };
    registerIpcHandlers(ipc.ipcMain, handlers, { isOwnPage: () => true, callerOf: localCaller, log });
    const answer = await ipc.invoke('system:health', {});
    expect(answer).toMatchObject({ ok: false, error: { code: 'E_INTERNAL' } });
    expect(JSON.stringify(answer)).not.toContain('secret');
    expect(log).toHaveBeenCalledWith(expect.stringContaining('secret'));
  });
});
