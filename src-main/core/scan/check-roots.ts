import path from 'node:path';
import { FileOrganizerError } from '../../../src-shared/errors.js';

/** Folders to walk must be given once each: a folder inside another would be walked twice. */
export function checkRootsApart(roots: readonly string[]): void {
  roots.forEach((root, index) => {
    const overlapping = roots.find((other, otherIndex) => otherIndex !== index && (other === root || root.startsWith(other.endsWith(path.sep) ? other : other + path.sep)));
    if (overlapping) throw new FileOrganizerError('E_USAGE', `${root} is ${overlapping === root ? 'given twice' : `inside ${overlapping}`}; give each folder once`);
  });
}
