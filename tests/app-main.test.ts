import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contentSecurityPolicy } from '../src-main/app/content-security-policy.js';

/**
 * The built main process (dist/src-main/app/main.js) run in Node against an in-memory Electron: the real data
 * folder, core, IPC layer, protocol answers and policies, with only Electron's objects stood in for, so its
 * wiring is checked where no Electron binary is (the smoke test runs it in the real Electron where one is).
 */
const fake = await vi.hoisted(async () => {
  const { EventEmitter } = await import('node:events');
  const { fakeIpcMain } = await import('./helpers/ipc.js');
  const calls: Array<[string, ...unknown[]]> = [];
  const record = (name: string, ...args: unknown[]): void => { calls.push([name, ...args]); };
  let markReady = (): void => undefined;
  const ready = new Promise<void>((resolve) => { markReady = resolve; });

  class FakeWebContents extends EventEmitter {
    sent: Array<{ channel: string; payload: unknown }> = [];
    windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
    constructor(readonly id: number) { super(); }
    send(channel: string, payload: unknown): void { this.sent.push({ channel, payload }); }
    isDestroyed(): boolean { return false; }
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void { this.windowOpenHandler = handler; }
  }

  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    paths: new Map<string, string>([['userData', '/nonexistent/default-user-data']]),
    getPath(name: string): string { return this.paths.get(name) ?? ''; },
    setPath(name: string, value: string): void { this.paths.set(name, value); },
    getName: () => 'FileOrganizer',
    getAppPath: () => path.resolve(import.meta.dirname, '..'),
    requestSingleInstanceLock: () => { record('requestSingleInstanceLock'); return true; },
    enableSandbox: () => record('enableSandbox'),
    whenReady: () => ready,
    exit: (code: number) => record('exit', code),
    /** as Electron's: before-quit first, and a quit only when nobody prevented it */
    quit(): void {
      let prevented = false;
      app.emit('before-quit', { preventDefault: () => { prevented = true; } });
      record(prevented ? 'quit held' : 'quit');
    },
  });

  const windows: FakeWindow[] = [];
  class FakeWindow extends EventEmitter {
    readonly webContents: FakeWebContents;
    loaded: string[] = [];
    constructor(readonly options: Record<string, unknown>) {
      super();
      this.webContents = new FakeWebContents(1);
      windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    static fromWebContents(contents: unknown): FakeWindow | null { return windows.find((window) => window.webContents === contents) ?? null; }
    async loadURL(url: string): Promise<void> { this.loaded.push(url); }
    maximize(): void { record('maximize'); }
    isMinimized(): boolean { return false; }
    restore(): void { record('restore'); }
    show(): void { record('show'); }
    focus(): void { record('focus'); }
    isMaximized(): boolean { return false; }
    getNormalBounds() { return { x: Number(this.options.x), y: Number(this.options.y), width: Number(this.options.width), height: Number(this.options.height) }; }
  }

  const ipc = fakeIpcMain();
  const workArea = { x: 0, y: 0, width: 1600, height: 1000 };
  const handlers: Record<string, unknown> = {};
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    ipcMain: ipc.ipcMain,
    webContents: { fromId: (id: number) => windows.find((window) => window.webContents.id === id)?.webContents },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown) => record('registerSchemesAsPrivileged', schemes),
      handle: (scheme: string, handler: unknown) => { handlers[`protocol:${scheme}`] = handler; },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: unknown) => { handlers.permissionRequest = handler; },
        setPermissionCheckHandler: (handler: unknown) => { handlers.permissionCheck = handler; },
        webRequest: { onHeadersReceived: () => record('onHeadersReceived') },
      },
    },
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
  return { electron, app, windows, ipc, calls, handlers, markReady, FakeWebContents };
});

vi.mock('electron', () => fake.electron);

// Made here, not with tempDir (which empties its folders after each test): they outlive the tests in this file.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fileorg-app-main-'));
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'fileorg-app-main-folder-'));
const OWN = 'app://fileorganizer/organize';
const navigation = (url: string) => ({ url, preventDefault: vi.fn() });

