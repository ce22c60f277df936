import { isOwnPage, type PageSource } from './own-page.js';

/**
 * What any web contents of the app may do beyond showing our page: nothing. A link or a script cannot take the
 * window elsewhere (a page there would get the preload's bridge), cannot open windows, cannot be handed a
 * permission; the only way out is shell.openExternal for the few https addresses the app itself made.
 */

/** will-navigate, will-frame-navigate and will-redirect: only to our own page. */
export function navigationAllowed(url: string, source: PageSource): boolean {
  return isOwnPage(url, source);
}

/** An address the app itself built and may hand to the system's browser (the Help menu's links). */
export interface ExternalLink {
  label: string;
  url: string;
}

/** Only https, only an address on the app's own list, compared whole (no prefix match, no other query). */
export function externalLinkAllowed(url: string, links: readonly ExternalLink[]): boolean {
  let candidate: URL;
  try {
    candidate = new URL(url);
  } catch {
    return false;
  }
  if (candidate.protocol !== 'https:' || candidate.username !== '' || candidate.password !== '') return false;
  return links.some((link) => {
    try {
      return new URL(link.url).href === candidate.href;
    } catch {
      return false;
    }
  });
}

/**
 * setWindowOpenHandler's answer: never a new window. An address on the app's list goes to the system's browser
 * instead (the caller passes it to shell.openExternal); anything else is dropped.
 */
export function windowOpenDecision(url: string, links: readonly ExternalLink[]): { action: 'deny'; openExternally: string | undefined } {
  return { action: 'deny', openExternally: externalLinkAllowed(url, links) ? url : undefined };
}

/**
 * The app's external links, made from its own package.json: its homepage, when it is an https address. None
 * otherwise (the Help menu then offers only About).
 */
export function externalLinksOf(manifest: unknown): ExternalLink[] {
  const homepage = (manifest as { homepage?: unknown } | null)?.homepage;
  if (typeof homepage !== 'string') return [];
  try {
    return new URL(homepage).protocol === 'https:' ? [{ label: 'FileOrganizer on the Web', url: new URL(homepage).href }] : [];
  } catch {
    return [];
  }
}

/**
 * Permissions (camera, microphone, notifications, geolocation, clipboard reads, openExternal from the page…):
 * none is ever granted, asked for or checked. The window needs none of them.
 */
export const permissionPolicy = {
  request(_webContents: unknown, _permission: string, callback: (granted: boolean) => void): void {
    callback(false);
  },
  check(): boolean {
    return false;
  },
};
