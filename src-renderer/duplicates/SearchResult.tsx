import { Button, Checkbox, Label, Radio, RadioGroup } from 'react-aria-components';
import { KEEP_POLICIES, type KeepPolicy } from '../../src-shared/duplicates.js';
import { CheckMark } from '../ui/CheckMark.js';
import { ConfirmDialog } from '../ui/ConfirmDialog.js';
import { formatBytes, formatCount, plural } from '../ui/format.js';
import { EmptyState, ErrorNote } from '../ui/Notes.js';
import { tickedTotals, useFind } from './duplicates-store.js';
import { KEEP_WORDS } from './group-words.js';
import { GroupList } from './GroupList.js';
import { ResolvePanel } from './ResolvePanel.js';
import { useResolve } from './resolve-store.js';
import { SkippedNote } from './SkippedNote.js';

/** A completed search: totals of the ticked groups, the keep policy, the two actions and the groups. */
export function SearchResult() {
  const find = useFind();
  const resolve = useResolve();
  const summary = find.search?.summary;
  if (!summary) return null;
  if (summary.groups === 0) {
    return (
      <section className="panel" aria-label="Search result">
        <EmptyState title="No duplicates found">
          {plural(summary.files_scanned, 'file was', 'files were')} looked at. Try a lower minimum size, or add more folders.
        </EmptyState>
        <SkippedNote summary={summary} />
      </section>
    );
  }
  const totals = tickedTotals(find);
  const untickedCount = Object.keys(find.unticked).length;
  const busy = resolve.sending || resolve.phase === 'running' || resolve.phase === 'undoing';
  // Once a run changed the files, the groups are as the search found them: search again before acting again.
  const acted = resolve.phase === 'done' || resolve.phase === 'undoing';
  const canAct = totals.groups > 0 && !busy && !acted;
  const ran = acted && resolve.kind !== null && resolve.result !== null ? { kind: resolve.kind, result: resolve.result } : null;

  return (
    <section className="dupe-result" aria-label="Search result">
      <div className="panel">
        <div className="panel-head">
          <h2>{plural(summary.groups, 'group')} of duplicates</h2>
          <span className="muted">{plural(summary.files_scanned, 'file')} looked at</span>
        </div>
        {ran ? (
          // What the run did, not what is still to win: the list below is as the search found it.
          <dl className="stats" aria-label={ran.kind === 'quarantine' ? 'Quarantined groups' : 'Linked groups'}>
            <div className="stat"><dt>Groups</dt><dd>{formatCount(totals.groups)}{untickedCount > 0 && <span className="stat-of"> of {formatCount(summary.groups)}</span>}</dd></div>
            <div className="stat"><dt>{ran.kind === 'quarantine' ? 'Copies moved' : 'Copies linked'}</dt><dd>{formatCount(ran.result.moved)}</dd></div>
            <div className="stat"><dt>Space won</dt><dd>{formatBytes(resolve.wonBytes ?? 0)}</dd></div>
          </dl>
        ) : (
          <dl className="stats" aria-label="Selected groups">
            <div className="stat"><dt>Groups</dt><dd>{formatCount(totals.groups)}{untickedCount > 0 && <span className="stat-of"> of {formatCount(summary.groups)}</span>}</dd></div>
            <div className="stat"><dt>Files</dt><dd>{formatCount(totals.files)}</dd></div>
            <div className="stat"><dt>Space to win</dt><dd>{formatBytes(totals.wasted)}</dd></div>
          </dl>
        )}
        <div className="dupe-toolbar">
          <RadioGroup className="field keep-policy" orientation="horizontal" value={find.keep} isReadOnly={find.locked} onChange={(value) => find.setKeep(value as KeepPolicy)}>
            <Label className="field-label">Copy to keep</Label>
            <div className="radio-group">
              {KEEP_POLICIES.map((policy) => <Radio key={policy} value={policy} className="radio">{KEEP_WORDS[policy]}</Radio>)}
            </div>
          </RadioGroup>
          <div className="dupe-actions">
            <div className="form-actions">
              <Button className="button button-primary" isDisabled={!canAct} aria-describedby={acted ? 'dupe-act-again' : undefined} onPress={() => resolve.ask('quarantine')}>Quarantine selected</Button>
              <Button className="button" isDisabled={!canAct} aria-describedby={acted ? 'dupe-act-again' : undefined} onPress={() => resolve.ask('hardlink')}>Hard link selected</Button>
            </div>
            {acted && <p id="dupe-act-again" className="muted dupe-act-again">Find duplicates again to act on what is left.</p>}
          </div>
        </div>
        <SkippedNote summary={summary} />
      </div>
      <ResolvePanel />
      {find.pageError !== null && <ErrorNote>{find.pageError}</ErrorNote>}
      <div className="dupe-list-head">
        <Checkbox
          className="checkbox"
          isSelected={untickedCount === 0}
          isReadOnly={find.locked}
          isIndeterminate={untickedCount > 0 && totals.groups > 0}
          onChange={(ticked) => void find.setTickedAll(ticked)}
        >
          <CheckMark />
          Include every group
        </Checkbox>
        <span className="muted">Most space to win first. Pick a copy to keep it instead of the policy’s.</span>
      </div>
      <GroupList />

      <ConfirmDialog
        isOpen={resolve.confirming === 'quarantine'}
        title="Quarantine the selected duplicates?"
        busy={resolve.sending}
        onConfirm={() => void resolve.confirm()}
        onCancel={resolve.cancel}
      >
        <p><strong>{formatBytes(totals.wasted)} won</strong> by moving {plural(totals.copies, 'copy', 'copies')} from {plural(totals.groups, 'group')} to the quarantine; one file of each group stays where it is.</p>
        <p className="muted">The space is freed on disk when you empty the quarantine. Until then Undo, or Restore on the Quarantine tab, puts the files back.</p>
      </ConfirmDialog>
      <ConfirmDialog
        isOpen={resolve.confirming === 'hardlink'}
        title="Hard link the selected duplicates?"
        busy={resolve.sending}
        onConfirm={() => void resolve.confirm()}
        onCancel={resolve.cancel}
      >
        <p><strong>{formatBytes(totals.wasted)} won</strong> at once by replacing {plural(totals.copies, 'copy', 'copies')} in {plural(totals.groups, 'group')} with hard links to the copy each group keeps.</p>
        <p className="muted">Every name stays where it is and reads the same, but they become one file: a change through one name shows through all. Undo gives each name its own copy again.</p>
      </ConfirmDialog>
    </section>
  );
}
