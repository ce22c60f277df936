import { type Journal } from './journal.js';

/** The operation's counters, derived from its journal (the journal is the truth; the row's counters a cache). */
export function countsFromJournal(journal: Journal, operationId: string) {
  const counts = { moved: 0, skipped: 0, failed: 0, conflicts: 0, rolledBack: 0, rollbackConflicts: 0, pending: 0, pendingBytes: 0, movedBytes: 0, rolledBackBytes: 0 };
  for (const row of journal.stateCounts(operationId)) {
    if (row.state === 'planned') { counts.pending += row.files; counts.pendingBytes += row.bytes ?? 0; }
    if (row.state === 'done' || row.state === 'rolled_back' || row.state === 'rollback_conflict') { counts.moved += row.files; counts.movedBytes += row.bytes ?? 0; }
    if (row.state === 'rolled_back') counts.rolledBackBytes += row.bytes ?? 0;
    if (row.state === 'skipped') counts.skipped += row.files;
    if (row.state === 'failed') counts.failed += row.files;
    if (row.state === 'rolled_back') counts.rolledBack += row.files;
    if (row.state === 'rollback_conflict') counts.rollbackConflicts += row.files;
    if (row.conflictRenamed || row.reason === 'conflict') counts.conflicts += row.files;
  }
  return counts;
}
export type OperationCountsFromJournal = ReturnType<typeof countsFromJournal>;
