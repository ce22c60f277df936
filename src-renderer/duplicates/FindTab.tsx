import { EmptyState, ErrorNote } from '../ui/Notes.js';
import { RunProgress } from '../ui/RunProgress.js';
import { useFind } from './duplicates-store.js';
import { FindForm } from './FindForm.js';
import { SearchResult } from './SearchResult.js';

/** The find tab: the form, the search's progress per stage, then its groups. */
export function FindTab() {
  const phase = useFind((state) => state.phase);
  const progress = useFind((state) => state.progress);
  const error = useFind((state) => state.error);
  return (
    <div className="find-tab">
      <FindForm />
      {phase === 'idle' && (
        <div className="panel">
          <EmptyState title="No search yet">
            Type the folders to compare, one a line, then press Find duplicates. Files are only read: nothing changes until you confirm.
          </EmptyState>
        </div>
      )}
      {phase === 'searching' && progress && (
        <section className="panel search-progress" aria-label="Search progress">
          <RunProgress label="Finding duplicates" progress={progress} />
        </section>
      )}
      {phase === 'failed' && error !== null && <ErrorNote>{error}</ErrorNote>}
      {phase === 'done' && <SearchResult />}
    </div>
  );
}
