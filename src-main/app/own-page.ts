import type { CustomScheme } from 'electron';

/**
 * The app's own origin: the built window is served on `app://fileorganizer/…` by protocol.handle, never from
 * file:// (where every local file would be same-origin with the page).
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'fileorganizer';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * Registered before the app is ready. `standard` gives the scheme real origins and relative URLs (the page's
 * /assets/… resolve), `secure` makes it a secure context like https, `supportFetchAPI` lets the page's module
 * scripts load. Nothing else: no bypassCSP, no service workers, no CORS from other origins, no extensions.
 */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
} satisfies CustomScheme;

/** Where the window's page comes from: the app's own protocol, or in development (`npm start`) vite's dev server. */
export interface PageSource {
  /** the dev server's origin (http://127.0.0.1:PORT) when the page comes from it; the app:// origin otherwise */
  devServerOrigin?: string | undefined;
}

function parsed(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

const LOOPBACK_HOST = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]|localhost)$/i;

/**
 * FILEORG_DEV_SERVER_URL as an origin: only plain http on this machine's loopback (vite's dev server that
 * `npm start` started), without credentials or a path. Anything else is refused with words, so a variable left
 * pointing elsewhere never makes a remote page the window's own (with the engine's every call at its hand).
 */
export function devServerOriginOf(value: string | undefined): { origin?: string; error?: string } {
  if (value === undefined || value === '') return {};
  const url = parsed(value);
  const refuse = { error: `FILEORG_DEV_SERVER_URL must be vite's dev server on this machine, like http://127.0.0.1:5173 (got ${JSON.stringify(value)}); unset it to use the built window` };
  if (!url || url.protocol !== 'http:' || !LOOPBACK_HOST.test(url.hostname) || url.username !== '' || url.password !== '') return refuse;
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') return refuse;
  return { origin: url.origin };
}

/**
 * Is `url` our own page? In a packaged or built run: only app://fileorganizer (not another app:// host, not
 * http://localhost, file:, data:, javascript:, blob:…). In development: only the dev server's exact origin.
 * The IPC sender check, the navigation policy and the permission policy all ask this one question.
 */
export function isOwnPage(url: string, source: PageSource): boolean {
  const candidate = parsed(url);
  if (!candidate || candidate.username !== '' || candidate.password !== '') return false;
  if (source.devServerOrigin !== undefined) return candidate.origin === source.devServerOrigin;
  return candidate.protocol === `${APP_SCHEME}:` && candidate.host === APP_HOST;
}

/** The first address the window loads. */
export function startUrl(source: PageSource): string {
  return `${source.devServerOrigin ?? APP_ORIGIN}/`;
}

/**
 * The development knobs `npm start` sets (vite's dev server and its CSP nonce), read only where the app is not
 * packaged: in an installed app a variable left in the environment (or set by whatever launched it) must never
 * make another page the window's own.
 */
export function developmentSettings(env: Readonly<Record<string, string | undefined>>, packaged: boolean): { devServerUrl?: string; devNonce?: string } {
  if (packaged) return {};
  return {
    ...(env.FILEORG_DEV_SERVER_URL ? { devServerUrl: env.FILEORG_DEV_SERVER_URL } : {}),
    ...(env.FILEORG_DEV_CSP_NONCE ? { devNonce: env.FILEORG_DEV_CSP_NONCE } : {}),
  };
}
