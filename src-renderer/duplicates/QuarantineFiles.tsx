import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import { Checkbox } from 'react-aria-components';
import { CheckMark } from '../ui/CheckMark.js';
import { formatBytes, visibleName } from '../ui/format.js';
import { moveSelection, type RowSelection, selectableRow } from '../ui/row-selection.js';
import { PathText } from '../ui/PathText.js';
import { type QuarantinedFile } from './quarantine-store.js';

const ROW_PX = 54;

/** An operation's quarantined files, virtualized: each with its checkbox, where it was, and the copy kept. */
export function QuarantineFiles({ files, checked, onCheck, selection }: {
  files: QuarantinedFile[];
  checked: Record<string, true>;
  onCheck(path: string, checked: boolean): void;
  /** the desktop app's selected file (↑ ↓ on the list move it, a click picks one); null: files are not selectable */
  selection: RowSelection | null;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: files.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_PX, overscan: 8 });
  return (
    <div
      ref={scroller} className="list quarantine-files" role="list" aria-label="Quarantined files" style={{ height: virtualizer.getTotalSize() + 2 }}
      // Focusable in the desktop app, where ↑ ↓ move the selected file.
      tabIndex={selection === null ? undefined : 0}
      onKeyDown={selection === null ? undefined : (event) => moveSelection(event, {
        selection, count: files.length, firstInSight: Math.floor((scroller.current?.scrollTop ?? 0) / ROW_PX),
        scrollToIndex: (index) => virtualizer.scrollToIndex(index, { align: 'auto' }),
      })}
    >
      <div className="virtual-space" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((row) => {
          const file = files[row.index] as QuarantinedFile;
          return (
            <div key={row.key} role="listitem" className="list-row quarantine-file" style={{ height: row.size, transform: `translateY(${row.start}px)` }} {...selectableRow(selection, row.index)}>
              <Checkbox className="checkbox" aria-label={`Select ${visibleName(file.original)}`} isSelected={checked[file.original] === true} onChange={(on) => onCheck(file.original, on)}>
                <CheckMark />
              </Checkbox>
              <div className="quarantine-file-text">
                <PathText path={file.original} />
                <span className="quarantine-file-kept">{file.kept ? <>Kept copy: <PathText path={file.kept} /></> : 'No kept copy recorded'}</span>
              </div>
              <span className="num muted">{formatBytes(file.size)}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
