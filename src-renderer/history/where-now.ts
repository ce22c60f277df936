import { type OperationFileView } from '../../src-shared/api/operations.js';

/**
 * Where a journal row's file is now, as far as the journal knows: at its destination once moved there (or left
 * there by an undo that could not put it back), else where it was. A hard-linked copy keeps its own name.
 */
export function whereNow(row: Pick<OperationFileView, 'action' | 'state' | 'source' | 'destination'>): string {
  if (row.destination === null || row.action === 'hardlink') return row.source;
  return row.state === 'done' || row.state === 'rollback_conflict' ? row.destination : row.source;
}
