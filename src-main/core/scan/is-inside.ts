import path from 'node:path';

/** Is `file` somewhere below `folder` (not the folder itself)? Compared cleaned up: "a/./b" is inside "a". */
export function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  // A name that merely starts with two dots ("..notes") is inside; only ".." itself or "../..." climbs out.
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}
