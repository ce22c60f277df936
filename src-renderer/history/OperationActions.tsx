import { useLayoutEffect, useRef } from 'react';
import { Button } from 'react-aria-components';
import { type OperationAction } from './operation-words.js';

const LABELS: Record<OperationAction, string> = { apply: 'Apply', resume: 'Resume', undo: 'Undo', cancel: 'Cancel' };
/** The one order they appear in; the first is the one most likely wanted. */
const ORDER: readonly OperationAction[] = ['apply', 'resume', 'undo', 'cancel'];

/**
 * The actions the operation's status allows, each once. Apply and Undo act at once (the preview, and the
 * journal, are the confirmation). A pressed button usually goes away as the status changes (Apply becomes
 * Cancel): focus then moves to what replaced it, or to `fallbackFocus`, never lost to the page.
 */
export function OperationActions({ actions, acting, cancelRequested, fallbackFocus, onAct }: {
  actions: readonly OperationAction[];
  acting: OperationAction | null;
  cancelRequested: boolean;
  fallbackFocus: () => void;
  onAct: (action: OperationAction) => void;
}) {
  const group = useRef<HTMLDivElement>(null);
  const pressed = useRef(false);
  const shown = ORDER.filter((action) => actions.includes(action));
  const key = shown.join(',');
  useLayoutEffect(() => {
    if (!pressed.current) return;
    const active = document.activeElement;
    if (active !== null && active !== document.body && active.isConnected) return;
    pressed.current = false;
    const first = group.current?.querySelector('button:not([disabled])');
    if (first instanceof HTMLElement) first.focus();
    else fallbackFocus();
  }, [key, fallbackFocus]);

  if (shown.length === 0) return null;
  return (
    <div className="detail-actions" ref={group} role="group" aria-label="Actions">
      {shown.map((action, index) => (
        <Button
          key={action}
          className={index === 0 && action !== 'cancel' ? 'button button-primary' : 'button'}
          isDisabled={acting !== null || (action === 'cancel' && cancelRequested)}
          onPress={() => { pressed.current = true; onAct(action); }}
        >
          {LABELS[action]}
        </Button>
      ))}
      {cancelRequested && <span className="muted detail-stopping">Stopping after the files in flight…</span>}
    </div>
  );
}
