import { baseName } from '../ui/format.js';

/**
 * A full path on one line: its folder shrinks with an ellipsis first, so the file's name stays readable in a
 * narrow window. The whole path is the accessible name, and the tooltip.
 */
export function PathText({ path }: { path: string }) {
  const name = baseName(path);
  const folder = path.endsWith(name) ? path.slice(0, path.length - name.length) : '';
  // The two parts are flex items, which a screen reader would read as two words: it reads the whole path instead.
  return (
    <>
      <span className="visually-hidden">{path}</span>
      <span className="path-text" title={path} aria-hidden="true">
        {folder && <span className="path-text-folder">{folder}</span>}
        <span className="path-text-name">{folder ? name : path}</span>
      </span>
    </>
  );
}
