import { describe, expect, it, vi } from 'vitest';
import { type AppHandlers, registerAppHandlers } from '../src-main/api/app-ipc.js';
import { registerWindowIpc } from '../src-main/api/window-ipc.js';
import { APP_CHANNEL_NAMES } from '../src-shared/app-contract.js';
import { CHANNEL_NAMES } from '../src-shared/contract.js';
import { openTestCore } from './helpers/core.js';
import { fakeIpcMain, OWN_PAGE } from './helpers/ipc.js';

/** Stand-ins for the native dialog and the file manager, recording what they were asked. */
function standInHandlers() {
  return {
    'app:chooseFolders': vi.fn<AppHandlers['app:chooseFolders']>(async () => ({ paths: ['/home/ada/Pictures'] })),
    'app:showInFolder': vi.fn<AppHandlers['app:showInFolder']>(async () => null),
    'app:openFile': vi.fn<AppHandlers['app:openFile']>(async () => null),
  } satisfies AppHandlers;
}

describe('the app-only calls over IPC', () => {
  it('registers one handler per app-only call, passes the parsed input and the calling window, and removes them all', async () => {
    const ipc = fakeIpcMain();
    const handlers = standInHandlers();
    const unregister = registerAppHandlers(ipc.ipcMain, handlers, { isOwnPage: (url) => url === OWN_PAGE });
    expect([...ipc.listeners.keys()].sort()).toEqual([...APP_CHANNEL_NAMES].sort());
    expect(await ipc.invoke('app:chooseFolders', { title: '  Choose folders to organize ' })).toEqual({ ok: true, value: { paths: ['/home/ada/Pictures'] } });
    // The schema's defaults and trimming are what the handler gets.
    expect(handlers['app:chooseFolders']).toHaveBeenCalledWith({ multiple: false, title: 'Choose folders to organize' }, { sender: ipc.sender });
    expect(await ipc.invoke('app:showInFolder', { path: '/home/ada/Pictures/a.jpg' })).toEqual({ ok: true, value: null });
    unregister();
    expect(ipc.listeners.size).toBe(0);
  });

  it('registerWindowIpc registers every contract channel and, given them, the app-only calls; its remover takes all away', () => {
    const core = openTestCore();
    const plain = fakeIpcMain();
    registerWindowIpc(plain.ipcMain, core, { isOwnPage: (url) => url === OWN_PAGE });
    expect([...plain.listeners.keys()].sort()).toEqual([...CHANNEL_NAMES].sort());
    const ipc = fakeIpcMain();
    const unregister = registerWindowIpc(ipc.ipcMain, core, { isOwnPage: (url) => url === OWN_PAGE, appHandlers: standInHandlers() });
    expect([...ipc.listeners.keys()].sort()).toEqual([...CHANNEL_NAMES, ...APP_CHANNEL_NAMES].sort());
    unregister();
    expect(ipc.listeners.size).toBe(0);
  });

  it('refuses a subframe, another page and a gone frame with E_FORBIDDEN before the handler runs', async () => {
    const ipc = fakeIpcMain();
    const handlers = standInHandlers();
    registerAppHandlers(ipc.ipcMain, handlers, { isOwnPage: (url) => url === OWN_PAGE });
    for (const frame of [ipc.frame(OWN_PAGE, { url: OWN_PAGE }), ipc.frame('https://evil.example/'), null]) {
      expect(await ipc.invoke('app:openFile', { path: '/etc/passwd' }, frame)).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } });
    }
    expect(handlers['app:openFile']).not.toHaveBeenCalled();
  });

  it('answers E_VALIDATION naming the field for a bad input, and for more than one argument, before the handler runs', async () => {
    const ipc = fakeIpcMain();
    const handlers = standInHandlers();
    registerAppHandlers(ipc.ipcMain, handlers, { isOwnPage: (url) => url === OWN_PAGE });
    expect(await ipc.invoke('app:showInFolder', { path: 'relative/file.txt' }))
      .toMatchObject({ ok: false, error: { code: 'E_VALIDATION', details: { issues: [{ path: 'path' }] } } });
    expect(await ipc.invoke('app:chooseFolders', { multiple: 'yes' }))
      .toMatchObject({ ok: false, error: { code: 'E_VALIDATION', details: { issues: [{ path: 'multiple' }] } } });
    expect(await ipc.invoke('app:openFile', { path: '/tmp/a.txt', sneaky: true })).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    const listener = ipc.listeners.get('app:openFile');
    expect(await listener?.({ senderFrame: ipc.frame(), sender: ipc.sender }, { path: '/tmp/a.txt' }, 'more')).toMatchObject({ ok: false, error: { code: 'E_VALIDATION' } });
    expect(handlers['app:showInFolder']).not.toHaveBeenCalled();
    expect(handlers['app:openFile']).not.toHaveBeenCalled();
  });

  it('never passes an internal error\'s text to the window, and logs it', async () => {
    const ipc = fakeIpcMain();
    const log = vi.fn();
    const handlers = { ...standInHandlers(), 'app:openFile': async () => { throw new Error('secret /home/ada/internal detail'); } } satisfies AppHandlers;
    registerAppHandlers(ipc.ipcMain, handlers, { isOwnPage: () => true, log });
    const answer = await ipc.invoke('app:openFile', { path: '/home/ada/a.txt' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'E_INTERNAL' } });
    expect(JSON.stringify(answer)).not.toContain('secret');
    expect(log).toHaveBeenCalledWith(expect.stringContaining('secret'));
  });
});
