import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contentSecurityPolicy } from '../src-main/app/content-security-policy.js';
import { fakeIpcMain } from './helpers/ipc.js';

/**
 * The built main process (dist/src-main/app/main.js) run in Node against an in-memory Electron: the real data
 * folder, core, IPC layer, protocol answers and policies, with only Electron's objects stood in for, so its
 * wiring is checked where no Electron binary is (the smoke test runs it in the real Electron where one is). Each
 * launch imports main.js afresh over its own stand-in, as a new process would run it.
 */
function fakeElectron(options: { packaged?: boolean; lock?: boolean }) {
  const calls: Array<[string, ...unknown[]]> = [];
  const record = (name: string, ...args: unknown[]): void => { calls.push([name, ...args]); };
  let markReady = (): void => undefined;
  const ready = new Promise<void>((resolve) => { markReady = resolve; });
  const handlers: Record<string, unknown> = {};

  class FakeWebContents extends EventEmitter {
    sent: Array<{ channel: string; payload: unknown }> = [];
    windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
    webRTCPolicy: string | undefined;
    constructor(readonly id: number) { super(); }
    send(channel: string, payload: unknown): void { this.sent.push({ channel, payload }); }
    isDestroyed(): boolean { return false; }
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void { this.windowOpenHandler = handler; }
    setWebRTCIPHandlingPolicy(policy: string): void { this.webRTCPolicy = policy; }
    /** Electron's events of one page load, in its order: started, committed, loaded */
    load(): void {
      this.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
      this.emit('did-navigate', {}, 'app://fileorganizer/', 200, 'OK');
      this.emit('did-finish-load');
    }
  }

  const app = Object.assign(new EventEmitter(), {
    isPackaged: options.packaged ?? false,
    paths: new Map<string, string>([['userData', '/nonexistent/default-user-data']]),
    getPath(name: string): string { return this.paths.get(name) ?? ''; },
    setPath(name: string, value: string): void { this.paths.set(name, value); },
    getName: () => 'FileOrganizer',
    getAppPath: () => path.resolve(import.meta.dirname, '..'),
    requestSingleInstanceLock: () => { record('requestSingleInstanceLock'); return options.lock ?? true; },
    enableSandbox: () => record('enableSandbox'),
    whenReady: () => { record('whenReady'); return ready; },
    exit: (code: number) => record('exit', code),
    /** as Electron's: before-quit first, and a quit only when nobody prevented it */
    quit(): void {
      let prevented = false;
      app.emit('before-quit', { preventDefault: () => { prevented = true; } });
      record(prevented ? 'quit held' : 'quit');
    },
  });

  const windows: FakeWindow[] = [];
  let nextId = 1;
  class FakeWindow extends EventEmitter {
    readonly webContents: FakeWebContents;
    loaded: string[] = [];
    maximized = false;
    constructor(readonly options: Record<string, unknown>) {
      super();
      this.webContents = new FakeWebContents(nextId++);
      windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    static fromWebContents(contents: unknown): FakeWindow | null { return windows.find((window) => window.webContents === contents) ?? null; }
    async loadURL(url: string): Promise<void> { this.loaded.push(url); }
    maximize(): void { record('maximize'); this.maximized = true; }
    isMinimized(): boolean { return false; }
    restore(): void { record('restore'); }
    show(): void { record('show'); }
    focus(): void { record('focus'); }
    isMaximized(): boolean { return this.maximized; }
    getNormalBounds() { return { x: Number(this.options.x), y: Number(this.options.y), width: Number(this.options.width), height: Number(this.options.height) }; }
    /** the person closes it: its size and place are kept, then it is gone */
    close(): void {
      this.emit('close');
      this.emit('closed');
    }
  }

  const ipc = fakeIpcMain();
  const workArea = { x: 0, y: 0, width: 1600, height: 1000 };
  const defaultSession = Object.assign(new EventEmitter(), {
    setPermissionRequestHandler: (handler: unknown) => { handlers.permissionRequest = handler; },
    setPermissionCheckHandler: (handler: unknown) => { handlers.permissionCheck = handler; },
    webRequest: {
      onHeadersReceived: (handler: unknown) => { handlers.headersReceived = handler; },
      onBeforeRequest: (handler: unknown) => { handlers.beforeRequest = handler; },
    },
  });
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    ipcMain: ipc.ipcMain,
    webContents: { fromId: (id: number) => windows.find((window) => window.webContents.id === id)?.webContents },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown) => record('registerSchemesAsPrivileged', schemes),
      handle: (scheme: string, handler: unknown) => { handlers[`protocol:${scheme}`] = handler; },
    },
    session: { defaultSession },
    dialog: {
      showOpenDialog: async (...args: unknown[]) => { record('showOpenDialog', ...args); return { canceled: false, filePaths: ['/home/me/Downloads'] }; },
      showErrorBox: (...args: unknown[]) => record('showErrorBox', ...args),
    },
    shell: {
      openExternal: async (url: string) => record('openExternal', url),
      showItemInFolder: (fullPath: string) => record('showItemInFolder', fullPath),
      openPath: async (fullPath: string) => { record('openPath', fullPath); return ''; },
    },
    Menu: { buildFromTemplate: (template: unknown) => template, setApplicationMenu: (menu: unknown) => { handlers.menu = menu; } },
    nativeTheme: { shouldUseDarkColors: false },
    screen: { getAllDisplays: () => [{ workArea }], getPrimaryDisplay: () => ({ workArea }) },
  };

  /** how many times a call was made */
  const count = (name: string): number => calls.filter(([called]) => called === name).length;
  /** what main's protocol handler answers an app:// request */
  const serve = (url: string): Response => (handlers['protocol:app'] as (request: { url: string; method: string }) => Response)({ url, method: 'GET' });
  /** whether main's onBeforeRequest lets a request out */
  const requestLetThrough = (url: string): boolean => {
    let cancel: boolean | undefined;
    (handlers.beforeRequest as (details: { url: string }, callback: (response: { cancel?: boolean }) => void) => void)({ url }, (response) => { cancel = response.cancel; });
    return cancel === false;
  };
  return { electron, app, windows, ipc, calls, handlers, markReady, FakeWebContents, defaultSession, count, serve, requestLetThrough };
}
type FakeElectron = ReturnType<typeof fakeElectron>;

