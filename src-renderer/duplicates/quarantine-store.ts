import { create } from 'zustand';
import { type ChannelOutput } from '../../src-shared/contract.js';
import { onSessionEnd } from '../app/session-end.js';
import { messageOf } from '../client/client.js';
import { followOperation } from '../client/follow-operation.js';
import { client } from '../client/index.js';
import { formatBytes, formatDate, plural } from '../ui/format.js';
import { createRateMeter } from '../ui/rate-meter.js';
import { type RunProgressView } from '../ui/RunProgress.js';
import { progressView, rowsIn } from './operation-rows.js';

export type QuarantinedFile = ChannelOutput<'quarantine:list'>['items'][number];

/** One operation's files in the quarantine: when, how many, how big. */
export interface QuarantineOperation {
  id: string;
  /** when its first file was quarantined */
  at: string;
  files: QuarantinedFile[];
  bytes: number;
}

/** A path with why something was not done to it, in words. */
export interface Refusal { path: string; message: string }

/** What the last Restore or Empty to trash did, in words, with the files it left and why. */
export interface Outcome { tone: 'good' | 'warn' | 'bad'; text: string; refusals: Refusal[]; refusedTotal: number }

/** Files read from the quarantine at most: the list is read whole to group it by operation. */
const MAX_FILES = 100_000;
const PAGE = 500;

export interface QuarantineState {
  phase: 'idle' | 'loading' | 'ready' | 'failed';
  operations: QuarantineOperation[];
  /** more files are quarantined than were read */
  truncated: boolean;
  error: string | null;
  selectedId: string | null;
  /** original paths ticked in the selected operation: Restore and Empty to trash act on them only */
  checked: Record<string, true>;
  busy: 'restore' | 'empty' | null;
  restoreProgress: RunProgressView | null;
  confirmingEmpty: boolean;
  outcome: Outcome | null;

  load(): Promise<void>;
  select(id: string | null): void;
  setChecked(path: string, checked: boolean): void;
  setCheckedAll(checked: boolean): void;
  restore(): Promise<void>;
  askEmpty(): void;
  cancelEmpty(): void;
  empty(): Promise<void>;
}

