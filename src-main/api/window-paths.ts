// The window's addresses, apart from the server that serves them: the app's protocol (src-main/app) answers the
// same paths without loading Fastify.

/** Where a sign-in link points: `fileorg serve` and `fileorg link` print `http://HOST:PORT/sign-in?token=T`. */
export const SIGN_IN_PATH = '/sign-in';

/**
 * The window's addresses: each answers the window's page, which shows the screen the path names (reload and
 * back work). /sign-in is where a one-time link points; the page exchanges its token and removes it from the
 * address bar. The page's own files are under /assets (names carry their content's hash).
 */
export const WINDOW_PATHS = ['/', '/organize', '/history', '/history/:id', '/duplicates', '/duplicates/quarantine', SIGN_IN_PATH];
export const WINDOW_STATIC_PREFIXES = ['/', '/organize', '/history', '/duplicates', SIGN_IN_PATH, '/assets', '/favicon.svg'];
