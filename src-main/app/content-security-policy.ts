/**
 * The window's Content-Security-Policy, sent with every answer of the app:// protocol (and, in development, laid
 * over the dev server's answers). The page's scripts and styles come from its own origin only: no inline script
 * or style, no eval, nothing from the network. The page talks to the engine through the preload, never over
 * the network, so it may connect nowhere; in development only to vite's dev server (its module requests and its
 * hot-reload socket).
 */
export interface CspSource {
  /** vite's dev server (http://127.0.0.1:PORT) when the page comes from it */
  devServerOrigin?: string | undefined;
  /**
   * In development vite's page has inline scripts (React's refresh preamble) and its client adds <style> elements:
   * `npm start` gives vite a nonce for them (html.cspNonce) and the same nonce here, so nothing else inline runs.
   */
  devNonce?: string | undefined;
}

/** A CSP nonce as `npm start` makes one (base64 of 16 random bytes or more). */
export const NONCE_PATTERN = /^[A-Za-z0-9+/]{22,}={0,2}$/;

export function contentSecurityPolicy(source: CspSource = {}): string {
  const dev = source.devServerOrigin !== undefined;
  if (dev && (source.devNonce === undefined || !NONCE_PATTERN.test(source.devNonce))) {
    throw new Error('the dev server\'s page needs the nonce npm start gave vite (FILEORG_DEV_CSP_NONCE); start the app with npm start');
  }
  const nonce = dev ? ` 'nonce-${source.devNonce}'` : '';
  const socket = dev ? ` ${(source.devServerOrigin ?? '').replace(/^http:/, 'ws:')}` : '';
  return [
    "default-src 'none'",
    `script-src 'self'${nonce}`,
    `style-src 'self'${nonce}`,
    "img-src 'self' data:",
    "font-src 'self'",
    dev ? `connect-src 'self'${socket}` : "connect-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "worker-src 'none'",
    "manifest-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
