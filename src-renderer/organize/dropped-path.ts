/**
 * The path of a dropped file or folder. A browser never tells a page where a dropped item lives, so here it is
 * always null; the desktop app's preload (next issue) knows it (Electron's webUtils.getPathForFile) and will
 * provide it through `setDroppedPathReader`, without the screen changing.
 */
export type DroppedPathReader = (file: File) => string | null;

let reader: DroppedPathReader = () => null;

export const droppedPathOf = (file: File): string | null => reader(file);

export function setDroppedPathReader(next: DroppedPathReader): void {
  reader = next;
}
