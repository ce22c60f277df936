import fs from 'node:fs';
import path from 'node:path';
import { type Platform } from '../rules/safe-names.js';

/**
 * A path as the OS will follow it: symlinks and ".." resolved by the file system, not by the text. For a path
 * that does not exist yet (a destination to be created), its deepest existing folder is resolved and the rest
 * appended, so a new folder inside a folder is seen to be inside it.
 */
export function physicalPath(given: string): string {
  const rest: string[] = [];
  let existing = path.isAbsolute(given) ? given : process.cwd() + path.sep + given; // not path.join: it would settle ".." as text
  for (;;) {
    try {
      return path.join(fs.realpathSync(existing), ...rest);
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return path.resolve(given);
      rest.unshift(path.basename(existing));
      existing = parent;
    }
  }
}

/** Names compare as the file system compares them (case-insensitively on macOS and Windows by default). */
export const nameKeyOf = (platform: Platform) => (platform === 'linux' ? (value: string) => value : (value: string) => value.toLowerCase());

/** Whether `inner` is `outer` or below it, comparing names as the platform's file system does. */
export function isWithin(inner: string, outer: string, platform: Platform): boolean {
  const key = nameKeyOf(platform);
  const relative = path.relative(key(outer), key(inner));
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}
