import { type FocusEvent, type KeyboardEvent, useCallback, useEffect, useRef, useState } from 'react';

/** One selected thing of a list (the desktop app acts on it: Show in folder, Open), or none. */
export interface Selection<Value> {
  selected: Value | null;
  select(value: Value | null): void;
}

/** A selection that a new query of the list (`resetKey`) clears; null when the list offers none (`enabled`). */
export function useSelection<Value>(resetKey: unknown, enabled: boolean): Selection<Value> | null {
  const [selected, setSelected] = useState<Value | null>(null);
  useEffect(() => setSelected(null), [resetKey]);
  const select = useCallback((value: Value | null) => setSelected(() => value), []);
  return enabled ? { selected, select } : null;
}

/**
 * One selected row of a long list. Rows are virtualized and read page by page, so the selection is a row's
 * index; a new query of the list (`resetKey`) clears it.
 */
export type RowSelection = Selection<number>;

/**
 * What each row is, for a list whose rows can move under the selection (a journal read again while a run
 * goes, a quarantine read again after a Restore): the selection follows its row, not its place, and ends when
 * the row is gone. `at` answers undefined for a row not read yet; `find` looks among the rows read.
 */
export interface RowIdentity {
  at(index: number): string | undefined;
  find(id: string): number | null;
}

interface Picked { index: number; id: string | undefined }

export function useRowSelection(resetKey: unknown, enabled: boolean, identity?: RowIdentity): RowSelection | null {
  const [picked, setPicked] = useState<Picked | null>(null);
  useEffect(() => setPicked(null), [resetKey]);
  const identityNow = useRef(identity);
  identityNow.current = identity;
  const select = useCallback((index: number | null) => setPicked(index === null ? null : { index, id: identityNow.current?.at(index) }), []);

  // Where the picked row is now: its place, unless another row took it (then wherever it went, or nowhere).
  let selected: number | null = picked?.index ?? null;
  if (picked !== null && identity !== undefined && picked.id !== undefined && identity.at(picked.index) !== picked.id) selected = identity.find(picked.id);
  useEffect(() => {
    if (picked === null || identity === undefined) return;
    if (picked.id === undefined) {
      // Selected before its page was read (↓ onto a row still loading): it is whatever row arrives there.
      const id = identity.at(picked.index);
      if (id !== undefined) setPicked({ index: picked.index, id });
    } else if (selected === null) setPicked(null);
    else if (selected !== picked.index) setPicked({ index: selected, id: picked.id });
  });
  return enabled ? { selected, select } : null;
}

/**
 * ↑ and ↓ on the list's scroll box move the selection a row (the first press selects the first row in sight),
 * Home and End to the first and last row; the list scrolls to keep it in sight. Keys pressed on a control
 * inside a row (a checkbox) are the control's own.
 */
export function moveSelection(event: KeyboardEvent<HTMLElement>, options: {
  selection: RowSelection; count: number; firstInSight: number; scrollToIndex: (index: number) => void;
}): void {
  if (event.target !== event.currentTarget || options.count === 0) return;
  const { selected, select } = options.selection;
  const last = options.count - 1;
  let next: number;
  switch (event.key) {
    case 'ArrowDown': next = selected === null ? options.firstInSight : Math.min(last, selected + 1); break;
    case 'ArrowUp': next = selected === null ? options.firstInSight : Math.max(0, selected - 1); break;
    case 'Home': next = 0; break;
    case 'End': next = last; break;
    default: return;
  }
  event.preventDefault();
  select(next);
  options.scrollToIndex(next);
}

/**
 * What a selectable row carries: a click or the keyboard's focus inside it (on its checkbox) selects it, and it
 * says it is the one selected (`aria-current`, which any role may carry; a list item may not be aria-selected).
 */
export function selectableRow(selection: RowSelection | null, index: number) {
  if (selection === null) return {};
  return {
    'aria-current': selection.selected === index ? ('true' as const) : undefined,
    'data-selected': selection.selected === index || undefined,
    onClick: () => selection.select(index),
    onFocus: (event: FocusEvent<HTMLElement>) => { if (event.target !== event.currentTarget) selection.select(index); },
  };
}
