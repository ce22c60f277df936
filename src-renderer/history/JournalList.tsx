import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { type OperationFileView } from '../../src-shared/api/operations.js';
import { moveSelection, type RowSelection, selectableRow } from '../ui/row-selection.js';
import { journalRowAt } from './journal-store.js';
import { JournalRow } from './JournalRow.js';
import { type PathRoots } from './operation-words.js';

/** Every row is two lines high, so 100k rows cost nothing to lay out and the scrollbar is true from the start. */
export const JOURNAL_ROW_HEIGHT = 50;

/**
 * The journal as a virtualized list: only the rows in view (and a few around) are in the page, and the
 * store reads their pages of 500 as they come into view. Focusable, so the keyboard scrolls it.
 */
export function JournalList({ total, pages, roots, resetKey, onRange, selection }: {
  total: number;
  pages: Record<number, OperationFileView[]>;
  roots: PathRoots;
  /** a new filter: back to the top */
  resetKey: string;
  onRange: (first: number, last: number) => void;
  /** the desktop app's selected row (↑ ↓ on the box move it, a click picks one); null: rows are not selectable */
  selection: RowSelection | null;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scroller.current, estimateSize: () => JOURNAL_ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => { onRange(first, last); }, [first, last, onRange]);
  useEffect(() => { scroller.current?.scrollTo({ top: 0 }); }, [resetKey]);

  return (
    <div
      ref={scroller}
      className="list journal-list"
      tabIndex={0}
      role="region"
      aria-label="Journal files"
      // A short journal is as tall as its rows; a long one (or one not read yet) as tall as the panel allows.
      style={{ height: total > 0 ? `min(${total * JOURNAL_ROW_HEIGHT + 2}px, var(--journal-height))` : 'var(--journal-height)' }}
      onKeyDown={selection === null ? undefined : (event) => moveSelection(event, {
        selection, count: total, firstInSight: Math.floor((scroller.current?.scrollTop ?? 0) / JOURNAL_ROW_HEIGHT),
        scrollToIndex: (index) => virtualizer.scrollToIndex(index, { align: 'auto' }),
      })}
    >
      <div role="list" aria-label="Journal" className="journal-sizer" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const row = journalRowAt(pages, item.index);
          return (
            <div
              key={item.key}
              role="listitem"
              aria-setsize={total}
              aria-posinset={item.index + 1}
              className="list-row journal-row"
              style={{ height: JOURNAL_ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
              {...selectableRow(selection, item.index)}
            >
              {row ? <JournalRow row={row} roots={roots} /> : <span className="muted">Loading…</span>}
            </div>
          );
        })}
      </div>
    </div>
  );
}
