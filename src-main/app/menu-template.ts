import type { MenuItemConstructorOptions } from 'electron';
import { type ExternalLink } from './navigation-policy.js';

const separator: MenuItemConstructorOptions = { type: 'separator' };

/**
 * The native application menu, with the roles each platform's users expect (their shortcuts and their words
 * come from the system): on macOS the app's own menu first; File, Edit, View, Window, Help. Developer tools and
 * a forced reload only in development. Help's links go through `openLink`, which hands only the app's own https
 * addresses to the system's browser.
 */
export function menuTemplate(options: {
  platform: NodeJS.Platform; appName: string; dev: boolean; links: readonly ExternalLink[]; openLink(url: string): void;
}): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const appMenu: MenuItemConstructorOptions = {
    label: options.appName,
    submenu: [
      { role: 'about' }, separator, { role: 'services' }, separator,
      { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, separator, { role: 'quit' },
    ],
  };
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: mac ? [{ role: 'close' }] : [{ role: 'close' }, separator, { role: 'quit' }],
  };
  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      { role: 'undo' }, { role: 'redo' }, separator,
      { role: 'cut' }, { role: 'copy' }, { role: 'paste' },
      ...(mac ? [{ role: 'pasteAndMatchStyle' } satisfies MenuItemConstructorOptions] : []),
      { role: 'delete' }, separator, { role: 'selectAll' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      { role: 'reload' },
      ...(options.dev ? [{ role: 'forceReload' }, { role: 'toggleDevTools' }] satisfies MenuItemConstructorOptions[] : []),
      separator,
      { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, separator,
      { role: 'togglefullscreen' },
    ],
  };
  const windowMenu: MenuItemConstructorOptions = {
    label: 'Window',
    role: 'window',
    submenu: mac
      ? [{ role: 'minimize' }, { role: 'zoom' }, separator, { role: 'front' }]
      : [{ role: 'minimize' }, { role: 'close' }],
  };
  const help: MenuItemConstructorOptions = {
    label: 'Help',
    role: 'help',
    submenu: [
      ...options.links.map((link): MenuItemConstructorOptions => ({ label: link.label, click: () => options.openLink(link.url) })),
      // On macOS About is in the app's menu.
      ...(mac ? [] : [...(options.links.length > 0 ? [separator] : []), { role: 'about' } satisfies MenuItemConstructorOptions]),
    ],
  };
  return [...(mac ? [appMenu] : []), file, edit, view, windowMenu, help];
}
