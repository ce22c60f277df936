import { Button, Header, Label, ListBox, ListBoxItem, ListBoxSection, Popover, Select, SelectValue } from 'react-aria-components';
import { type SavedRuleSetView } from '../../src-shared/api/rules.js';
import { type PresetName, presetNameSchema } from '../../src-shared/rules.js';
import { type RulesChoice } from './organize-store.js';

/** The built-in presets in words; a preset added to the shared list fails to compile until it has them. */
const PRESET_WORDS: Record<PresetName, string> = {
  'by-type': 'By type (Images, Documents…)',
  'by-date': 'By date (year, then month)',
};

/** The rules to organize by: a built-in preset, or one of the user's saved rule sets. */
export function RulesSelect({ value, ruleSets, onChange }: { value: RulesChoice; ruleSets: readonly SavedRuleSetView[]; onChange: (rules: RulesChoice) => void }) {
  return (
    <Select className="field org-rules" value={value} onChange={(key) => { if (key !== null) onChange(String(key) as RulesChoice); }}>
      <Label className="field-label">Rules</Label>
      <Button className="select-button">
        <SelectValue className="org-select-value" />
        <svg className="org-chevron" viewBox="0 0 12 12" aria-hidden="true"><path d="M3 4.5 6 7.5 9 4.5" /></svg>
      </Button>
      <Popover className="popover">
        <ListBox className="listbox">
          <ListBoxSection className="org-listbox-section">
            <Header className="org-listbox-header">Built-in</Header>
            {presetNameSchema.options.map((preset) => (
              <ListBoxItem key={preset} id={`preset:${preset}`} className="listbox-item">{PRESET_WORDS[preset]}</ListBoxItem>
            ))}
          </ListBoxSection>
          {ruleSets.length > 0 && (
            <ListBoxSection className="org-listbox-section">
              <Header className="org-listbox-header">Your rule sets</Header>
              {ruleSets.map((ruleSet) => (
                <ListBoxItem key={ruleSet.id} id={`set:${ruleSet.id}`} className="listbox-item" textValue={ruleSet.name}>{ruleSet.name}</ListBoxItem>
              ))}
            </ListBoxSection>
          )}
        </ListBox>
      </Popover>
    </Select>
  );
}
