import { type PlanSummaryView } from '../../src-shared/api/operations.js';
import { type ConflictPolicy } from '../../src-shared/operation-status.js';
import { formatBytes, formatCount } from '../ui/format.js';
import { reasonWords } from '../ui/reason-words.js';
import { CategoryBar } from './CategoryBar.js';

/** What the plan does, in numbers: files and bytes to move, per category, conflicts, unchanged, skipped and why. */
export function PreviewSummary({ plan, conflict }: { plan: PlanSummaryView; conflict: ConflictPolicy }) {
  const reasons = Object.entries(plan.skipped_by_reason).filter(([, count]) => count > 0).sort(([, a], [, b]) => b - a);
  const skipped = reasons.reduce((sum, [, count]) => sum + count, 0);
  return (
    <div className="org-summary">
      <dl className="stats org-stats">
        <div className="stat"><dt>Files to move</dt><dd>{formatCount(plan.files)}</dd></div>
        <div className="stat"><dt>Size to move</dt><dd>{formatBytes(plan.bytes)}</dd></div>
        <div className="stat">
          <dt>Name conflicts</dt>
          <dd>{formatCount(plan.conflicts)}</dd>
          {plan.conflicts > 0 && <dd className="stat-note">{conflict === 'rename' ? 'renamed, like “a (1).jpg”' : 'skipped: left in place'}</dd>}
        </div>
        <div className="stat"><dt>Already in place</dt><dd>{formatCount(plan.unchanged)}</dd></div>
        <div className="stat"><dt>Skipped</dt><dd>{formatCount(skipped)}</dd></div>
      </dl>
      <CategoryBar byCategory={plan.by_category} />
      {reasons.length > 0 && (
        <div className="org-reasons">
          <h3 className="org-subhead">Skipped, and why</h3>
          <ul className="org-reason-list">
            {reasons.map(([reason, count]) => (
              <li key={reason}><span className="num org-reason-count">{formatCount(count)}</span> {reasonWords(reason)}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
