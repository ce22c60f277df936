import { useEffect } from 'react';
import { Button, Checkbox, ListBox, ListBoxItem } from 'react-aria-components';
import { client } from '../client/index.js';
import { CheckMark } from '../ui/CheckMark.js';
import { ConfirmDialog } from '../ui/ConfirmDialog.js';
import { formatBytes, formatCount, formatDate, plural } from '../ui/format.js';
import { EmptyState, ErrorNote } from '../ui/Notes.js';
import { RowActions } from '../ui/RowActions.js';
import { useRowSelection } from '../ui/row-selection.js';
import { RunProgress } from '../ui/RunProgress.js';
import { PathReasonList } from './PathReasonList.js';
import { actedOn, type Outcome, selectedOperation, useQuarantine } from './quarantine-store.js';
import { QuarantineFiles } from './QuarantineFiles.js';

/** The quarantine per operation: pick one (or some of its files), Restore it, or Empty it to the trash. */
export function QuarantineTab() {
  const state = useQuarantine();
  const { phase, operations, truncated, error, checked, busy, restoreProgress, confirmingEmpty, outcome } = state;
  useEffect(() => { void useQuarantine.getState().load(); }, []);
  const selected = selectedOperation(state);
  const checkedCount = Object.keys(checked).length;
  const scope = actedOn(state);
  const them = scope.files === 1 ? 'it' : 'them';
  const tickedWords = scope.files === 1 ? 'the ticked file' : `the ${formatCount(scope.files)} ticked files`;
  const others = (selected?.files.length ?? 0) - scope.files;
  // The desktop app shows a selected file where it waits in the quarantine, or opens it.
  // Read again after a Restore or Empty to trash, its files move up: the selection follows its file by path.
  const selection = useRowSelection(selected?.id ?? '', client.desktop !== null, {
    at: (index) => selected?.files[index]?.original,
    find: (original) => { const index = selected?.files.findIndex((file) => file.original === original) ?? -1; return index < 0 ? null : index; },
  });
  const selectedFile = selection?.selected == null ? undefined : selected?.files[selection.selected];

  return (
    <div className="quarantine-tab">
      {outcome && <OutcomeNote outcome={outcome} />}
      {error !== null && <ErrorNote>{error}</ErrorNote>}
      {phase === 'loading' && operations.length === 0 && <div className="panel muted" role="status">Reading the quarantine…</div>}
      {phase === 'ready' && operations.length === 0 && (
        <div className="panel">
          <EmptyState title="Nothing is in the quarantine">
            Copies you quarantine on the Find tab wait here until you restore them or empty them to the trash. Find duplicates to free some space.
          </EmptyState>
        </div>
      )}
      {operations.length > 0 && (
        <div className="quarantine-layout">
          <section className="panel quarantine-operations" aria-labelledby="quarantine-operations-title">
            <h2 id="quarantine-operations-title">Quarantined</h2>
            <ListBox
              className="listbox quarantine-operation-list"
              aria-label="Quarantine operations"
              selectionMode="single"
              disallowEmptySelection
              selectedKeys={selected ? [selected.id] : []}
              onSelectionChange={(keys) => { if (keys !== 'all') { const [id] = [...keys]; if (id !== undefined) state.select(String(id)); } }}
              items={operations}
            >
              {(operation) => (
                <ListBoxItem
                  id={operation.id}
                  className="listbox-item quarantine-operation"
                  textValue={formatDate(operation.at)}
                  aria-label={`${formatDate(operation.at)}, ${plural(operation.files.length, 'file')}, ${formatBytes(operation.bytes)}`}
                >
                  <span className="quarantine-operation-date">{formatDate(operation.at)}</span>
                  <span className="muted">{plural(operation.files.length, 'file')} · {formatBytes(operation.bytes)}</span>
                </ListBoxItem>
              )}
            </ListBox>
            {truncated && <p className="muted small">Only the first {formatCount(100_000)} quarantined files are listed.</p>}
          </section>
          {selected && (
            <section className="panel quarantine-detail" aria-labelledby="quarantine-detail-title">
              <div className="panel-head">
                <h2 id="quarantine-detail-title">Quarantined {formatDate(selected.at)}</h2>
                <span className="muted">{plural(selected.files.length, 'file')} · {formatBytes(selected.bytes)}</span>
              </div>
              <div className="quarantine-actions">
                <div className="form-actions">
                  <Button className="button button-primary" isDisabled={busy !== null} onPress={() => void state.restore()}>Restore</Button>
                  <Button className="button" isDisabled={busy !== null} onPress={state.askEmpty}>Empty to trash</Button>
                </div>
                <p className="muted quarantine-scope">
                  {scope.ticked
                    ? `Restore and Empty to trash act on ${tickedWords} (${formatBytes(scope.bytes)}).`
                    : selected.files.length === 1
                      ? 'Restore and Empty to trash act on the file of this operation.'
                      : `Restore and Empty to trash act on all ${plural(selected.files.length, 'file')} of this operation; tick files to act on only those.`}
                </p>
              </div>
              <div className="quarantine-progress">
                {restoreProgress && <RunProgress label="Restoring" progress={restoreProgress} />}
              </div>
              <Checkbox
                className="checkbox"
                isSelected={checkedCount > 0 && checkedCount === selected.files.length}
                isIndeterminate={checkedCount > 0 && checkedCount < selected.files.length}
                onChange={state.setCheckedAll}
              >
                <CheckMark />
                Tick every file
              </Checkbox>
              <RowActions label="Selected quarantined file" path={selectedFile?.quarantined ?? null} hint="Select a file in the list (click it, or ↑ ↓ in the list) to show it in the quarantine." />
              <QuarantineFiles files={selected.files} checked={checked} onCheck={state.setChecked} selection={selection} />
              <ConfirmDialog isOpen={confirmingEmpty} title="Empty to trash?" busy={busy === 'empty'} destructive onConfirm={() => void state.empty()} onCancel={state.cancelEmpty}>
                {scope.ticked ? (
                  <p>
                    Send {tickedWords} ({formatBytes(scope.bytes)}) of the {plural(selected.files.length, 'file')} quarantined {formatDate(selected.at)} to the
                    system trash; {others === 1 ? 'the other file stays' : `the other ${formatCount(others)} stay`} in the quarantine.
                  </p>
                ) : (
                  <p>
                    Send {selected.files.length === 1 ? 'the file' : `all ${plural(selected.files.length, 'file')}`} ({formatBytes(selected.bytes)}) quarantined {formatDate(selected.at)} to the system trash.
                  </p>
                )}
                <p><strong>Undo can no longer bring {them} back</strong>; only the system trash can, until it is emptied.</p>
              </ConfirmDialog>
            </section>
          )}
        </div>
      )}
    </div>
  );
}

function OutcomeNote({ outcome }: { outcome: Outcome }) {
  return (
    <div className={`note note-${outcome.tone === 'bad' ? 'error' : 'info'} outcome-${outcome.tone}`} role={outcome.tone === 'bad' ? 'alert' : 'status'}>
      <p className="outcome-text">{outcome.text}</p>
      <PathReasonList label="Files not done, and why" items={outcome.refusals.map((refusal) => ({ path: refusal.path, reason: refusal.message }))} total={outcome.refusedTotal} />
    </div>
  );
}
