import { type RefObject } from 'react';
import { Button } from 'react-aria-components';
import { client } from '../client/index.js';
import { plural } from '../ui/format.js';
import { EmptyState, ErrorNote } from '../ui/Notes.js';
import { fileStateWords } from '../ui/reason-words.js';
import { RowActions } from '../ui/RowActions.js';
import { useRowSelection } from '../ui/row-selection.js';
import { journalIndexOf, journalRowAt, useJournal } from './journal-store.js';
import { JournalList } from './JournalList.js';
import { type PathRoots } from './operation-words.js';
import { StateFilter } from './StateFilter.js';
import { whereNow } from './where-now.js';

/** The journal: every file the operation planned, moved, left or put back, filterable by state. */
export function JournalPanel({ roots, live, panelRef }: { roots: PathRoots; live: boolean; panelRef: RefObject<HTMLElement | null> }) {
  const { operationId, state, total, pages, error, setState, ensure, refresh } = useJournal();
  // The desktop app shows a selected row's file in its folder (where it is now), or opens it.
  // Rows are read again as a run goes (and may leave the filter): the selection follows its row by id.
  const selection = useRowSelection(`${operationId ?? ''}:${state ?? 'all'}`, client.desktop !== null, {
    at: (index) => journalRowAt(pages, index)?.id.toString(),
    find: (id) => journalIndexOf(pages, Number(id)),
  });
  const selectedRow = selection?.selected == null ? undefined : journalRowAt(pages, selection.selected);
  return (
    <section className="panel journal" aria-labelledby="journal-title" ref={panelRef}>
      <div className="panel-head journal-head">
        <div>
          <h2 id="journal-title">Journal</h2>
          <p className="muted journal-count" aria-live="polite">
            {total === null ? '\u00a0' : state === null ? plural(total, 'file') : `${plural(total, 'file')} ${fileStateWords(state).toLowerCase()}`}
          </p>
        </div>
        <StateFilter state={state} onChange={setState} />
      </div>
      {error && <ErrorNote>{error} <Button className="button button-small" onPress={refresh}>Try again</Button></ErrorNote>}
      {total === 0 ? (
        <div className="journal-empty">
          <EmptyState title={state === null ? (live ? 'No files recorded yet' : 'No files in the journal') : `No files ${fileStateWords(state).toLowerCase()}`}>
            {state === null
              ? <p>{live ? 'Files appear here as soon as the plan is recorded.' : 'The plan had nothing to move: every file was already in place or left out.'}</p>
              : <p>Choose another state, or <Button className="button button-small" onPress={() => setState(null)}>Show all files</Button></p>}
          </EmptyState>
        </div>
      ) : (
        <>
          <RowActions label="Selected journal file" path={selectedRow === undefined ? null : whereNow(selectedRow)} hint="Select a file in the journal (click it, or ↑ ↓ in the list) to show it where it is now." />
          <JournalList total={total ?? 0} pages={pages} roots={roots} resetKey={state ?? 'all'} onRange={ensure} selection={selection} />
        </>
      )}
    </section>
  );
}
