import { useCallback } from 'react';
import { Button, Checkbox, Input, Label, SearchField } from 'react-aria-components';
import { useShallow } from 'zustand/react/shallow';
import { type OperationFileView } from '../../src-shared/api/operations.js';
import { client } from '../client/index.js';
import { CheckMark } from '../ui/CheckMark.js';
import { formatCount, plural, visibleName } from '../ui/format.js';
import { ErrorNote } from '../ui/Notes.js';
import { RowActions } from '../ui/RowActions.js';
import { useRowSelection } from '../ui/row-selection.js';
import { useOrganize } from './organize-store.js';
import { rowAt } from './paged-rows.js';
import { relativeTo } from './paths.js';
import { VirtualRows } from './VirtualRows.js';

/** One planned move: its Include checkbox, where it is, where it goes, and the rule that sends it there. */
function MoveRow({ row, sourceRoot, destinationRoot, included, onIncluded }: {
  row: OperationFileView; sourceRoot: string; destinationRoot: string; included: boolean; onIncluded: (id: number, included: boolean) => void;
}) {
  // Shown, titled and named alike, with disguising characters (bidi overrides, zero-width, newlines) made visible.
  const source = visibleName(relativeTo(sourceRoot, row.source));
  const destination = row.destination === null ? '' : visibleName(relativeTo(destinationRoot, row.destination));
  return (
    <div className="org-move" data-excluded={!included || undefined}>
      <Checkbox className="checkbox org-move-check" aria-label={`Include ${source}`} isSelected={included} onChange={(selected) => onIncluded(row.id, selected)}>
        <CheckMark />
      </Checkbox>
      <span className="cell-path org-move-source" title={visibleName(row.source)}>{source}</span>
      <span className="org-move-to">
        <span className="arrow" aria-hidden="true">→</span>
        <span className="visually-hidden"> to </span>
        <span className="cell-path org-move-destination" title={row.destination === null ? undefined : visibleName(row.destination)}>{destination}</span>
      </span>
      <span className="org-move-rule" title={row.rule ? `Rule: ${row.rule}` : undefined}>{row.rule ?? ''}</span>
    </div>
  );
}

/**
 * Every move of the preview, read page by page as the user scrolls, narrowed by Filter; a checkbox per row
 * leaves a file out of Apply.
 */
export function MoveList({ sourceRoot, destinationRoot, planned }: { sourceRoot: string; destinationRoot: string; planned: number }) {
  const { moves, filterText, excluded } = useOrganize(useShallow((s) => ({ moves: s.moves, filterText: s.filterText, excluded: s.excluded })));
  const { setFilter, setIncluded, includeAll, ensureMoves, retryMoves } = useOrganize.getState();
  const total = moves.total;
  // The words describe the rows on screen: those of the last filter that answered, until the next one does.
  const filtered = moves.tag !== '';
  const filtering = filterText.trim() !== moves.tag;
  // The desktop app shows a selected move's file in its folder, or opens it (it is still where it is: a preview).
  const selection = useRowSelection(moves.key, client.desktop !== null);
  const selectedRow = selection?.selected == null ? undefined : rowAt(moves, selection.selected);

  const renderRow = useCallback((index: number) => {
    const row = rowAt(moves, index);
    if (row === undefined) return <span className="org-row-loading">Loading…</span>;
    return <MoveRow row={row} sourceRoot={sourceRoot} destinationRoot={destinationRoot} included={!excluded.has(row.id)} onIncluded={setIncluded} />;
  }, [moves, excluded, sourceRoot, destinationRoot, setIncluded]);

  return (
    <div className="org-moves">
      <div className="org-moves-head">
        <SearchField className="field org-filter" value={filterText} onChange={setFilter}>
          <Label className="field-label">Filter</Label>
          <Input className="input" placeholder="Part of a path, like .pdf or Photos/" spellCheck={false} autoComplete="off" />
        </SearchField>
        <p className="org-moves-count" aria-live="polite">
          {total === null ? 'Reading the moves…'
            : filtering ? 'Filtering…'
              : filtered ? `${formatCount(total)} of ${plural(planned, 'move')} match`
                : plural(total, 'move')}
        </p>
        <div className="org-left-out">
          <span>{excluded.size === 0 ? 'None left out' : `${formatCount(excluded.size)} left out`}</span>
          {excluded.size > 0 && <Button className="button button-small" onPress={includeAll}>Include every file</Button>}
        </div>
      </div>
      {moves.error && (
        <ErrorNote>
          The moves could not be read: {moves.error} <Button className="button button-small" onPress={retryMoves}>Try again</Button>
        </ErrorNote>
      )}
      <RowActions label="Selected move" path={selectedRow?.source ?? null} hint="Select a move in the list (click it, or ↑ ↓ in the list) to show its file." />
      <div className="org-rows-frame">
        <VirtualRows
          label="Moves" count={total ?? 0} listKey={moves.key} minRows={4} maxHeight="clamp(12rem, 55vh, 32rem)"
          renderRow={renderRow} onRange={ensureMoves} selection={selection}
        />
        {total === 0 && (
          <p className="org-rows-empty">{filtered ? 'No move matches this filter. Clear Filter to see every move.' : 'Nothing to move: every file is already where the rules put it.'}</p>
        )}
      </div>
    </div>
  );
}
