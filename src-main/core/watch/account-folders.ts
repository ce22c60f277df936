import { isFileOrganizerError } from '../../../src-shared/errors.js';
import { type FolderAccess } from '../auth/folder-access.js';
import { type WatchedFolder } from './watch-types.js';

/**
 * Why the folder's account may not use it (or its destination) now, in words, or undefined when it may: asked
 * before every batch and at every look at a folder, since the owner can take a folder back at any time.
 */
export function accountRefusal(folderAccess: FolderAccess, folder: WatchedFolder): string | undefined {
  try {
    folderAccess.check(folder.userId, [
      { path: folder.path, role: 'folder to organize' },
      ...(folder.destination ? [{ path: folder.destination, role: 'destination' as const }] : []),
    ]);
    return undefined;
  } catch (error) {
    if (isFileOrganizerError(error) && error.code === 'E_FORBIDDEN') return error.message;
    throw error;
  }
}
