import fs from 'node:fs';
import vm from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { type AppHandlers } from '../src-main/api/app-ipc.js';
import { registerWindowIpc } from '../src-main/api/window-ipc.js';
import { BRIDGE_KEY, BRIDGE_METHOD_NAMES, type FileOrganizerBridge } from '../src-shared/bridge.js';
import { launchChromium } from './helpers/browser.js';
import { openTestCore } from './helpers/core.js';
import { fakeIpcMain, OWN_PAGE } from './helpers/ipc.js';
import { attachPreload, electronFor, preloadPageScript, preloadSource, runPreload } from './helpers/preload-harness.js';
import { tempDir, writeTree } from './helpers/temp-tree.js';

/** Stand-ins for the native dialog and the file manager. */
const appHandlers = () => ({
  'app:chooseFolders': vi.fn<AppHandlers['app:chooseFolders']>(async () => ({ paths: ['/home/ada/Pictures'] })),
  'app:showInFolder': vi.fn<AppHandlers['app:showInFolder']>(async () => null),
  'app:openFile': vi.fn<AppHandlers['app:openFile']>(async () => null),
}) satisfies AppHandlers;

/**
 * The built preload in node:vm, its stand-in electron wired to registerWindowIpc over a real core, as one
 * window of the app: answers window.fileorg as the page would see it.
 */
function loadBridge(options: { getPathForFile?(file: object): string; withHandlers?: boolean } = {}) {
  const core = openTestCore(undefined, { progressEveryFiles: 10 });
  const ipc = fakeIpcMain();
  const handlers = appHandlers();
  const unregister = registerWindowIpc(ipc.ipcMain, core, { isOwnPage: (url) => url === OWN_PAGE, ...(options.withHandlers === false ? {} : { appHandlers: handlers }) });
  const { electron, exposed, listenerCount } = electronFor(ipc, options);
  const { required } = runPreload(electron);
  const bridge = exposed.get(BRIDGE_KEY) as FileOrganizerBridge; // what the preload exposed, checked key by key below
  return { core, ipc, handlers, unregister, bridge, exposed, required, listenerCount };
}

