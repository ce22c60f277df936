// A type-only import, dropped from the bundle: bridge.ts's values would pull the contract's schemas (zod) in.
import type { BridgeAnswer, FileOrganizerBridge } from '../src-shared/bridge.js';

/** The parts of Electron's ipcRenderer the bridge uses (the preload passes the real one, tests a stand-in). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}
/** Electron's webUtils: where a dropped File lives on disk. */
export interface WebUtilsLike {
  getPathForFile(file: object): string;
}

/** What a call answers when main did not (no handler: the app is half started or shutting down). */
const UNANSWERED: BridgeAnswer<never> = {
  ok: false,
  error: { code: 'E_INTERNAL', message: 'the window lost its connection to FileOrganizer\'s engine; restart the app (quit it and open it again)' },
};

/**
 * `window.fileorg`: one method per call, named as its channel, each `ipcRenderer.invoke(name, input)` answering
 * main's BridgeAnswer; `on` for the push events alone, handing the listener the payload only (never the
 * IpcRendererEvent, whose `sender` would give the page ipcRenderer itself); `pathForFile` for drops.
 */
export function createBridge(
  names: { invoke: readonly string[]; events: readonly string[] }, ipcRenderer: IpcRendererLike, webUtils: WebUtilsLike,
): FileOrganizerBridge {
  const bridge: Record<string, unknown> = {};
  for (const name of names.invoke) {
    bridge[name] = (input: unknown): Promise<unknown> => ipcRenderer.invoke(name, input).catch(() => UNANSWERED);
  }
  bridge.on = (event: unknown, listener: unknown): (() => void) => {
    if (typeof event !== 'string' || !names.events.includes(event)) {
      throw new TypeError(`fileorg.on: ${JSON.stringify(event)} is not an event of FileOrganizer; listen to one of ${names.events.join(', ')}`);
    }
    if (typeof listener !== 'function') throw new TypeError('fileorg.on: the listener must be a function');
    const forward = (_event: unknown, payload: unknown): void => { listener(payload); };
    ipcRenderer.on(event, forward);
    return () => { ipcRenderer.removeListener(event, forward); };
  };
  bridge.pathForFile = (file: object): string => webUtils.getPathForFile(file);
  // Built from the name lists, so its type cannot be checked member by member; tests/preload.test.ts checks
  // the built preload's keys against BRIDGE_METHOD_NAMES.
  return bridge as FileOrganizerBridge;
}
