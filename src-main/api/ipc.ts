import { type ApiError, toApiError } from '../../src-shared/api-errors.js';
import { type Caller, CHANNEL_NAMES, type ChannelName, type Handlers, type PushEvent, type PushEventName } from '../../src-shared/contract.js';
import { describeError, FileOrganizerError } from '../../src-shared/errors.js';
import { dataFolderError } from '../core/db/data-folder-error.js';
import { type BackgroundRuns } from '../core/ops/background-runs.js';
import { dispatch } from './dispatch.js';

/**
 * The parts of Electron's ipcMain and its events this adapter uses, so that it runs (and is tested) without
 * Electron: src-main/app passes the real ipcMain, tests an in-memory stand-in, as VS Code tests its IPC layer.
 */
export interface IpcSender {
  id: number;
  send(channel: string, payload: unknown): void;
  isDestroyed?(): boolean;
}
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
  /** operations started or rolled back from a window push their progress and result to that window */
  runs?: BackgroundRuns;
  /** the data folder, named when SQLite refuses to use it (a full disk, a damaged or read-only database) */
  dataDir?: string;
  log?: (message: string) => void;
}

/** A push event to one window, on the event's own channel name. */
export function push<Name extends PushEventName>(target: IpcSender, name: Name, payload: PushEvent<Name>): void {
  if (target.isDestroyed?.()) return;
  target.send(name, payload);
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

/** Follow a run the window started: its progress and result go to that window, then the subscription ends. */
function forwardRun(runs: BackgroundRuns, operationId: string, owner: string, target: IpcSender): void {
  runs.followToEnd(operationId, owner, (event) => {
    if (event.type === 'result') push(target, 'operations:result', event);
    else push(target, 'operations:progress', event);
  });
}

/**
 * `ipcMain.handle` for every channel of the contract, each validating its sender and its input before the
 * handler runs. Answers the function that removes them all (the app calls it when it quits).
 */
export function registerIpcHandlers(ipcMain: IpcMainLike, handlers: Handlers, options: IpcOptions): () => void {
  for (const name of CHANNEL_NAMES) {
    ipcMain.handle(name, async (event, ...args): Promise<IpcAnswer> => {
      try {
        checkSender(event, options);
        if (args.length > 1) throw new FileOrganizerError('E_VALIDATION', `${name} takes one argument, an object`);
        const caller = options.callerOf(event);
        const value = await dispatch(handlers, name as ChannelName, args[0] ?? {}, { caller, source: 'ipc' });
        if (options.runs && caller && (name === 'operations:start' || name === 'operations:rollback' || name === 'operations:resume')) {
          forwardRun(options.runs, (value as { operation_id: string }).operation_id, caller.userId, event.sender);
        }
        return { ok: true, value };
      } catch (thrown) {
        const error = (options.dataDir === undefined ? undefined : dataFolderError(thrown, options.dataDir)) ?? thrown;
        const answer = toApiError(error);
        if (answer.code === 'E_INTERNAL') options.log?.(`fileorg ipc: ${name} failed: ${error instanceof Error ? error.stack : describeError(error)}`);
        return { ok: false, error: answer };
      }
    });
  }
  return () => { for (const name of CHANNEL_NAMES) ipcMain.removeHandler(name); };
}
