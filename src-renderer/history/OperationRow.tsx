import { Link } from 'react-aria-components';
import { type OperationView } from '../../src-shared/api/operations.js';
import { formatDate, visibleName } from '../ui/format.js';
import { StatusBadge } from '../ui/StatusBadge.js';
import { countsLine, kindWords } from './operation-words.js';

/**
 * One operation in the list: a link to its detail, so Tab reaches it and Enter opens it. Its text (status,
 * kind, folders, when, counts) is its accessible name. Actions live in the detail, never here.
 */
export function OperationRow({ operation }: { operation: OperationView }) {
  const folders = operation.source_paths.map(visibleName).join(', ');
  return (
    <Link href={`/history/${encodeURIComponent(operation.operation_id)}`} className="history-row">
      <span className="history-row-status"><StatusBadge operation={operation} /></span>
      <span className="history-row-kind">{kindWords(operation)}</span>
      <span className="history-row-folders cell-path" title={folders}>{folders}</span>
      <span className="history-row-counts">{countsLine(operation)}</span>
      <time className="history-row-when" dateTime={operation.created_at}>{formatDate(operation.created_at)}</time>
    </Link>
  );
}
