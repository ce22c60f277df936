import { type DragEvent, useState } from 'react';
import { CHOOSE_OR_TYPE } from './ways-in.js';

const carriesFiles = (event: DragEvent): boolean => event.dataTransfer.types.includes('Files');

/**
 * Where a folder can be dropped. What the drop gives goes to the store (`onDrop`), which knows whether a path
 * can be had (the desktop app: it previews at once) or not (a browser). The Folder field (and, in the app,
 * Choose…) is the keyboard's way to the same thing.
 */
export function FolderDropZone({ onDrop, desktop }: { onDrop: (files: File[]) => void; desktop: boolean }) {
  const [over, setOver] = useState(false);
  return (
    <div
      className="org-drop"
      data-drop-target={over || undefined}
      onDragEnter={(event) => { if (carriesFiles(event)) { event.preventDefault(); setOver(true); } }}
      onDragOver={(event) => { if (carriesFiles(event)) { event.preventDefault(); event.dataTransfer.dropEffect = 'copy'; } }}
      onDragLeave={(event) => { if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOver(false); }}
      onDrop={(event) => { event.preventDefault(); setOver(false); onDrop([...event.dataTransfer.files]); }}
    >
      <svg className="org-drop-icon" viewBox="0 0 24 24" aria-hidden="true">
        <path d="M3 6.5A1.5 1.5 0 0 1 4.5 5h4.2l2 2h8.8A1.5 1.5 0 0 1 21 8.5v9a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 17.5z" />
        <path d="M12 10.5v5M9.5 13 12 15.5 14.5 13" />
      </svg>
      <p className="org-drop-title">Drop a folder here</p>
      <p className="org-drop-hint">{desktop ? `or ${CHOOSE_OR_TYPE}` : 'or type its path in Folder'}</p>
    </div>
  );
}
