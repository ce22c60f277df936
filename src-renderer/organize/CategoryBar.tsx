import { formatCount } from '../ui/format.js';

/** Eight theme colours (--cat-1..8) by rank in this preview; the legend's words and counts carry the meaning. */
const COLOURS = 8;

/** Files per category as one horizontal bar, and a legend with each category's count. */
export function CategoryBar({ byCategory }: { byCategory: Readonly<Record<string, number>> }) {
  const entries = Object.entries(byCategory)
    .filter(([, count]) => count > 0)
    .sort(([nameA, countA], [nameB, countB]) => countB - countA || nameA.localeCompare(nameB));
  if (entries.length === 0) return null;
  return (
    <div className="org-categories">
      <h3 className="org-subhead">Files per category</h3>
      <div className="org-bar" aria-hidden="true">
        {entries.map(([name, count], rank) => (
          <span key={name} className={`org-bar-segment org-cat-${(rank % COLOURS) + 1}`} style={{ flexGrow: count }} title={`${name}: ${formatCount(count)}`} />
        ))}
      </div>
      <ul className="org-legend">
        {entries.map(([name, count], rank) => (
          <li key={name} className="org-legend-item">
            <span className={`org-swatch org-cat-${(rank % COLOURS) + 1}`} aria-hidden="true" />
            <span>{name}</span>
            <span className="org-legend-count num">{formatCount(count)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
