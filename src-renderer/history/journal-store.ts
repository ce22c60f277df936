import { create } from 'zustand';
import { type OperationFileView } from '../../src-shared/api/operations.js';
import { type FileState } from '../../src-shared/operation-status.js';
import { onSessionEnd } from '../app/session-end.js';
import { messageOf } from '../client/client.js';
import { client } from '../client/index.js';

/** Journal rows per request: the most operations:files answers at once. */
export const JOURNAL_PAGE = 500;

/** The journal's row at `index`, when its page was read. */
export const journalRowAt = (pages: Record<number, OperationFileView[]>, index: number): OperationFileView | undefined =>
  pages[Math.floor(index / JOURNAL_PAGE)]?.[index % JOURNAL_PAGE];

/** Where the row with this id is among the pages read, or null. */
export function journalIndexOf(pages: Record<number, OperationFileView[]>, id: number): number | null {
  for (const [page, rows] of Object.entries(pages)) {
    const place = rows.findIndex((row) => row.id === id);
    if (place >= 0) return Number(page) * JOURNAL_PAGE + place;
  }
  return null;
}

interface JournalState {
  operationId: string | null;
  /** only rows in this state; null for all */
  state: FileState | null;
  /** rows in the journal under the filter; null until the first page answers */
  total: number | null;
  /** pages by number (rows offset page*JOURNAL_PAGE…); a page not here is not read yet */
  pages: Record<number, OperationFileView[]>;
  error: string | null;
  open(operationId: string): void;
  close(): void;
  setState(state: FileState | null): void;
  /** make sure rows first..last (inclusive) are read, or being read */
  ensure(first: number, last: number): void;
  /** read the pages in view again (rows change state while a run goes, and after it) */
  refresh(): void;
}

/**
 * Pages are read on demand as the list scrolls, so an operation of 100k files shows its first rows after one
 * request. `generation` drops answers made for another operation or filter; `fresh` holds the pages read (or
 * being read) since the last refresh, so a refresh re-reads while the old rows stay on screen.
 */
let generation = 0;
let fresh = new Set<number>();
let lastRange: [number, number] = [0, 0];

export const useJournal = create<JournalState>((set, get) => {
  const readPage = async (page: number): Promise<void> => {
    const { operationId, state } = get();
    if (operationId === null || fresh.has(page)) return;
    fresh.add(page);
    const asked = generation;
    try {
      const answer = await client.call('operations:files', { id: operationId, limit: JOURNAL_PAGE, offset: page * JOURNAL_PAGE, ...(state === null ? {} : { state }) });
      if (asked !== generation) return;
      set({ pages: { ...get().pages, [page]: answer.items }, total: answer.total, error: null });
    } catch (error) {
      if (asked !== generation) return;
      fresh.delete(page); // scrolled to again, it is asked for again
      set({ error: messageOf(error) });
    }
  };

  const restart = (changes: Partial<JournalState>): void => {
    generation += 1;
    fresh = new Set();
    lastRange = [0, 0];
    set({ total: null, pages: {}, error: null, ...changes });
  };

  // Signed out: no rows of the last person's operation stay, and answers still on their way are dropped.
  onSessionEnd(() => restart({ operationId: null, state: null }));

  return {
    operationId: null,
    state: null,
    total: null,
    pages: {},
    error: null,

    open(operationId) {
      restart({ operationId, state: null });
      void readPage(0);
    },

    close() {
      restart({ operationId: null, state: null });
    },

    setState(state) {
      if (state === get().state) return;
      restart({ state });
      void readPage(0);
    },

    ensure(first, last) {
      lastRange = [first, last];
      const total = get().total;
      const end = total === null ? last : Math.min(last, total - 1);
      for (let page = Math.floor(first / JOURNAL_PAGE); page <= Math.floor(Math.max(first, end) / JOURNAL_PAGE); page += 1) void readPage(page);
    },

    refresh() {
      generation += 1;
      fresh = new Set();
      const [first, last] = lastRange;
      get().ensure(first, last);
    },
  };
});
