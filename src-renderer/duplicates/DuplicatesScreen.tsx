export function DuplicatesScreen({ tab }: { tab: 'find' | 'quarantine' }) {
  return <h1>Duplicates {tab}</h1>;
}
