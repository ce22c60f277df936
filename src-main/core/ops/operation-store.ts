import os from 'node:os';
import { and, count, desc, eq, inArray, isNotNull, like, or } from 'drizzle-orm';
import { FileOrganizerError } from '../../../src-shared/errors.js';
import { type OperationPhase, type OperationStatus, operationStatusSchema } from '../../../src-shared/operation-status.js';
import { type AppDatabase } from '../db/open-database.js';
import { LOCAL_USER_ID, operations } from '../db/schema.js';
import { dedupeRequestSchema, type OperationRequest, organizeRequestSchema } from './operation-request.js';
import { processIsAlive } from '../process-alive.js';

export type OperationRow = typeof operations.$inferSelect;
export interface Operation extends Omit<OperationRow, 'request' | 'status' | 'phase'> {
  status: OperationStatus;
  phase: OperationPhase;
  request: OperationRequest;
}

/** A lease whose heartbeat is older than this belongs to a process that is gone (or hung past saving). */
export const LEASE_STALE_MS = 60_000;

function parseOperation(row: OperationRow): Operation {
  const request = (row.kind === 'dedupe' ? dedupeRequestSchema : organizeRequestSchema).safeParse(JSON.parse(row.request));
  if (!request.success) throw new FileOrganizerError('E_INTERNAL', `operation ${row.id} has an unreadable request in the database`);
  return { ...row, status: operationStatusSchema.parse(row.status), phase: row.phase, request: request.data };
}

export function createOperationStore(database: AppDatabase, clock: () => number) {
  const { orm } = database;
  const host = os.hostname();
  const byId = (id: string) => orm.select().from(operations).where(eq(operations.id, id)).get();
  const cancelRequestedAt = database.sqlite.prepare('SELECT cancel_requested_at FROM operations WHERE id = ?').pluck();

  return {
    insert(values: typeof operations.$inferInsert): void {
      orm.insert(operations).values(values).run();
    },
    get(id: string): Operation | undefined {
      const row = byId(id);
      return row ? parseOperation(row) : undefined;
    },
    /**
     * One of the owner's operations, by a whole id or (`prefixes`, the CLI) an unambiguous prefix of one (at
     * least 4 characters), as git does. Another user's operation is unknown, exactly as one that never existed.
     */
    resolve(idOrPrefix: string, owner: string = LOCAL_USER_ID, prefixes = true): Operation {
      const exact = byId(idOrPrefix);
      if (exact && exact.userId === owner) return parseOperation(exact);
      const matches = prefixes && idOrPrefix.length >= 4 && /^[\w-]+$/.test(idOrPrefix)
        ? orm.select().from(operations).where(and(eq(operations.userId, owner), like(operations.id, `${idOrPrefix}%`))).limit(2).all() : [];
      if (matches.length === 1) return parseOperation(matches[0] as OperationRow);
      if (matches.length > 1) throw new FileOrganizerError('E_AMBIGUOUS_OPERATION', `"${idOrPrefix}" matches more than one operation; give more of the id (see fileorg history)`);
      throw new FileOrganizerError('E_UNKNOWN_OPERATION', `no operation "${idOrPrefix}"; list them with fileorg history`);
    },
    /** The owner's operations (of one kind, or all), newest first. */
    list(limit: number, owner: string = LOCAL_USER_ID, offset = 0, kind?: OperationRow['kind']): Operation[] {
      return orm.select().from(operations).where(and(eq(operations.userId, owner), kind ? eq(operations.kind, kind) : undefined))
        .orderBy(desc(operations.createdAt), desc(operations.id)).limit(limit).offset(offset).all().map(parseOperation);
    },
    count(owner: string, kind?: OperationRow['kind']): number {
      return orm.select({ total: count() }).from(operations).where(and(eq(operations.userId, owner), kind ? eq(operations.kind, kind) : undefined)).get()?.total ?? 0;
    },
    /** Forget an operation that moved nothing, with its journal (rows, states and folders cascade). */
    remove(id: string): void {
      orm.delete(operations).where(eq(operations.id, id)).run();
    },
    update(id: string, values: Partial<typeof operations.$inferInsert>): void {
      orm.update(operations).set(values).where(eq(operations.id, id)).run();
    },
    heartbeat(id: string): void {
      orm.update(operations).set({ heartbeatAt: clock() }).where(eq(operations.id, id)).run();
    },
    /**
     * Take the lease: atomically move the operation from one of `from` to `to`, owned by this process. Fails
     * when another live process holds it or its status changed meanwhile. `sameRun`: the run that planned it
     * goes on to execute it, so a cancel asked meanwhile is this run's and stays (the caller honours it).
     */
    acquire(id: string, from: readonly OperationStatus[], to: OperationStatus, phase: OperationPhase, options: { sameRun?: boolean } = {}): boolean {
      // A cancel asked of an earlier run is not a new run's: it starts without one.
      const cancel = options.sameRun ? {} : { cancelRequestedAt: null };
      const result = orm.update(operations)
        .set({ status: to, phase, ownerPid: process.pid, ownerHost: host, heartbeatAt: clock(), finishedAt: null, ...cancel })
        .where(and(eq(operations.id, id), inArray(operations.status, [...from]))).run();
      return result.changes === 1;
    },
    /** Give up the lease; a cancel asked of the run ends with it (the run stopped, or finished first). */
    release(id: string, values: Partial<typeof operations.$inferInsert>): void {
      orm.update(operations).set({ ...values, ownerPid: null, heartbeatAt: clock(), cancelRequestedAt: null }).where(eq(operations.id, id)).run();
    },
    /**
     * Ask the process running this operation to stop after the files in flight: recorded only while a run holds
     * it (running, rolling back, or still planning); false when no run does.
     */
    requestCancel(id: string): boolean {
      const running = or(inArray(operations.status, ['running', 'rolling_back']), and(eq(operations.status, 'planned'), isNotNull(operations.ownerPid)));
      return orm.update(operations).set({ cancelRequestedAt: clock() }).where(and(eq(operations.id, id), running)).run().changes === 1;
    },
    /** Has someone asked this operation to stop? Read by its run a few times a second: one row by its key. */
    cancelRequested(id: string): boolean {
      return cancelRequestedAt.get(id) != null;
    },
    /** Operations that say they are in progress but whose owning process is gone. */
    orphaned(): Operation[] {
      const active = orm.select().from(operations).where(inArray(operations.status, ['planned', 'running', 'rolling_back'])).all();
      return active.filter((row) => {
        if (row.dryRun && row.status === 'planned' && row.ownerPid === null) return false; // a finished preview
        if (row.ownerPid === null) return true;
        const stale = row.heartbeatAt === null || clock() - row.heartbeatAt > LEASE_STALE_MS;
        const alive = row.ownerHost === host ? processIsAlive(row.ownerPid) && row.ownerPid !== process.pid : !stale;
        return !alive || stale;
      }).map(parseOperation);
    },
    /** Is another live process working on this operation right now? */
    heldByOther(operation: Operation): boolean {
      if (operation.ownerPid === null || !['planned', 'running', 'rolling_back'].includes(operation.status)) return false;
      if (operation.ownerHost === host && operation.ownerPid === process.pid) return false;
      const stale = operation.heartbeatAt === null || clock() - operation.heartbeatAt > LEASE_STALE_MS;
      return !stale && (operation.ownerHost !== host || processIsAlive(operation.ownerPid));
    },
  };
}
export type OperationStore = ReturnType<typeof createOperationStore>;
