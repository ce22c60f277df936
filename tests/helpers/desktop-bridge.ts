import fs from 'node:fs';
import http from 'node:http';
import { type AddressInfo } from 'node:net';
import path from 'node:path';
import { type Page } from 'playwright-core';
import { afterEach } from 'vitest';
import { type AppHandlers } from '../../src-main/api/app-ipc.js';
import { registerWindowIpc } from '../../src-main/api/window-ipc.js';
import { answerAppRequest } from '../../src-main/app/app-files.js';
import { contentSecurityPolicy } from '../../src-main/app/content-security-policy.js';
import { APP_ORIGIN } from '../../src-main/app/own-page.js';
import { type AppCore, openAppCore } from '../../src-main/core/compose.js';
import { type AppChannelName } from '../../src-shared/app-contract.js';
import { type BridgeEventName } from '../../src-shared/bridge.js';
import { fakeIpcMain } from './ipc.js';
import { attachPreload } from './preload-harness.js';

/**
 * The renderer in real Chromium as the desktop app's window runs it: the built page (dist/renderer) from a
 * loopback server of the test's own, answered as the app's app:// protocol answers it, and the REAL preload
 * bundle (dist/app/preload.cjs) run in the page before its scripts (the preload harness's attachPreload), whose
 * stand-in `require('electron')` reaches, through a Playwright binding, the IPC listeners registerWindowIpc
 * registered in this process over a real core on the test's data folder, from the page's own address. Main's
 * pushes to the window reach the preload's listeners in the page.
 * The app-only calls (folder dialog, file manager) are stand-ins that answer what the test chose and record
 * what the window asked.
 */

export const RENDERER_DIR = path.resolve(import.meta.dirname, '..', '..', 'dist', 'renderer');
/** Where the preload harness's page script keeps the paths of Files a test drops (File -> path). */
const FILE_PATHS = '__fileorgFilePaths';

/**
 * dist/renderer on 127.0.0.1, answered by the app's own app:// handler (src-main/app/app-files.ts) with the
 * app's own CSP (connect nowhere: the page talks through the preload): the page at the window's addresses, its
 * hashed assets and icon, nothing else. (Chromium here cannot load app://, so the origin is loopback.)
 */
async function serveRenderer(): Promise<{ origin: string; close: () => Promise<void> }> {
  if (!fs.existsSync(path.join(RENDERER_DIR, 'index.html'))) throw new Error(`${RENDERER_DIR} has no index.html: build the window with npm run build:renderer`);
  const csp = contentSecurityPolicy();
  const server = http.createServer((request, response) => {
    const answer = answerAppRequest({ url: `${APP_ORIGIN}${request.url ?? '/'}`, method: request.method ?? 'GET' }, RENDERER_DIR, csp);
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body ?? undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** A call the window made to the app-only stand-ins: which, and with what. */
export interface AppCall { name: AppChannelName; input: unknown }

export interface DesktopApp {
  core: AppCore;
  /** where the test's server serves the window: the page's own origin */
  origin: string;
  /** the app-only calls the window made, in order */
  appCalls: AppCall[];
  /** what the next folder dialog answers (none: as if cancelled) */
  chooseAnswer: string[];
  /** pushes an event to the window as main does (e.g. app:openFolder) */
  push(event: BridgeEventName, payload: unknown): void;
  /** readies the bridge in `page` (before it loads anything): the preload, its IPC, and the pushes */
  attach(page: Page): Promise<void>;
  /** a second window of the app (no page): calls as it would, e.g. to record operations */
  otherWindow(): { invoke(channel: string, input?: unknown): Promise<unknown> };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  // The page first (it stops calling), then IPC (which ends the windows' logins), then the core.
  for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => undefined);
});
/** Closed after this test, in order, before the app's core closes. */
export function closeAfterTest(cleanup: () => Promise<void>): void {
  cleanups.unshift(cleanup);
}

/**
 * The app's side of one window: a core over `dataDir` (with the knobs the CLI reads from the environment, given
 * here), the window's IPC registered on a fake ipcMain, the app-only stand-ins, and the page's server.
 */
export async function startDesktopApp(dataDir: string, options: { pageSize?: number; pageDelayMs?: number } = {}): Promise<DesktopApp> {
  const core = openAppCore({
    dataDir,
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    ...(options.pageDelayMs ? { pageDelayMs: options.pageDelayMs } : {}),
  });
  const site = await serveRenderer();
  const ipc = fakeIpcMain();
  const appCalls: AppCall[] = [];
  const app: DesktopApp = {
    core, origin: site.origin, appCalls, chooseAnswer: [],
    push: (event, payload) => ipc.sender.send(event, payload),
    attach: async (page) => {
      // The calls come from the page's own top frame, at its address: the sender check sees where it really is.
      const stopPushes = await attachPreload(page, { invoke: (channel, input) => ipc.invoke(channel, input, { url: page.url(), parent: null }), onPush: ipc.onPush });
      closeAfterTest(async () => stopPushes());
    },
    otherWindow: () => {
      const window = ipc.openWindow();
      return { invoke: (channel, input) => window.invoke(channel, input, { url: `${site.origin}/organize`, parent: null }) };
    },
  };
  const handlers: AppHandlers = {
    'app:chooseFolders': async (input) => { appCalls.push({ name: 'app:chooseFolders', input }); return { paths: app.chooseAnswer }; },
    'app:showInFolder': async (input) => { appCalls.push({ name: 'app:showInFolder', input }); return null; },
    'app:openFile': async (input) => { appCalls.push({ name: 'app:openFile', input }); return null; },
  };
  const unregister = registerWindowIpc(ipc.ipcMain, core, { isOwnPage: (url) => url.startsWith(`${site.origin}/`), appHandlers: handlers });
  // Registered first, so run last: after the page and the IPC are gone.
  closeAfterTest(async () => {
    unregister();
    ipc.destroy();
    await site.close();
    await core.close();
  });
  return app;
}

/**
 * Drops files on `target` as the file manager would: each File is made in the page, and the bridge's
 * webUtils.getPathForFile answers the path given for it.
 */
export async function dropPaths(page: Page, selector: string, paths: string[]): Promise<void> {
  const transfer = await page.evaluateHandle(([names, key]) => {
    const data = new DataTransfer();
    const filePaths = (window as unknown as Record<string, WeakMap<File, string>>)[key as string] as WeakMap<File, string>;
    for (const name of names as string[]) {
      const file = new File([''], name.split('/').at(-1) ?? name);
      filePaths.set(file, name);
      data.items.add(file);
    }
    return data;
  }, [paths, FILE_PATHS] as const);
  await page.locator(selector).dispatchEvent('drop', { dataTransfer: transfer });
}
