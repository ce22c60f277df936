import { Label, Radio, RadioGroup } from 'react-aria-components';
import { type KindFilter as Kind } from './history-store.js';

const KINDS: ReadonlyArray<{ id: Kind; label: string }> = [
  { id: 'all', label: 'All' },
  { id: 'organize', label: 'Organize' },
  { id: 'dedupe', label: 'Duplicates' },
  { id: 'watch', label: 'Watched folders' },
];

/** Which operations the list shows: all, organize runs, duplicate resolutions, or the watcher's batches. One press, no menu. */
export function KindFilter({ kind, onChange }: { kind: Kind; onChange: (kind: Kind) => void }) {
  return (
    <RadioGroup className="segmented" orientation="horizontal" value={kind} onChange={(value) => onChange(KINDS.find((option) => option.id === value)?.id ?? 'all')}>
      <Label className="segmented-label">Kind</Label>
      <div className="segmented-options">
        {KINDS.map((option) => <Radio key={option.id} value={option.id} className="segmented-option">{option.label}</Radio>)}
      </div>
    </RadioGroup>
  );
}
