import path from 'node:path';

/**
 * A file's path from its folder and name, by plain concatenation (path.join would normalize, and a root typed
 * with a trailing separator keeps it). The walk, the planner and the duplicate search all build paths so.
 */
export function joinPath(folder: string, name: string, separator: string = path.sep): string {
  return folder.endsWith(separator) ? folder + name : folder + separator + name;
}
