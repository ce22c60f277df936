import { create } from 'zustand';
import { absolutePathSchema, type OperationFileView, type OperationView } from '../../src-shared/api/operations.js';
import { type SavedRuleSetView } from '../../src-shared/api/rules.js';
import { type ConflictPolicy } from '../../src-shared/operation-status.js';
import { type PresetName } from '../../src-shared/rules.js';
import { onSessionEnd } from '../app/session-end.js';
import { type CallInput, ClientError, messageOf } from '../client/client.js';
import { followOperation } from '../client/follow-operation.js';
import { client } from '../client/index.js';
import { visibleName } from '../ui/format.js';
import { createRateMeter } from '../ui/rate-meter.js';
import { type RunProgressView } from '../ui/RunProgress.js';
import { droppedPathOf } from './dropped-path.js';
import { createPagedLoader, noRows, type PagedRows } from './paged-rows.js';
import { CHOOSE_OR_TYPE } from './ways-in.js';

/** What the user last asked of the operation on screen: its preview, or a run of it. */
export type RunAction = 'preview' | 'apply' | 'undo' | 'resume';
/** The rules to organize by: a built-in preset (`preset:by-type`) or a saved rule set (`set:<id>`). */
export type RulesChoice = `preset:${PresetName}` | `set:${string}`;
/** The journal lists a settled run shows: files left in place, files that failed, files undo could not put back. */
export type OutcomeKind = 'skipped' | 'failed' | 'rollback_conflict';

type Rows = PagedRows<OperationFileView>;

export interface OrganizeState {
  folder: string;
  destination: string;
  rules: RulesChoice;
  conflict: ConflictPolicy;
  ruleSets: readonly SavedRuleSetView[];
  ruleSetsError: string | null;
  /** what a drop said when it could not give a path (in a browser) */
  dropNotice: string | null;

  /** the operation on screen: the preview, later its run (an applied preview keeps its id) */
  operationId: string | null;
  /** the operation as last read (null until its first read) */
  operation: OperationView | null;
  action: RunAction | null;
  /** whether the last run asked for moves files (apply, its resume) or puts them back (undo, its resume) */
  phase: 'execute' | 'rollback';
  /** the conflict policy the preview on screen was made with */
  previewConflict: ConflictPolicy;
  /** live progress of the planning or run in hand; null when nothing runs */
  progress: RunProgressView | null;
  /** a call is on its way (preview, apply, cancel, undo, resume): the buttons that would repeat it wait */
  pending: boolean;
  error: string | null;
  /** what is wrong with Folder as typed, found before asking the API (shown under the field) */
  folderError: string | null;

  /** the Filter field as typed; the list follows it after a pause */
  filterText: string;
  moves: Rows;
  /** journal row ids the user unticked: Apply leaves them in place */
  excluded: ReadonlySet<number>;
  outcomes: Readonly<Record<OutcomeKind, Rows>>;

  setFolder(folder: string): void;
  setDestination(destination: string): void;
  setRules(rules: RulesChoice): void;
  setConflict(conflict: ConflictPolicy): void;
  loadRuleSets(): Promise<void>;
  /** a drop on the drop zone: its first path becomes the Folder and is previewed (desktop app); in a browser, a note says why not */
  dropFiles(files: readonly File[]): void;
  dropPaths(paths: readonly string[]): void;
  /** a folder from outside the form (a drop, Choose…, the app handed one over): into Folder, and previewed */
  openFolder(path: string): Promise<void>;
  /** desktop: the native folder dialog; the folder chosen goes into Folder and is previewed */
  chooseFolder(): Promise<void>;

  preview(): Promise<void>;
  setFilter(text: string): void;
  setIncluded(id: number, included: boolean): void;
  includeAll(): void;
  ensureMoves(first: number, last: number): void;
  retryMoves(): void;
  ensureOutcomes(kind: OutcomeKind, first: number, last: number): void;
  apply(): Promise<void>;
  cancel(): Promise<void>;
  undo(): Promise<void>;
  resume(): Promise<void>;
  /** forget everything (the session ended): the next person to sign in sees a fresh screen */
  reset(): void;
}

/** Whether the screen's run is moving files (or putting them back): Preview would take it off the screen. */
export function runIsLive(state: Pick<OrganizeState, 'operation' | 'action'>): boolean {
  const status = state.operation?.status;
  return state.action !== null && state.action !== 'preview' && (status === 'running' || status === 'rolling_back');
}

