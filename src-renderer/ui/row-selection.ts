import { type FocusEvent, type KeyboardEvent, useCallback, useEffect, useState } from 'react';

/**
 * One selected row of a long list (the desktop app acts on it: Show in folder, Open). Rows are virtualized and
 * read page by page, so the selection is a row's index; a new query of the list (`resetKey`) clears it.
 */
export interface RowSelection {
  selected: number | null;
  select(index: number | null): void;
}

export function useRowSelection(resetKey: unknown, enabled: boolean): RowSelection | null {
  const [selected, setSelected] = useState<number | null>(null);
  useEffect(() => setSelected(null), [resetKey]);
  const select = useCallback((index: number | null) => setSelected(index), []);
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
