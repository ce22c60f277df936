import { type AppCore } from '../core/compose.js';
import { type AppHandlers, registerAppHandlers } from './app-ipc.js';
import { createHandlers } from './handlers.js';
import { type IpcMainLike, registerIpcHandlers } from './ipc.js';
import { createWindowSessions } from './window-sessions.js';

export interface WindowIpcOptions {
  /** Is this URL our own renderer (the app:// page, or the dev server)? Any other sender is refused. */
  isOwnPage(url: string): boolean;
  /** the app-only calls (native dialog, file manager); left unregistered without them */
  appHandlers?: AppHandlers;
  log?(message: string): void;
  /** when access tokens expire, by this clock: the core's (tests pass a fake one to both); Date.now by default */
  clock?: () => number;
}

/**
 * Everything a window calls, wired once: every contract channel (acting as each window's session: the local
 * profile, or the account it signed in to), push events to each window for its caller, and the app-only calls.
 * Answers the function that removes them all and ends the windows' account logins.
 */
export function registerWindowIpc(ipcMain: IpcMainLike, core: AppCore, options: WindowIpcOptions): () => void {
  const log = options.log;
  const sessions = createWindowSessions(core, { ...(options.clock ? { clock: options.clock } : {}), ...(log ? { log } : {}) });
  // Each call runs through the sessions, which so know when a call of the window that changes its login (a
  // password change, a sign-out) is in flight, and whose ended login is no news to its other calls.
  const throughSessions: IpcMainLike = {
    handle: (channel, listener) => ipcMain.handle(channel, (event, ...args) => sessions.during(channel, event, () => listener(event, ...args))),
    removeHandler: (channel) => ipcMain.removeHandler(channel),
  };
  const removeChannels = registerIpcHandlers(throughSessions, createHandlers(core), {
    isOwnPage: options.isOwnPage,
    callerOf: sessions.callerOf,
    answer: sessions.answer,
    events: core.events,
    dataDir: core.dataDir,
    ...(log ? { log } : {}),
  });
  const removeAppCalls = options.appHandlers ? registerAppHandlers(ipcMain, options.appHandlers, { isOwnPage: options.isOwnPage, ...(log ? { log } : {}) }) : undefined;
  return () => {
    removeChannels();
    removeAppCalls?.();
    void sessions.close();
  };
}
