import { baseName, visibleName } from './format.js';

/**
 * A full path on one line: its folder shrinks first, from its start (an ellipsis, then the folder's end and the
 * "/" before the name), so the file's name stays readable in a narrow window. The whole path is the accessible name, and the tooltip. Characters that would disguise it
 * (a right-to-left override, a newline, a look-alike slash) are shown as visible escapes everywhere.
 */
export function PathText({ path }: { path: string }) {
  const shown = visibleName(path);
  const name = visibleName(baseName(path));
  const folder = shown.endsWith(name) ? shown.slice(0, shown.length - name.length) : '';
  // The two parts are flex items, which a screen reader would read as two words: it reads the whole path instead.
  return (
    <>
      <span className="visually-hidden">{shown}</span>
      <span className="path-text" title={shown} aria-hidden="true">
        {folder && <span className="path-text-folder"><span className="path-text-folder-text">{folder}</span></span>}
        <span className="path-text-name">{folder ? name : shown}</span>
      </span>
    </>
  );
}
