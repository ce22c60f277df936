import { useCallback, useEffect, useMemo, useRef } from 'react';
import { Button, Link } from 'react-aria-components';
import { isLive } from '../client/follow-operation.js';
import { formatDate } from '../ui/format.js';
import { ErrorNote, InfoNote } from '../ui/Notes.js';
import { RunProgress } from '../ui/RunProgress.js';
import { StatusBadge } from '../ui/StatusBadge.js';
import { useDetail } from './detail-store.js';
import { useJournal } from './journal-store.js';
import { JournalPanel } from './JournalPanel.js';
import { NotFound } from './NotFound.js';
import { OperationActions } from './OperationActions.js';
import { OperationCounts } from './OperationCounts.js';
import { OperationFacts } from './OperationFacts.js';
import { actionsFor, detailKindWords, isHardLinks, operationTitle, progressName, rootsOf, sortsByRules, statusHint } from './operation-words.js';
import { PlanSummary } from './PlanSummary.js';
import { RollbackConflicts } from './RollbackConflicts.js';

/**
 * One operation: its status and the actions it allows, live progress while it runs, counts, folders and
 * times, the plan, undo's conflicts explained, and the journal.
 */
export function OperationDetail({ operationId }: { operationId: string }) {
  const { phase, operation, error, acting, actionError, progress, result, started, open, close, act } = useDetail();
  const journalState = useJournal((state) => state.state);
  const setJournalState = useJournal((state) => state.setState);
  const title = useRef<HTMLHeadingElement>(null);
  const journal = useRef<HTMLElement>(null);
  useEffect(() => { void open(operationId); return close; }, [operationId, open, close]);
  const focusTitle = useCallback(() => title.current?.focus(), []);
  // Opened from the list, the link that had focus is gone: the keyboard starts again at the operation's name.
  const ready = phase === 'ready';
  useEffect(() => {
    if (ready && (document.activeElement === null || document.activeElement === document.body)) title.current?.focus();
  }, [ready]);
  const roots = useMemo(() => (operation === null ? null : rootsOf(operation)), [operation]);

  const back = <nav aria-label="Breadcrumb" className="breadcrumb"><Link href="/history" className="inline-link">← All operations</Link></nav>;
  if (phase === 'not-found') return <>{back}<NotFound operationId={operationId} /></>;
  if (phase === 'error' || operation === null || roots === null) {
    return (
      <>
        {back}
        {phase === 'error'
          ? <ErrorNote>{error} <Button className="button button-small" onPress={() => void open(operationId)}>Try again</Button></ErrorNote>
          : <p className="muted" role="status">Reading the operation…</p>}
      </>
    );
  }

  const live = isLive(operation);
  const hint = statusHint(operation);
  const showConflicts = (): void => {
    setJournalState('rollback_conflict');
    journal.current?.scrollIntoView({ block: 'start' });
  };
  return (
    <>
      {back}
      <header className="detail-head">
        <div className="detail-title">
          <h1 ref={title} tabIndex={-1}>{operationTitle(operation)}</h1>
          <p className="muted detail-sub">{detailKindWords(operation) === null ? '' : `${detailKindWords(operation)} · `}{formatDate(operation.created_at)}</p>
        </div>
        <p className="detail-status" role="status"><span className="visually-hidden">Status: </span><StatusBadge operation={operation} /></p>
        <OperationActions actions={actionsFor(operation)} acting={acting} cancelRequested={operation.cancel_requested} fallbackFocus={focusTitle} onAct={(action) => void act(action)} />
      </header>
      {hint && <p className="detail-hint">{hint}</p>}
      {operation.message && <p className="detail-message"><span className="muted">Last word from the run: </span>{operation.message}</p>}
      {actionError && <ErrorNote>{actionError}</ErrorNote>}
      {(live || progress !== null) ? (
        <section className="panel run-slot" aria-label="Progress">
          {progress && <RunProgress label={progressName(operation, started)} progress={progress} />}
        </section>
      ) : result !== null && <InfoNote>{result}</InfoNote>}
      <section className="panel" aria-labelledby="counts-title">
        <h2 id="counts-title">Counts</h2>
        <OperationCounts operation={operation} />
      </section>
      {operation.rollback_conflicts > 0 && <RollbackConflicts count={operation.rollback_conflicts} showing={journalState === 'rollback_conflict'} onShow={showConflicts} />}
      <div className="detail-columns">
        <section className="panel" aria-labelledby="facts-title">
          <h2 id="facts-title">Details</h2>
          <OperationFacts operation={operation} />
        </section>
        {operation.plan && (
          <section className="panel" aria-labelledby="plan-title">
            <h2 id="plan-title">Plan</h2>
            <PlanSummary plan={operation.plan} verb={sortsByRules(operation) ? 'move' : isHardLinks(operation) ? 'link' : 'quarantine'} />
          </section>
        )}
      </div>
      <JournalPanel roots={roots} live={live} panelRef={journal} />
    </>
  );
}
