import path from 'node:path';
import { FileOrganizerError } from '../../../src-shared/errors.js';

/** Folders to walk must be given once each: a folder inside another would be walked twice. */
export function checkRootsApart(given: readonly string[]): void {
  const roots = given.map((root) => path.resolve(root)); // compared cleaned up ("a/./b/" is "a/b"), worded as given
  roots.forEach((root, index) => {
    const overlapping = roots.findIndex((other, otherIndex) => otherIndex !== index && (other === root || root.startsWith(other.endsWith(path.sep) ? other : other + path.sep)));
    if (overlapping >= 0) throw new FileOrganizerError('E_USAGE', `${given[index]} is ${roots[overlapping] === root ? 'given twice' : `inside ${given[overlapping]}`}; give each folder once`);
  });
}
