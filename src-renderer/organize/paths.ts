/**
 * A path as the list shows it: relative to the folder it is under ("Photos/a.jpg"), or whole when it is not
 * under it. The row's accessible names use the same words (`Include Photos/a.jpg`), so they stay short and
 * stable whatever the folder's own path.
 */
export function relativeTo(root: string, path: string): string {
  const base = root.replace(/[\\/]+$/, '');
  const separator = path[base.length];
  if (path.length > base.length + 1 && path.startsWith(base) && (separator === '/' || separator === '\\')) return path.slice(base.length + 1);
  return path;
}
