import { create } from 'zustand';
import { type OperationView } from '../../src-shared/api/operations.js';
import { type OperationKind } from '../../src-shared/operation-status.js';
import { type PushEvent } from '../../src-shared/contract.js';
import { onSessionEnd } from '../app/session-end.js';
import { messageOf } from '../client/client.js';
import { isLive } from '../client/follow-operation.js';
import { client } from '../client/index.js';

/** Operations per page of the list, as the issue asks: a page of 50, and more on demand. */
export const HISTORY_PAGE = 50;
/** The most operations:list answers at once: reading the list again after a change re-reads what is shown, up to this. */
const MOST_AT_ONCE = 500;

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
  /** counts the sessions: a list mounted in one session remembers nothing into the next */
  session: number;
  /** the first page, or the pages already shown read again (the position stays) */
  load(): Promise<void>;
  loadMore(): Promise<void>;
  setKind(kind: KindFilter): void;
  rememberScroll(y: number, session: number): void;
  /**
   * read the list again when a run ends or one not listed starts (the server tells the CLI's runs too, from the
   * database), when the event stream (re)connects, and when the window comes back to the front; a listed run's
   * progress updates its row in place. Never polls. Answers the stop.
   */
  watch(): () => void;
}

/** Answers to a request made before the filter changed (or the session ended) are dropped. */
let generation = 0;
/** A re-read asked for while one is on its way runs once after it (that one may have been answered too early). */
let reading = false;
let readAgain = false;
/** Runs not listed whose progress already made the list read itself again: one read each, not one per event. */
let askedAbout = new Set<string>();
let stopWatching: (() => void) | null = null;

const INITIAL = { kind: 'all', items: [], total: null, loading: false, loadingMore: false, error: null, scrollY: 0 } as const;

const kindInput = (kind: KindFilter) => (kind === 'all' ? {} : { kind });

export const useHistory = create<HistoryState>((set, get) => {
  const reread = async (): Promise<void> => {
    if (reading) { readAgain = true; return; }
    reading = true;
    try {
      await get().load();
    } finally {
      reading = false;
      if (readAgain) { readAgain = false; void reread(); }
    }
  };

  /** A run's progress: its row's counters move; a run not listed, or a listed one that just started, reads the list. */
  // A settled run may start again (undone, resumed): its next progress reads the list once more.
  const onResult = (event: PushEvent<'operations:result'>): void => {
    askedAbout.delete(event.operation_id);
    void reread();
  };

  const onProgress = (event: PushEvent<'operations:progress'>): void => {
    const items = get().items;
    const index = items.findIndex((item) => item.operation_id === event.operation_id);
    const listed = items[index];
    if (listed === undefined || !isLive(listed)) {
      // Its status changed (a preview applied, a run undone) or it is new: its row (or its place) comes from a read.
      if (askedAbout.has(event.operation_id)) return;
      askedAbout.add(event.operation_id);
      void reread();
      return;
    }
    const { stage, files_done, files_total, bytes_done, bytes_total } = event;
    const next = items.slice();
    next[index] = { ...listed, progress: { stage, files_done, files_total, bytes_done, bytes_total } };
    set({ items: next });
  };

  onSessionEnd(() => {
    stopWatching?.();
    generation += 1;
    askedAbout = new Set();
    readAgain = false;
    set({ ...INITIAL, items: [], session: get().session + 1 });
  });

  return {
    ...INITIAL,
    items: [],
    session: 0,

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
      askedAbout = new Set();
      set({ kind, loading: true, loadingMore: true, error: null, scrollY: 0 });
      try {
        const page = await client.call('operations:list', { limit: HISTORY_PAGE, offset: 0, ...kindInput(kind) });
        if (asked === generation) set({ items: page.items, total: page.total, loading: false, loadingMore: false });
      } catch (error) {
        if (asked === generation) set({ items: [], total: null, loading: false, loadingMore: false, error: messageOf(error) });
      }
    },

    rememberScroll(y, session) {
      if (session === get().session) set({ scrollY: y });
    },

    watch() {
      stopWatching?.();
      const offResult = client.on('operations:result', onResult);
      const offProgress = client.on('operations:progress', onProgress);
      // Events sent while the stream was down are lost: what they would have said is read instead.
      const offConnected = client.onConnected(() => void reread());
      const onVisible = (): void => { if (document.visibilityState === 'visible') void reread(); };
      const onFocus = (): void => void reread();
      document.addEventListener('visibilitychange', onVisible);
      window.addEventListener('focus', onFocus);
      const stop = (): void => {
        offResult();
        offProgress();
        offConnected();
        document.removeEventListener('visibilitychange', onVisible);
        window.removeEventListener('focus', onFocus);
        if (stopWatching === stop) stopWatching = null;
      };
      stopWatching = stop;
      return stop;
    },
  };
});
