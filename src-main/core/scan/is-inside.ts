import path from 'node:path';

/** Is `file` somewhere below `folder` (not the folder itself)? Compared cleaned up: "a/./b" is inside "a". */
export function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
