import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ErrorNote } from '../ui/Notes.js';
import { OrganizeForm } from './OrganizeForm.js';
import { useOrganize } from './organize-store.js';
import { PreviewPanel } from './PreviewPanel.js';
import './organize.css';

/**
 * Organize: a folder and options, Preview (every move, nothing touched), Apply with live progress, Undo. The
 * state lives in the store, so it is all still here after a visit to History.
 */
export function OrganizeScreen() {
  const { error } = useOrganize(useShallow((s) => ({ error: s.error })));
  useEffect(() => { void useOrganize.getState().loadRuleSets(); }, []);

  return (
    <div className="org">
      <div className="org-head">
        <h1>Organize</h1>
        <p className="muted">Sort a folder's files into folders by rules. Preview shows every move; Apply makes them; Undo puts everything back.</p>
      </div>
      <OrganizeForm />
      {error && <ErrorNote>{error}</ErrorNote>}
      <PreviewPanel />
    </div>
  );
}
