import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { type Page } from 'playwright-core';
import { type FakeWindow } from './ipc.js';

/**
 * Running the BUILT preload (dist/app/preload.cjs, made by `node build/bundle-app.mjs`) outside Electron, the
 * same file the app loads: in node:vm here (tests/preload.test.ts), or in a real Chromium page (the renderer's
 * suite with the preload client).
 *
 * The bundle is one CommonJS script that calls `require('electron')` once and nothing else (no `module`,
 * `exports`, `process` or other Node global), and expects of it exactly:
 * - `contextBridge.exposeInMainWorld(key, api)`: called once, with key 'fileorg' and the bridge;
 * - `ipcRenderer.invoke(channel, input): Promise<answer>`: main's IpcAnswer ({ok, value} | {ok:false, error});
 *   a rejection (no handler) becomes an E_INTERNAL answer that says to restart the app;
 * - `ipcRenderer.on(channel, listener)` and `ipcRenderer.removeListener(channel, listener)`: the listener is
 *   called as Electron does, `listener(event, payload)`, for each push main sends on that channel;
 * - `webUtils.getPathForFile(file): string`.
 */
export const PRELOAD_BUNDLE = path.resolve(import.meta.dirname, '..', '..', 'dist', 'app', 'preload.cjs');

/** The built preload's text; says how to build it when it is missing. */
export function preloadSource(): string {
  if (!fs.existsSync(PRELOAD_BUNDLE)) throw new Error(`${PRELOAD_BUNDLE} is missing: build it with node build/bundle-app.mjs`);
  return fs.readFileSync(PRELOAD_BUNDLE, 'utf8');
}

type IpcListener = (event: unknown, payload: unknown) => void;

/** The stand-in `require('electron')` described above. */
export interface ElectronStandIn {
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: IpcListener): void;
    removeListener(channel: string, listener: IpcListener): void;
  };
  webUtils: { getPathForFile(file: object): string };
}

/**
 * A stand-in electron for one fake window of tests/helpers/ipc.ts's fakeIpcMain: `invoke` reaches the
 * listeners registered there (by registerWindowIpc) as that window, from its own top frame; main's pushes to
 * that window reach the `on` listeners. What the preload exposed is in `exposed`.
 */
export function electronFor(window: Pick<FakeWindow, 'invoke' | 'onPush'>, options: { getPathForFile?(file: object): string } = {}) {
  const exposed = new Map<string, unknown>();
  const listeners = new Map<string, Set<IpcListener>>();
  // What Electron hands a listener: the page must never get it (its `sender` is ipcRenderer itself).
  const ipcEvent = { sender: 'the IpcRendererEvent' };
  window.onPush((channel, payload) => {
    for (const listener of [...(listeners.get(channel) ?? [])]) listener(ipcEvent, payload);
  });
  const electron: ElectronStandIn = {
    contextBridge: { exposeInMainWorld: (key, api) => { exposed.set(key, api); } },
    ipcRenderer: {
      // The preload passes one input, as main expects (more would be refused there).
      invoke: (channel, input) => window.invoke(channel, input),
      on: (channel, listener) => {
        const set = listeners.get(channel) ?? new Set<IpcListener>();
        listeners.set(channel, set.add(listener));
      },
      removeListener: (channel, listener) => { listeners.get(channel)?.delete(listener); },
    },
    webUtils: { getPathForFile: options.getPathForFile ?? (() => '') },
  };
  return { electron, exposed, listenerCount: (channel: string): number => listeners.get(channel)?.size ?? 0 };
}

/**
 * Runs the built preload in a fresh node:vm context whose only global beyond the language's own is a `require`
 * that answers 'electron' with the stand-in (anything else throws, as a sandboxed preload's would for a module
 * it may not load). Answers the modules it asked for.
 */
export function runPreload(electron: ElectronStandIn, source = preloadSource()): { required: string[] } {
  const required: string[] = [];
  const sandboxRequire = (name: string): unknown => {
    required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`module not found: ${name} (a sandboxed preload may not load it)`);
  };
  vm.runInContext(source, vm.createContext({ require: sandboxRequire }), { filename: PRELOAD_BUNDLE });
  return { required };
}

