import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import { formatCount } from '../ui/format.js';
import { PathText } from '../ui/PathText.js';

export interface PathReason { path: string; reason: string }

const ROW_PX = 50;

/**
 * Files and why each was left where it is (skipped, not put back, refused), virtualized: a run can leave
 * thousands. `total` is how many there are in all when only the first ones were read.
 */
export function PathReasonList({ label, items, total }: { label: string; items: PathReason[]; total: number }) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: items.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_PX, overscan: 6 });
  if (items.length === 0) return null;
  return (
    <div className="reason-list-wrap">
      <div ref={scroller} className="list reason-list" role="list" aria-label={label} tabIndex={0} style={{ height: virtualizer.getTotalSize() + 2 }}>
        <div className="virtual-space" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((row) => {
            const item = items[row.index] as PathReason;
            return (
              <div key={row.key} role="listitem" className="list-row reason-row" style={{ height: row.size, transform: `translateY(${row.start}px)` }}>
                <PathText path={item.path} />
                <span className="reason-text">{item.reason}</span>
              </div>
            );
          })}
        </div>
      </div>
      {total > items.length && <p className="muted small">The first {formatCount(items.length)} of {formatCount(total)} are shown; History lists them all.</p>}
    </div>
  );
}
