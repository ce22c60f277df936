import { and, eq, gte, inArray, isNotNull, or } from 'drizzle-orm';
import { describeError } from '../../../src-shared/errors.js';
import { operationStatusSchema } from '../../../src-shared/operation-status.js';
import { type OperationProgress } from '../../../src-shared/progress.js';
import { type AppDatabase } from '../db/open-database.js';
import { operations } from '../db/schema.js';
import { finalEventOf, isSettled } from '../ops/background-runs.js';
import { type Operation } from '../ops/operation-store.js';
import { type EventHub } from './event-hub.js';

/** How often the rows are read while someone listens. */
export const FOLLOW_EVERY_MS = 500;
/**
 * A run that ended this long before a read is still looked for, so one that started and ended between two
 * reads (a CLI run of a few files) is told too, even when its last commit lands a little after its end time.
 */
const SETTLED_LOOKBACK_MS = 5_000;

/** The columns an event is made from. */
const columns = {
  id: operations.id, userId: operations.userId, status: operations.status, phase: operations.phase, ownerPid: operations.ownerPid,
  filesDone: operations.filesDone, filesTotal: operations.filesTotal, bytesDone: operations.bytesDone, bytesTotal: operations.bytesTotal,
  moved: operations.moved, movedBytes: operations.movedBytes, skipped: operations.skipped, failed: operations.failed, conflicts: operations.conflicts,
  rolledBack: operations.rolledBack, rolledBackBytes: operations.rolledBackBytes, rollbackConflicts: operations.rollbackConflicts,
  error: operations.error, finishedAt: operations.finishedAt,
};
export type FollowedOperation = Pick<Operation, 'id' | 'userId' | 'status' | 'phase' | 'ownerPid' | 'filesDone' | 'filesTotal' | 'bytesDone' | 'bytesTotal'
  | 'moved' | 'movedBytes' | 'skipped' | 'failed' | 'conflicts' | 'rolledBack' | 'rolledBackBytes' | 'rollbackConflicts' | 'error' | 'finishedAt'>;

/**
 * A run's progress as its row tells it: the counters its pages keep (as GET /api/v1/operations/{id} shows
 * them). An undo counts the files put back out of those that were moved.
 */
export function progressOfRow(operation: Pick<FollowedOperation, 'id' | 'status' | 'phase' | 'filesDone' | 'filesTotal' | 'bytesDone' | 'bytesTotal'
  | 'moved' | 'movedBytes' | 'rolledBack' | 'rolledBackBytes' | 'rollbackConflicts'>): OperationProgress {
  const rollingBack = operation.phase === 'rollback';
  return {
    type: 'progress', operation_id: operation.id,
    // A leased `planned` row is still scanning and planning: its totals are not known yet.
    stage: operation.status === 'planned' ? 'plan' : rollingBack ? 'rollback' : 'execute',
    files_done: rollingBack ? operation.rolledBack + operation.rollbackConflicts : operation.filesDone,
    files_total: rollingBack ? operation.moved : operation.filesTotal,
    bytes_done: rollingBack ? operation.rolledBackBytes : operation.bytesDone,
    bytes_total: rollingBack ? operation.movedBytes : operation.bytesTotal,
    current_path: null,
  };
}

/**
 * Runs of other processes on this data folder (the CLI, another app or serve), told as events: while someone
 * listens (and only then), the rows of the listened-for users' operations are read every 500 ms; a run in
 * progress that is not live in this process gets `operations:progress` when its counters change and
 * `operations:result` once it settles. Runs of this process are told by their own run (BackgroundRuns), so a
 * result this process has published is never told again.
 */
