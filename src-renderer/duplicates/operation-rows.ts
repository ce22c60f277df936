import { type OperationFileView, type OperationView } from '../../src-shared/api/operations.js';
import { client } from '../client/index.js';
import { visibleName } from '../ui/format.js';
import { type RateEstimate } from '../ui/rate-meter.js';
import { type RunProgressView } from '../ui/RunProgress.js';

/** Rows shown of a state (skipped, not put back…): the first ones; the rest are in History's detail. */
export const ROWS_SHOWN = 500;

/** The first rows of an operation in one journal state, with how many there are in all. */
export async function rowsIn(operationId: string, state: 'skipped' | 'failed' | 'rollback_conflict'): Promise<{ rows: OperationFileView[]; total: number }> {
  const page = await client.call('operations:files', { id: operationId, state, limit: ROWS_SHOWN });
  return { rows: page.items, total: page.total };
}

/**
 * The bytes a resolution won: every file that went as planned. When nothing was skipped or failed that is the
 * bytes the run went through; else the done rows are added up, page by page.
 */
export async function bytesWon(operation: OperationView): Promise<number> {
  if (operation.skipped === 0 && operation.failed === 0) return operation.progress.bytes_done;
  let won = 0;
  for (let offset = 0; ; offset += 500) {
    const page = await client.call('operations:files', { id: operation.operation_id, state: 'done', limit: 500, offset });
    won += page.items.reduce((sum, row) => sum + row.size, 0);
    if (page.items.length < 500 || offset + 500 >= page.total) return won;
  }
}

/** An operation's pushed or read progress as RunProgress shows it. */
export function progressView(progress: OperationView['progress'] & { current_path?: string | null }, rate: RateEstimate): RunProgressView {
  return {
    stage: progress.stage, filesDone: progress.files_done, filesTotal: progress.files_total, bytesDone: progress.bytes_done,
    bytesTotal: progress.bytes_total, currentPath: progress.current_path != null ? visibleName(progress.current_path) : null, bytesPerSecond: rate.bytesPerSecond, secondsLeft: rate.secondsLeft,
  };
}
