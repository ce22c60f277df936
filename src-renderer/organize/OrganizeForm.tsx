import { Button, Form, Input, Label, Radio, RadioGroup, TextField } from 'react-aria-components';
import { useShallow } from 'zustand/react/shallow';
import { type ConflictPolicy } from '../../src-shared/operation-status.js';
import { InfoNote } from '../ui/Notes.js';
import { FolderDropZone } from './FolderDropZone.js';
import { useOrganize } from './organize-store.js';
import { RulesSelect } from './RulesSelect.js';

/** The folder and the options, and Preview. Enter in a field previews too. */
export function OrganizeForm() {
  const state = useOrganize(useShallow((s) => ({
    folder: s.folder, destination: s.destination, rules: s.rules, conflict: s.conflict, ruleSets: s.ruleSets, ruleSetsError: s.ruleSetsError,
    dropNotice: s.dropNotice, pending: s.pending,
  })));
  const actions = useOrganize.getState();
  return (
    <section className="panel org-setup" aria-label="Folder and options">
      <FolderDropZone onDrop={actions.dropFiles} />
      <Form className="org-form" onSubmit={(event) => { event.preventDefault(); void actions.preview(); }}>
        <div className="org-form-row">
          <TextField className="field org-folder" value={state.folder} onChange={actions.setFolder} autoFocus>
            <Label className="field-label">Folder</Label>
            <Input className="input mono" placeholder="/home/you/Downloads" spellCheck={false} autoComplete="off" autoCapitalize="off" />
          </TextField>
          <RulesSelect value={state.rules} ruleSets={state.ruleSets} onChange={actions.setRules} />
        </div>
        <div className="org-form-row">
          <TextField className="field org-destination" value={state.destination} onChange={actions.setDestination}>
            <Label className="field-label">Destination</Label>
            <Input className="input mono" placeholder="Empty: inside the folder" spellCheck={false} autoComplete="off" autoCapitalize="off" />
          </TextField>
          <RadioGroup className="field org-conflict" value={state.conflict} onChange={(value) => actions.setConflict(value as ConflictPolicy)}>
            <Label className="field-label">When a name is taken</Label>
            <div className="radio-group org-conflict-options">
              <Radio value="rename" className="radio">Rename the moved file</Radio>
              <Radio value="skip" className="radio">Skip it</Radio>
            </div>
          </RadioGroup>
          <Button type="submit" className="button button-primary org-preview-button" isDisabled={state.pending}>Preview</Button>
        </div>
        {state.dropNotice && <InfoNote>{state.dropNotice}</InfoNote>}
        {state.ruleSetsError && <p className="field-hint">{state.ruleSetsError}</p>}
      </Form>
    </section>
  );
}