// Made here, not with tempDir (which empties its folders after each test): they outlive the tests that use them.
const made: string[] = [];
const madeDir = (prefix: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
};
const signalListeners = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
afterAll(() => {
  // Each launch that got ready listened for SIGINT and SIGTERM, as the one process it would be.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) if (!signalListeners[signal].includes(listener)) process.off(signal, listener);
  }
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** main.js imported afresh over a new stand-in Electron, with this environment and command line (as a new process). */
async function launch(options: { dataDir: string; argv?: string[]; env?: Record<string, string>; packaged?: boolean; lock?: boolean }): Promise<FakeElectron> {
  const fake = fakeElectron(options);
  const env: Record<string, string | undefined> = { FILEORG_DATA_DIR: options.dataDir, FILEORG_DEV_SERVER_URL: undefined, FILEORG_DEV_CSP_NONCE: undefined, ...options.env };
  const savedEnv = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  const savedArgv = [...process.argv];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  process.argv.push(...(options.argv ?? []));
  vi.resetModules();
  vi.doMock('electron', () => fake.electron);
  try {
    await import('../dist/src-main/app/main.js');
  } finally {
    process.argv.splice(0, process.argv.length, ...savedArgv);
    for (const [name, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  return fake;
}

/** Ready, and its window made. */
async function ready(fake: FakeElectron, windows = 1): Promise<void> {
  fake.markReady();
  await vi.waitFor(() => expect(fake.windows).toHaveLength(windows));
}

/** Quit, as the person would: held until the core closed, then let through. */
async function quit(fake: FakeElectron): Promise<void> {
  fake.app.quit();
  await vi.waitFor(() => expect(fake.calls.at(-1)).toEqual(['quit']));
}

const OWN = 'app://fileorganizer/organize';
const navigation = (url: string) => ({ url, preventDefault: vi.fn() });
const pushedFolders = (contents: { sent: Array<{ channel: string; payload: unknown }> } | undefined): unknown[] =>
  (contents?.sent ?? []).filter((message) => message.channel === 'app:openFolder').map((message) => message.payload);

describe('the main process, wired', () => {
  const dataDir = madeDir('fileorg-app-main-');
  const folder = madeDir('fileorg-app-main-folder-');
  const other = madeDir('fileorg-app-main-other-');
  let fake: FakeElectron;
  beforeAll(async () => {
    // The folder a first launch was given on its command line.
    fake = await launch({ dataDir, argv: [folder] });
  });

  it('before ready: the app: scheme privileged, every renderer sandboxed, one instance per data folder, Chromium\'s profile in it', () => {
    expect(fake.calls).toContainEqual(['registerSchemesAsPrivileged', [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]]);
    expect(fake.calls).toContainEqual(['enableSandbox']);
    expect(fake.calls).toContainEqual(['requestSingleInstanceLock']);
    expect(fake.app.getPath('userData')).toBe(dataDir);
    expect(fake.windows).toHaveLength(0);
  });

  it('once ready: opens the data folder, denies every permission and download, lets nothing out but its page, serves app:// with its CSP, and opens one hardened window on its page', async () => {
    await ready(fake);
    expect(fs.existsSync(path.join(dataDir, 'fileorganizer.db'))).toBe(true);

    const granted = vi.fn();
    (fake.handlers.permissionRequest as (...args: unknown[]) => void)({}, 'media', granted, {});
    expect(granted).toHaveBeenCalledExactlyOnceWith(false);
    expect((fake.handlers.permissionCheck as (...args: unknown[]) => boolean)({}, 'clipboard-read', 'app://fileorganizer', {})).toBe(false);
    const download = { preventDefault: vi.fn() };
    fake.defaultSession.emit('will-download', download, {}, fake.windows[0]?.webContents);
    expect(download.preventDefault).toHaveBeenCalledOnce();

    // Requests: the window's own files, and not one byte anywhere else (no dev server here, and no devtools
    // files refused in an unpackaged run).
    for (const allowed of ['app://fileorganizer/', 'app://fileorganizer/assets/index-abc.js', 'data:image/png;base64,AAAA', 'devtools://devtools/bundled/devtools_app.html']) {
      expect(fake.requestLetThrough(allowed), allowed).toBe(true);
    }
    for (const refused of ['https://example.org/', 'http://127.0.0.1:5173/', 'ws://127.0.0.1:5173/', 'file:///etc/passwd', 'app://other/', 'chrome-extension://abc/x.js', 'blob:https://example.org/1']) {
      expect(fake.requestLetThrough(refused), refused).toBe(false);
    }
    expect(fake.handlers.headersReceived).toBeUndefined();

    const page = fake.serve('app://fileorganizer/organize');
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Security-Policy')).toBe(contentSecurityPolicy());
    expect(await page.text()).toContain('<div id="root">');
    const map = fake.serve('app://fileorganizer/assets/%2e%2e/%2e%2e/package.json');
    expect(map.status).toBe(404);
    expect(map.headers.get('Content-Security-Policy')).toBe(contentSecurityPolicy());

    const window = fake.windows[0];
    expect(window?.loaded).toEqual(['app://fileorganizer/']);
    expect(window?.options.webPreferences).toMatchObject({
      preload: path.resolve(import.meta.dirname, '..', 'dist', 'app', 'preload.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, devTools: true,
    });
    expect(window?.webContents.webRTCPolicy).toBe('disable_non_proxied_udp');
    expect(fake.handlers.menu).toBeInstanceOf(Array);
  });

  it('keeps the window on its own page, opens no window, attaches no webview, leaks no address over WebRTC, for any web contents', () => {
    const contents = fake.windows[0]?.webContents;
    const another = new fake.FakeWebContents(99);
    fake.app.emit('web-contents-created', {}, another);
    for (const each of [contents, another]) {
      for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
        const away = navigation('https://example.org/');
        each?.emit(event, away);
        expect(away.preventDefault, event).toHaveBeenCalledOnce();
        const home = navigation(OWN);
        each?.emit(event, home);
        expect(home.preventDefault, event).not.toHaveBeenCalled();
      }
      const webview = { preventDefault: vi.fn() };
      each?.emit('will-attach-webview', webview, {}, {});
      expect(webview.preventDefault).toHaveBeenCalledOnce();
      expect(each?.windowOpenHandler?.({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
      expect(each?.webRTCPolicy).toBe('disable_non_proxied_udp');
    }
    expect(fake.calls.filter(([name]) => name === 'openExternal')).toEqual([]);
  });

  it('answers the window\'s calls as the local profile, the app-only calls with a dialog parented to it, and refuses another page', async () => {
    expect(await fake.ipc.invoke('operations:list', {})).toMatchObject({ ok: true, value: { items: [] } });
    expect(await fake.ipc.invoke('app:chooseFolders', { multiple: false })).toEqual({ ok: true, value: { paths: ['/home/me/Downloads'] } });
    const dialog = fake.calls.find(([name]) => name === 'showOpenDialog');
    expect(dialog?.[1]).toBe(fake.windows[0]);
    expect(await fake.ipc.invoke('operations:list', {}, fake.ipc.frame('https://example.org/'))).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } });
  });

  it('hands the window the folder it was launched with once its page loaded, and a second launch\'s folder; nothing else', () => {
    const contents = fake.windows[0]?.webContents;
    expect(pushedFolders(contents)).toEqual([]);
    contents?.load();
    expect(pushedFolders(contents)).toEqual([{ path: folder }]);
    const file = path.join(folder, 'a.txt');
    fs.writeFileSync(file, 'x');
    for (const argv of [['/usr/bin/fileorganizer', 'relative/folder'], ['/usr/bin/fileorganizer', path.join(folder, 'missing')], ['/usr/bin/fileorganizer', file], ['/usr/bin/fileorganizer', '--flag']]) {
      fake.app.emit('second-instance', {}, argv, '/', {});
    }
    expect(pushedFolders(contents)).toHaveLength(1);
    const focused = fake.count('focus');
    fake.app.emit('second-instance', {}, ['/usr/bin/fileorganizer', other], '/', {});
    expect(pushedFolders(contents).at(-1)).toEqual({ path: other });
    expect(fake.count('focus')).toBe(focused + 1);
  });

  it('a second launch without a folder brings the window to the front and hands it nothing', () => {
    const contents = fake.windows[0]?.webContents;
    const sent = contents?.sent.length;
    const focused = fake.count('focus');
    fake.app.emit('second-instance', {}, ['/usr/bin/fileorganizer'], '/', {});
    expect(fake.count('focus')).toBe(focused + 1);
    expect(contents?.sent.length).toBe(sent);
  });

  it('a folder handed over while the page reloads waits for the new page; a same-page navigation or a refused one does not hold it', () => {
    const contents = fake.windows[0]?.webContents;
    const before = pushedFolders(contents).length;
    contents?.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
    fake.app.emit('second-instance', {}, ['/usr/bin/fileorganizer', folder], '/', {});
    expect(pushedFolders(contents)).toHaveLength(before); // the old page is on its way out
    contents?.emit('did-navigate', {}, 'app://fileorganizer/', 200, 'OK');
    expect(pushedFolders(contents)).toHaveLength(before);
    contents?.emit('did-finish-load');
    expect(pushedFolders(contents)).toHaveLength(before + 1);
    expect(pushedFolders(contents).at(-1)).toEqual({ path: folder });

    // A history or # navigation keeps the page; a subframe's does not concern it.
    contents?.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true });
    contents?.emit('did-start-navigation', { isMainFrame: false, isSameDocument: false });
    fake.app.emit('second-instance', {}, ['/usr/bin/fileorganizer', other], '/', {});
    expect(pushedFolders(contents).at(-1)).toEqual({ path: other });

    // A navigation elsewhere, refused (cancelled before it committed): the page it left is still there.
    const count = pushedFolders(contents).length;
    contents?.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
    fake.app.emit('second-instance', {}, ['/usr/bin/fileorganizer', folder], '/', {});
    expect(pushedFolders(contents)).toHaveLength(count);
    contents?.emit('did-fail-provisional-load', {}, -3, 'ERR_ABORTED', 'https://example.org/', true, 1, 1);
    expect(pushedFolders(contents)).toHaveLength(count + 1);
  });

  it('keeps the window\'s size and place when it closes; with no window (macOS keeps the app), a second launch opens a new one and hands it its folder', async () => {
    const first = fake.windows[0];
    const firstHeard = pushedFolders(first?.webContents).length;
    first?.close();
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'window-state.json'), 'utf8'))).toEqual({ x: 200, y: 100, width: 1200, height: 800, maximized: false });

    fake.app.emit('second-instance', {}, ['/usr/bin/fileorganizer', other], '/', {});
    expect(fake.windows).toHaveLength(2);
    const second = fake.windows[1];
    expect(second?.loaded).toEqual(['app://fileorganizer/']);
    expect(pushedFolders(second?.webContents)).toEqual([]);
    second?.webContents.load();
    expect(pushedFolders(second?.webContents)).toEqual([{ path: other }]);
    expect(pushedFolders(first?.webContents)).toHaveLength(firstHeard);

    // Closed again: a second launch without a folder opens a window too.
    second?.close();
    fake.app.emit('second-instance', {}, ['/usr/bin/fileorganizer'], '/', {});
    expect(fake.windows).toHaveLength(3);
    // macOS: a folder dropped on the Dock icon with no window open.
    fake.windows[2]?.close();
    const dropped = { preventDefault: vi.fn() };
    fake.app.emit('open-file', dropped, folder);
    expect(dropped.preventDefault).toHaveBeenCalledOnce();
    expect(fake.windows).toHaveLength(4);
    fake.windows[3]?.webContents.load();
    expect(pushedFolders(fake.windows[3]?.webContents)).toEqual([{ path: folder }]);
  });

  it('quits only once the core has closed, and its IPC is gone with it', async () => {
    fake.app.quit();
    expect(fake.calls.at(-1)).toEqual(['quit held']);
    await vi.waitFor(() => expect(fake.calls.at(-1)).toEqual(['quit']));
    expect(fake.ipc.listeners.has('operations:list')).toBe(false);
    expect(fake.ipc.listeners.has('app:chooseFolders')).toBe(false);
  });
});