export function followOtherProcesses(options: {
  database: AppDatabase; events: EventHub;
  /** is this run live in this process (its events come from it)? */
  isLive: (operationId: string) => boolean;
  everyMs?: number;
  log?: (message: string) => void;
}) {
  const { events, isLive } = options;
  const { orm } = options.database;
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  // Runs followed in progress: their user and the progress last told.
  const following = new Map<string, { userId: string; told: string }>();
  // Results told (here or by this process's own runs), by operation and end time, while they can still be read as recent.
  const told = new Map<string, number | null>();
  const resultKey = (operation: Pick<FollowedOperation, 'id' | 'finishedAt'>): string => `${operation.id}@${operation.finishedAt ?? 'open'}`;
  let timer: NodeJS.Timeout | undefined;
  // Other processes write their times with the wall clock, so the look-back reads it too (not a test's clock).
  let lastRead = 0;

  const readRow = (row: Omit<FollowedOperation, 'status'> & { status: string }): FollowedOperation => ({ ...row, status: operationStatusSchema.parse(row.status) });
  const active = or(inArray(operations.status, ['running', 'rolling_back']), and(eq(operations.status, 'planned'), isNotNull(operations.ownerPid)));

  /** Results that ended before `since` are read no more, so need not be remembered. */
  const forgetTold = (since: number): void => {
    for (const [key, finishedAt] of told) if (finishedAt === null || finishedAt < since) told.delete(key);
  };

  const tellResult = (operation: FollowedOperation): void => {
    const key = resultKey(operation);
    if (told.has(key)) return;
    told.set(key, operation.finishedAt);
    events.publish(operation.userId, { name: 'operations:result', data: finalEventOf(operation) });
  };

  const read = (): void => {
    const users = [...events.subscribedUsers()];
    if (users.length === 0) return;
    const since = (lastRead || Date.now()) - SETTLED_LOOKBACK_MS;
    lastRead = Date.now();
    const rows = orm.select(columns).from(operations)
      .where(and(inArray(operations.userId, users), or(active, gte(operations.finishedAt, since)))).all().map(readRow);
    const seen = new Set<string>();
    for (const operation of rows) {
      seen.add(operation.id);
      if (isLive(operation.id)) { following.delete(operation.id); continue; }
      if (isSettled(operation)) {
        following.delete(operation.id);
        tellResult(operation);
        continue;
      }
      const progress = progressOfRow(operation);
      const text = JSON.stringify(progress);
      if (following.get(operation.id)?.told === text) continue;
      following.set(operation.id, { userId: operation.userId, told: text });
      events.publish(operation.userId, { name: 'operations:progress', data: progress });
    }
    // Followed runs the read did not return: settled without an end time, gone, or their user no longer listened for.
    for (const [id, followed] of following) {
      if (seen.has(id)) continue;
      following.delete(id);
      if (!users.includes(followed.userId)) continue;
      const row = orm.select(columns).from(operations).where(eq(operations.id, id)).get();
      if (row && !isLive(id)) {
        const operation = readRow(row);
        if (isSettled(operation)) tellResult(operation);
      }
    }
    forgetTold(since);
  };

  const start = (): void => {
    if (timer) return;
    lastRead = 0;
    timer = setInterval(() => {
      try { read(); } catch (error) { log(`fileorg: following other processes' runs failed: ${describeError(error)}`); }
    }, options.everyMs ?? FOLLOW_EVERY_MS);
    timer.unref(); // never what keeps a process open
  };
  const pause = (): void => {
    clearInterval(timer);
    timer = undefined;
    following.clear();
  };

  const stopWatching = events.onSubscribersChanged((users) => (users.size > 0 ? start() : pause()));
  // The results this process tells itself: noted with the end time the row has then, so a read never repeats them.
  const stopObserving = events.observe((_userId, event) => {
    if (event.name !== 'operations:result') return;
    const row = orm.select({ id: operations.id, finishedAt: operations.finishedAt }).from(operations).where(eq(operations.id, event.data.operation_id)).get();
    if (row) told.set(resultKey(row), row.finishedAt);
    forgetTold(Date.now() - 2 * SETTLED_LOOKBACK_MS);
  });
  if (events.subscribedUsers().size > 0) start();

  return {
    /** Stop for good (the core closes). */
    stop(): void {
      pause();
      stopWatching();
      stopObserving();
    },
  };
}
export type DatabaseFollower = ReturnType<typeof followOtherProcesses>;
