import { create } from 'zustand';
import { type DuplicateSearchView } from '../../src-shared/api/duplicates.js';
import { absolutePathSchema } from '../../src-shared/api/operations.js';
import { type KeepPolicy } from '../../src-shared/duplicates.js';
import { onSessionEnd } from '../app/session-end.js';
import { messageOf } from '../client/client.js';
import { client } from '../client/index.js';
import { visibleName } from '../ui/format.js';
import { createRateMeter } from '../ui/rate-meter.js';
import { type RunProgressView } from '../ui/RunProgress.js';
import { followSearch } from './follow-search.js';
import { type DuplicateGroup } from './group-words.js';
import { foldersOf, parseMinSize } from './min-size.js';

/** Groups fetched per request: a screenful several times over, well under the API's 500. */
export const GROUP_PAGE = 200;

/** A group left out by the user: what it would have added to the totals. */
interface Unticked { copies: number; wasted: number }

export interface FindState {
  foldersText: string;
  minSizeText: string;
  /** idle: nothing searched yet; searching: a search runs; done: its result is shown; failed: it ended in an error */
  phase: 'idle' | 'searching' | 'done' | 'failed';
  /** words for a field the user must fix before searching */
  fieldErrors: { folders?: string; minSize?: string };
  error: string | null;
  progress: RunProgressView | null;
  /** the completed search, with its summary */
  search: DuplicateSearchView | null;
  /** groups by page number (a page holds GROUP_PAGE groups, in the server's order) */
  pages: Record<number, DuplicateGroup[]>;
  pageError: string | null;
  /** groups the user unticked, by hash (every group is ticked at first, fetched or not) */
  unticked: Record<string, Unticked>;
  /** the copy the user picked to keep, by group hash; wins over the policy */
  chosen: Record<string, string>;
  keep: KeepPolicy;
  /** groups whose every copy is shown (long groups show their first few) */
  expanded: Record<string, true>;
  /**
   * the selection is what a Quarantine or Hard link was sent with (set by the resolve store): it stays as it was
   * until a new search, or until Undo puts the files back as the search found them
   */
  locked: boolean;

  setFolders(text: string): void;
  setMinSize(text: string): void;
  find(): Promise<void>;
  /** make sure the groups from `first` to `last` (indexes) are fetched */
  loadRange(first: number, last: number): void;
  setTicked(group: DuplicateGroup, ticked: boolean): void;
  setTickedAll(ticked: boolean): Promise<void>;
  choose(group: DuplicateGroup, path: string | null): void;
  setKeep(keep: KeepPolicy): void;
  expand(group: DuplicateGroup): void;
  /** what the actions send: the ticked groups' hashes (undefined: every group) and the copies picked to keep */
  selection(): Promise<{ groups: string[] | undefined; keepPaths: string[] }>;
}

/** The totals of the ticked groups, from the summary less what the unticked groups held. */
export function tickedTotals(state: Pick<FindState, 'search' | 'unticked'>): { groups: number; files: number; copies: number; wasted: number } {
  const summary = state.search?.summary;
  if (!summary) return { groups: 0, files: 0, copies: 0, wasted: 0 };
  let groups = summary.groups;
  let files = summary.files;
  let wasted = summary.wasted_bytes;
  for (const left of Object.values(state.unticked)) { groups -= 1; files -= left.copies; wasted -= left.wasted; }
  // Each ticked group keeps one file: the others are the copies moved or linked.
  return { groups, files, copies: files - groups, wasted };
}

export const groupAt = (pages: FindState['pages'], index: number): DuplicateGroup | undefined => pages[Math.floor(index / GROUP_PAGE)]?.[index % GROUP_PAGE];

/** The running search's follower and its generation: a page or event of an older search is dropped. */
let stopFollowing: (() => void) | null = null;
let generation = 0;
const inFlight = new Map<number, Promise<void>>();

const emptyResult = { search: null, pages: {}, pageError: null, unticked: {}, chosen: {}, expanded: {}, locked: false } as const;
const initial = { foldersText: '', minSizeText: '', phase: 'idle', fieldErrors: {}, error: null, progress: null, keep: 'oldest', ...emptyResult } as const;

