import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { moveSelection, type RowSelection, selectableRow } from '../ui/row-selection.js';

/** Below this width (CSS pixels) a row takes two lines: a path and its destination or reason do not fit on one. */
const NARROW_BELOW = 720;
export const ROW_HEIGHT = { wide: 34, narrow: 54 } as const;

/**
 * A long list that renders only the rows in view (@tanstack/react-virtual): `count` rows of fixed height, each
 * drawn by `renderRow` (which may draw a placeholder while its page loads); `onRange` says which rows are in
 * view, so the store can fetch their pages. `listKey` changing (a new query) scrolls back to the top.
 */
export function VirtualRows({ label, count, listKey, fitRows = Infinity, minRows = 1, maxHeight = '100vh', renderRow, onRange, className = '', selection = null }: {
  label: string;
  count: number;
  listKey: number;
  /**
   * The scroll box is as tall as its rows, at least `minRows` and at most `fitRows` of them or `maxHeight` (a CSS
   * length): a short list takes only the room it needs, a long one scrolls in a box whose height stays put.
   */
  fitRows?: number;
  minRows?: number;
  maxHeight?: string;
  renderRow: (index: number, narrow: boolean) => ReactNode;
  onRange: (first: number, last: number) => void;
  className?: string;
  /** the desktop app's selected row (↑ ↓ on the box move it, a click picks one); null: rows are not selectable */
  selection?: RowSelection | null;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [narrow, setNarrow] = useState(false);
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const measure = (): void => setNarrow(element.clientWidth < NARROW_BELOW);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const rowHeight = narrow ? ROW_HEIGHT.narrow : ROW_HEIGHT.wide;
  const virtualizer = useVirtualizer({
    count, getScrollElement: () => scrollRef.current, estimateSize: () => rowHeight, overscan: 12,
  });
  useEffect(() => { virtualizer.measure(); }, [virtualizer, rowHeight]);
  useEffect(() => { scrollRef.current?.scrollTo({ top: 0 }); }, [listKey]);

  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
  useEffect(() => { if (last >= 0) onRange(first, last); }, [first, last, listKey, onRange]);

  return (
    // Focusable so the keyboard can scroll it (Page Down, End) even when its rows hold nothing focusable.
    <div
      ref={scrollRef} className={`list org-rows ${className}`} data-narrow={narrow || undefined} style={{ height: `min(${Math.max(minRows, Math.min(count, fitRows)) * rowHeight + 2}px, ${maxHeight})` }}
      role="region" aria-label={label} tabIndex={0}
      onKeyDown={selection === null ? undefined : (event) => moveSelection(event, {
        selection, count, firstInSight: Math.floor((scrollRef.current?.scrollTop ?? 0) / rowHeight), scrollToIndex: (index) => virtualizer.scrollToIndex(index, { align: 'auto' }),
      })}
    >
      <div role="list" className="org-rows-inner" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => (
          <div
            key={item.key} role="listitem" aria-setsize={count} aria-posinset={item.index + 1} className="list-row org-row"
            style={{ height: item.size, transform: `translateY(${item.start}px)` }} {...selectableRow(selection, item.index)}
          >
            {renderRow(item.index, narrow)}
          </div>
        ))}
      </div>
    </div>
  );
}
