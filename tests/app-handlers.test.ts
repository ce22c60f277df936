import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { OpenDialogOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { registerAppHandlers } from '../src-main/api/app-ipc.js';
import { type IpcSender } from '../src-main/api/ipc.js';
import { createAppHandlers, type DesktopShell } from '../src-main/app/app-handlers.js';
import { checkLocalPath } from '../src-main/app/local-path.js';
import { contentDecision, DOCUMENT_EXTENSIONS, extensionOf, openDecision } from '../src-main/app/open-file-policy.js';
import { fakeIpcMain } from './helpers/ipc.js';
import { tempDir, writeTree } from './helpers/temp-tree.js';

/** The shell's calls as they were made, answering as told (a dialog's choice, openPath's words). */
function recordingShell(answers: { dialog?: { canceled: boolean; filePaths: string[] }; openPath?: string; platform?: NodeJS.Platform } = {}) {
  const calls: { dialogs: Array<{ sender: number; options: OpenDialogOptions }>; shown: string[]; opened: string[] } = { dialogs: [], shown: [], opened: [] };
  const shell: DesktopShell = {
    platform: answers.platform ?? process.platform,
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
    'report.pdf': '%PDF-1.7', 'photo.JPG': 'jpeg', 'clip.mp4': 'mp4', 'notes.txt': 'words', 'data.csv': 'a,b', 'letter.docx': 'PK', 'Sub/': '',
    'setup.exe': 'MZ', 'run.sh': 'echo', 'invoice.pdf.exe': 'MZ', 'app.js': 'x', 'trailing.exe. ': 'MZ',
  });
  fs.writeFileSync(path.join(root, 'no-extension-script'), 'echo hi\n', { mode: 0o644 });
  fs.symlinkSync(path.join(root, 'report.pdf'), path.join(root, 'link-to-report.pdf'));
  return root;
}

const lstat = (file: string): fs.Stats | undefined => fs.lstatSync(file, { throwIfNoEntry: false });
const PLATFORMS = ['linux', 'darwin', 'win32'] as const;

/**
 * Types that run code, install, mount a disk, connect or redirect when "opened", or carry macros or script:
 * none is on the list of documents, so each is refused, on every system (a file keeps its name wherever it goes).
 */
const NOT_DOCUMENTS = [
  'setup.exe', 'SETUP.EXE', 'run.sh', 'invoice.pdf.exe', 'notes.txt.lnk', 'tool.jar', 'app.js', 'Installer.command', 'launcher.desktop',
  'script.ps1', 'macro.vbs', 'setup.msi', 'old.bat', 'old.cmd', 'old.com', 'help.chm', 'disk.iso', 'disk.img', 'disk.vhdx', 'disk.dmg',
  'link.fileloc', 'link.webloc', 'link.inetloc', 'profile.mobileconfig', 'package.appx', 'package.msix', 'get.appinstaller', 'box.wsb',
  'explorer.scf', 'find.search-ms', 'folders.library-ms', 'addin.xll', 'scriptlet.sct', 'component.wsc', 'trouble.diagcab', 'remote.rdp',
  'macros.docm', 'sheet.xlsm', 'legacy.doc', 'page.html', 'page.htm', 'archive.mht', 'site.website', 'look.theme', 'types.ps1xml',
  'tool.pl', 'tool.rb', 'tool.php', 'app.flatpakref', 'drawing.svg', 'data.xml', 'bundle.zip', 'playlist.m3u', 'song.wma',
];

