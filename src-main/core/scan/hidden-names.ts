/** A quarantine kept beside the files of another device than the data folder's (see dupes/quarantine-paths.ts). */
export const QUARANTINE_FOLDER_NAME = '.fileorg-quarantine';

/** Files that belong to the OS or to a tool, never to the user's sorting: left alone unless asked. */
const SYSTEM_FILES = new Set(['Thumbs.db', 'ehthumbs.db', 'desktop.ini', 'Icon\r', '$RECYCLE.BIN', 'System Volume Information']);

export function isHiddenName(name: string): boolean {
  return name.startsWith('.') || SYSTEM_FILES.has(name);
}

/** Folders that are never walked: version control and dependency trees are not the user's files to sort. */
export const ALWAYS_EXCLUDED_FOLDERS = new Set(['.git', 'node_modules', QUARANTINE_FOLDER_NAME]);
