import { Button } from 'react-aria-components';
import { useShallow } from 'zustand/react/shallow';
import { client } from '../client/index.js';
import { formatBytes, formatCount, plural, visibleName } from '../ui/format.js';
import { EmptyState, InfoNote } from '../ui/Notes.js';
import { RunProgress } from '../ui/RunProgress.js';
import { MoveList } from './MoveList.js';
import { useOrganize } from './organize-store.js';
import { PreviewSummary } from './PreviewSummary.js';
import { RunPanel } from './RunPanel.js';
import { CHOOSE_OR_TYPE } from './ways-in.js';

/** Apply and what it will do: how many files move, how many the user left out. */
function ApplyBar({ planned, bytes, excluded, pending }: { planned: number; bytes: number; excluded: number; pending: boolean }) {
  const moving = Math.max(0, planned - excluded);
  return (
    <div className="org-apply">
      <Button className="button button-primary" onPress={() => void useOrganize.getState().apply()} isDisabled={pending || moving === 0}>Apply</Button>
      <p className="org-apply-words">
        {planned === 0 ? 'Nothing to move.'
          : excluded === 0 ? `Moves ${plural(planned, 'file')} (${formatBytes(bytes)}) as listed below.`
            : `Moves ${formatCount(moving)} of ${plural(planned, 'file')}; ${excluded === 1 ? 'the one left out stays where it is' : `the ${formatCount(excluded)} left out stay where they are`}.`}
      </p>
    </div>
  );
}

/**
 * The preview on screen: planning progress, then what the plan does and every move (with Apply), then its run.
 * Before any preview, what to try.
 */
export function PreviewPanel() {
  const { operationId, operation, action, progress, pending, excluded, previewConflict, folder } = useOrganize(useShallow((s) => ({
    operationId: s.operationId, operation: s.operation, action: s.action, progress: s.progress, pending: s.pending,
    excluded: s.excluded.size, previewConflict: s.previewConflict, folder: s.folder,
  })));
  const plan = operation?.plan ?? null;
  const planning = action === 'preview' && plan === null && progress !== null;

  if (plan === null && !planning) {
    return (
      <section className="panel org-empty" aria-label="Plan">
        <EmptyState title="Nothing previewed yet">
          {client.desktop !== null
            ? <p>Drop a folder from your file manager on the dashed box, {CHOOSE_OR_TYPE} and press Preview.</p>
            : <p>Type the path of a folder in Folder, like /home/you/Downloads, and press Preview.</p>}
          <p>You see every move first: nothing changes until you press Apply, and Undo puts it all back.</p>
        </EmptyState>
      </section>
    );
  }

  const sourceRoot = operation?.source_paths[0] ?? folder;
  const destinationRoot = operation?.destination ?? sourceRoot;
  // Once its run is undone the plan is history: it says so, and how to plan again, so its numbers are not taken for what is on disk now.
  const status = operation?.status;
  const undone = action !== null && action !== 'preview' && (status === 'rolled_back' || status === 'partially_rolled_back');
  return (
    <>
      <section className="panel org-preview" aria-labelledby="org-preview-title" data-undone={undone || undefined}>
        <div className="panel-head">
          <div className="org-title-line">
            <h2 id="org-preview-title">Plan</h2>
            {undone && <span className="badge badge-neutral">{status === 'rolled_back' ? 'Undone' : 'Partly undone'}</span>}
          </div>
          <p className="org-preview-of cell-path" title={visibleName(sourceRoot)}>
            {visibleName(sourceRoot)}{destinationRoot !== sourceRoot && <> <span aria-hidden="true">→</span><span className="visually-hidden"> into </span> {visibleName(destinationRoot)}</>}
          </p>
        </div>
        {undone && (
          <InfoNote>
            {status === 'rolled_back'
              ? 'Everything is back where it was. Press Preview to plan again.'
              : 'Undo put back what it could; the files it could not are listed below, with why. Press Preview to plan again.'}
            {' '}The numbers below are the undone run's plan.
          </InfoNote>
        )}
        {planning || plan === null ? (
          <div className="org-planning">
            {progress !== null && <RunProgress label="Preview progress" progress={progress} />}
            {operationId !== null && (
              <div className="org-actions">
                <Button className="button" onPress={() => void useOrganize.getState().cancel()} isDisabled={operation?.cancel_requested === true}>Cancel</Button>
              </div>
            )}
          </div>
        ) : (
          <>
            <PreviewSummary plan={plan} conflict={previewConflict} />
            {action === 'preview' && (
              <>
                <ApplyBar planned={plan.files} bytes={plan.bytes} excluded={excluded} pending={pending} />
                <MoveList sourceRoot={sourceRoot} destinationRoot={destinationRoot} planned={plan.files} />
              </>
            )}
          </>
        )}
      </section>
      {plan !== null && <RunPanel sourceRoot={sourceRoot} />}
    </>
  );
}