/** The quarantine's files grouped per operation, newest operation first. */
function grouped(files: QuarantinedFile[]): QuarantineOperation[] {
  const byId = new Map<string, QuarantineOperation>();
  for (const file of files) {
    const operation = byId.get(file.operation_id) ?? { id: file.operation_id, at: file.quarantined_at, files: [], bytes: 0 };
    operation.files.push(file);
    operation.bytes += file.size;
    if (file.quarantined_at < operation.at) operation.at = file.quarantined_at;
    byId.set(file.operation_id, operation);
  }
  return [...byId.values()].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

export const selectedOperation = (state: Pick<QuarantineState, 'operations' | 'selectedId'>): QuarantineOperation | undefined =>
  state.operations.find((operation) => operation.id === state.selectedId);

/** The files Restore and Empty to trash act on: the ticked ones of the selected operation, else all of them. */
export function actedOn(state: Pick<QuarantineState, 'operations' | 'selectedId' | 'checked'>): { files: number; bytes: number; ticked: boolean } {
  const operation = selectedOperation(state);
  if (!operation) return { files: 0, bytes: 0, ticked: false };
  const ticked = operation.files.filter((file) => state.checked[file.original] === true);
  if (ticked.length === 0) return { files: operation.files.length, bytes: operation.bytes, ticked: false };
  return { files: ticked.length, bytes: ticked.reduce((sum, file) => sum + file.size, 0), ticked: true };
}

/** Bumped at session end: a read or a result that answers for the last person is dropped. */
let generation = 0;
/** Stops following a whole restore (and lets restore() return). */
let stopRestore: (() => void) | null = null;

type QuarantineData = Omit<QuarantineState, 'load' | 'select' | 'setChecked' | 'setCheckedAll' | 'restore' | 'askEmpty' | 'cancelEmpty' | 'empty'>;
const initial = (): QuarantineData => ({
  phase: 'idle', operations: [], truncated: false, error: null, selectedId: null, checked: {}, busy: null, restoreProgress: null,
  confirmingEmpty: false, outcome: null,
});

export const useQuarantine = create<QuarantineState>((set, get) => {
  const readAll = async (): Promise<{ files: QuarantinedFile[]; truncated: boolean }> => {
    const files: QuarantinedFile[] = [];
    for (let offset = 0; offset < MAX_FILES; offset += PAGE) {
      const page = await client.call('quarantine:list', { offset, limit: PAGE });
      files.push(...page.items);
      if (page.items.length < PAGE || offset + PAGE >= page.total) return { files, truncated: false };
    }
    return { files, truncated: true };
  };

  /** Read the list again, keeping the selection while its operation is still there. */
  const reload = async (): Promise<void> => {
    const mine = generation;
    const { files, truncated } = await readAll();
    if (mine !== generation) return;
    const operations = grouped(files);
    set((state) => {
      const kept = operations.find((operation) => operation.id === state.selectedId);
      const checked = kept ? Object.fromEntries(kept.files.filter((file) => state.checked[file.original]).map((file) => [file.original, true] as const)) : {};
      return { phase: 'ready', operations, truncated, error: null, selectedId: kept ? kept.id : operations[0]?.id ?? null, checked };
    });
  };

  return {
    ...initial(),

    async load() {
      if (get().busy !== null) return;
      const mine = generation;
      set((state) => ({ phase: state.phase === 'ready' ? 'ready' : 'loading', error: null }));
      try {
        await reload();
      } catch (error) {
        if (mine === generation) set({ phase: 'failed', error: `The quarantine could not be read: ${messageOf(error)}` });
      }
    },

    select: (selectedId) => set((state) => (state.selectedId === selectedId ? {} : { selectedId, checked: {} })),

    setChecked: (path, checked) => set((state) => {
      const next = { ...state.checked };
      if (checked) next[path] = true;
      else delete next[path];
      return { checked: next };
    }),

    setCheckedAll: (checked) => set((state) => ({
      checked: checked ? Object.fromEntries((selectedOperation(state)?.files ?? []).map((file) => [file.original, true] as const)) : {},
    })),

    async restore() {
      const operation = selectedOperation(get());
      if (!operation || get().busy !== null) return;
      const paths = Object.keys(get().checked);
      const when = formatDate(operation.at);
      const mine = generation;
      set({ busy: 'restore', outcome: null, error: null });
      try {
        const answer = await client.call('quarantine:restore', { operation_id: operation.id, ...(paths.length > 0 ? { paths } : {}) });
        if (mine !== generation) return;
        if (answer.restored !== null) {
          // Chosen files are put back at once.
          const refusals = answer.not_restored.map((row) => ({ path: row.path, message: row.message }));
          set({ busy: null, outcome: {
            tone: refusals.length === 0 ? 'good' : 'warn',
            text: `Put back ${plural(answer.restored, 'file')} where ${answer.restored === 1 ? 'it was' : 'they were'}` + (refusals.length > 0 ? `; ${plural(refusals.length, 'file')} could not be put back:` : '.'),
            refusals, refusedTotal: refusals.length,
          } });
          await reload();
          return;
        }
        // The whole operation: its undo runs in the background, followed here.
        const meter = createRateMeter();
        set({ restoreProgress: { stage: 'rollback', filesDone: 0, filesTotal: operation.files.length, bytesDone: 0, bytesTotal: operation.bytes, currentPath: null, bytesPerSecond: null, secondsLeft: null } });
        await new Promise<void>((resolve) => {
          const stop = followOperation(operation.id, {
            progress: (event) => set({ restoreProgress: progressView(event, meter.sample(event.bytes_done, event.bytes_total)) }),
            settled: (ended) => {
              stopRestore = null;
              void (async () => {
                const conflicts = ended.rollback_conflicts > 0 ? await rowsIn(operation.id, 'rollback_conflict').catch(() => ({ rows: [], total: ended.rollback_conflicts })) : { rows: [], total: 0 };
                if (mine !== generation) { resolve(); return; }
                set({ restoreProgress: null, busy: null, outcome: {
                  tone: conflicts.total === 0 ? 'good' : 'warn',
                  text: `Put back ${plural(ended.rolled_back, 'file')} quarantined on ${when} where ${ended.rolled_back === 1 ? 'it was' : 'they were'}`
                    + (conflicts.total > 0 ? `; ${plural(conflicts.total, 'file')} could not be put back:` : '.'),
                  refusals: conflicts.rows.map((row) => ({ path: row.source, message: row.error ?? row.reason ?? 'not put back' })), refusedTotal: conflicts.total,
                } });
                resolve();
              })();
            },
            failed: (error) => set({ error: `Progress could not be read: ${messageOf(error)}. The restore goes on; see History.` }),
          });
          // Session end stops following and lets this restore return (the run itself goes on in the server).
          stopRestore = () => { stop(); resolve(); };
        });
        if (mine !== generation) return;
        await reload();
      } catch (error) {
        if (mine === generation) set({ busy: null, restoreProgress: null, outcome: { tone: 'bad', text: messageOf(error), refusals: [], refusedTotal: 0 } });
      }
    },

    askEmpty: () => set({ confirmingEmpty: true }),
    cancelEmpty: () => { if (get().busy === null) set({ confirmingEmpty: false }); },

    async empty() {
      const operation = selectedOperation(get());
      if (!operation || get().busy !== null) return;
      const paths = Object.keys(get().checked);
      const mine = generation;
      set({ busy: 'empty', outcome: null, error: null });
      try {
        const answer = await client.call('quarantine:empty', { operation_id: operation.id, ...(paths.length > 0 ? { paths } : {}) });
        if (mine !== generation) return;
        const refusals = answer.refused.map((row) => ({ path: row.original, message: row.message }));
        const parts = [`Sent ${plural(answer.trashed, 'file')} (${formatBytes(answer.trashed_bytes)}) to the system trash; Undo can no longer bring ${answer.trashed === 1 ? 'it' : 'them'} back.`];
        if (answer.missing > 0) parts.push(`${plural(answer.missing, 'file was', 'files were')} already gone from the quarantine.`);
        const others = answer.left - refusals.length;
        if (others > 0) parts.push(`${plural(others, 'file was', 'files were')} left alone: what is in the quarantine is no longer the file quarantined.`);
        if (refusals.length > 0) parts.push(`${plural(refusals.length, 'file stays', 'files stay')} in the quarantine:`);
        set({ busy: null, confirmingEmpty: false, outcome: { tone: answer.left > 0 ? 'warn' : 'good', text: parts.join(' '), refusals, refusedTotal: refusals.length } });
        await reload();
      } catch (error) {
        if (mine === generation) set({ busy: null, confirmingEmpty: false, outcome: { tone: 'bad', text: messageOf(error), refusals: [], refusedTotal: 0 } });
      }
    },
  };
});

// The next person to sign in sees the quarantine read afresh for them, nothing ticked, nothing followed.
onSessionEnd(() => {
  generation += 1;
  stopRestore?.();
  stopRestore = null;
  useQuarantine.setState(initial());
});
