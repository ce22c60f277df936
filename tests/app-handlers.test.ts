import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { OpenDialogOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { registerAppHandlers } from '../src-main/api/app-ipc.js';
import { type IpcSender } from '../src-main/api/ipc.js';
import { createAppHandlers, type DesktopShell } from '../src-main/app/app-handlers.js';
import { LAUNCHER_EXTENSIONS, openDecision } from '../src-main/app/open-file-policy.js';
import { fakeIpcMain } from './helpers/ipc.js';
import { tempDir, writeTree } from './helpers/temp-tree.js';

/** The shell's calls as they were made, answering as told (a dialog's choice, openPath's words). */
function recordingShell(answers: { dialog?: { canceled: boolean; filePaths: string[] }; openPath?: string } = {}) {
  const calls: { dialogs: Array<{ sender: number; options: OpenDialogOptions }>; shown: string[]; opened: string[] } = { dialogs: [], shown: [], opened: [] };
  const shell: DesktopShell = {
    platform: process.platform,
    showOpenDialog: async (sender: IpcSender, options) => {
      calls.dialogs.push({ sender: sender.id, options });
      return answers.dialog ?? { canceled: true, filePaths: [] };
    },
    showItemInFolder: (fullPath) => { calls.shown.push(fullPath); },
    openPath: async (fullPath) => { calls.opened.push(fullPath); return answers.openPath ?? ''; },
  };
  return { shell, calls };
}

/** A folder with one of each kind of thing Open file is asked about. */
function mixedFolder(): string {
  const root = tempDir('fileorg-open-file-');
  writeTree(root, {
    'report.pdf': '%PDF-1.7', 'photo.JPG': 'jpeg', 'Sub/': '',
    'setup.exe': 'MZ', 'SETUP.EXE': 'MZ', 'run.sh': '#!/bin/sh', 'invoice.pdf.exe': 'MZ', 'notes.txt.lnk': 'lnk', 'tool.jar': 'PK', 'app.js': 'x',
    'Installer.command': '#!/bin/sh', 'launcher.desktop': '[Desktop Entry]', 'script.ps1': 'x', 'macro.vbs': 'x', 'setup.msi': 'x', 'old.bat': 'x',
    'old.cmd': 'x', 'old.com': 'x', 'trailing.exe. ': 'MZ',
  });
  fs.writeFileSync(path.join(root, 'no-extension-script'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
  fs.symlinkSync(path.join(root, 'report.pdf'), path.join(root, 'link-to-report.pdf'));
  return root;
}

const lstat = (file: string): fs.Stats | undefined => fs.lstatSync(file, { throwIfNoEntry: false });

describe('Open file\'s decision', () => {
  it('opens a regular document, whatever the case of its extension', () => {
    const root = mixedFolder();
    expect(openDecision(path.join(root, 'report.pdf'), lstat(path.join(root, 'report.pdf')), 'linux')).toEqual({ open: true });
    expect(openDecision(path.join(root, 'photo.JPG'), lstat(path.join(root, 'photo.JPG')), 'darwin')).toEqual({ open: true });
  });

  it('refuses programs by name on every platform, and by mode on POSIX', () => {
    const root = mixedFolder();
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      for (const name of ['setup.exe', 'SETUP.EXE', 'run.sh', 'invoice.pdf.exe', 'notes.txt.lnk', 'tool.jar', 'app.js', 'Installer.command', 'launcher.desktop', 'script.ps1', 'macro.vbs', 'setup.msi', 'old.bat', 'old.cmd', 'old.com', 'trailing.exe. ']) {
        const decision = openDecision(path.join(root, name), lstat(path.join(root, name)), platform);
        expect(decision, `${name} on ${platform}`).toMatchObject({ open: false, code: 'E_FORBIDDEN', refused: 'program' });
      }
    }
    const script = path.join(root, 'no-extension-script');
    expect(openDecision(script, lstat(script), 'linux')).toMatchObject({ open: false, refused: 'program' });
    expect(openDecision(script, lstat(script), 'darwin')).toMatchObject({ open: false, refused: 'program' });
    expect(['.exe', '.bat', '.cmd', '.com', '.msi', '.lnk', '.ps1', '.vbs', '.js', '.jar', '.app', '.command', '.desktop', '.sh'].filter((extension) => !LAUNCHER_EXTENSIONS.has(extension))).toEqual([]);
  });

  it('refuses folders, symlinks, special files and what is gone, in words that say what to do', () => {
    const root = mixedFolder();
    const folder = openDecision(path.join(root, 'Sub'), lstat(path.join(root, 'Sub')), 'linux');
    expect(folder).toMatchObject({ open: false, code: 'E_FORBIDDEN', refused: 'folder' });
    expect(folder.open ? '' : folder.message).toContain('Show in folder');
    const link = path.join(root, 'link-to-report.pdf');
    expect(openDecision(link, lstat(link), 'linux')).toMatchObject({ open: false, code: 'E_FORBIDDEN', refused: 'link' });
    expect(openDecision(path.join(root, 'gone.pdf'), undefined, 'linux')).toMatchObject({ open: false, code: 'E_NOT_FOUND', refused: 'missing' });
    if (process.platform !== 'win32') {
      const fifo = path.join(root, 'pipe.txt');
      execFileSync('mkfifo', [fifo]);
      expect(openDecision(fifo, lstat(fifo), 'linux')).toMatchObject({ open: false, refused: 'special' });
    }
    expect(openDecision('C:\\Users\\me\\notes.txt:evil.exe', lstat(path.join(root, 'report.pdf')), 'win32')).toMatchObject({ open: false, refused: 'special' });
  });
});

describe('the app-only calls', () => {
  it('Choose… asks for folders (several when asked, new ones allowed) in a dialog parented to the calling window; cancelled is none', async () => {
    const { shell, calls } = recordingShell({ dialog: { canceled: false, filePaths: ['/home/me/Downloads', '/home/me/Desktop'] } });
    const handlers = createAppHandlers(shell);
    const sender: IpcSender = { id: 7, send: () => undefined };
    expect(await handlers['app:chooseFolders']({ multiple: true, title: 'Choose folders to organize' }, { sender })).toEqual({ paths: ['/home/me/Downloads', '/home/me/Desktop'] });
    expect(calls.dialogs).toEqual([{ sender: 7, options: { properties: ['openDirectory', 'createDirectory', 'multiSelections'], title: 'Choose folders to organize' } }]);
    await handlers['app:chooseFolders']({ multiple: false }, { sender });
    expect(calls.dialogs[1]?.options).toEqual({ properties: ['openDirectory', 'createDirectory'] });

    const cancelled = createAppHandlers(recordingShell({ dialog: { canceled: true, filePaths: ['/ignored'] } }).shell);
    expect(await cancelled['app:chooseFolders']({ multiple: false }, { sender })).toEqual({ paths: [] });
  });

  it('Show in folder reveals what exists; what is gone is E_NOT_FOUND, over IPC as the window gets it', async () => {
    const root = mixedFolder();
    const { shell, calls } = recordingShell();
    const ipc = fakeIpcMain();
    registerAppHandlers(ipc.ipcMain, createAppHandlers(shell), { isOwnPage: (url) => url.startsWith('app://fileorganizer/') });
    expect(await ipc.invoke('app:showInFolder', { path: path.join(root, 'report.pdf') })).toEqual({ ok: true, value: null });
    expect(await ipc.invoke('app:showInFolder', { path: path.join(root, 'Sub') })).toEqual({ ok: true, value: null });
    const gone = await ipc.invoke('app:showInFolder', { path: path.join(root, 'gone.pdf') });
    expect(gone).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
    expect(gone.ok ? '' : gone.error.message).toContain('refresh the list');
    expect(calls.shown).toEqual([path.join(root, 'report.pdf'), path.join(root, 'Sub')]);
  });

  it('Open file opens a document; refuses a program, a folder and a link without calling the shell; the system\'s refusal is E_IO', async () => {
    const root = mixedFolder();
    const { shell, calls } = recordingShell();
    const ipc = fakeIpcMain();
    registerAppHandlers(ipc.ipcMain, createAppHandlers(shell), { isOwnPage: (url) => url.startsWith('app://fileorganizer/') });
    expect(await ipc.invoke('app:openFile', { path: path.join(root, 'report.pdf') })).toEqual({ ok: true, value: null });
    for (const [name, refused] of [['setup.exe', 'program'], ['Sub', 'folder'], ['link-to-report.pdf', 'link'], ['no-extension-script', 'program']] as const) {
      const answer = await ipc.invoke('app:openFile', { path: path.join(root, name) });
      expect(answer, name).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN', details: { refused } } });
    }
    expect(await ipc.invoke('app:openFile', { path: path.join(root, 'gone.pdf') })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
    expect(calls.opened).toEqual([path.join(root, 'report.pdf')]);

    const failing = fakeIpcMain();
    registerAppHandlers(failing.ipcMain, createAppHandlers(recordingShell({ openPath: 'No application knows how to open this file' }).shell), { isOwnPage: () => true });
    expect(await failing.invoke('app:openFile', { path: path.join(root, 'report.pdf') })).toEqual({
      ok: false, error: { code: 'E_IO', message: 'the system could not open this file: No application knows how to open this file' },
    });
  });
});
