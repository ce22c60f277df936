import { type KeepPolicy } from '../../../src-shared/duplicates.js';
import { type Category } from '../../../src-shared/categories.js';

/** What rules may look at for one file. `mime` and `date` are filled only when the rule set uses them. */
export interface FileFacts {
  path: string;
  name: string;
  stem: string;
  /** lower case, without the dot; '' when the name has none */
  extension: string;
  /** the extension as written in the name (templates keep the user's case) */
  extensionAsWritten: string;
  /** folder of the file relative to its scan root, with '/' separators; '' at the root */
  relativeDir: string;
  size: number;
  mtimeMs: number;
  category: Category;
  mime: string | undefined;
  /** EXIF capture date for photos, else mtime */
  date: Date;
  /** is it a copy of another file in the organized folders, and not the one `policy` keeps? (rule sets using `duplicate`) */
  isDuplicate: (policy: KeepPolicy) => boolean;
}

export function splitName(name: string): { stem: string; extension: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return { stem: name, extension: '' };
  return { stem: name.slice(0, dot), extension: name.slice(dot + 1) };
}
