import type fs from 'node:fs';
import path from 'node:path';
import { type ErrorCode } from '../../src-shared/errors.js';

/**
 * Names that start a program (or a script, an installer, a shortcut to one) when opened with their default app,
 * on any system: a file that came from elsewhere keeps its name wherever it is opened. Refused on every platform,
 * whatever its mode, since "open" on them means "run".
 */
export const LAUNCHER_EXTENSIONS: ReadonlySet<string> = new Set([
  // Windows
  '.exe', '.com', '.bat', '.cmd', '.msi', '.msp', '.msc', '.lnk', '.pif', '.scr', '.cpl', '.hta', '.reg', '.inf', '.url',
  '.ps1', '.psm1', '.vbs', '.vbe', '.js', '.jse', '.wsf', '.wsh', '.application', '.appref-ms', '.settingcontent-ms', '.gadget',
  // any platform with a runtime installed
  '.jar', '.jnlp', '.py', '.pyw',
  // macOS
  '.app', '.command', '.tool', '.terminal', '.workflow', '.scpt', '.applescript', '.pkg', '.mpkg',
  // Linux
  '.desktop', '.sh', '.run', '.appimage', '.deb', '.rpm',
]);

export type OpenDecision = { open: true } | { open: false; code: ErrorCode; refused: 'missing' | 'folder' | 'link' | 'special' | 'program'; message: string };

/**
 * May Open file hand this path to the system's default app? Only a regular file that is not a program: not a
 * folder, not a symlink (it could point anywhere, a program included), not a device or socket, not a launcher by
 * its name, not executable by its mode on POSIX (a script without an extension still runs). `stats` is the
 * path's lstat, undefined when nothing is there. The words name no file: the window shows which one.
 */
export function openDecision(filePath: string, stats: fs.Stats | undefined, platform: NodeJS.Platform): OpenDecision {
  if (!stats) {
    return { open: false, code: 'E_NOT_FOUND', refused: 'missing', message: 'this file is not there any more (moved, renamed or deleted since the list was read); refresh the list' };
  }
  if (stats.isSymbolicLink()) {
    return { open: false, code: 'E_FORBIDDEN', refused: 'link', message: 'this is a symbolic link, and FileOrganizer opens only regular files; use Show in folder to see it in your file manager' };
  }
  if (stats.isDirectory()) {
    return { open: false, code: 'E_FORBIDDEN', refused: 'folder', message: 'this is a folder; use Show in folder to open it in your file manager' };
  }
  if (!stats.isFile()) {
    return { open: false, code: 'E_FORBIDDEN', refused: 'special', message: 'this is not a regular file (a device, socket or pipe), so it has no app to open it' };
  }
  // Windows drops trailing dots and spaces from a name ("setup.exe. " is setup.exe), and a stream name after a
  // colon ("notes.txt:run.exe") is not the file's type: refused before they could pass for something else.
  const name = (platform === 'win32' ? path.win32 : path.posix).basename(filePath).toLowerCase().replace(/[. ]+$/, '');
  if (platform === 'win32' && name.includes(':')) {
    return { open: false, code: 'E_FORBIDDEN', refused: 'special', message: 'this names a part of a file (an alternate stream), not a file FileOrganizer can open' };
  }
  const launcher = [...LAUNCHER_EXTENSIONS].some((extension) => name.endsWith(extension));
  const executable = platform !== 'win32' && (stats.mode & 0o111) !== 0;
  if (launcher || executable) {
    return { open: false, code: 'E_FORBIDDEN', refused: 'program', message: 'this file is a program or starts one, and FileOrganizer never runs programs; use Show in folder and open it yourself if you trust it' };
  }
  return { open: true };
}
