import { useEffect, useRef } from 'react';
import { Button, Link } from 'react-aria-components';
import { useShallow } from 'zustand/react/shallow';
import { type OperationView } from '../../src-shared/api/operations.js';
import { formatCount, plural } from '../ui/format.js';
import { InfoNote } from '../ui/Notes.js';
import { RunProgress, type RunProgressView } from '../ui/RunProgress.js';
import { StatusBadge } from '../ui/StatusBadge.js';
import { useOrganize } from './organize-store.js';
import { OutcomeList } from './OutcomeList.js';

const progressOf = (operation: OperationView): RunProgressView => ({
  stage: operation.progress.stage, filesDone: operation.progress.files_done, filesTotal: operation.progress.files_total,
  bytesDone: operation.progress.bytes_done, bytesTotal: operation.progress.bytes_total, currentPath: null, bytesPerSecond: null, secondsLeft: null,
});

function Stat({ label, value }: { label: string; value: number }) {
  return <div className="stat"><dt>{label}</dt><dd>{formatCount(value)}</dd></div>;
}

/** The result of a finished run (or undo) in one sentence, announced when it appears. */
function resultWords(operation: OperationView): string {
  const { moved, skipped, failed, rolled_back: back, rollback_conflicts: notBack } = operation;
  switch (operation.status) {
    case 'completed':
      return `Done: moved ${plural(moved, 'file')}${skipped > 0 ? `; ${formatCount(skipped)} left in place (listed below)` : ''}. Undo puts everything back.`;
    case 'completed_with_failures':
      return `Finished with failures: moved ${plural(moved, 'file')}, ${formatCount(failed)} failed (listed below with why). Fix what they say, then undo or preview again.`;
    case 'rolled_back':
      return `Undone: ${plural(back, 'file is', 'files are')} back where ${back === 1 ? 'it was' : 'they were'}.`;
    case 'partially_rolled_back':
      return `Partly undone: ${plural(back, 'file is', 'files are')} back; ${formatCount(notBack)} could not be put back (listed below with why).`;
    default:
      return '';
  }
}

/**
 * The run of the preview on screen (this operation's detail): live progress and Cancel while it runs; Resume
 * once interrupted; the result in words with the files left in place or failed, and Undo; then the undo's own
 * progress and result.
 */
export function RunPanel({ sourceRoot }: { sourceRoot: string }) {
  const { operation, action, phase, progress, pending } = useOrganize(useShallow((s) => ({
    operation: s.operation, action: s.action, phase: s.phase, progress: s.progress, pending: s.pending,
  })));
  const { cancel, undo, resume } = useOrganize.getState();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const status = operation?.status ?? null;
  // The button pressed (Apply, Cancel, Undo, Resume) gives way to another: focus goes to the panel's heading
  // instead of being lost to the page.
  useEffect(() => {
    if (document.activeElement === null || document.activeElement === document.body) headingRef.current?.focus();
  }, [status]);

  if (operation === null || action === null || action === 'preview' || status === null) return null;
  const live = status === 'running' || status === 'rolling_back';
  const undoing = phase === 'rollback';
  const undone = status === 'rolled_back' || status === 'partially_rolled_back';
  const finished = status === 'completed' || status === 'completed_with_failures';

  return (
    <section className="panel org-run" aria-labelledby="org-run-title">
      <div className="panel-head">
        <div className="org-title-line">
          <h2 id="org-run-title" ref={headingRef} tabIndex={-1}>{undoing ? 'Undo' : 'Run'}</h2>
          <StatusBadge operation={operation} />
        </div>
        <Link href={`/history/${encodeURIComponent(operation.operation_id)}`} className="org-link">Open in History</Link>
      </div>

      {live && (
        <div className="org-run-live">
          <RunProgress label={status === 'rolling_back' ? 'Undo progress' : 'Apply progress'} progress={progress ?? progressOf(operation)} />
          <div className="org-actions">
            <Button className="button" onPress={() => void cancel()} isDisabled={operation.cancel_requested}>Cancel</Button>
            <span className="muted" aria-live="polite">{operation.cancel_requested ? 'Stopping after the files in flight…' : ''}</span>
          </div>
        </div>
      )}

      {status === 'interrupted' && (
        <div className="org-run-result">
          <InfoNote>
            {undoing
              ? `Undo stopped after putting back ${formatCount(operation.rolled_back)} of ${plural(operation.moved, 'file')}. Resume puts back the rest.`
              : `Stopped after moving ${formatCount(operation.moved)} of ${plural(operation.progress.files_total || operation.plan?.files || 0, 'file')}. Resume moves the rest; Undo puts back what moved.`}
          </InfoNote>
          <div className="org-actions">
            <Button className="button button-primary" onPress={() => void resume()} isDisabled={pending}>Resume</Button>
            {!undoing && <Button className="button" onPress={() => void undo()} isDisabled={pending}>Undo</Button>}
          </div>
        </div>
      )}

      {(finished || undone) && (
        <div className="org-run-result">
          <InfoNote>{resultWords(operation)}</InfoNote>
          <dl className="stats org-stats">
            <Stat label="Moved" value={operation.moved} />
            <Stat label="Left in place" value={operation.skipped} />
            <Stat label="Failed" value={operation.failed} />
            <Stat label="Name conflicts" value={operation.conflicts} />
            {undone && <Stat label="Put back" value={operation.rolled_back} />}
            {undone && <Stat label="Not put back" value={operation.rollback_conflicts} />}
          </dl>
          {finished && (
            <div className="org-actions">
              <Button className="button button-primary" onPress={() => void undo()} isDisabled={pending}>Undo</Button>
              <span className="muted">Puts every moved file back where it was.</span>
            </div>
          )}
          {finished && operation.failed > 0 && <OutcomeList kind="failed" title="Failed" count={operation.failed} root={sourceRoot} />}
          {finished && operation.skipped > 0 && <OutcomeList kind="skipped" title="Left in place" count={operation.skipped} root={sourceRoot} />}
          {undone && operation.rollback_conflicts > 0 && <OutcomeList kind="rollback_conflict" title="Not put back" count={operation.rollback_conflicts} root={sourceRoot} />}
        </div>
      )}
    </section>
  );
}
