import type { WebContents } from 'electron';
import { isOwnPage, type PageSource } from './own-page.js';

/**
 * What may leave the window's session, whatever the page asks for: the CSP already lets the page connect nowhere,
 * and these hold in main even where a CSP would not reach (a request Chromium makes for the page, a download, a
 * WebRTC connection, a page the window was never meant to show).
 */
export interface RequestSource extends PageSource {
  /** developer tools are on (the app is not packaged): their own devtools:// files load */
  devTools: boolean;
}

/**
 * session.webRequest.onBeforeRequest: a request goes out only to the window's own page (app://fileorganizer, or
 * in development exactly vite's dev server and its hot-reload socket), data: pictures the CSP allows, and the
 * developer tools' own files where they are on. Everything else (any http, https, ws or file: address) is
 * cancelled before it is made.
 */
export function requestAllowed(url: string, source: RequestSource): boolean {
  let candidate: URL;
  try {
    candidate = new URL(url);
  } catch {
    return false;
  }
  if (candidate.protocol === 'data:') return true;
  if (candidate.protocol === 'devtools:') return source.devTools;
  if (isOwnPage(url, source)) return true;
  if (source.devServerOrigin === undefined || candidate.protocol !== 'ws:' || candidate.username !== '' || candidate.password !== '') return false;
  return candidate.host === new URL(source.devServerOrigin).host;
}

/**
 * WebRTC opens UDP connections (and reveals this machine's addresses) outside both the CSP and webRequest: with
 * this policy it uses no UDP except through a proxy, and shows no local address. The window uses no WebRTC.
 */
export const WEBRTC_IP_HANDLING_POLICY = 'disable_non_proxied_udp' satisfies Parameters<WebContents['setWebRTCIPHandlingPolicy']>[0];

/** session 'will-download': the window downloads nothing; every download is cancelled before it starts. */
export function refuseDownload(event: { preventDefault(): void }): void {
  event.preventDefault();
}
