import { messageOf } from '../client/client.js';

/** Rows are read from the journal in pages of this many (the API's largest page). */
export const PAGE_SIZE = 500;

/**
 * A long list read on demand: the pages fetched so far, by page number, and the total the API counted. A list
 * of 100k rows holds only the pages the user scrolled past.
 */
export interface PagedRows<Row> {
  /** changes whenever the list is read anew (another query), so a view can start again at the top */
  readonly key: number;
  /** null until the first page answers */
  readonly total: number | null;
  readonly pages: Readonly<Record<number, readonly Row[]>>;
  readonly error: string | null;
  /** what the rows answer (the filter text they were read with): the words about them say what is shown */
  readonly tag: string;
}

export const noRows = <Row>(key = 0): PagedRows<Row> => ({ key, total: null, pages: {}, error: null, tag: '' });

export function rowAt<Row>(rows: PagedRows<Row>, index: number): Row | undefined {
  return rows.pages[Math.floor(index / PAGE_SIZE)]?.[index % PAGE_SIZE];
}

export type PageFetcher<Row> = (offset: number, limit: number) => Promise<{ items: Row[]; total: number }>;

/**
 * Loads the pages a view needs into a store's field. `reset` starts a new query (a page of the old one that
 * answers late is dropped); `ensure` asks for the pages under rows first..last, each once.
 */
export function createPagedLoader<Row>(get: () => PagedRows<Row>, set: (rows: PagedRows<Row>) => void) {
  let fetchPage: PageFetcher<Row> | null = null;
  let tag = '';
  let generation = 0; // the store starts with noRows() (key 0); get() is not callable while the store is being made
  const inFlight = new Set<number>();

  const load = async (page: number): Promise<void> => {
    const current = get();
    if (fetchPage === null || inFlight.has(page) || (current.key === generation && current.pages[page] !== undefined)) return;
    const mine = generation;
    inFlight.add(page);
    try {
      const answer = await fetchPage(page * PAGE_SIZE, PAGE_SIZE);
      if (mine !== generation) return;
      const now = get();
      // The first page of a new query replaces the old rows, which stayed on screen until then (no flicker).
      const pages = now.key === mine ? { ...now.pages, [page]: answer.items } : { [page]: answer.items };
      set({ key: mine, total: answer.total, pages, error: null, tag });
    } catch (error) {
      if (mine === generation) set({ ...get(), error: messageOf(error) });
    } finally {
      if (mine === generation) inFlight.delete(page);
    }
  };

  return {
    /** read another query: the rows on screen stay until its first page answers; null empties the list at once */
    reset(next: PageFetcher<Row> | null, nextTag = ''): void {
      generation += 1;
      inFlight.clear();
      fetchPage = next;
      tag = nextTag;
      if (next === null) set(noRows<Row>(generation));
      else void load(0);
    },
    /** read the same query again from its first page (after an error) */
    retry(): void {
      if (fetchPage !== null) this.reset(fetchPage, tag);
    },
    ensure(first: number, last: number): void {
      const { key, total } = get();
      // Rows of an older query are on screen: the new one's first page is on its way and sets the total.
      if (key !== generation || total === null || total === 0) return;
      const end = Math.min(last, total - 1);
      for (let page = Math.floor(Math.max(0, first) / PAGE_SIZE); page <= Math.floor(end / PAGE_SIZE); page++) void load(page);
    },
  };
}
export type PagedLoader<Row> = ReturnType<typeof createPagedLoader<Row>>;
