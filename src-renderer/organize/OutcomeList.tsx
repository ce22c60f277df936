import { useCallback } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { type OperationFileView } from '../../src-shared/api/operations.js';
import { formatCount, visibleName } from '../ui/format.js';
import { ErrorNote } from '../ui/Notes.js';
import { fileStateWords, reasonWords } from '../ui/reason-words.js';
import { type OutcomeKind, useOrganize } from './organize-store.js';
import { rowAt } from './paged-rows.js';
import { relativeTo } from './paths.js';
import { VirtualRows } from './VirtualRows.js';

/** Why a file is where it is, in words; the OS's own words too when the system refused. */
function whyOf(row: OperationFileView): string {
  const words = reasonWords(row.reason) ?? fileStateWords(row.state);
  return (row.reason === 'io-error' || row.reason === 'error') && row.error ? `${words}: ${row.error}` : words;
}

/** The files a settled run left in place, that failed, or that undo could not put back, each with why. */
export function OutcomeList({ kind, title, count, root }: { kind: OutcomeKind; title: string; count: number; root: string }) {
  const rows = useOrganize(useShallow((s) => s.outcomes[kind]));
  const ensureOutcomes = useOrganize((s) => s.ensureOutcomes);
  const onRange = useCallback((first: number, last: number) => ensureOutcomes(kind, first, last), [ensureOutcomes, kind]);
  const renderRow = useCallback((index: number) => {
    const row = rowAt(rows, index);
    if (row === undefined) return <span className="org-row-loading">Loading…</span>;
    const why = whyOf(row);
    return (
      <div className="org-outcome">
        <span className="cell-path org-outcome-path" title={visibleName(row.source)}>{visibleName(relativeTo(root, row.source))}</span>
        <span className="org-outcome-reason" title={row.error ?? why}>{why}</span>
      </div>
    );
  }, [rows, root]);
  return (
    <div className="org-outcomes">
      <h3 className="org-subhead">{title} <span className="muted num">({formatCount(count)})</span></h3>
      {rows.error && <ErrorNote>This list could not be read: {rows.error}</ErrorNote>}
      <VirtualRows label={title} count={rows.total ?? count} listKey={rows.key} fitRows={6} renderRow={renderRow} onRange={onRange} />
    </div>
  );
}
