import { create } from 'zustand';
import { type OperationView } from '../../src-shared/api/operations.js';
import { type OperationKind } from '../../src-shared/operation-status.js';
import { messageOf } from '../client/client.js';
import { isLive } from '../client/follow-operation.js';
import { client } from '../client/index.js';

/** Operations per page of the list, as the issue asks: a page of 50, and more on demand. */
export const HISTORY_PAGE = 50;
/** The most operations:list answers at once: reading the list again after a change re-reads what is shown, up to this. */
const MOST_AT_ONCE = 500;
/** While a listed operation runs, how often the list is read again (a run of the CLI sends this server no events). */
const LIVE_REFRESH_MS = 2000;

export type KindFilter = 'all' | OperationKind;

interface HistoryState {
  kind: KindFilter;
  items: OperationView[];
  /** every operation of this kind, loaded or not; null before the first answer */
  total: number | null;
  loading: boolean;
  /** a next page, or a new kind's first page, is on its way (no other page is asked for meanwhile) */
  loadingMore: boolean;
  error: string | null;
  /** where the list was scrolled when a detail was opened, to come back to it */
  scrollY: number;
  /** the first page, or the pages already shown read again (the position stays) */
  load(): Promise<void>;
  loadMore(): Promise<void>;
  setKind(kind: KindFilter): void;
  rememberScroll(y: number): void;
  /**
   * read the list again when a run ends, when the window comes back to the front (a terminal's run sends this
   * server no event), and every few seconds while one listed runs; answers the stop
   */
  watch(): () => void;
}

/** Answers to a request made before the filter changed are dropped. */
let generation = 0;

const kindInput = (kind: KindFilter) => (kind === 'all' ? {} : { kind });

export const useHistory = create<HistoryState>((set, get) => ({
  kind: 'all',
  items: [],
  total: null,
  loading: false,
  loadingMore: false,
  error: null,
  scrollY: 0,

  async load() {
    const asked = generation;
    const { kind, items } = get();
    set({ loading: true, error: null });
    try {
      const limit = Math.min(MOST_AT_ONCE, Math.max(HISTORY_PAGE, items.length));
      const page = await client.call('operations:list', { limit, offset: 0, ...kindInput(kind) });
      if (asked !== generation) return;
      // Rows shown beyond what this read covers (a page added while it was on its way) stay, after the fresh ones.
      const fresh = new Set(page.items.map((item) => item.operation_id));
      const beyond = get().items.slice(page.items.length).filter((item) => !fresh.has(item.operation_id));
      set({ items: [...page.items, ...beyond], total: page.total, loading: false });
    } catch (error) {
      if (asked === generation) set({ loading: false, error: messageOf(error) });
    }
  },

  async loadMore() {
    const { kind, items, total, loadingMore } = get();
    if (loadingMore || (total !== null && items.length >= total)) return;
    const asked = generation;
    set({ loadingMore: true, error: null });
    try {
      const page = await client.call('operations:list', { limit: HISTORY_PAGE, offset: items.length, ...kindInput(kind) });
      if (asked !== generation) return;
      // An operation started meanwhile shifts the pages by one: an id already listed is not listed twice.
      const known = new Set(get().items.map((item) => item.operation_id));
      set({ items: [...get().items, ...page.items.filter((item) => !known.has(item.operation_id))], total: page.total, loadingMore: false });
    } catch (error) {
      if (asked === generation) set({ loadingMore: false, error: messageOf(error) });
    }
  },

  async setKind(kind) {
    if (kind === get().kind) return;
    generation += 1;
    const asked = generation;
    // The rows shown stay until the new kind's first page replaces them: no flash of an empty list.
    set({ kind, loading: true, loadingMore: true, error: null, scrollY: 0 });
    try {
      const page = await client.call('operations:list', { limit: HISTORY_PAGE, offset: 0, ...kindInput(kind) });
      if (asked === generation) set({ items: page.items, total: page.total, loading: false, loadingMore: false });
    } catch (error) {
      if (asked === generation) set({ items: [], total: null, loading: false, loadingMore: false, error: messageOf(error) });
    }
  },

  rememberScroll(y) {
    set({ scrollY: y });
  },

  watch() {
    const offResult = client.on('operations:result', () => void get().load());
    const timer = setInterval(() => { if (get().items.some(isLive)) void get().load(); }, LIVE_REFRESH_MS);
    const onVisible = (): void => { if (document.visibilityState === 'visible') void get().load(); };
    const onFocus = (): void => void get().load();
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', onFocus);
    return () => {
      offResult();
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onFocus);
    };
  },
}));
