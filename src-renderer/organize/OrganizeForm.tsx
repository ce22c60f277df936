import { Button, FieldError, Form, Input, Label, Radio, RadioGroup, TextField } from 'react-aria-components';
import { useShallow } from 'zustand/react/shallow';
import { type ConflictPolicy } from '../../src-shared/operation-status.js';
import { client } from '../client/index.js';
import { InfoNote } from '../ui/Notes.js';
import { FolderDropZone } from './FolderDropZone.js';
import { runIsLive, useOrganize } from './organize-store.js';
import { RulesSelect } from './RulesSelect.js';

const RUN_LIVE_WORDS = 'Cancel the run or wait for it to finish to preview again.';

/**
 * The folder and the options, and Preview. Enter in a field previews too (unless a run is live). In the desktop
 * app, Choose… beside Folder opens the system's folder dialog.
 */
export function OrganizeForm() {
  const state = useOrganize(useShallow((s) => ({
    folder: s.folder, destination: s.destination, rules: s.rules, conflict: s.conflict, ruleSets: s.ruleSets, ruleSetsError: s.ruleSetsError,
    dropNotice: s.dropNotice, pending: s.pending, folderError: s.folderError, runLive: runIsLive(s),
  })));
  const actions = useOrganize.getState();
  const desktop = client.desktop !== null;
  const folderInput = <Input className="input mono" placeholder="/home/you/Downloads" spellCheck={false} autoComplete="off" autoCapitalize="off" />;
  return (
    <section className="panel org-setup" aria-label="Folder and options">
      <FolderDropZone onDrop={actions.dropFiles} desktop={desktop} />
      {/* validationBehavior aria: the store checks Folder and says what is wrong; the browser's own bubbles never show */}
      <Form className="org-form" validationBehavior="aria" onSubmit={(event) => { event.preventDefault(); void actions.preview(); }}>
        {/* aligned at the top: an error under Folder does not push Rules down */}
        <div className="org-form-row org-form-row-top">
          <TextField className="field org-folder" value={state.folder} onChange={actions.setFolder} isInvalid={state.folderError !== null} autoFocus>
            <Label className="field-label">Folder</Label>
            {desktop ? (
              // The desktop app's own folder dialog, beside the field: what it chooses goes in and is previewed.
              <div className="org-folder-line">
                {folderInput}
                <Button className="button org-choose" onPress={() => void actions.chooseFolder()} isDisabled={state.pending || state.runLive}>Choose…</Button>
              </div>
            ) : folderInput}
            <FieldError className="field-error">{state.folderError}</FieldError>
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
          <Button
            type="submit" className="button button-primary org-preview-button" isDisabled={state.pending || state.runLive}
            aria-describedby={state.runLive ? 'org-preview-waits' : undefined}
          >
            Preview
          </Button>
        </div>
        {state.runLive && <p id="org-preview-waits" className="field-hint org-preview-waits">{RUN_LIVE_WORDS}</p>}
        {state.dropNotice && <InfoNote>{state.dropNotice}</InfoNote>}
        {state.ruleSetsError && <p className="field-hint">{state.ruleSetsError}</p>}
      </Form>
    </section>
  );
}
