import fs from 'node:fs';
import path from 'node:path';

/** A full path, as the contract's absolutePathSchema takes one: /x on POSIX; C:\x, C:/x or \\server\share on Windows. */
export function isAbsoluteFor(candidate: string, platform: NodeJS.Platform): boolean {
  if (candidate.includes('\0')) return false;
  return platform === 'win32' ? /^([A-Za-z]:[\\/]|\\\\[^\\])/.test(candidate) : candidate.startsWith('/');
}

/** Is this an existing folder (through a symlink too: a link to a folder on the desktop is a folder to its owner)? */
export function isExistingFolder(candidate: string): boolean {
  try {
    return fs.statSync(candidate).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The folder a launch asks the window to open (`FileOrganizer /home/me/Downloads`, a folder dropped on the app's
 * icon on Windows and Linux, a second launch's command line): the first argument that is a full path to an
 * existing folder. Switches (`--inspect=0`, Chromium's own, macOS's `-psn_…`) are skipped; in a development run
 * (`electron .`, `defaultApp`) the first plain argument is the app's own folder, not the user's; after `--`
 * every argument is a plain one. A relative path is not taken: a second launch's working folder is not the
 * first's, and guessing could open the wrong folder.
 */
export function folderArgument(argv: readonly string[], options: {
  defaultApp: boolean; platform: NodeJS.Platform; isFolder?: (candidate: string) => boolean;
}): string | undefined {
  const isFolder = options.isFolder ?? isExistingFolder;
  let appPathSkipped = !options.defaultApp;
  let switchesEnded = false;
  for (const argument of argv.slice(1)) {
    if (!switchesEnded && argument === '--') { switchesEnded = true; continue; }
    if (!switchesEnded && argument.startsWith('-')) continue;
    if (!appPathSkipped) { appPathSkipped = true; continue; }
    if (isAbsoluteFor(argument, options.platform) && isFolder(argument)) return path[options.platform === 'win32' ? 'win32' : 'posix'].normalize(argument);
  }
  return undefined;
}