/** What the API takes as an absolute path (its own schema), checked before asking it. */
const isAbsolutePath = (path: string): boolean => absolutePathSchema.safeParse(path).success;
const FOLDER_NOT_ABSOLUTE = 'Type the folder\'s full path, like /home/you/Downloads.';

/**
 * A refused call in words. The API names the fields of its input (source_paths.0, destination); the screen's
 * words name the fields the user sees (Folder, Destination).
 */
function wordsOf(error: unknown): string {
  const words = messageOf(error);
  if (!(error instanceof ClientError) || error.code !== 'E_VALIDATION') return words;
  return words.replace(/\bsource_paths(\.\d+)?(?=:)/g, 'Folder').replace(/\bdestination(?=:)/g, 'Destination');
}

/** How long typing in Filter pauses before the list is read again. */
const FILTER_DEBOUNCE_MS = 250;
const DROP_NEEDS_APP = 'A browser does not tell FileOrganizer where a dropped folder is: dropping works in the desktop app. Here, type the folder\'s path in Folder instead.';
const DROP_NOT_ON_DISK = `What was dropped is not a folder on this computer's disk. Drop a folder from your file manager, ${CHOOSE_OR_TYPE}.`;

const startingProgress = (): RunProgressView => ({
  stage: null, filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0, currentPath: null, bytesPerSecond: null, secondsLeft: null,
});

/** The files and bytes a run will go through, as far as they are known before it reports. */
function totalsOf(action: Exclude<RunAction, 'preview'>, operation: OperationView | null, excluded: ReadonlySet<number>): { files: number; bytes: number } | undefined {
  if (operation === null) return undefined;
  if (action === 'apply' && operation.plan !== null) return { files: Math.max(0, operation.plan.files - excluded.size), bytes: excluded.size === 0 ? operation.plan.bytes : 0 };
  if (action === 'undo') return { files: operation.moved, bytes: 0 };
  return { files: operation.progress.files_total, bytes: 0 };
}

type FreshState = Pick<OrganizeState,
  'folder' | 'destination' | 'rules' | 'conflict' | 'dropNotice' | 'operationId' | 'operation' | 'action' | 'phase' | 'previewConflict'
  | 'progress' | 'pending' | 'error' | 'folderError' | 'filterText' | 'excluded'>;

/** The screen as nobody has touched it (the lists are emptied by their loaders). */
const freshState = (): FreshState => ({
  folder: '', destination: '', rules: 'preset:by-type', conflict: 'rename', dropNotice: null,
  operationId: null, operation: null, action: null, phase: 'execute', previewConflict: 'rename', progress: null, pending: false, error: null, folderError: null,
  filterText: '', excluded: new Set(),
});

