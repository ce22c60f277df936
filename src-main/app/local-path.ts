import path from 'node:path';
import { FileOrganizerError } from '../../src-shared/errors.js';

/**
 * The paths Show in folder and Open take: a full path in the running system's own form. The contract's schema
 * takes either system's form (the API serves both), so on Linux 'C:\notes.pdf' passes it, and here it would
 * be a name relative to the app's working folder. On Windows, besides a drive letter's path, the system takes
 * device paths (\\?\C:\…, \\.\PhysicalDrive0), which skip its own checks of names, and network paths
 * (\\server\share\…): merely looking at one connects to that server over SMB and offers it the signed-in
 * user's Windows login (its password hash), so a path the page was handed could send it anywhere. Both are
 * refused before anything touches the path; a file on a network share is opened from the file manager.
 */
export function checkLocalPath(candidate: string, platform: NodeJS.Platform): void {
  if (platform !== 'win32') {
    if (!path.posix.isAbsolute(candidate)) throw notFull('/home/me/report.pdf');
    return;
  }
  if (/^[\\/]{2}[?.][\\/]/.test(candidate) || /^[\\/]\?\?[\\/]/.test(candidate)) {
    throw new FileOrganizerError('E_FORBIDDEN', 'this is a Windows device path (\\\\?\\ or \\\\.\\), not a file on one of this computer\'s drives, and FileOrganizer does not open or show those; use a path like C:\\Users\\me\\report.pdf');
  }
  if (/^[\\/]{2}/.test(candidate)) {
    throw new FileOrganizerError('E_FORBIDDEN', 'this file is on a network share (\\\\server\\share), and FileOrganizer does not open or show files there: reaching the share sends your Windows sign-in to that server; open it from your file manager if you trust the server');
  }
  if (!/^[A-Za-z]:[\\/]/.test(candidate)) throw notFull('C:\\Users\\me\\report.pdf');
}

const notFull = (example: string): FileOrganizerError =>
  new FileOrganizerError('E_VALIDATION', `this is not a full path on this computer; give one like ${example}`);
