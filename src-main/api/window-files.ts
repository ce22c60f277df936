import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import { type FastifyInstance, type FastifyReply } from 'fastify';
import { type ApiError } from '../../src-shared/api-errors.js';
import { WINDOW_PATHS } from './window-paths.js';

export { SIGN_IN_PATH, WINDOW_PATHS, WINDOW_STATIC_PREFIXES } from './window-paths.js';

/**
 * Only the window's own files: scripts and styles from this origin (no inline script or style, no eval), calls
 * and the event socket to this origin, images from here or data: URLs, no frames, no form posts elsewhere.
 */
export const WINDOW_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
  "connect-src 'self'", "manifest-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

const secured = (reply: FastifyReply): FastifyReply => reply
  .header('Content-Security-Policy', WINDOW_CSP)
  // The link's token is in the address when the page first loads: it must never leave in a Referer.
  .header('Referrer-Policy', 'no-referrer')
  .header('X-Content-Type-Options', 'nosniff')
  .header('X-Frame-Options', 'DENY')
  .header('Cross-Origin-Opener-Policy', 'same-origin');

/**
 * Serves the built window (dist/renderer, made by `vite build`) at `/`, on the API's own origin, so its calls
 * need no CORS. GETs of the page never spend a sign-in link's token (link previewers and mail scanners fetch
 * GETs); only the page's POST /api/v1/auth/link does. Without a built window the addresses say how to build it.
 */
export async function registerWindowFiles(app: FastifyInstance, windowDir: string | undefined): Promise<void> {
  const indexPath = windowDir === undefined ? undefined : path.join(windowDir, 'index.html');
  // Read again when it changes: a rebuild while serve runs replaces the assets it names (a stale page would
  // name scripts that are gone, and show nothing).
  let cached: { mtimeMs: number; page: Buffer } | undefined;
  const currentPage = (): Buffer | undefined => {
    if (indexPath === undefined) return undefined;
    const stats = fs.statSync(indexPath, { throwIfNoEntry: false });
    if (!stats) return undefined;
    if (cached?.mtimeMs !== stats.mtimeMs) cached = { mtimeMs: stats.mtimeMs, page: fs.readFileSync(indexPath) };
    return cached.page;
  };
  const page = currentPage();
  for (const url of WINDOW_PATHS) {
    app.get(url, async (_request, reply) => {
      const page = currentPage();
      if (page === undefined) {
        return reply.code(404).send({ code: 'E_NOT_FOUND', message: 'the window is not built in this copy of FileOrganizer: run `npm run build`, then start fileorg serve again (the API under /api/v1 works without it)' } satisfies ApiError);
      }
      return secured(reply).header('Cache-Control', 'no-store').type('text/html; charset=utf-8').send(page);
    });
  }
  if (page === undefined || windowDir === undefined) return;
  await app.register(fastifyStatic, {
    root: path.join(windowDir, 'assets'), prefix: '/assets/', decorateReply: false, index: false, dotfiles: 'deny',
    // Source maps stay on disk for debugging, unserved: they are the largest files, for no user's benefit.
    allowedPath: (pathName) => !pathName.endsWith('.map'),
    cacheControl: false,
    setHeaders: (reply) => {
      void reply.header('Content-Security-Policy', WINDOW_CSP).header('X-Content-Type-Options', 'nosniff')
        .header('Cache-Control', 'public, max-age=31536000, immutable');
    },
  });
  const favicon = path.join(windowDir, 'favicon.svg');
  if (fs.existsSync(favicon)) {
    const icon = fs.readFileSync(favicon);
    app.get('/favicon.svg', async (_request, reply) => secured(reply).header('Cache-Control', 'public, max-age=86400').type('image/svg+xml').send(icon));
  }
}