export const useOrganize = create<OrganizeState>((set, get) => {
  const rate = createRateMeter();
  let stopFollowing: (() => void) | null = null;
  let filterTimer: ReturnType<typeof setTimeout> | undefined;
  /** counts Preview presses: the answer to an older press is dropped */
  let previewRequest = 0;
  /** counts sessions: a call answered after the session ended is dropped */
  let session = 0;

  const moves = createPagedLoader<OperationFileView>(() => get().moves, (rows) => set({ moves: rows }));
  const outcomeLoader = (kind: OutcomeKind) => createPagedLoader<OperationFileView>(
    () => get().outcomes[kind],
    (rows) => set((state) => ({ outcomes: { ...state.outcomes, [kind]: rows } })),
  );
  const outcomes: Record<OutcomeKind, ReturnType<typeof outcomeLoader>> = {
    skipped: outcomeLoader('skipped'), failed: outcomeLoader('failed'), rollback_conflict: outcomeLoader('rollback_conflict'),
  };

  /** The preview's moves (its planned rows), narrowed by the Filter text. */
  const readMoves = (): void => {
    const { operationId, filterText } = get();
    const q = filterText.trim();
    moves.reset(operationId === null ? null : (offset, limit) => client.call('operations:files', {
      id: operationId, state: 'planned', offset, limit, ...(q ? { q } : {}),
    }), q);
  };

  /** Once a run settles, the files it left in place, that failed, or that undo could not put back, with why. */
  const readOutcomes = (operation: OperationView): void => {
    const counts: Record<OutcomeKind, number> = { skipped: operation.skipped, failed: operation.failed, rollback_conflict: operation.rollback_conflicts };
    for (const kind of Object.keys(outcomes) as OutcomeKind[]) {
      outcomes[kind].reset(counts[kind] === 0 ? null : (offset, limit) => client.call('operations:files', { id: operation.operation_id, state: kind, offset, limit }));
    }
  };

  const follow = (id: string, action: RunAction, totals?: { files: number; bytes: number }): void => {
    stopFollowing?.();
    rate.reset();
    // What is known before the first event (the plan's files, the files an undo puts back) shows at once.
    set({ progress: { ...startingProgress(), filesTotal: totals?.files ?? 0, bytesTotal: totals?.bytes ?? 0 } });
    stopFollowing = followOperation(id, {
      progress: (event) => {
        const estimate = rate.sample(event.bytes_done, event.bytes_total);
        set({
          progress: {
            stage: event.stage, filesDone: event.files_done, filesTotal: event.files_total, bytesDone: event.bytes_done, bytesTotal: event.bytes_total,
            // The file in hand is shown as every other name is: disguising characters made visible.
            currentPath: event.current_path === null ? null : visibleName(event.current_path), ...estimate,
          },
        });
      },
      update: (operation) => set((state) => {
        // A read may be older than the last pushed event: its counts only ever move the bar forward.
        const progress = state.progress;
        const read = operation.progress;
        const newer = progress !== null && (read.files_done > progress.filesDone || (read.files_done === progress.filesDone && progress.filesTotal === 0));
        return {
          operation, error: null,
          progress: newer ? { ...progress, stage: read.stage ?? progress.stage, filesDone: read.files_done, filesTotal: read.files_total, bytesDone: read.bytes_done, bytesTotal: read.bytes_total } : progress,
        };
      }),
      settled: (operation) => {
        stopFollowing = null;
        set({ operation, progress: null });
        if (action === 'preview') {
          if (operation.plan !== null) readMoves();
          else set({ error: operation.message ?? 'The preview stopped before its plan was whole. Press Preview to plan again.' });
        } else {
          readOutcomes(operation);
        }
      },
      failed: (error) => set({ error: messageOf(error) }),
    });
  };

  /** Apply, undo and resume: the call, then the run followed to its end. */
  const run = async (action: Exclude<RunAction, 'preview'>, call: (id: string) => Promise<{ status: OperationView['status'] }>): Promise<void> => {
    const { operationId, pending, excluded } = get();
    if (operationId === null || pending) return;
    set({ pending: true, error: null });
    const mine = session;
    try {
      const accepted = await call(operationId);
      if (mine !== session) return;
      for (const loader of Object.values(outcomes)) loader.reset(null);
      set((state) => ({
        pending: false, action, phase: action === 'undo' ? 'rollback' : action === 'apply' ? 'execute' : state.phase,
        // The answer's status at once, so the screen shows the run before the first read of it.
        operation: state.operation === null ? null : { ...state.operation, status: accepted.status, cancel_requested: false },
      }));
      follow(operationId, action, totalsOf(action, get().operation, excluded));
    } catch (error) {
      if (mine === session) set({ pending: false, error: messageOf(error) });
    }
  };

  onSessionEnd(() => get().reset());

  return {
    ...freshState(),
    ruleSets: [], ruleSetsError: null,
    moves: noRows(), outcomes: { skipped: noRows(), failed: noRows(), rollback_conflict: noRows() },

    setFolder: (folder) => set({ folder, dropNotice: null, folderError: null }),
    setDestination: (destination) => set({ destination }),
    setRules: (rules) => set({ rules }),
    setConflict: (conflict) => set({ conflict }),

    async loadRuleSets() {
      const mine = session;
      try {
        const page = await client.call('rules:list', { limit: 500 });
        if (mine !== session) return;
        set((state) => ({
          ruleSets: page.items, ruleSetsError: null,
          // A saved rule set chosen earlier and deleted since falls back to the default rules.
          rules: state.rules.startsWith('set:') && !page.items.some((ruleSet) => `set:${ruleSet.id}` === state.rules) ? 'preset:by-type' : state.rules,
        }));
      } catch (error) {
        if (mine === session) set({ ruleSetsError: `Your saved rule sets could not be read: ${messageOf(error)}` });
      }
    },

    dropFiles(files) {
      const paths = files.map(droppedPathOf).filter((path): path is string => path !== null);
      if (paths.length === 0) set({ dropNotice: files.length === 0 ? 'Only folders can be dropped here.' : client.desktop === null ? DROP_NEEDS_APP : DROP_NOT_ON_DISK });
      else get().dropPaths(paths);
    },
    dropPaths(paths) {
      const [first] = paths;
      if (first === undefined) return;
      void get().openFolder(first).then(() => {
        if (paths.length > 1) set({ dropNotice: `Only the first of the ${paths.length} dropped items is used: ${visibleName(first)}` });
      });
    },

    async openFolder(path) {
      set({ folder: path, folderError: null, dropNotice: null, error: null });
      await get().preview();
    },

    async chooseFolder() {
      const desktop = client.desktop;
      if (desktop === null) return;
      const mine = session;
      try {
        const [chosen] = await desktop.chooseFolders({ title: 'Choose a folder to organize' });
        if (chosen !== undefined && mine === session) await get().openFolder(chosen);
      } catch (error) {
        if (mine === session) set({ error: messageOf(error) });
      }
    },

    async preview() {
      const { folder, destination, rules, conflict } = get();
      // The run on screen stays there until it ends or is cancelled (Enter in a field comes here too).
      // A call on its way (Apply just pressed) counts too, as the button waits for it.
      if (runIsLive(get()) || get().pending) return;
      const request = ++previewRequest;
      if (!isAbsolutePath(folder.trim())) {
        set({ folderError: FOLDER_NOT_ABSOLUTE });
        return;
      }
      // A new preview replaces the one on screen (the old one stays in History).
      stopFollowing?.();
      stopFollowing = null;
      clearTimeout(filterTimer);
      moves.reset(null);
      for (const loader of Object.values(outcomes)) loader.reset(null);
      set({
        pending: true, error: null, folderError: null, operationId: null, operation: null, action: 'preview', phase: 'execute', previewConflict: conflict,
        progress: startingProgress(), filterText: '', excluded: new Set(),
      });
      const input: CallInput<'operations:start'> = {
        source_paths: [folder.trim()], dry_run: true, conflict,
        ...(destination.trim() ? { destination: destination.trim() } : {}),
        ...(rules.startsWith('set:') ? { rule_set_id: rules.slice('set:'.length) } : { preset: rules.slice('preset:'.length) as PresetName }),
      };
      try {
        const accepted = await client.call('operations:start', input);
        if (request !== previewRequest) return;
        set({ pending: false, operationId: accepted.operation_id });
        follow(accepted.operation_id, 'preview');
      } catch (error) {
        if (request !== previewRequest) return;
        set({ pending: false, error: wordsOf(error), action: null, progress: null });
      }
    },

    setFilter(text) {
      set({ filterText: text });
      clearTimeout(filterTimer);
      filterTimer = setTimeout(readMoves, FILTER_DEBOUNCE_MS);
    },
    setIncluded(id, included) {
      set((state) => {
        const excluded = new Set(state.excluded);
        if (included) excluded.delete(id);
        else excluded.add(id);
        return { excluded };
      });
    },
    includeAll: () => set({ excluded: new Set() }),
    ensureMoves: (first, last) => moves.ensure(first, last),
    retryMoves: () => moves.retry(),
    ensureOutcomes: (kind, first, last) => outcomes[kind].ensure(first, last),

    apply: () => run('apply', (id) => client.call('operations:apply', { id, exclude: [...get().excluded] })),
    undo: () => run('undo', (id) => client.call('operations:rollback', { id })),
    resume: () => run('resume', (id) => client.call('operations:resume', { id })),

    async cancel() {
      const { operationId } = get();
      if (operationId === null) return;
      set((state) => ({ error: null, operation: state.operation === null ? null : { ...state.operation, cancel_requested: true } }));
      const mine = session;
      try {
        await client.call('operations:cancel', { id: operationId });
      } catch (error) {
        if (mine === session) set((state) => ({ error: messageOf(error), operation: state.operation === null ? null : { ...state.operation, cancel_requested: false } }));
      }
    },

    reset() {
      session += 1;
      previewRequest += 1;
      stopFollowing?.();
      stopFollowing = null;
      clearTimeout(filterTimer);
      rate.reset();
      moves.reset(null);
      for (const loader of Object.values(outcomes)) loader.reset(null);
      set({ ...freshState(), ruleSets: [], ruleSetsError: null });
    },
  };
});
