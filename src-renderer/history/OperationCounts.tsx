import { type OperationView } from '../../src-shared/api/operations.js';
import { formatCount } from '../ui/format.js';
import { movedWord } from './operation-words.js';

/** The operation's counts, every one of them: what moved, what was left and why, what undo put back. */
export function OperationCounts({ operation }: { operation: OperationView }) {
  const organize = operation.kind === 'organize';
  const counts: Array<[string, number]> = [
    [movedWord(operation), operation.moved],
    ['Skipped', operation.skipped],
    ['Failed', operation.failed],
    ...(organize ? [['Conflicts', operation.conflicts], ['Unchanged', operation.unchanged]] satisfies Array<[string, number]> : []),
    ['Put back', operation.rolled_back],
    ['Not put back', operation.rollback_conflicts],
  ];
  return (
    <dl className="stats detail-counts">
      {counts.map(([label, count]) => (
        <div key={label} className={count > 0 && (label === 'Failed' || label === 'Not put back') ? 'stat stat-attention' : 'stat'}>
          <dt>{label}</dt>
          <dd>{formatCount(count)}</dd>
        </div>
      ))}
    </dl>
  );
}
