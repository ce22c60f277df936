import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { groupAt, useFind } from './duplicates-store.js';
import { GroupPlaceholder, GroupRow, PATHS_SHOWN } from './GroupRow.js';
import { ACTED_WORDS, useResolve } from './resolve-store.js';

/** A group's height before it is measured: the head and a line per path shown (px at 100%; most have no foot). */
const estimate = (copies: number): number => 50 + 30 * Math.min(copies, PATHS_SHOWN);

/**
 * Every group of the search, most space to win first, virtualized: only the rows in sight are drawn, and the
 * pages they fall in are fetched as the user scrolls.
 */
export function GroupList() {
  const { search, pages, unticked, chosen, keep, expanded, locked, loadRange, setTicked, choose, expand } = useFind();
  // Once the run ended, each group it acted on (every ticked one) says so, until Undo puts the files back.
  const acted = useResolve((state) => (state.kind !== null && (state.phase === 'done' || state.phase === 'undoing') ? ACTED_WORDS[state.kind] : null));
  const roots = search?.paths ?? [];
  const total = search?.summary?.groups ?? 0;
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => estimate(groupAt(pages, index)?.copies ?? 2),
    overscan: 4,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => { if (total > 0) loadRange(first, last); }, [first, last, total, loadRange]);

  return (
    <div ref={scroller} className="list dupe-list" role="list" aria-label="Duplicate groups, most space to win first" style={{ height: virtualizer.getTotalSize() + 2 }}>
      <div className="virtual-space" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const group = groupAt(pages, item.index);
          return (
            <div
              key={item.key}
              ref={virtualizer.measureElement}
              data-index={item.index}
              role="listitem"
              aria-setsize={total}
              aria-posinset={item.index + 1}
              className="dupe-item"
              style={{ transform: `translateY(${item.start}px)` }}
            >
              {group ? (
                <GroupRow
                  group={group}
                  roots={roots}
                  readOnly={locked}
                  acted={acted}
                  ticked={unticked[group.hash] === undefined}
                  keep={keep}
                  chosen={chosen[group.hash]}
                  expanded={expanded[group.hash] === true}
                  onTick={(ticked) => setTicked(group, ticked)}
                  onChoose={(path) => choose(group, path)}
                  onExpand={() => expand(group)}
                />
              ) : <GroupPlaceholder />}
            </div>
          );
        })}
      </div>
    </div>
  );
}
