import { type DuplicateSearchView } from '../../src-shared/api/duplicates.js';
import { plural } from '../ui/format.js';
import { reasonWords } from '../ui/reason-words.js';
import { PathReasonList } from './PathReasonList.js';

type Summary = NonNullable<DuplicateSearchView['summary']>;

const SEARCH_REASONS: Record<Summary['skipped'][number]['reason'], string> = {
  unreadable: reasonWords('unreadable') ?? 'Could not be read',
  changed: 'Changed while it was read, so it was left out',
  'not-a-regular-file': reasonWords('not-a-regular-file') ?? 'Not a regular file',
};

/** Files the search left out (unreadable, changed while read), folded away under their count. */
export function SkippedNote({ summary }: { summary: Summary }) {
  if (summary.skipped_count === 0) return null;
  return (
    <details className="skipped-note">
      <summary>{plural(summary.skipped_count, 'file was', 'files were')} left out of the search</summary>
      <PathReasonList
        label="Files left out of the search, and why"
        items={summary.skipped.map((skip) => ({ path: skip.path, reason: SEARCH_REASONS[skip.reason] }))}
        total={summary.skipped_count}
      />
    </details>
  );
}