describe('the main process, launched again', () => {
  it('opens the window where it was kept, maximized again when it was', async () => {
    const dataDir = madeDir('fileorg-app-main-bounds-');
    fs.writeFileSync(path.join(dataDir, 'window-state.json'), `${JSON.stringify({ x: 40, y: 30, width: 900, height: 700, maximized: true })}\n`);
    const fake = await launch({ dataDir });
    await ready(fake);
    expect(fake.windows[0]?.options).toMatchObject({ x: 40, y: 30, width: 900, height: 700 });
    expect(fake.count('maximize')).toBe(1);
    fake.windows[0]?.close();
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'window-state.json'), 'utf8'))).toEqual({ x: 40, y: 30, width: 900, height: 700, maximized: true });
    await quit(fake);
  });

  it('where another FileOrganizer holds the data folder, quits at once: no core, no window, no IPC', async () => {
    const dataDir = madeDir('fileorg-app-main-second-');
    const fake = await launch({ dataDir, argv: [madeDir('fileorg-app-main-folder-')], lock: false });
    expect(fake.calls).toContainEqual(['requestSingleInstanceLock']);
    expect(fake.calls).toContainEqual(['quit']);
    // It never waits for ready: nothing of it is ever made.
    expect(fake.calls.map(([name]) => name)).not.toContain('whenReady');
    fake.markReady();
    expect(fake.windows).toHaveLength(0);
    expect(fake.ipc.listeners.size).toBe(0);
    expect(fake.handlers['protocol:app']).toBeUndefined();
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('under npm start: the dev server\'s exact origin is the page, its answers get the CSP with the nonce, requests go to it and nowhere else', async () => {
    const devServerOrigin = 'http://127.0.0.1:5173';
    const devNonce = 'bm9uY2Vub25jZW5vbmNlbm9uY2U=';
    const fake = await launch({ dataDir: madeDir('fileorg-app-main-dev-'), env: { FILEORG_DEV_SERVER_URL: `${devServerOrigin}/`, FILEORG_DEV_CSP_NONCE: devNonce } });
    await ready(fake);
    expect(fake.windows[0]?.loaded).toEqual([`${devServerOrigin}/`]);

    // Its own page is exactly the dev server's origin.
    expect(await fake.ipc.invoke('operations:list', {}, fake.ipc.frame(`${devServerOrigin}/organize`))).toMatchObject({ ok: true });
    for (const elsewhere of ['http://127.0.0.1:5174/', 'http://localhost:5173/', 'app://fileorganizer/']) {
      expect(await fake.ipc.invoke('operations:list', {}, fake.ipc.frame(elsewhere)), elsewhere).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } });
    }
    const contents = fake.windows[0]?.webContents;
    const away = navigation('app://fileorganizer/');
    contents?.emit('will-navigate', away);
    expect(away.preventDefault).toHaveBeenCalledOnce();

    // vite sends no CSP: the window's, with npm start's nonce, is laid over the dev server's answers only.
    const csp = contentSecurityPolicy({ devServerOrigin, devNonce });
    const headers = fake.handlers.headersReceived as (details: { url: string; responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders?: Record<string, string[]> }) => void) => void;
    const answered = vi.fn();
    headers({ url: `${devServerOrigin}/src/main.tsx`, responseHeaders: { 'Content-Type': ['text/javascript'] } }, answered);
    expect(answered).toHaveBeenCalledExactlyOnceWith({ responseHeaders: { 'Content-Type': ['text/javascript'], 'Content-Security-Policy': [csp] } });
    const elsewhere = vi.fn();
    headers({ url: 'http://127.0.0.1:51730/x', responseHeaders: {} }, elsewhere);
    expect(elsewhere).toHaveBeenCalledExactlyOnceWith({});

    for (const allowed of [`${devServerOrigin}/`, `${devServerOrigin}/@vite/client`, 'ws://127.0.0.1:5173/?token=abc']) {
      expect(fake.requestLetThrough(allowed), allowed).toBe(true);
    }
    for (const refused of ['http://127.0.0.1:5174/', 'ws://127.0.0.1:5174/', 'https://example.org/', 'app://fileorganizer/']) {
      expect(fake.requestLetThrough(refused), refused).toBe(false);
    }
    await quit(fake);
  });

  it('installed (packaged): npm start\'s variables are ignored, the window is app:// with the built CSP, no developer tools', async () => {
    const fake = await launch({
      dataDir: madeDir('fileorg-app-main-packaged-'), packaged: true,
      env: { FILEORG_DEV_SERVER_URL: 'http://127.0.0.1:5173/', FILEORG_DEV_CSP_NONCE: 'bm9uY2Vub25jZW5vbmNlbm9uY2U=' },
    });
    await ready(fake);
    expect(fake.windows[0]?.loaded).toEqual(['app://fileorganizer/']);
    expect(fake.handlers.headersReceived).toBeUndefined();
    expect(fake.serve('app://fileorganizer/').headers.get('Content-Security-Policy')).toBe(contentSecurityPolicy());
    expect(await fake.ipc.invoke('operations:list', {}, fake.ipc.frame('http://127.0.0.1:5173/'))).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } });
    expect(await fake.ipc.invoke('operations:list', {})).toMatchObject({ ok: true });
    expect(fake.windows[0]?.options.webPreferences).toMatchObject({ devTools: false });
    expect(fake.requestLetThrough('http://127.0.0.1:5173/')).toBe(false);
    expect(fake.requestLetThrough('devtools://devtools/bundled/devtools_app.html')).toBe(false);
    expect(fake.requestLetThrough('app://fileorganizer/')).toBe(true);
    await quit(fake);
  });
});