export const useFind = create<FindState>((set, get) => {
  /** Fetch one page of the current search's groups (once, however often it is asked for). */
  const loadPage = (page: number): Promise<void> => {
    const searchId = get().search?.search_id;
    if (searchId === undefined || get().pages[page] !== undefined) return Promise.resolve();
    const pending = inFlight.get(page);
    if (pending) return pending;
    const mine = generation;
    const request = client.call('duplicates:groups', { search_id: searchId, offset: page * GROUP_PAGE, limit: GROUP_PAGE })
      .then((answer) => {
        if (mine === generation) set((state) => ({ pages: { ...state.pages, [page]: answer.items }, pageError: null }));
      })
      .catch((error: unknown) => {
        if (mine === generation) set({ pageError: `The groups could not be read: ${messageOf(error)}` });
        throw error;
      })
      .finally(() => { if (mine === generation) inFlight.delete(page); });
    inFlight.set(page, request);
    return request;
  };

  /** Every page, a few requests at a time: needed to name the ticked groups when some are left out. */
  const loadAll = async (): Promise<void> => {
    const total = get().search?.summary?.groups ?? 0;
    const missing: number[] = [];
    for (let page = 0; page * GROUP_PAGE < total; page++) if (get().pages[page] === undefined) missing.push(page);
    for (let start = 0; start < missing.length; start += 4) await Promise.all(missing.slice(start, start + 4).map(loadPage));
  };

  const allGroups = (): DuplicateGroup[] => {
    const total = get().search?.summary?.groups ?? 0;
    const groups: DuplicateGroup[] = [];
    for (let page = 0; page * GROUP_PAGE < total; page++) groups.push(...(get().pages[page] ?? []));
    return groups;
  };

  return {
    ...initial,

    setFolders: (foldersText) => set((state) => ({ foldersText, fieldErrors: { ...state.fieldErrors, folders: undefined } })),
    setMinSize: (minSizeText) => set((state) => ({ minSizeText, fieldErrors: { ...state.fieldErrors, minSize: undefined } })),

    async find() {
      const paths = foldersOf(get().foldersText);
      const minSize = parseMinSize(get().minSizeText);
      const fieldErrors: FindState['fieldErrors'] = {};
      if (paths.length === 0) fieldErrors.folders = 'Type at least one folder to search, one full path a line (like /home/me/Pictures).';
      else {
        const relative = paths.find((path) => !absolutePathSchema.safeParse(path).success);
        if (relative !== undefined) fieldErrors.folders = `“${visibleName(relative)}” is not a full path: start it at the top, like /home/me/Pictures.`;
      }
      if (!minSize.ok) fieldErrors.minSize = minSize.message;
      if (fieldErrors.folders || fieldErrors.minSize || !minSize.ok) { set({ fieldErrors }); return; }

      stopFollowing?.();
      stopFollowing = null;
      generation += 1;
      inFlight.clear();
      const mine = generation;
      const meter = createRateMeter();
      set({
        phase: 'searching', fieldErrors: {}, error: null, ...emptyResult,
        progress: { stage: null, filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0, currentPath: null, bytesPerSecond: null, secondsLeft: null },
      });
      try {
        const { search_id: searchId } = await client.call('duplicates:search', { paths, min_size: minSize.bytes });
        if (mine !== generation) return;
        let lastStage: string | null = null;
        stopFollowing = followSearch(searchId, {
          progress: (event) => {
            // Each stage counts its own files and bytes: the rate starts again with it.
            if (event.stage !== lastStage) { meter.reset(); lastStage = event.stage; }
            const rate = meter.sample(event.bytes_done, event.bytes_total);
            set({
              progress: {
                stage: event.stage, filesDone: event.files_done, filesTotal: event.files_total, bytesDone: event.bytes_done,
                bytesTotal: event.bytes_total, currentPath: null, bytesPerSecond: rate.bytesPerSecond, secondsLeft: rate.secondsLeft,
              },
            });
          },
          settled: (search) => {
            if (mine !== generation) return;
            if (search.status === 'completed' && search.summary) {
              set({ phase: 'done', search, progress: null });
              void loadPage(0).catch(() => undefined);
            } else {
              set({
                phase: 'failed', progress: null,
                error: search.status === 'interrupted'
                  ? 'The search stopped before it finished (the server running it was stopped). Press Find duplicates to search again.'
                  : `The search failed: ${search.message ?? 'no reason was given'}. Check the folders, then try again.`,
              });
            }
          },
          failed: (error) => { if (mine === generation) set({ phase: 'failed', progress: null, error: messageOf(error) }); },
        });
      } catch (error) {
        if (mine === generation) set({ phase: 'failed', progress: null, error: messageOf(error) });
      }
    },

    loadRange(first, last) {
      for (let page = Math.floor(first / GROUP_PAGE); page <= Math.floor(last / GROUP_PAGE); page++) void loadPage(page).catch(() => undefined);
    },

    setTicked(group, ticked) {
      if (get().locked) return;
      set((state) => {
        const unticked = { ...state.unticked };
        if (ticked) delete unticked[group.hash];
        else unticked[group.hash] = { copies: group.copies, wasted: group.wasted_bytes };
        return { unticked };
      });
    },

    async setTickedAll(ticked) {
      if (get().locked) return;
      if (ticked) { set({ unticked: {} }); return; }
      await loadAll();
      if (get().locked) return;
      set({ unticked: Object.fromEntries(allGroups().map((group) => [group.hash, { copies: group.copies, wasted: group.wasted_bytes }])) });
    },

    choose(group, path) {
      if (get().locked) return;
      set((state) => {
        const chosen = { ...state.chosen };
        if (path === null) delete chosen[group.hash];
        else chosen[group.hash] = path;
        return { chosen };
      });
    },

    setKeep: (keep) => { if (!get().locked) set({ keep }); },
    expand: (group) => set((state) => ({ expanded: { ...state.expanded, [group.hash]: true } })),

    async selection() {
      const { unticked, chosen } = get();
      const keepPaths = Object.entries(chosen).filter(([hash]) => unticked[hash] === undefined).map(([, path]) => path);
      if (Object.keys(unticked).length === 0) return { groups: undefined, keepPaths };
      await loadAll();
      return { groups: allGroups().map((group) => group.hash).filter((hash) => get().unticked[hash] === undefined), keepPaths };
    },
  };
});

// The next person to sign in on this window starts from nothing: no folders, no groups, no search followed.
onSessionEnd(() => {
  stopFollowing?.();
  stopFollowing = null;
  generation += 1;
  inFlight.clear();
  useFind.setState({ ...initial });
});
