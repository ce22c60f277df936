import fs from 'node:fs';
import type { OpenDialogOptions } from 'electron';
import { describeError, FileOrganizerError } from '../../src-shared/errors.js';
import { type AppHandlers } from '../api/app-ipc.js';
import { type IpcSender } from '../api/ipc.js';
import { checkLocalPath } from './local-path.js';
import { CONTENT_SNIFF_BYTES, contentDecision, MISSING_FILE, type OpenDecision, openDecision } from './open-file-policy.js';

/**
 * The pieces of Electron the app-only calls use, passed in by main.ts (dialog.showOpenDialog parented to the
 * calling window, shell.showItemInFolder, shell.openPath), so the calls themselves run and are tested in Node.
 */
export interface DesktopShell {
  showOpenDialog(sender: IpcSender, options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  showItemInFolder(fullPath: string): void;
  /** answers '' when it opened, else the system's words for why not */
  openPath(fullPath: string): Promise<string>;
  platform: NodeJS.Platform;
}

function lstatOrNothing(fullPath: string): fs.Stats | undefined {
  return fs.lstatSync(fullPath, { throwIfNoEntry: false });
}

/**
 * What the file holds, by its first bytes, read through a descriptor that follows no link and waits on no pipe
 * (the path was a regular file a moment ago; one swapped in since is refused, not read).
 */
function decideByContent(fullPath: string): OpenDecision {
  let descriptor: number;
  try {
    descriptor = fs.openSync(fullPath, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return MISSING_FILE;
    if (code === 'ELOOP') return { open: false, code: 'E_FORBIDDEN', refused: 'link', message: 'this file was replaced by a symbolic link; refresh the list' };
    throw new FileOrganizerError('E_IO', `FileOrganizer cannot read this file (${describeError(error)}), so it cannot tell what it holds; open it from your file manager: Show in folder`);
  }
  try {
    if (!fs.fstatSync(descriptor).isFile()) return { open: false, code: 'E_FORBIDDEN', refused: 'special', message: 'this is no longer a regular file; refresh the list' };
    const start = Buffer.alloc(CONTENT_SNIFF_BYTES);
    const read = fs.readSync(descriptor, start, 0, start.length, 0);
    return contentDecision(start.subarray(0, read));
  } finally {
    fs.closeSync(descriptor);
  }
}

export function createAppHandlers(shell: DesktopShell): AppHandlers {
  return {
    async 'app:chooseFolders'(input, { sender }) {
      const properties: OpenDialogOptions['properties'] = ['openDirectory', 'createDirectory', ...(input.multiple ? ['multiSelections' as const] : [])];
      const chosen = await shell.showOpenDialog(sender, { properties, ...(input.title ? { title: input.title } : {}) });
      return { paths: chosen.canceled ? [] : chosen.filePaths };
    },

    async 'app:showInFolder'(input) {
      // Before the path is touched at all: on Windows a network path is a connection as soon as it is looked at.
      checkLocalPath(input.path, shell.platform);
      if (!lstatOrNothing(input.path)) {
        throw new FileOrganizerError('E_NOT_FOUND', 'this file or folder is not there any more (moved, renamed or deleted since the list was read); refresh the list');
      }
      shell.showItemInFolder(input.path);
      return null;
    },

    async 'app:openFile'(input) {
      checkLocalPath(input.path, shell.platform);
      for (const decide of [() => openDecision(input.path, lstatOrNothing(input.path), shell.platform), () => decideByContent(input.path)]) {
        const decision = decide();
        if (!decision.open) throw new FileOrganizerError(decision.code, decision.message, { refused: decision.refused });
      }
      const failure = await shell.openPath(input.path);
      if (failure !== '') throw new FileOrganizerError('E_IO', `the system could not open this file: ${failure}`);
      return null;
    },
  };
}
