import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, useEffect, useRef } from 'react';
import { client } from '../client/index.js';
import { RowActions } from '../ui/RowActions.js';
import { useSelection } from '../ui/row-selection.js';
import { groupAt, useFind } from './duplicates-store.js';
import { GroupPlaceholder, GroupRow, PATHS_SHOWN, shownPaths } from './GroupRow.js';
import { ACTED_WORDS, useResolve } from './resolve-store.js';

/** A group's height before it is measured: the head and a line per path shown (px at 100%; most have no foot). */
const estimate = (copies: number): number => 50 + 30 * Math.min(copies, PATHS_SHOWN);

/** The desktop app's selected copy: which group (by its place in the list) and which of its files. */
interface SelectedCopy { index: number; path: string }

/**
 * Every group of the search, most space to win first, virtualized: only the rows in sight are drawn, and the
 * pages they fall in are fetched as the user scrolls. In the desktop app a copy can be selected (a click on its
 * line beside the path, or ↑ ↓ on the list) and shown in its folder or opened; selecting never changes the copy
 * kept, which only its radio chooses.
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

  const desktop = client.desktop !== null;
  // A new search, a run that acted on the groups (the selected copy may be in the quarantine now) or Undo
  // clears the selection: Show in folder never acts on a file that is no longer where the line says.
  const selection = useSelection<SelectedCopy>(`${search?.search_id ?? ''}:${total}:${acted ?? ''}`, desktop);
  const setSelected = (copy: SelectedCopy): void => selection?.select(copy);
  const copiesOf = (index: number): string[] => {
    const group = groupAt(pages, index);
    return group === undefined ? [] : shownPaths(group, keep, chosen[group.hash], expanded[group.hash] === true);
  };
  // A group read again may no longer show the selected copy: then nothing is selected.
  const picked = selection?.selected ?? null;
  const selected = picked !== null && copiesOf(picked.index).includes(picked.path) ? picked : null;
  /**
   * ↑ ↓ on the list: the next or previous copy shown, across groups; Home and End: the first and last group.
   * They select a line for the toolbar only: the copy kept is changed by its radio alone.
   */
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (event.target !== event.currentTarget || total === 0) return;
    let next: SelectedCopy | null = null;
    const at = selected ?? { index: first, path: '' };
    const copies = copiesOf(at.index);
    const place = copies.indexOf(at.path);
    if (event.key === 'ArrowDown') {
      if (selected === null || place < 0) next = { index: at.index, path: copies[0] ?? '' };
      else if (place < copies.length - 1) next = { index: at.index, path: copies[place + 1] ?? '' };
      else if (at.index < total - 1) next = { index: at.index + 1, path: copiesOf(at.index + 1)[0] ?? '' };
    } else if (event.key === 'ArrowUp') {
      if (selected === null || place < 0) next = { index: at.index, path: copies[0] ?? '' };
      else if (place > 0) next = { index: at.index, path: copies[place - 1] ?? '' };
      else if (at.index > 0) next = { index: at.index - 1, path: copiesOf(at.index - 1).at(-1) ?? '' };
    } else if (event.key === 'Home') next = { index: 0, path: copiesOf(0)[0] ?? '' };
    else if (event.key === 'End') next = { index: total - 1, path: copiesOf(total - 1).at(-1) ?? '' };
    else return;
    event.preventDefault();
    if (next === null) return;
    // A group not read yet comes into sight first; its copies are selectable once its page answers.
    if (next.path !== '') setSelected(next);
    virtualizer.scrollToIndex(next.index, { align: 'auto' });
  };

  return (
    <>
      {desktop && (
        <RowActions label="Selected copy" path={selected?.path ?? null} hint="Select a copy in a group (click its line beside the path, or ↑ ↓ in the list) to show it in its folder." />
      )}
      <div
        ref={scroller} className="list dupe-list" role="list" aria-label="Duplicate groups, most space to win first" style={{ height: virtualizer.getTotalSize() + 2 }}
        tabIndex={desktop ? 0 : undefined} onKeyDown={desktop ? onKeyDown : undefined}
      >
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
                    {...(desktop ? {
                      selectedPath: selected?.index === item.index ? selected.path : null,
                      onSelect: (path: string) => setSelected({ index: item.index, path }),
                    } : {})}
                  />
                ) : <GroupPlaceholder />}
              </div>
            );
          })}
        </div>
      </div>
    </>
  );
}
