import { type PlanSummaryView } from '../../src-shared/api/operations.js';
import { formatBytes, formatCount, plural, visibleName } from '../ui/format.js';
import { categoryColour } from '../ui/category-colour.js';
import { reasonWords } from '../ui/reason-words.js';

/** What the plan does: files and bytes to move (quarantine, link), per category (a bar and its legend), conflicts, unchanged, skips. */
export function PlanSummary({ plan, verb }: { plan: PlanSummaryView; verb: string }) {
  const categories = Object.entries(plan.by_category).filter(([, count]) => count > 0).sort((a, b) => b[1] - a[1]);
  const skips = Object.entries(plan.skipped_by_reason).filter(([, count]) => count > 0).sort((a, b) => b[1] - a[1]);
  return (
    <div className="plan">
      <p className="plan-total">
        <strong>{plural(plan.files, 'file')}</strong> to {verb} ({formatBytes(plan.bytes)})
        {plan.conflicts > 0 && <> · {plural(plan.conflicts, 'name')} taken at the destination</>}
        {plan.unchanged > 0 && <> · {formatCount(plan.unchanged)} already in place</>}
      </p>
      {categories.length > 0 && plan.files > 0 && (
        <>
          <div className="plan-bar" aria-hidden="true">
            {categories.map(([name, count]) => (
              <span key={name} className="plan-bar-part" style={{ width: `${(count / plan.files) * 100}%`, background: categoryColour(name) }} />
            ))}
          </div>
          <ul className="plan-legend" aria-label="Files per category">
            {categories.map(([name, count]) => (
              <li key={name}><span className="plan-swatch" style={{ background: categoryColour(name) }} aria-hidden="true" />{visibleName(name)} <span className="num">{formatCount(count)}</span></li>
            ))}
          </ul>
        </>
      )}
      {skips.length > 0 && (
        <ul className="plan-skips" aria-label="Left out when planning">
          {skips.map(([reason, count]) => <li key={reason}><span className="num">{formatCount(count)}</span> {reasonWords(reason)}</li>)}
        </ul>
      )}
    </div>
  );
}