beforeAll(async () => {
  process.env.FILEORG_DATA_DIR = dataDir;
  delete process.env.FILEORG_DEV_SERVER_URL;
  // The folder a first launch was given on its command line.
  process.argv.push(folder);
  await import('../dist/src-main/app/main.js');
});
afterAll(() => {
  process.argv.pop();
  delete process.env.FILEORG_DATA_DIR;
  for (const made of [dataDir, folder]) fs.rmSync(made, { recursive: true, force: true });
});

describe('the main process, wired', () => {
  it('before ready: the app: scheme privileged, every renderer sandboxed, one instance per data folder, Chromium\'s profile in it', () => {
    expect(fake.calls).toContainEqual(['registerSchemesAsPrivileged', [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]]);
    expect(fake.calls).toContainEqual(['enableSandbox']);
    expect(fake.calls).toContainEqual(['requestSingleInstanceLock']);
    expect(fake.app.getPath('userData')).toBe(dataDir);
    expect(fake.windows).toHaveLength(0);
  });

  it('once ready: opens the data folder, denies every permission, serves app:// with its CSP, and opens one hardened window on its page', async () => {
    fake.markReady();
    await vi.waitFor(() => expect(fake.windows).toHaveLength(1));
    expect(fs.existsSync(path.join(dataDir, 'fileorganizer.db'))).toBe(true);

    const granted = vi.fn();
    (fake.handlers.permissionRequest as (...args: unknown[]) => void)({}, 'media', granted, {});
    expect(granted).toHaveBeenCalledExactlyOnceWith(false);
    expect((fake.handlers.permissionCheck as (...args: unknown[]) => boolean)({}, 'clipboard-read', 'app://fileorganizer', {})).toBe(false);

    const serve = fake.handlers['protocol:app'] as (request: { url: string; method: string }) => Response;
    const page = serve({ url: 'app://fileorganizer/organize', method: 'GET' });
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Security-Policy')).toBe(contentSecurityPolicy());
    expect(await page.text()).toContain('<div id="root">');
    const map = serve({ url: 'app://fileorganizer/assets/%2e%2e/%2e%2e/package.json', method: 'GET' });
    expect(map.status).toBe(404);
    expect(map.headers.get('Content-Security-Policy')).toBe(contentSecurityPolicy());

    const window = fake.windows[0];
    expect(window?.loaded).toEqual(['app://fileorganizer/']);
    expect(window?.options.webPreferences).toMatchObject({
      preload: path.resolve(import.meta.dirname, '..', 'dist', 'app', 'preload.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true,
    });
    expect(fake.handlers.menu).toBeInstanceOf(Array);
  });

  it('keeps the window on its own page, opens no window, attaches no webview, for any web contents', () => {
    const contents = fake.windows[0]?.webContents;
    const other = new fake.FakeWebContents(99);
    fake.app.emit('web-contents-created', {}, other);
    for (const each of [contents, other]) {
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
    expect(contents?.sent).toEqual([]);
    contents?.emit('did-finish-load');
    expect(contents?.sent).toEqual([{ channel: 'app:openFolder', payload: { path: folder } }]);
    const file = path.join(folder, 'a.txt');
    fs.writeFileSync(file, 'x');
    for (const argv of [['/usr/bin/fileorganizer', 'relative/folder'], ['/usr/bin/fileorganizer', path.join(folder, 'missing')], ['/usr/bin/fileorganizer', file], ['/usr/bin/fileorganizer', '--flag']]) {
      fake.app.emit('second-instance', {}, argv, '/', {});
    }
    expect(contents?.sent).toHaveLength(1);
    fake.app.emit('second-instance', {}, ['/usr/bin/fileorganizer', dataDir], '/', {});
    expect(contents?.sent.at(-1)).toEqual({ channel: 'app:openFolder', payload: { path: dataDir } });
    expect(fake.calls).toContainEqual(['focus']);
  });

  it('keeps the window\'s size and place when it closes, and quits only once the core has closed', async () => {
    fake.windows[0]?.emit('close');
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'window-state.json'), 'utf8'))).toEqual({ x: 200, y: 100, width: 1200, height: 800, maximized: false });
    fake.app.quit();
    expect(fake.calls.at(-1)).toEqual(['quit held']);
    await vi.waitFor(() => expect(fake.calls.at(-1)).toEqual(['quit']));
    // Its IPC is gone with it.
    expect(fake.ipc.listeners.has('operations:list')).toBe(false);
    expect(fake.ipc.listeners.has('app:chooseFolders')).toBe(false);
  });
});