/**
 * The preload as a script for a Chromium page (Playwright's `page.addInitScript({ content })`, which runs before
 * the page's own scripts and is not held to its CSP). It builds a stand-in electron in the page and runs the
 * bundle's text inline (no eval, which the page's CSP forbids):
 * - `ipcRenderer.invoke(channel, input)` calls `window[invokeBinding](channel, input)`: expose it with
 *   `page.exposeFunction(invokeBinding, (channel, input) => fakeWindow.invoke(channel, input))`, so calls reach
 *   registerWindowIpc's listeners in the test process;
 * - `window[deliverFunction](channel, payload)` hands a push to the preload's listeners: forward main's pushes
 *   with `fakeWindow.onPush((channel, payload) => void page.evaluate(([c, p]) => window[deliverFunction](c, p), [channel, payload]))`;
 * - `webUtils.getPathForFile(file)` answers the path the test gave that File in `window[filePaths]` (a WeakMap the
 *   script makes: `window[filePaths].set(file, '/tmp/…')` before dropping it), else ''.
 * `window.fileorg` is then defined, read-only, as contextBridge would.
 */
export function preloadPageScript(options: { invokeBinding?: string; deliverFunction?: string; filePaths?: string } = {}, source = preloadSource()): string {
  const names = {
    invoke: options.invokeBinding ?? '__fileorgIpcInvoke',
    deliver: options.deliverFunction ?? '__fileorgIpcDeliver',
    filePaths: options.filePaths ?? '__fileorgFilePaths',
  };
  return `(() => {
  const names = ${JSON.stringify(names)};
  const listeners = new Map();
  const filePaths = new WeakMap();
  Object.defineProperty(window, names.filePaths, { value: filePaths });
  Object.defineProperty(window, names.deliver, { value: (channel, payload) => {
    for (const listener of [...(listeners.get(channel) || [])]) listener({ sender: 'the IpcRendererEvent' }, payload);
  } });
  const electron = {
    contextBridge: { exposeInMainWorld: (key, api) => Object.defineProperty(window, key, { value: Object.freeze({ ...api }), enumerable: true }) },
    ipcRenderer: {
      invoke: (channel, ...args) => window[names.invoke](channel, ...args),
      on: (channel, listener) => { if (!listeners.has(channel)) listeners.set(channel, new Set()); listeners.get(channel).add(listener); },
      removeListener: (channel, listener) => { const set = listeners.get(channel); if (set) set.delete(listener); },
    },
    webUtils: { getPathForFile: (file) => filePaths.get(file) || '' },
  };
  const require = (name) => {
    if (name === 'electron') return electron;
    throw new Error('module not found: ' + name + ' (a sandboxed preload may not load it)');
  };
  (function (require) {
${source}
  })(require);
})();
`;
}

/**
 * Puts the built preload in a Chromium page as one window of fakeIpcMain (call before `page.goto`): its calls
 * reach the listeners registerWindowIpc registered, as `window` from its own top frame; main's pushes to that
 * window reach the page's `on` listeners (in order; those sent before the page listens are lost, as in the app).
 * Answers the function that stops forwarding pushes. A test drops a file with a path by putting it in
 * `window.__fileorgFilePaths` (a WeakMap from File to path) first.
 */
export async function attachPreload(page: Page, window: Pick<FakeWindow, 'invoke' | 'onPush'>): Promise<() => void> {
  await page.exposeFunction('__fileorgIpcInvoke', (channel: string, input: unknown) => window.invoke(channel, input));
  const stop = window.onPush((channel, payload) => {
    // The page may be gone or navigating: a push it cannot take is dropped, as Electron drops it.
    page.evaluate(([name, data]) => (globalThis as unknown as Record<string, (channel: unknown, payload: unknown) => void>).__fileorgIpcDeliver?.(name, data), [channel, payload] as const)
      .catch(() => undefined);
  });
  await page.addInitScript({ content: preloadPageScript() });
  return stop;
}