describe('Open file\'s decision', () => {
  it('opens documents, pictures, audio and video on the list, whatever the case of their extension or their mode (FAT, exFAT and SMB show 777)', () => {
    const root = mixedFolder();
    const everyoneMayRun = path.join(root, 'scan.pdf');
    fs.writeFileSync(everyoneMayRun, '%PDF-1.7', { mode: 0o777 });
    fs.chmodSync(everyoneMayRun, 0o777);
    for (const platform of PLATFORMS) {
      for (const name of ['report.pdf', 'photo.JPG', 'clip.mp4', 'notes.txt', 'data.csv', 'letter.docx', 'scan.pdf']) {
        expect(openDecision(path.join(root, name), lstat(path.join(root, name)), platform), `${name} on ${platform}`).toEqual({ open: true });
      }
    }
    expect(['.pdf', '.jpg', '.png', '.mp3', '.mp4', '.txt', '.md', '.csv', '.json', '.docx', '.xlsx', '.pptx', '.odt', '.epub'].filter((extension) => !DOCUMENT_EXTENSIONS.has(extension))).toEqual([]);
  });

  it('refuses every other type, and a file without an extension, in words that point to Show in folder', () => {
    const root = mixedFolder();
    const stats = lstat(path.join(root, 'report.pdf')); // a regular file: only the name decides
    for (const platform of PLATFORMS) {
      for (const name of [...NOT_DOCUMENTS, 'no-extension-script', 'README', ...(platform === 'win32' ? [] : ['report.pdf.'])]) {
        const decision = openDecision(path.join(root, name), stats, platform);
        expect(decision, `${name} on ${platform}`).toMatchObject({ open: false, code: 'E_FORBIDDEN', refused: 'type' });
        expect(decision.open ? '' : decision.message, name).toContain('open it from your file manager: Show in folder');
      }
    }
    // Windows drops trailing dots and spaces: "setup.exe. " is setup.exe, "report.pdf. " is report.pdf; elsewhere
    // "report.pdf." has no type an opener matches by name.
    expect(openDecision(path.join(root, 'trailing.exe. '), lstat(path.join(root, 'trailing.exe. ')), 'win32')).toMatchObject({ open: false, refused: 'type' });
    expect(openDecision('C:\\Users\\me\\report.pdf. ', stats, 'win32')).toEqual({ open: true });
    expect(extensionOf('/home/me/report.pdf. ', 'linux')).toBe('. ');
  });

  it('refuses a program under a document\'s name by what it holds (ELF, MZ, Mach-O, #!)', () => {
    for (const bytes of [[0x7f, 0x45, 0x4c, 0x46], [0x4d, 0x5a, 0x90, 0x00], [0xcf, 0xfa, 0xed, 0xfe], [0xca, 0xfe, 0xba, 0xbe], [0x23, 0x21, 0x2f, 0x62]]) {
      expect(contentDecision(Uint8Array.from(bytes)), bytes.join(' ')).toMatchObject({ open: false, code: 'E_FORBIDDEN', refused: 'program' });
    }
    for (const text of ['%PDF', 'PK\u0003\u0004', 'ID3', 'M', '', 'Meet']) {
      expect(contentDecision(Buffer.from(text)), text).toEqual({ open: true });
    }
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
    fs.writeFileSync(path.join(root, 'statement.pdf'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01]));
    for (const [name, refused] of [['setup.exe', 'type'], ['Sub', 'folder'], ['link-to-report.pdf', 'link'], ['no-extension-script', 'type'], ['statement.pdf', 'program']] as const) {
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

  it('Show in folder and Open take only a full path in the running system\'s form, and on Windows no device or network path, refused before the path is touched', async () => {
    const lstatSpy = vi.spyOn(fs, 'lstatSync');
    try {
      for (const [platform, candidate, code, words] of [
        ['linux', 'C:\\notes.pdf', 'E_VALIDATION', 'not a full path on this computer'],
        ['darwin', '\\\\server\\share\\notes.pdf', 'E_VALIDATION', 'not a full path on this computer'],
        ['win32', '/home/me/notes.pdf', 'E_VALIDATION', 'like C:\\Users\\me\\report.pdf'],
        ['win32', '\\\\?\\C:\\notes.pdf', 'E_FORBIDDEN', 'device path'],
        ['win32', '\\\\.\\PhysicalDrive0', 'E_FORBIDDEN', 'device path'],
        ['win32', '//?/C:/notes.pdf', 'E_FORBIDDEN', 'device path'],
        ['win32', '\\\\attacker.example\\share\\notes.pdf', 'E_FORBIDDEN', 'network share'],
        ['win32', '//attacker.example/share/notes.pdf', 'E_FORBIDDEN', 'sends your Windows sign-in to that server'],
      ] as const) {
        const { shell, calls } = recordingShell({ platform });
        const ipc = fakeIpcMain();
        registerAppHandlers(ipc.ipcMain, createAppHandlers(shell), { isOwnPage: () => true });
        for (const channel of ['app:openFile', 'app:showInFolder']) {
          const answer = await ipc.invoke(channel, { path: candidate });
          expect(answer, `${channel} ${candidate} on ${platform}`).toMatchObject({ ok: false, error: { code, message: expect.stringContaining(words) } });
        }
        expect(calls.opened).toEqual([]);
        expect(calls.shown).toEqual([]);
      }
      // Forms the contract's schema refuses already, refused here too.
      for (const [candidate, code] of [['\\notes.pdf', 'E_VALIDATION'], ['C:notes.pdf', 'E_VALIDATION'], ['notes.pdf', 'E_VALIDATION'], ['\\??\\C:\\notes.pdf', 'E_FORBIDDEN']] as const) {
        expect(() => checkLocalPath(candidate, 'win32'), candidate).toThrow(expect.objectContaining({ code }));
      }
      expect(lstatSpy).not.toHaveBeenCalled();
    } finally {
      lstatSpy.mockRestore();
    }
    // A drive letter's path passes on Windows (here nothing is there, so it is E_NOT_FOUND, not refused by its form).
    const ipc = fakeIpcMain();
    registerAppHandlers(ipc.ipcMain, createAppHandlers(recordingShell({ platform: 'win32' }).shell), { isOwnPage: () => true });
    expect(await ipc.invoke('app:openFile', { path: 'C:\\Users\\me\\missing-report.pdf' })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
    expect(await ipc.invoke('app:showInFolder', { path: 'C:/Users/me/missing-report.pdf' })).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
  });
});
