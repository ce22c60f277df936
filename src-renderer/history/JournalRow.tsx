import { type OperationFileView } from '../../src-shared/api/operations.js';
import { formatBytes, visibleName } from '../ui/format.js';
import { fileStateWords, reasonWords } from '../ui/reason-words.js';
import { linkWords, type PathRoots, shortPath } from './operation-words.js';

/** States that mean something went other than planned: their words stand out. */
const TONES: Record<string, string> = { done: 'good', rolled_back: 'good', skipped: 'warn', rollback_conflict: 'warn', failed: 'bad' };

/** One journal row: source → destination (short, the whole path on hover), its state, and why, in words. */
export function JournalRow({ row, roots }: { row: OperationFileView; roots: PathRoots }) {
  const source = shortPath(row.source, roots);
  const destination = row.destination === null ? null : shortPath(row.destination, roots);
  const why = reasonWords(row.reason);
  // The OS's own words add to a failure's ("ENOSPC: no space left…"); for a skip or a file undo left, the reason's
  // words say it all (the API's sentence would repeat them, cut short).
  const detail = row.state === 'failed' && row.error !== null && row.error !== why ? visibleName(row.error) : null;
  return (
    <>
      <div className="journal-paths">
        <span className="cell-path journal-source" title={visibleName(row.source)}>{visibleName(source.text)}</span>
        {destination !== null && (
          <>
            {row.action === 'hardlink'
              ? <span className="journal-link-words">{linkWords(row)}</span>
              : <><span className="arrow" aria-hidden="true">→</span><span className="visually-hidden"> {linkWords(row)} </span></>}
            <span className={destination.inQuarantine ? 'journal-destination' : 'cell-path journal-destination'} title={row.destination === null ? undefined : visibleName(row.destination)}>{visibleName(destination.text)}</span>
          </>
        )}
        <span className="journal-size num">{formatBytes(row.size)}</span>
      </div>
      <div className="journal-why">
        <span className={`journal-state tone-${TONES[row.state] ?? 'neutral'}`}>{fileStateWords(row.state)}</span>
        {why !== null && <span className="journal-reason">{why}</span>}
        {detail !== null && <span className="journal-error" title={detail}>{detail}</span>}
      </div>
    </>
  );
}
