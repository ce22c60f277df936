import { Button, Label, ListBox, ListBoxItem, Popover, Select, SelectValue } from 'react-aria-components';
import { FILE_STATES, type FileState } from '../../src-shared/operation-status.js';
import { fileStateWords } from '../ui/reason-words.js';

const ALL = 'all';
const OPTIONS: ReadonlyArray<{ id: FileState | typeof ALL; label: string }> = [
  { id: ALL, label: 'All files' },
  ...FILE_STATES.map((state) => ({ id: state, label: fileStateWords(state) })),
];

/** Narrows the journal to one state (Done, Skipped, Failed, Not put back…), read from the database, not filtered here. */
export function StateFilter({ state, onChange }: { state: FileState | null; onChange: (state: FileState | null) => void }) {
  return (
    <Select
      className="field state-filter"
      value={state ?? ALL}
      onChange={(key) => {
        const option = OPTIONS.find((candidate) => candidate.id === key);
        onChange(option === undefined || option.id === ALL ? null : option.id);
      }}
    >
      <Label>State</Label>
      <Button className="select-button">
        <SelectValue />
        <span aria-hidden="true" className="select-chevron">▾</span>
      </Button>
      <Popover className="popover">
        <ListBox className="listbox">
          {OPTIONS.map((option) => <ListBoxItem key={option.id} id={option.id} className="listbox-item">{option.label}</ListBoxItem>)}
        </ListBox>
      </Popover>
    </Select>
  );
}
