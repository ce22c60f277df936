import { type OperationView } from '../../src-shared/api/operations.js';
import { formatCount } from '../ui/format.js';
import { movedWord, sortsByRules } from './operation-words.js';

/** Statuses that say an undo ran (or runs): only then do "Put back" and "Not put back" mean anything. */
const UNDONE = new Set(['rolling_back', 'rolled_back', 'partially_rolled_back']);

/** The operation's counts: what moved, what was left and why, and, once undo ran, what it put back and what not. */
export function OperationCounts({ operation }: { operation: OperationView }) {
  const organize = sortsByRules(operation);
  const undone = operation.rolled_back > 0 || operation.rollback_conflicts > 0 || UNDONE.has(operation.status);
  const counts: Array<[string, number]> = [
    [movedWord(operation), operation.moved],
    ['Skipped', operation.skipped],
    ['Failed', operation.failed],
    ...(organize ? [['Conflicts', operation.conflicts], ['Unchanged', operation.unchanged]] satisfies Array<[string, number]> : []),
    ...(undone ? [['Put back', operation.rolled_back], ['Not put back', operation.rollback_conflicts]] satisfies Array<[string, number]> : []),
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
