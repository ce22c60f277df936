export function HistoryScreen({ operationId }: { operationId: string | null }) {
  return <h1>History {operationId}</h1>;
}
