import fs from 'node:fs';
import type { OpenDialogOptions } from 'electron';
import { FileOrganizerError } from '../../src-shared/errors.js';
import { type AppHandlers } from '../api/app-ipc.js';
import { type IpcSender } from '../api/ipc.js';
import { openDecision } from './open-file-policy.js';

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

export function createAppHandlers(shell: DesktopShell): AppHandlers {
  return {
    async 'app:chooseFolders'(input, { sender }) {
      const properties: OpenDialogOptions['properties'] = ['openDirectory', 'createDirectory', ...(input.multiple ? ['multiSelections' as const] : [])];
      const chosen = await shell.showOpenDialog(sender, { properties, ...(input.title ? { title: input.title } : {}) });
      return { paths: chosen.canceled ? [] : chosen.filePaths };
    },

    async 'app:showInFolder'(input) {
      if (!lstatOrNothing(input.path)) {
        throw new FileOrganizerError('E_NOT_FOUND', 'this file or folder is not there any more (moved, renamed or deleted since the list was read); refresh the list');
      }
      shell.showItemInFolder(input.path);
      return null;
    },

    async 'app:openFile'(input) {
      const decision = openDecision(input.path, lstatOrNothing(input.path), shell.platform);
      if (!decision.open) throw new FileOrganizerError(decision.code, decision.message, { refused: decision.refused });
      const failure = await shell.openPath(input.path);
      if (failure !== '') throw new FileOrganizerError('E_IO', `the system could not open this file: ${failure}`);
      return null;
    },
  };
}
