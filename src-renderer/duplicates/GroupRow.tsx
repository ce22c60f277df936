import { Button, Checkbox, Radio, RadioGroup } from 'react-aria-components';
import { type KeepPolicy } from '../../src-shared/duplicates.js';
import { CheckMark } from '../ui/CheckMark.js';
import { formatBytes, plural } from '../ui/format.js';
import { type DuplicateGroup, groupName, includeLabel, keptPath } from './group-words.js';
import { PathText } from './PathText.js';

/** Copies a group shows before "Show all": a long group stays one screenful. */
export const PATHS_SHOWN = 8;

export interface GroupRowProps {
  group: DuplicateGroup;
  ticked: boolean;
  keep: KeepPolicy;
  chosen: string | undefined;
  expanded: boolean;
  onTick(ticked: boolean): void;
  onChoose(path: string | null): void;
  onExpand(): void;
}

/** One group: its checkbox, size, copies and space to win, and its paths with the kept copy (a radio each). */
export function GroupRow({ group, ticked, keep, chosen, expanded, onTick, onChoose, onExpand }: GroupRowProps) {
  const name = groupName(group);
  const kept = keptPath(group, keep, chosen);
  const shown = expanded || group.files.length <= PATHS_SHOWN ? group.files : group.files.slice(0, PATHS_SHOWN);
  // The kept copy is always in sight, even in a long group.
  const paths = shown.includes(kept) ? shown : [...shown, kept];
  const hidden = group.files.length - paths.length;
  // The Kept marker and the policy above the list say which copy stays and why; the foot speaks only when that
  // is not the whole story: a copy the user picked, or a group left out whose marked copy is kept by nothing.
  const words = !ticked ? 'Every copy stays where it is' : chosen !== undefined ? 'The copy you picked stays' : null;
  return (
    <div className={ticked ? 'dupe-group' : 'dupe-group dupe-group-off'}>
      <div className="dupe-group-head">
        <Checkbox className="checkbox" aria-label={includeLabel(group)} isSelected={ticked} onChange={onTick}>
          <CheckMark />
        </Checkbox>
        <span className="dupe-group-name" title={name}>{name}</span>
        <span className="dupe-group-facts">{plural(group.copies, 'copy', 'copies')} · {formatBytes(group.size)} each</span>
        <span className="dupe-group-win">{ticked ? `${formatBytes(group.wasted_bytes)} to win` : 'Left alone'}</span>
      </div>
      <RadioGroup className="dupe-paths" aria-label={`Copy to keep in group of ${name}`} value={kept} onChange={(path) => onChoose(path)}>
        {paths.map((path) => (
          <div key={path} className="dupe-path">
            <Radio className="radio dupe-path-radio" value={path}><PathText path={path} /></Radio>
            {ticked && path === kept && <span className="badge badge-good dupe-kept">Kept</span>}
          </div>
        ))}
      </RadioGroup>
      {(words !== null || hidden > 0) && <div className="dupe-group-foot">
        {words !== null && <span className="muted">{words}</span>}
        {chosen !== undefined && (
          <Button className="button button-quiet button-small" aria-label={`Keep by policy in group of ${name}`} onPress={() => onChoose(null)}>Use the policy</Button>
        )}
        {hidden > 0 && (
          <Button className="button button-quiet button-small" aria-label={`Show all ${group.copies} copies of ${name}`} onPress={onExpand}>
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
