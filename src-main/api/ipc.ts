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

/** A thrown value as the answer the window gets; an internal error's text and stack go to the log only. */
export function failureAnswer(thrown: unknown, what: string, options: { dataDir?: string; log?: (message: string) => void }): IpcAnswer {
  const error = (options.dataDir === undefined ? undefined : dataFolderError(thrown, options.dataDir)) ?? thrown;
  const answer = toApiError(error);
  if (answer.code === 'E_INTERNAL') options.log?.(`fileorg ipc: ${what} failed: ${error instanceof Error ? error.stack : describeError(error)}`);
  return { ok: false, error: answer };
}

export interface IpcOptions {
  /** Is this URL our own renderer (the app:// page, or the dev server)? Anything else is refused. */
  isOwnPage(url: string): boolean;
  /**
   * Who the window acts as: the local profile, or the account the user logged in to in this window. It may
   * answer later (the window sessions renew an account's access token first) or throw (that login ended).
   */
  callerOf(event: IpcInvokeEvent): Caller | null | Promise<Caller | null>;
  /**
   * Sees each successful answer before the window does, and says what the window receives and whom it acts as
   * from now on: the window sessions keep a login's tokens in main and blank them in the answer. Without it the
   * answer passes as it is, and callerOf is asked again after the call.
   */
  answer?(name: ChannelName, value: unknown, event: IpcInvokeEvent, caller: Caller | null): Promise<{ value: unknown; caller: Caller | null }>;
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
export function checkSender(event: IpcInvokeEvent, isOwnPage: (url: string) => boolean): void {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null || !isOwnPage(frame.url)) {
    throw new FileOrganizerError('E_FORBIDDEN', 'this call did not come from FileOrganizer\'s own window');
  }
}

/**
 * `ipcMain.handle` for every channel of the contract, each validating its sender and its input before the
 * handler runs. Answers the function that removes them all (the app calls it when it quits).
 */
export function registerIpcHandlers(ipcMain: IpcMainLike, handlers: Handlers, options: IpcOptions): () => void {
  const windows = options.events ? createWindowSubscriptions(options.events) : undefined;
  /**
   * The window's caller. When there is none to be had (its account's login ended under it), the window hears
   * whom it acts as from now on (the local profile) at once, not the ended login's events until its next call.
   */
  const callerOrRefollow = async (event: IpcInvokeEvent): Promise<Caller | null> => {
    try {
      return await options.callerOf(event);
    } catch (error) {
      if (windows) {
        try { windows.follow(event.sender, await options.callerOf(event)); } catch { /* still unknown: its next call decides */ }
      }
      throw error;
    }
  };
  for (const name of CHANNEL_NAMES) {
    ipcMain.handle(name, async (event, ...args): Promise<IpcAnswer> => {
      try {
        checkSender(event, options.isOwnPage);
        if (args.length > 1) throw new FileOrganizerError('E_VALIDATION', `${name} takes one argument, an object`);
        const caller = await callerOrRefollow(event);
        // Subscribed before the call runs, so a run it starts is heard from its first event.
        windows?.follow(event.sender, caller);
        const value = await dispatch(handlers, name as ChannelName, args[0] ?? {}, { caller, source: 'ipc' });
        const answered = options.answer ? await options.answer(name as ChannelName, value, event, caller) : { value, caller: await options.callerOf(event) };
        // A sign-in or sign-out in this window changes whose events it hears.
        windows?.follow(event.sender, answered.caller);
        return { ok: true, value: answered.value };
      } catch (thrown) {
        return failureAnswer(thrown, name, options);
      }
    });
  }
  return () => {
    for (const name of CHANNEL_NAMES) ipcMain.removeHandler(name);
    windows?.close();
  };
}