describe('the preload (the built dist/app/preload.cjs)', () => {
  it('exposes exactly the bridge\'s methods on window.fileorg, requiring electron alone', () => {
    const { exposed, bridge, required } = loadBridge();
    expect([...exposed.keys()]).toEqual([BRIDGE_KEY]);
    expect(Object.keys(bridge).sort()).toEqual([...BRIDGE_METHOD_NAMES].sort());
    expect(Object.values(bridge).every((value) => typeof value === 'function')).toBe(true);
    expect(required).toEqual(['electron']);
    // Nothing to reach ipcRenderer or send on any channel.
    expect(Object.keys(bridge).filter((key) => /ipc|send|invoke|electron/i.test(key))).toEqual([]);
    expect(preloadSource()).not.toMatch(/\bzod\b|\bprocess\.|\bBuffer\b|__dirname/);
  });

  it('organizes real files through the bridge, hears the progress and result through on, and undoes it', async () => {
    const { bridge } = loadBridge();
    const root = tempDir('fileorg-preload-tree-');
    const files: Record<string, string> = {};
    for (let index = 0; index < 60; index++) files[`photo-${index}.jpg`] = `image ${index}`;
    writeTree(root, { ...files, 'notes.txt': 'words' });
    const heard: { event: string; data: unknown }[] = [];
    for (const event of ['operations:progress', 'operations:result'] as const) bridge.on(event, (data) => { heard.push({ event, data }); });

    const started = await bridge['operations:start']({ source_paths: [root] });
    if (!started.ok) throw new Error(started.error.message);
    const id = started.value.operation_id;
    await vi.waitFor(() => expect(heard.at(-1)).toMatchObject({ event: 'operations:result', data: { operation_id: id, status: 'completed', moved: 61 } }), { timeout: 30_000 });
    expect(heard.some((heard) => heard.event === 'operations:progress')).toBe(true);
    expect(fs.readdirSync(root).sort()).toEqual(['Documents', 'Images']);

    expect(await bridge['operations:rollback']({ id })).toEqual({ ok: true, value: { operation_id: id, status: 'rolling_back' } });
    await vi.waitFor(() => expect(heard.at(-1)?.data).toMatchObject({ type: 'result', status: 'rolled_back' }), { timeout: 30_000 });
    expect(fs.readdirSync(root)).toHaveLength(61);
    expect(fs.readFileSync(`${root}/photo-7.jpg`, 'utf8')).toBe('image 7');
  });

  it('answers an error in the contract\'s shape: code, message and details', async () => {
    const { bridge } = loadBridge();
    const answer = await bridge['operations:start']({ source_paths: ['relative/folder'] });
    expect(answer).toEqual({
      ok: false,
      error: { code: 'E_VALIDATION', message: expect.stringContaining('source_paths.0'), details: { issues: [expect.objectContaining({ path: 'source_paths.0' })] } },
    });
    expect(await bridge['operations:get']({ id: 'nope' })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
  });

  it('a call main does not answer (no handler) says to restart the app', async () => {
    const { bridge, unregister } = loadBridge();
    unregister();
    const answer = await bridge['system:health']({});
    expect(answer).toEqual({ ok: false, error: { code: 'E_INTERNAL', message: expect.stringMatching(/restart the app/) } });
  });

  it('hands a listener the payload only, stops at unsubscribe, and refuses any name that is not an event', async () => {
    const { bridge, ipc, listenerCount } = loadBridge();
    const root = tempDir('fileorg-preload-tree-');
    writeTree(root, { 'a.jpg': 'a' });
    const first: unknown[][] = [];
    const second: unknown[][] = [];
    const stop = bridge.on('operations:result', (...args: unknown[]) => { first.push(args); });
    bridge.on('operations:result', (...args: unknown[]) => { second.push(args); });
    stop();
    expect(listenerCount('operations:result')).toBe(1);
    const started = await bridge['operations:start']({ source_paths: [root] });
    expect(started.ok).toBe(true);
    await vi.waitFor(() => expect(second).toHaveLength(1), { timeout: 30_000 });
    expect(second[0]).toEqual([expect.objectContaining({ type: 'result', status: 'completed' })]); // no IpcRendererEvent
    expect(first).toEqual([]);
    expect(ipc.pushed.filter((event) => event.channel === 'operations:result')).toHaveLength(1);

    const on = bridge.on as (event: unknown, listener: unknown) => unknown; // as a hostile page would call it
    for (const name of ['ipc-message', 'operations:start', '__proto__', 'constructor', 42, undefined]) {
      expect(() => on(name, () => undefined)).toThrow(/not an event of FileOrganizer/);
    }
    expect(() => on('operations:result', 'not a function')).toThrow(/must be a function/);
    expect(listenerCount('ipc-message')).toBe(0);
  });

  it('pathForFile asks webUtils.getPathForFile', () => {
    const getPathForFile = vi.fn((file: object) => ((file as { name?: string }).name === 'Pictures' ? '/home/ada/Pictures' : ''));
    const { bridge } = loadBridge({ getPathForFile });
    const file = { name: 'Pictures' };
    expect(bridge.pathForFile(file)).toBe('/home/ada/Pictures');
    expect(getPathForFile).toHaveBeenCalledWith(file);
  });

  it('the app-only calls reach the app\'s handlers, validated', async () => {
    const { bridge, handlers } = loadBridge();
    expect(await bridge['app:chooseFolders']({ multiple: true })).toEqual({ ok: true, value: { paths: ['/home/ada/Pictures'] } });
    expect(handlers['app:chooseFolders']).toHaveBeenCalledWith({ multiple: true }, expect.objectContaining({ sender: expect.anything() }));
    expect(await bridge['app:showInFolder']({ path: '/home/ada/Pictures/a.jpg' })).toEqual({ ok: true, value: null });
    expect(handlers['app:showInFolder']).toHaveBeenCalledWith({ path: '/home/ada/Pictures/a.jpg' }, expect.anything());
    expect(await bridge['app:openFile']({ path: 'a.jpg' })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION', details: { issues: [{ path: 'path' }] } } });
    expect(handlers['app:openFile']).not.toHaveBeenCalled();
  });

  it('the page script for Chromium (preloadPageScript) defines the same read-only window.fileorg over its two bindings', async () => {
    const core = openTestCore();
    const ipc = fakeIpcMain();
    registerWindowIpc(ipc.ipcMain, core, { isOwnPage: (url) => url === OWN_PAGE });
    const page: Record<string, unknown> = { __fileorgIpcInvoke: (channel: string, input: unknown) => ipc.invoke(channel, input) };
    page.window = page;
    const context = vm.createContext(page);
    vm.runInContext(preloadPageScript(), context);
    const bridge = page[BRIDGE_KEY] as FileOrganizerBridge;
    expect(Object.keys(bridge).sort()).toEqual([...BRIDGE_METHOD_NAMES].sort());
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(await bridge['system:health']({})).toEqual({ ok: true, value: { status: 'ok' } });
    const heard: unknown[] = [];
    bridge.on('app:openFolder', (data) => { heard.push(data); });
    (page.__fileorgIpcDeliver as (channel: string, payload: unknown) => void)('app:openFolder', { path: '/home/ada/Pictures' });
    expect(heard).toEqual([{ path: '/home/ada/Pictures' }]);
    const file = {};
    (page.__fileorgFilePaths as WeakMap<object, string>).set(file, '/home/ada/Pictures');
    expect(bridge.pathForFile(file)).toBe('/home/ada/Pictures');
    expect(bridge.pathForFile({})).toBe('');
  });

  it('the page script runs the bundle in real Chromium under a strict CSP: window.fileorg works, no require or process, no CSP report', async () => {
    const core = openTestCore();
    const ipc = fakeIpcMain();
    registerWindowIpc(ipc.ipcMain, core, { isOwnPage: (url) => url === OWN_PAGE });
    const browser = await launchChromium();
    const page = await browser.newPage();
    const reports: string[] = [];
    page.on('console', (message) => { if (/Content.Security.Policy|Refused/i.test(message.text())) reports.push(message.text()); });
    page.on('pageerror', (error) => reports.push(error.message));
    // A page of our own with the app's kind of CSP, served by Playwright (no network here).
    await page.route('http://fileorg.test/**', (route) => route.fulfill({
      status: 200, contentType: 'text/html',
      headers: { 'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'" },
      body: '<!doctype html><title>FileOrganizer</title><main>page</main>',
    }));
    await attachPreload(page, ipc);
    await page.goto('http://fileorg.test/index.html');

    const surface = await page.evaluate((key) => {
      const scope = globalThis as unknown as Record<string, unknown>;
      return { keys: Object.keys(scope[key] as object).sort(), require: typeof scope.require, process: typeof scope.process };
    }, BRIDGE_KEY);
    expect(surface).toEqual({ keys: [...BRIDGE_METHOD_NAMES].sort(), require: 'undefined', process: 'undefined' });

    const root = tempDir('fileorg-preload-chromium-');
    writeTree(root, { 'a.jpg': 'a', 'b.txt': 'b' });
    const result = await page.evaluate(async ([key, folder]) => {
      const bridge = (globalThis as unknown as Record<string, FileOrganizerBridge>)[key] as FileOrganizerBridge;
      const finished = new Promise((resolve) => { bridge.on('operations:result', resolve); });
      const started = await bridge['operations:start']({ source_paths: [folder] });
      const invalid = await bridge['operations:start']({ source_paths: ['relative'] });
      return { started: started.ok, result: await finished, invalid };
    }, [BRIDGE_KEY, root] as const);
    expect(result).toMatchObject({ started: true, result: { status: 'completed', moved: 2 }, invalid: { ok: false, error: { code: 'E_VALIDATION' } } });
    expect(fs.readdirSync(root).sort()).toEqual(['Documents', 'Images']);
    expect(reports).toEqual([]);
  });
});
