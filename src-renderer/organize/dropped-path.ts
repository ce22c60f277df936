import { client } from '../client/index.js';

/**
 * The path of a dropped file or folder. A browser never tells a page where a dropped item lives, so there it is
 * always null; the desktop app's preload knows it (Electron's webUtils.getPathForFile).
 */
export const droppedPathOf = (file: File): string | null => client.desktop?.pathForFile(file) ?? null;
