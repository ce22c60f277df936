import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Button, Link } from 'react-aria-components';
import { formatCount, plural } from '../ui/format.js';
import { EmptyState, ErrorNote } from '../ui/Notes.js';
import { type KindFilter as KindFilterValue, useHistory } from './history-store.js';
import { KindFilter } from './KindFilter.js';
import { OperationRow } from './OperationRow.js';

const EMPTY_TITLES: Record<KindFilterValue, string> = {
  all: 'No operations yet', organize: 'Nothing organized yet', dedupe: 'No duplicates resolved yet', watch: 'No watched-folder batches yet',
};

/** A row's height before it is measured (rows wrap on a narrow window, and are measured then). */
const ROW_ESTIMATE = 46;
/** How close to the end of what is loaded the next page is asked for, in rows. */
const LOAD_AHEAD = 10;

/**
 * Every operation of the profile, newest first, 50 at a time: the next page comes when the list is scrolled
 * near its end, or with **Show more** (the rows shown stay where they are). Rows are virtualized in the
 * window's own scroll, so a long history costs a screenful of DOM.
 */
export function HistoryList() {
  const { kind, items, total, loading, loadingMore, error, scrollY, load, loadMore, setKind, rememberScroll, watch } = useHistory();
  const listRef = useRef<HTMLDivElement>(null);
  const [scrollMargin, setScrollMargin] = useState(0);

  useEffect(() => { void load(); return watch(); }, [load, watch]);
  // Coming back from a detail: the list where it was left.
  useEffect(() => {
    const saved = scrollY;
    const session = useHistory.getState().session;
    if (saved > 0) requestAnimationFrame(() => window.scrollTo(0, saved));
    // Left because the session ended: nothing is remembered for the next person.
    return () => rememberScroll(window.scrollY, session);
  }, []); // once per visit: restored on arrival, remembered on leaving
  // Where the list starts in the page (the heading and filter above it), for the window's virtualizer.
  useLayoutEffect(() => {
    const list = listRef.current;
    const top = list ? list.getBoundingClientRect().top + window.scrollY : 0;
    if (top !== scrollMargin) setScrollMargin(top);
  });

  const virtualizer = useWindowVirtualizer({ count: items.length, estimateSize: () => ROW_ESTIMATE, overscan: 8, scrollMargin });
  const virtualItems = virtualizer.getVirtualItems();
  const lastShown = virtualItems.at(-1)?.index ?? -1;
  const more = total !== null && items.length < total;
  useEffect(() => {
    if (more && !loadingMore && lastShown >= items.length - LOAD_AHEAD) void loadMore();
  }, [more, loadingMore, lastShown, items.length, loadMore]);

  return (
    <section className="history" aria-labelledby="history-title">
      <div className="history-head">
        <div>
          <h1 id="history-title">History</h1>
          <p className="muted history-lede">Every run of this profile, newest first, those made with <code>fileorg</code> in a terminal included. Open one to see its files, undo it, or finish it.</p>
        </div>
        <KindFilter kind={kind} onChange={setKind} />
      </div>
      {error && <ErrorNote>{error} <Button className="button button-small" onPress={() => void load()}>Try again</Button></ErrorNote>}
      {/* Only before the first answer: reading an empty history again (an event, the stream connecting) keeps its words. */}
      {loading && items.length === 0 && total === null ? (
        <p className="muted history-loading" role="status">Reading the history…</p>
      ) : items.length === 0 && total === 0 ? (
        <div className="panel"><EmptyState title={EMPTY_TITLES[kind]}>
          {kind === 'dedupe'
            ? <p><Link href="/duplicates" className="inline-link">Find duplicates</Link>, or run <code>fileorg dupes &lt;folder&gt; --quarantine</code> in a terminal; what they resolve shows here.</p>
            : kind === 'watch'
              // No screen sets up watched folders yet: the terminal is the way, and any of the three watchers runs them.
              ? <p>Run <code>fileorg watch add &lt;folder&gt;</code> in a terminal; while the app, <code>fileorg serve</code> or <code>fileorg watch</code> runs, each batch of files it organizes shows here, ready to undo.</p>
              : <p><Link href="/organize" className="inline-link">Organize a folder</Link>, or run <code>fileorg organize &lt;folder&gt;</code> in a terminal; every run shows here, ready to undo.</p>}
        </EmptyState></div>
      ) : (
        <>
          <div ref={listRef} className="history-list" role="list" aria-label="Operations" aria-busy={loading} style={{ height: virtualizer.getTotalSize() }}>
            {virtualItems.map((row) => {
              const operation = items[row.index];
              if (!operation) return null;
              return (
                <div
                  key={operation.operation_id}
                  role="listitem"
                  aria-setsize={total ?? items.length}
                  aria-posinset={row.index + 1}
                  data-index={row.index}
                  ref={virtualizer.measureElement}
                  className="history-item"
                  style={{ transform: `translateY(${row.start - scrollMargin}px)` }}
                >
                  <OperationRow operation={operation} />
                </div>
              );
            })}
          </div>
          <div className="history-foot">
            <span className="muted" role="status">
              {total === null ? '' : more ? `Showing ${formatCount(items.length)} of ${plural(total, 'operation')}` : plural(total, 'operation')}
            </span>
            {more && <Button className="button" onPress={() => void loadMore()} isDisabled={loadingMore}>{loadingMore ? 'Loading…' : 'Show more'}</Button>}
          </div>
        </>
      )}
    </section>
  );
}
