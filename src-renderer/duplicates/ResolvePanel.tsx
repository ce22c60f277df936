import { Button } from 'react-aria-components';
import { type OperationView } from '../../src-shared/api/operations.js';
import { formatBytes, plural } from '../ui/format.js';
import { ErrorNote } from '../ui/Notes.js';
import { reasonWords } from '../ui/reason-words.js';
import { RunProgress } from '../ui/RunProgress.js';
import { StatusBadge } from '../ui/StatusBadge.js';
import { PathReasonList } from './PathReasonList.js';
import { type ResolveKind, type RowList, useResolve } from './resolve-store.js';

const RUNNING_LABEL: Record<ResolveKind, string> = { quarantine: 'Moving copies to the quarantine', hardlink: 'Replacing copies by hard links' };

/** A resolution's own words where the journal's shared ones speak of a preview: its plan is the search. */
const DEDUPE_WORDS: Record<string, string> = { 'changed-since-plan': 'Changed since the search, so it was left alone' };
const reasonsOf = (list: RowList | null) => (list?.rows ?? []).map((row) => ({
  path: row.source, reason: (row.reason !== null ? DEDUPE_WORDS[row.reason] : undefined) ?? reasonWords(row.reason) ?? row.error ?? 'Left alone',
}));

/** What the last Quarantine selected / Hard link selected did: live progress, then its result and Undo. */
export function ResolvePanel() {
  const { phase, kind, progress, result, wonBytes, leftAlone, undone, notPutBack, error, undo } = useResolve();
  if (phase === 'idle' && error === null) return null;
  return (
    <section className="panel resolve-panel" aria-label="Result">
      {error !== null && <ErrorNote>{error}</ErrorNote>}
      {(phase === 'running' || phase === 'undoing') && progress && kind && (
        <RunProgress label={phase === 'running' ? RUNNING_LABEL[kind] : 'Undoing'} progress={progress} />
      )}
      {phase === 'done' && result && kind && (
        <>
          <div className="resolve-head" role="status">
            <StatusBadge operation={result} />
            <p className="resolve-won"><strong>{formatBytes(wonBytes ?? 0)} won</strong>: {doneWords(kind, result)}</p>
          </div>
          {kind === 'quarantine' && result.moved > 0 && (
            <p className="muted">The space is freed on disk when you empty the quarantine (Quarantine tab); until then Undo puts the files back.</p>
          )}
          {result.message && <p>{result.message}</p>}
          {(leftAlone?.total ?? 0) > 0 && (
            <>
              <h3>{plural(leftAlone?.total ?? 0, 'file was', 'files were')} left alone</h3>
              <PathReasonList label="Files left alone, and why" items={reasonsOf(leftAlone)} total={leftAlone?.total ?? 0} />
            </>
          )}
          <div className="form-actions">
            <Button className="button" onPress={() => void undo()}>Undo</Button>
          </div>
        </>
      )}
      {phase === 'undone' && undone && (
        <>
          <div className="resolve-head" role="status">
            <StatusBadge operation={undone} />
            <p className="resolve-won">{undoneWords(kind, undone)}</p>
          </div>
          {(notPutBack?.total ?? 0) > 0 && (
            <PathReasonList label="Files not put back, and why" items={reasonsOf(notPutBack)} total={notPutBack?.total ?? 0} />
          )}
        </>
      )}
    </section>
  );
}

function doneWords(kind: ResolveKind, result: OperationView): string {
  const files = plural(result.moved, 'copy', 'copies');
  return kind === 'quarantine' ? `${files} moved to the quarantine.` : `${files} replaced by hard links to the kept copy.`;
}

function undoneWords(kind: ResolveKind | null, undone: OperationView): string {
  const back = `Undone: ${plural(undone.rolled_back, 'file')} ${kind === 'hardlink' ? 'made separate copies again' : 'put back where ' + (undone.rolled_back === 1 ? 'it was' : 'they were')}.`;
  return undone.rollback_conflicts > 0 ? `${back} ${plural(undone.rollback_conflicts, 'file')} could not be put back:` : back;
}
