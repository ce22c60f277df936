import { type MouseEvent } from 'react';
import { Button, Checkbox, Radio, RadioGroup } from 'react-aria-components';
import { type KeepPolicy } from '../../src-shared/duplicates.js';
import { CheckMark } from '../ui/CheckMark.js';
import { formatBytes, plural, visibleName } from '../ui/format.js';
import { type DuplicateGroup, groupLabel, keptPath, underSearched } from './group-words.js';
import { PathText } from '../ui/PathText.js';

/** Copies a group shows before "Show all": a long group stays one screenful. */
export const PATHS_SHOWN = 8;

/** The copies a group's row shows: the first PATHS_SHOWN until expanded, and the kept copy always. */
export function shownPaths(group: DuplicateGroup, keep: KeepPolicy, chosen: string | undefined, expanded: boolean): string[] {
  const kept = keptPath(group, keep, chosen);
  const shown = expanded || group.files.length <= PATHS_SHOWN ? group.files : group.files.slice(0, PATHS_SHOWN);
  // The kept copy is always in sight, even in a long group.
  return shown.includes(kept) ? shown : [...shown, kept];
}

export interface GroupRowProps {
  group: DuplicateGroup;
  /** the folders searched: the group is named by its first file under them */
  roots: readonly string[];
  ticked: boolean;
  keep: KeepPolicy;
  chosen: string | undefined;
  expanded: boolean;
  /** the selection was sent (a run is on, or done): ticks and picks stay as they were sent */
  readOnly: boolean;
  /** what the finished run did to this group, when it was ticked: Quarantined, Linked */
  acted: string | null;
  onTick(ticked: boolean): void;
  onChoose(path: string | null): void;
  onExpand(): void;
  /** the desktop app's selected copy (Show in folder acts on it) and how a copy is selected; absent in a browser */
  selectedPath?: string | null;
  onSelect?(path: string): void;
}

/** One group: its checkbox, size, copies and space to win, and its paths with the kept copy (a radio each). */
export function GroupRow({ group, roots, ticked, keep, chosen, expanded, readOnly, acted, onTick, onChoose, onExpand, selectedPath, onSelect }: GroupRowProps) {
  const label = groupLabel(group, roots);
  const first = group.files[0] ?? '';
  const kept = keptPath(group, keep, chosen);
  const paths = shownPaths(group, keep, chosen, expanded);
  const hidden = group.files.length - paths.length;
  const done = ticked && acted !== null;
  // The Kept marker and the policy above the list say which copy stays and why; the foot speaks only when that
  // is not the whole story: a copy the user picked, or a group left out whose marked copy is kept by nothing.
  const words = !ticked ? 'Every copy stays where it is' : chosen !== undefined ? 'The copy you picked stays' : null;
  return (
    <div className={ticked ? 'dupe-group' : 'dupe-group dupe-group-off'}>
      <div className="dupe-group-head">
        <Checkbox className="checkbox" aria-label={`Include group ${label}`} isSelected={ticked} isReadOnly={readOnly} onChange={onTick}>
          <CheckMark />
        </Checkbox>
        <span className="dupe-group-name" title={visibleName(first)}>{visibleName(underSearched(first, roots))}</span>
        <span className="dupe-group-facts">{plural(group.copies, 'copy', 'copies')} · {formatBytes(group.size)} each</span>
        {done
          ? <span className="badge badge-good dupe-group-win">{acted}</span>
          : <span className="dupe-group-win">{ticked ? `${formatBytes(group.wasted_bytes)} to win` : 'Left alone'}</span>}
      </div>
      <RadioGroup className="dupe-paths" aria-label={`Copy to keep in group ${label}`} value={kept} isReadOnly={readOnly} onChange={(path) => onChoose(path)}>
        {paths.map((path) => (
          <div
            key={path} className="dupe-path"
            // The desktop app: a click on the copy's line beside its radio selects it for the toolbar. The radio
            // and its label (the path) choose the copy kept, and only that: looking at a copy never changes
            // which one stays.
            {...(onSelect === undefined ? {} : {
              'data-selectable-row': true, 'data-selected': selectedPath === path || undefined, 'aria-current': selectedPath === path ? 'true' as const : undefined,
              onClick: (event: MouseEvent<HTMLDivElement>) => { if (!(event.target instanceof Element && event.target.closest('label'))) onSelect(path); },
            })}
          >
            <Radio className="radio dupe-path-radio" value={path}><PathText path={path} /></Radio>
            {ticked && path === kept && <span className="badge badge-good dupe-kept">Kept</span>}
          </div>
        ))}
      </RadioGroup>
      {(words !== null || hidden > 0) && <div className="dupe-group-foot">
        {words !== null && <span className="muted">{words}</span>}
        {chosen !== undefined && !readOnly && (
          <Button className="button button-quiet button-small" aria-label={`Keep by policy in group ${label}`} onPress={() => onChoose(null)}>Use the policy</Button>
        )}
        {hidden > 0 && (
          <Button className="button button-quiet button-small" aria-label={`Show every copy in group ${label}`} onPress={onExpand}>
            Show {plural(hidden, 'more copy', 'more copies')}
          </Button>
        )}
      </div>}
    </div>
  );
}

/** A group not read yet: the same height as a small group, so scrolling does not jump when it arrives. */
export function GroupPlaceholder() {
  return <div className="dupe-group dupe-group-loading" aria-busy="true"><span className="muted">Loading…</span></div>;
}
