import { HistoryList } from './HistoryList.js';
import { OperationDetail } from './OperationDetail.js';
import './history.css';

/** History: every operation of the profile at /history, and one operation's detail at /history/<id>. */
export function HistoryScreen({ operationId }: { operationId: string | null }) {
  return operationId === null ? <HistoryList /> : <OperationDetail key={operationId} operationId={operationId} />;
}
