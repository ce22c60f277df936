import { type OperationView } from '../../src-shared/api/operations.js';
import { statusTone, statusWords } from './status-words.js';

/** An operation's status in words; the colour only repeats them. */
export function StatusBadge({ operation }: { operation: Pick<OperationView, 'status' | 'dry_run' | 'plan'> }) {
  return <span className={`badge badge-${statusTone(operation)}`}>{statusWords(operation)}</span>;
}
