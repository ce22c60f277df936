import { Button, FieldError, Form, Input, Label, Text, TextArea, TextField } from 'react-aria-components';
import { useFind } from './duplicates-store.js';

/** Folders, Minimum size and Find duplicates. Only renders; the store searches. */
export function FindForm() {
  const { foldersText, minSizeText, fieldErrors, phase, setFolders, setMinSize, find } = useFind();
  return (
    <Form className="panel find-form" aria-label="Search folders" validationBehavior="aria" onSubmit={(event) => { event.preventDefault(); void find(); }}>
      <TextField className="field find-folders" value={foldersText} onChange={setFolders} isInvalid={fieldErrors.folders !== undefined}>
        <Label>Folders</Label>
        <TextArea className="textarea" rows={3} spellCheck={false} />
        <Text slot="description" className="field-hint">One full path a line; every folder inside is searched too.</Text>
        <FieldError className="field-error">{fieldErrors.folders}</FieldError>
      </TextField>
      <div className="find-side">
        <TextField className="field find-min-size" value={minSizeText} onChange={setMinSize} isInvalid={fieldErrors.minSize !== undefined}>
          <Label>Minimum size</Label>
          <Input className="input" placeholder="Any size" inputMode="decimal" />
          <Text slot="description" className="field-hint">Bytes, or 500 kB, 1.5 MB, 2 GB.</Text>
          <FieldError className="field-error">{fieldErrors.minSize}</FieldError>
        </TextField>
        <Button type="submit" className="button button-primary" isDisabled={phase === 'searching'}>Find duplicates</Button>
      </div>
    </Form>
  );
}
