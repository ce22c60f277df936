/** The desktop app's other ways to give Organize a folder, after a drop: the same words wherever they are said. */
export const CHOOSE_OR_TYPE = 'press Choose…, or type its path in Folder';
