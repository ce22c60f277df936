import crypto from 'node:crypto';
import { type FastifyInstance } from 'fastify';

/** Where a sign-in link points: `fileorg serve` and `fileorg link` print `http://HOST:PORT/sign-in?token=T`. */
export const SIGN_IN_PATH = '/sign-in';

const STYLE = 'body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem;color:#222}'
  + 'code,pre{font-family:ui-monospace,monospace;background:#f3f3f3;border-radius:4px}pre{padding:.75rem;overflow-x:auto}code{padding:0 .2rem}';

// Nothing on the page changes per request: the token stays in the address bar, never in the page, so the
// page reflects nothing a link could carry.
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Sign in to FileOrganizer</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Sign in to FileOrganizer</h1>
<p>This link signs FileOrganizer's window in as the local profile, the owner of this computer's FileOrganizer:
with every operation the command line recorded, and the management of accounts. It works once, within
10 minutes of being made, and only on the data folder of the <code>fileorg serve</code> that printed it.</p>
<p>Opening this page does not use the link. The window that comes with a later version exchanges it for you;
until then, a script exchanges it for a session (an access token and a refresh token, as a login answers):</p>
<pre>POST /api/v1/auth/link
Content-Type: application/json

{"token": "&lt;the text after token= in this page's address&gt;"}</pre>
<p>A link that was used, has expired or belongs to another data folder is refused (401). Get a fresh one at the
terminal with <code>fileorg link</code> while <code>fileorg serve</code> runs.</p>
<p>The API's routes are listed at <a href="/docs">/docs</a>.</p>
</body>
</html>
`;

/**
 * Only this page's own stylesheet (by hash), nothing else: no script at all, no frames, no form posts, no
 * other origin.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'", `style-src 'sha256-${crypto.createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

/**
 * `GET /sign-in`: what a sign-in link opens, until the app's window is served here. It never spends the token:
 * link previewers and mail scanners fetch GETs, and would use it up before its owner did. Only POST
 * /api/v1/auth/link (auth:linkSession) does.
 */
export function registerSignInPage(app: FastifyInstance): void {
  app.get(SIGN_IN_PATH, async (_request, reply) => reply
    .header('Content-Type', 'text/html; charset=utf-8')
    .header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    .header('Cache-Control', 'no-store')
    .header('Referrer-Policy', 'no-referrer')
    .header('X-Content-Type-Options', 'nosniff')
    .header('X-Frame-Options', 'DENY')
    .send(PAGE));
}
