import { type IpcAnswer, type IpcInvokeEvent, type IpcMainLike } from '../../src-main/api/ipc.js';

export const OWN_PAGE = 'app://fileorganizer/index.html';

/** An in-memory ipcMain: `invoke` plays the renderer's ipcRenderer.invoke from a given frame. */
export function fakeIpcMain() {
  const listeners = new Map<string, (event: IpcInvokeEvent, ...args: unknown[]) => Promise<unknown>>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => {
      if (listeners.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`); // as Electron does
      listeners.set(channel, listener);
    },
    removeHandler: (channel) => { listeners.delete(channel); },
  };
  const pushed: { channel: string; payload: Record<string, unknown> }[] = [];
  const sender = { id: 1, send: (channel: string, payload: unknown) => { pushed.push({ channel, payload: payload as Record<string, unknown> }); } };
  const frame = (url = OWN_PAGE, parent: unknown = null) => ({ url, parent });
  const invoke = async (channel: string, input?: unknown, senderFrame: IpcInvokeEvent['senderFrame'] = frame()): Promise<IpcAnswer> => {
    const listener = listeners.get(channel);
    if (!listener) throw new Error(`No handler registered for '${channel}'`);
    return await listener({ senderFrame, sender }, ...(input === undefined ? [] : [input])) as IpcAnswer;
  };
  return { ipcMain, listeners, invoke, frame, pushed };
}

