import { type OperationView } from '../../src-shared/api/operations.js';
import { formatDate, formatDuration, visibleName } from '../ui/format.js';
import { isHardLinks, sortsByRules } from './operation-words.js';

const PRESET_WORDS: Record<string, string> = { 'by-type': 'By type', 'by-date': 'By date' };

/** Folders, destination, rules and times: where and when the operation ran. */
export function OperationFacts({ operation }: { operation: OperationView }) {
  const took = operation.started_at !== null && operation.finished_at !== null
    ? (Date.parse(operation.finished_at) - Date.parse(operation.started_at)) / 1000
    : null;
  return (
    <dl className="facts">
      <dt>{operation.kind === 'watch' ? 'Watched folder' : operation.source_paths.length === 1 ? 'Folder' : 'Folders'}</dt>
      <dd>
        {operation.source_paths.map((path) => <span key={path} className="facts-path mono">{visibleName(path)}</span>)}
      </dd>
      {sortsByRules(operation) ? (
        <>
          <dt>Destination</dt>
          <dd>{operation.destination === null ? (operation.kind === 'watch' ? 'Inside the watched folder' : 'Inside each folder') : <span className="facts-path mono">{visibleName(operation.destination)}</span>}</dd>
          <dt>Rules</dt>
          <dd>{operation.preset === null ? 'A saved rule set' : PRESET_WORDS[operation.preset] ?? operation.preset}</dd>
        </>
      ) : (
        <>
          <dt>Duplicates</dt>
          <dd>{isHardLinks(operation) ? 'Replaced by hard links to the kept copy' : <>Moved to the quarantine: <span className="facts-path mono">{visibleName(operation.destination ?? '')}</span></>}</dd>
        </>
      )}
      <dt>Created</dt>
      <dd>{formatDate(operation.created_at)}</dd>
      <dt>Started</dt>
      <dd>{operation.started_at === null ? 'Not yet' : formatDate(operation.started_at)}</dd>
      <dt>Finished</dt>
      <dd>{operation.finished_at === null ? 'Not yet' : formatDate(operation.finished_at)}{took !== null && took >= 0 && <span className="muted"> · took {formatDuration(took)}</span>}</dd>
      <dt>Operation</dt>
      <dd className="mono">{operation.operation_id}</dd>
    </dl>
  );
}
