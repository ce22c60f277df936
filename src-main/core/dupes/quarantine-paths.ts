import fs from 'node:fs';
import path from 'node:path';
import { QUARANTINE_FOLDER_NAME } from '../scan/hidden-names.js';
import { isInside } from '../scan/is-inside.js';
import { type HashedFile } from './find-duplicates.js';

/** The app-managed quarantine of a data folder: one folder per operation below it. */
export const quarantineIn = (dataDir: string): string => path.join(dataDir, 'quarantine');

/** An absolute path as a relative one that keeps every part of it: "/home/a/x" -> "home/a/x", "C:\x" -> "C\x". */
function mirrored(file: string): string {
  const absolute = path.resolve(file);
  const { root } = path.parse(absolute);
  const rootPart = root.replace(/[:\\/]+/g, path.sep).split(path.sep).filter(Boolean).join(path.sep);
  return path.join(rootPart, absolute.slice(root.length));
}

/**
 * Where each quarantined file goes, so that quarantining is a rename, never a copy: into the data folder's
 * quarantine when the file is on its device (under the file's whole original path), else into a
 * `.fileorg-quarantine` folder at the top of the searched folder that holds the file (under its path from
 * there). Scans never enter either. One folder per operation, named by its id.
 */
export function createQuarantinePlacer(dataDir: string, roots: readonly string[], operationId: string) {
  const deviceOf = (folder: string): string => String(fs.statSync(folder, { bigint: true }).dev);
  const dataDevice = deviceOf(dataDir);
  const central = path.join(quarantineIn(dataDir), operationId);
  const beside = roots.map((root) => ({ root, device: deviceOf(root), folder: path.join(root, QUARANTINE_FOLDER_NAME, operationId) }));
  return {
    /** the operation's quarantine folders that may be used (each created only when a file goes there) */
    folders: (): string[] => [central, ...beside.map((entry) => entry.folder)],
    place(file: HashedFile): string {
      if (file.dev !== dataDevice) {
        const home = beside.find((entry) => entry.device === file.dev && isInside(file.path, entry.root));
        if (home) return path.join(home.folder, path.relative(home.root, file.path));
      }
      return path.join(central, mirrored(file.path));
    },
  };
}
export type QuarantinePlacer = ReturnType<typeof createQuarantinePlacer>;
