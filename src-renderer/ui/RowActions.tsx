import { useState } from 'react';
import { Button, Toolbar } from 'react-aria-components';
import { messageOf } from '../client/client.js';
import { client } from '../client/index.js';
import { ErrorNote } from './Notes.js';
import { PathText } from './PathText.js';

/**
 * The desktop app's actions on a list's selected file: Show in folder (the file manager, the file selected in
 * it) and Open (its default app). Disabled until a row is selected; absent in a browser, which can do neither.
 * The selected file is named beside them, so what they act on is never a guess.
 */
export function RowActions({ label, path, hint }: {
  /** the toolbar's name, e.g. "Selected move" */
  label: string;
  /** the selected row's file, where it is now; null when no row is selected (or its page is not read yet) */
  path: string | null;
  /** what selecting a row is, in this list's words */
  hint: string;
}) {
  const desktop = client.desktop;
  const [error, setError] = useState<{ path: string; words: string } | null>(null);
  if (desktop === null) return null;
  const act = async (action: (path: string) => Promise<void>): Promise<void> => {
    if (path === null) return;
    setError(null);
    try {
      await action(path);
    } catch (thrown) {
      setError({ path, words: messageOf(thrown) });
    }
  };
  return (
    <div className="row-actions-wrap">
      <Toolbar className="row-actions" aria-label={label}>
        <Button className="button button-small" isDisabled={path === null} onPress={() => void act((file) => desktop.showInFolder(file))}>Show in folder</Button>
        <Button className="button button-small" isDisabled={path === null} onPress={() => void act((file) => desktop.openFile(file))}>Open</Button>
        {/* The file's name stays in sight when its folder does not fit; the whole path is read and its title. */}
        <span className={path === null ? 'row-actions-hint muted' : 'row-actions-path'} aria-live="polite">
          {path === null ? hint : <><span className="visually-hidden">Selected: </span><PathText path={path} /></>}
        </span>
      </Toolbar>
      {error !== null && error.path === path && <ErrorNote>{error.words}</ErrorNote>}
    </div>
  );
}
