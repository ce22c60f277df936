import type fs from 'node:fs';
import path from 'node:path';
import { type ErrorCode } from '../../src-shared/errors.js';

/**
 * The only types Open file hands to the system's default app, by extension: documents, pictures, audio and video
 * whose usual apps show them and run nothing. A list of what is allowed, not of what is refused: the types that
 * run code, install, mount, connect or redirect when "opened" are too many to name (.chm, .iso, .vhdx, .dmg,
 * .webloc, .mobileconfig, .appx, .wsb, .search-ms, .xll, .rdp, .docm, .html, .theme, .pl, .flatpakref…), and a
 * new one appears with each new handler an app registers. Left out on purpose: formats that may carry macros or
 * script (.doc .xls .ppt, the -m Office types, .svg, .html, .xml, .wma/.wmv with their URL commands), archives
 * and disk images (opening one extracts or mounts it), playlists and shortcuts (they point elsewhere).
 */
export const DOCUMENT_EXTENSIONS: ReadonlySet<string> = new Set([
  // documents and text
  '.pdf', '.epub', '.txt', '.md', '.markdown', '.csv', '.tsv', '.json', '.log',
  // office documents that cannot hold macros
  '.docx', '.xlsx', '.pptx', '.odt', '.ods', '.odp', '.rtf',
  // pictures, camera raw files included
  '.jpg', '.jpeg', '.png', '.gif', '.webp', '.bmp', '.tif', '.tiff', '.heic', '.heif', '.avif',
  '.dng', '.cr2', '.cr3', '.nef', '.arw', '.orf', '.rw2', '.raf',
  // audio
  '.mp3', '.m4a', '.aac', '.wav', '.flac', '.ogg', '.oga', '.opus', '.aif', '.aiff',
  // video
  '.mp4', '.m4v', '.mov', '.mkv', '.webm', '.avi', '.mpg', '.mpeg', '.3gp', '.mts', '.m2ts',
]);

export type RefusedAs = 'missing' | 'folder' | 'link' | 'special' | 'type' | 'program';
export type OpenDecision = { open: true } | { open: false; code: ErrorCode; refused: RefusedAs; message: string };

const SHOW_IN_FOLDER = 'open it from your file manager: Show in folder';

const refuse = (code: ErrorCode, refused: RefusedAs, message: string): OpenDecision => ({ open: false, code, refused, message });

/** Nothing is at the path (any more). */
export const MISSING_FILE: OpenDecision = refuse('E_NOT_FOUND', 'missing', 'this file is not there any more (moved, renamed or deleted since the list was read); refresh the list');

/**
 * The extension the system picks an app by, lower-cased, or '' when the name has none. Windows drops trailing
 * dots and spaces from a name ("setup.exe. " is setup.exe); elsewhere they are part of it, and "report.pdf."
 * has no type a desktop's opener matches by name (it would guess from the bytes instead), so nothing is dropped.
 */
export function extensionOf(filePath: string, platform: NodeJS.Platform): string {
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const name = paths.basename(filePath);
  return paths.extname(platform === 'win32' ? name.replace(/[. ]+$/, '') : name).toLowerCase();
}

/**
 * May Open file hand this path to the system's default app? Only a regular file (not a folder, not a symlink,
 * which could point anywhere, not a device or socket) of a type on DOCUMENT_EXTENSIONS. `stats` is the path's
 * lstat, undefined when nothing is there. The words name no file: the window shows which one.
 *
 * The file's mode plays no part: on FAT, exFAT and SMB mounts every file has mode 777, and the system picks the
 * app for these types by their name, not by the executable bit. What the file holds is looked at separately
 * (contentDecision), for a program under a document's name.
 */
export function openDecision(filePath: string, stats: fs.Stats | undefined, platform: NodeJS.Platform): OpenDecision {
  if (!stats) return MISSING_FILE;
  if (stats.isSymbolicLink()) {
    return refuse('E_FORBIDDEN', 'link', `this is a symbolic link, and FileOrganizer opens only regular files; ${SHOW_IN_FOLDER}`);
  }
  if (stats.isDirectory()) {
    return refuse('E_FORBIDDEN', 'folder', 'this is a folder; use Show in folder to open it in your file manager');
  }
  if (!stats.isFile()) {
    return refuse('E_FORBIDDEN', 'special', 'this is not a regular file (a device, socket or pipe), so it has no app to open it');
  }
  // A stream name after a colon ("notes.txt:run.exe") is not the file's type.
  if (platform === 'win32' && path.win32.basename(filePath).includes(':')) {
    return refuse('E_FORBIDDEN', 'special', 'this names a part of a file (an alternate stream), not a file FileOrganizer can open');
  }
  const extension = extensionOf(filePath, platform);
  if (extension === '') {
    return refuse('E_FORBIDDEN', 'type', `this file has no extension, so its type is unknown and it could be a program; ${SHOW_IN_FOLDER}`);
  }
  if (!DOCUMENT_EXTENSIONS.has(extension)) {
    return refuse('E_FORBIDDEN', 'type', `FileOrganizer opens only documents, pictures, audio and video (PDF, text, Office files without macros, photos, music, films); a ${extension} file may run code or open something else, so ${SHOW_IN_FOLDER}`);
  }
  return { open: true };
}

/** How many of a file's first bytes contentDecision needs. */
export const CONTENT_SNIFF_BYTES = 4;

/**
 * A program under a document's name: an ELF or Mach-O binary, a Windows program (MZ), a script (#!). Where a
 * desktop's opener guesses a type from the bytes (xdg-open without a desktop environment asks `file`), such a
 * "report.pdf" would be handed to whatever runs that kind of program (a shell, wine). `firstBytes` are the
 * file's first CONTENT_SNIFF_BYTES bytes (fewer for a shorter file).
 */
export function contentDecision(firstBytes: Uint8Array): OpenDecision {
  const starts = (...bytes: number[]): boolean => bytes.every((byte, index) => firstBytes[index] === byte);
  const program = starts(0x7f, 0x45, 0x4c, 0x46) // ELF
    || starts(0x4d, 0x5a) // MZ: a Windows program
    || starts(0x23, 0x21) // #!: a script
    || starts(0xfe, 0xed, 0xfa, 0xce) || starts(0xfe, 0xed, 0xfa, 0xcf) || starts(0xce, 0xfa, 0xed, 0xfe) || starts(0xcf, 0xfa, 0xed, 0xfe) // Mach-O
    || starts(0xca, 0xfe, 0xba, 0xbe); // a universal Mach-O binary (or Java class)
  return program
    ? refuse('E_FORBIDDEN', 'program', `this file is named as a document but holds a program, and FileOrganizer never runs programs; ${SHOW_IN_FOLDER}`)
    : { open: true };
}
