import { type ApiError, toApiError } from '../../src-shared/api-errors.js';
import { type Caller, CHANNEL_NAMES, type ChannelName, type Handlers } from '../../src-shared/contract.js';
import { describeError, FileOrganizerError } from '../../src-shared/errors.js';
import { dataFolderError } from '../core/db/data-folder-error.js';
import { type EventHub } from '../core/events/event-hub.js';
import { dispatch } from './dispatch.js';
import { createWindowSubscriptions, type IpcSender } from './window-events.js';

export { type IpcSender, push } from './window-events.js';

/**
 * The parts of Electron's ipcMain and its events this adapter uses, so that it runs (and is tested) without
 * Electron: src-main/app passes the real ipcMain, tests an in-memory stand-in, as VS Code tests its IPC layer.
 */
export interface IpcInvokeEvent {
  /** null once the frame navigated away or was destroyed */
  senderFrame: { url: string; parent: unknown } | null;
  sender: IpcSender;
}
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/**
 * What an invoke answers. Electron passes only an Error's message across (prefixed "Error invoking remote
 * method"), so failures travel as values in the one error shape, and the preload client rethrows them.
 */
export type IpcAnswer = { ok: true; value: unknown } | { ok: false; error: ApiError };

export interface IpcOptions {
  /** Is this URL our own renderer (the app:// page, or the dev server)? Anything else is refused. */
  isOwnPage(url: string): boolean;
  /** Who the window acts as: the local profile, or the account the user logged in to in this window. */
  callerOf(event: IpcInvokeEvent): Caller | null;
  /**
   * Push events by user: each window hears its caller's (operations and searches, whoever started them: this
   * window, another, the CLI), on the events' own channel names.
   */
  events?: EventHub;
  /** the data folder, named when SQLite refuses to use it (a full disk, a damaged or read-only database) */
  dataDir?: string;
  log?: (message: string) => void;
}

/**
 * Only our own top frame may call: not a subframe (an embedded page), not a page the window was navigated
 * to, not a frame that is gone.
 */
function checkSender(event: IpcInvokeEvent, options: IpcOptions): void {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null || !options.isOwnPage(frame.url)) {
    throw new FileOrganizerError('E_FORBIDDEN', 'this call did not come from FileOrganizer\'s own window');
  }
}

/**
 * `ipcMain.handle` for every channel of the contract, each validating its sender and its input before the
 * handler runs. Answers the function that removes them all (the app calls it when it quits).
 */
export function registerIpcHandlers(ipcMain: IpcMainLike, handlers: Handlers, options: IpcOptions): () => void {
  const windows = options.events ? createWindowSubscriptions(options.events) : undefined;
  for (const name of CHANNEL_NAMES) {
    ipcMain.handle(name, async (event, ...args): Promise<IpcAnswer> => {
      try {
        checkSender(event, options);
        if (args.length > 1) throw new FileOrganizerError('E_VALIDATION', `${name} takes one argument, an object`);
        const caller = options.callerOf(event);
        // Subscribed before the call runs, so a run it starts is heard from its first event.
        windows?.follow(event.sender, caller);
        const value = await dispatch(handlers, name as ChannelName, args[0] ?? {}, { caller, source: 'ipc' });
        // A sign-in or sign-out in this window changes whose events it hears.
        windows?.follow(event.sender, options.callerOf(event));
        return { ok: true, value };
      } catch (thrown) {
        const error = (options.dataDir === undefined ? undefined : dataFolderError(thrown, options.dataDir)) ?? thrown;
        const answer = toApiError(error);
        if (answer.code === 'E_INTERNAL') options.log?.(`fileorg ipc: ${name} failed: ${error instanceof Error ? error.stack : describeError(error)}`);
        return { ok: false, error: answer };
      }
    });
  }
  return () => {
    for (const name of CHANNEL_NAMES) ipcMain.removeHandler(name);
    windows?.close();
  };
}
