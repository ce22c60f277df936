import fs from 'node:fs';
import path from 'node:path';
import { WINDOW_PATHS } from '../api/window-paths.js';
import { APP_ORIGIN } from './own-page.js';

/**
 * What the app:// protocol serves from dist/renderer (the files `vite build` made): the window's page at each of
 * its addresses (the same ones `fileorg serve` answers), its hashed assets, its icon. Nothing else: no source
 * maps, no dotfiles, nothing outside the folder however the address is spelled or whatever link it meets.
 */
export type AppPath =
  | { kind: 'page' }
  | { kind: 'file'; relative: string; contentType: string }
  | { kind: 'none' };

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

/** `/history/:id` as a test of one path. */
const PAGE_PATTERNS = WINDOW_PATHS.map((pattern) => new RegExp(`^${pattern.replace(/:[a-z]+/gi, '[^/]+')}$`));

/**
 * The file an app:// address names, decided on the address as it arrived, before anything is decoded or joined:
 * the window's own names are plain (letters, digits, `.`, `_`, `-`), so any `%` (an encoded `..`, `/` or `\`),
 * backslash, colon, empty or dot segment is refused rather than interpreted.
 */
export function resolveAppPath(url: string): AppPath {
  if (!url.startsWith(`${APP_ORIGIN}/`)) return { kind: 'none' };
  const pathname = url.slice(APP_ORIGIN.length).replace(/[?#].*$/s, '');
  if (!/^\/[A-Za-z0-9._/-]*$/.test(pathname)) return { kind: 'none' };
  if (pathname !== '/') {
    const segments = pathname.slice(1).split('/');
    if (segments.some((segment) => segment === '' || segment.startsWith('.'))) return { kind: 'none' };
  }
  if (PAGE_PATTERNS.some((pattern) => pattern.test(pathname))) return { kind: 'page' };
  const file = /^\/(favicon\.svg|assets\/[A-Za-z0-9._-]+)$/.exec(pathname)?.[1];
  if (file === undefined || file.endsWith('.map')) return { kind: 'none' };
  const contentType = CONTENT_TYPES[path.posix.extname(file)];
  return contentType === undefined ? { kind: 'none' } : { kind: 'file', relative: file, contentType };
}

export interface AppAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer | null;
}

/**
 * The real path of `relative` in the renderer folder when it is a regular file there: every link on the way
 * resolved (a symlinked assets folder included), then required to be inside the folder's own real path. Anything
 * the file system refuses (a name too long, a file where a folder should be, no permission) is not there either.
 */
function fileInside(rendererDir: string, relative: string): string | undefined {
  try {
    const root = fs.realpathSync(rendererDir);
    const real = fs.realpathSync(path.join(rendererDir, ...relative.split('/')));
    if (!real.startsWith(`${root}${path.sep}`)) return undefined;
    return fs.statSync(real).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The answer to one app:// request, with the window's CSP on every answer (a 404 too). Nothing outside the
 * renderer folder is served, whatever link inside it points there; index.html is read each time, so a rebuild
 * under a running app is served as it is.
 */
export function answerAppRequest(request: { url: string; method: string }, rendererDir: string, csp: string): AppAnswer {
  const headers: Record<string, string> = {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
  const text = (status: number, words: string): AppAnswer => ({
    status, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }, body: Buffer.from(words),
  });
  if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'the window\'s files are only read');
  const resolved = resolveAppPath(request.url);
  if (resolved.kind === 'none') return text(404, 'not found');
  const file = fileInside(rendererDir, resolved.kind === 'page' ? 'index.html' : resolved.relative);
  const notThere = (): AppAnswer => (resolved.kind === 'page'
    ? text(404, 'the window is not built in this copy of FileOrganizer: run `npm run build`, then start the app again')
    : text(404, 'not found'));
  if (file === undefined) return notThere();
  let body: Buffer | null = null;
  if (request.method !== 'HEAD') {
    try {
      body = fs.readFileSync(file);
    } catch {
      return notThere(); // gone or unreadable since it was found
    }
  }
  return {
    status: 200,
    headers: {
      ...headers,
      'Content-Type': resolved.kind === 'page' ? 'text/html; charset=utf-8' : resolved.contentType,
      // Asset names carry their content's hash; the page names the current ones, so it is never kept.
      'Cache-Control': resolved.kind === 'page' ? 'no-store' : 'public, max-age=31536000, immutable',
    },
    body,
  };
}
