import { type IpcAnswer, type IpcInvokeEvent, type IpcMainLike, type IpcSender } from '../../src-main/api/ipc.js';

export const OWN_PAGE = 'app://fileorganizer/index.html';

export type Pushed = { channel: string; payload: Record<string, unknown> };

/** What a window's page hears of a push (the preload's ipcRenderer listeners, in tests/helpers/preload-harness.ts). */
export type PushListener = (channel: string, payload: unknown) => void;

/** A stand-in for one window's WebContents: what was pushed to it, and its end (as Electron's `destroyed`). */
function fakeWindow(id: number) {
  const pushed: Pushed[] = [];
  const listeners = new Set<PushListener>();
  let destroyed = false;
  let sendsAfterDestroyed = 0;
  const onDestroyed: (() => void)[] = [];
  const sender: IpcSender = {
    id,
    send: (channel, payload) => {
      if (destroyed) {
        sendsAfterDestroyed++;
        throw new Error('Object has been destroyed'); // as Electron answers a send to a closed window
      }
      pushed.push({ channel, payload: payload as Record<string, unknown> });
      for (const listener of listeners) listener(channel, payload);
    },
    isDestroyed: () => destroyed,
    once: (_event, listener) => { onDestroyed.push(listener); },
  };
  const destroy = (): void => {
    destroyed = true;
    for (const listener of onDestroyed.splice(0)) listener();
  };
  /** hears every push to this window from now on; answers the function that stops it */
  const onPush = (listener: PushListener): (() => void) => {
    listeners.add(listener);
    return () => { listeners.delete(listener); };
  };
  return { sender, pushed, destroy, onPush, sendsAfterDestroyed: () => sendsAfterDestroyed };
}

/**
 * An in-memory ipcMain: `invoke` plays the renderer's ipcRenderer.invoke from a given frame of the first window;
 * `openWindow` makes another window with its own sender and pushes.
 */
export function fakeIpcMain() {
  const listeners = new Map<string, (event: IpcInvokeEvent, ...args: unknown[]) => Promise<unknown>>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => {
      if (listeners.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`); // as Electron does
      listeners.set(channel, listener);
    },
    removeHandler: (channel) => { listeners.delete(channel); },
  };
  const frame = (url = OWN_PAGE, parent: unknown = null) => ({ url, parent });
  const invokeFrom = async (sender: IpcSender, channel: string, input?: unknown, senderFrame: IpcInvokeEvent['senderFrame'] = frame()): Promise<IpcAnswer> => {
    const listener = listeners.get(channel);
    if (!listener) throw new Error(`No handler registered for '${channel}'`);
    return await listener({ senderFrame, sender }, ...(input === undefined ? [] : [input])) as IpcAnswer;
  };
  let windows = 0;
  const openWindow = () => {
    const window = fakeWindow(++windows);
    return { ...window, invoke: (channel: string, input?: unknown, senderFrame?: IpcInvokeEvent['senderFrame']) => invokeFrom(window.sender, channel, input, senderFrame) };
  };
  const first = openWindow();
  return { ipcMain, listeners, invoke: first.invoke, frame, pushed: first.pushed, destroy: first.destroy, onPush: first.onPush, sender: first.sender, openWindow };
}
export type FakeIpcMain = ReturnType<typeof fakeIpcMain>;
export type FakeWindow = ReturnType<FakeIpcMain['openWindow']>;
