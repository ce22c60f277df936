import { categoryColour } from '../ui/category-colour.js';
import { formatCount } from '../ui/format.js';

/**
 * Files per category as one horizontal bar, and a legend with each category's count. Each category has its one
 * colour on every screen (categoryColour); the legend's words and counts carry the meaning.
 */
export function CategoryBar({ byCategory }: { byCategory: Readonly<Record<string, number>> }) {
  const entries = Object.entries(byCategory)
    .filter(([, count]) => count > 0)
    .sort(([nameA, countA], [nameB, countB]) => countB - countA || nameA.localeCompare(nameB));
  if (entries.length === 0) return null;
  return (
    <div className="org-categories">
      <h3 className="org-subhead">Files per category</h3>
      <div className="org-bar" aria-hidden="true">
        {entries.map(([name, count]) => (
          <span key={name} className="org-bar-segment" style={{ flexGrow: count, background: categoryColour(name) }} title={`${name}: ${formatCount(count)}`} />
        ))}
      </div>
      <ul className="org-legend" aria-label="Files per category">
        {entries.map(([name, count]) => (
          <li key={name} className="org-legend-item">
            <span className="org-swatch" style={{ background: categoryColour(name) }} aria-hidden="true" />
            <span>{name}</span>
            <span className="org-legend-count num">{formatCount(count)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
