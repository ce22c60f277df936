import { createHandlers } from '../api/handlers.js';
import { createHttpApi } from '../api/http.js';
import { type AppCore } from '../core/compose.js';
import { productVersion } from '../core/version.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

/** CORS_ORIGINS="https://a.example, http://localhost:5173": the browser origins allowed to call the API. */
export function corsOriginsOf(value: string | undefined): string[] {
  return (value ?? '').split(',').map((origin) => origin.trim()).filter((origin) => origin.length > 0);
}

/**
 * `fileorg serve`: the HTTP API on loopback until SIGINT or SIGTERM. The first line printed is the URL it
 * listens on (with the real port when --port 0 asked for a free one), so a script can read it.
 */
export async function serve(core: AppCore, options: { port: number; host: string; json: boolean }): Promise<number> {
  const version = productVersion();
  const app = await createHttpApi({
    core, handlers: createHandlers(core, { version }), version,
    corsOrigins: corsOriginsOf(process.env.CORS_ORIGINS),
    ...(Number(process.env.FILEORG_RATE_LIMIT) > 0 ? { requestsPerMinute: Number(process.env.FILEORG_RATE_LIMIT) } : {}),
  });
  await app.listen({ port: options.port, host: options.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${shownHost}:${port}`;
  process.stdout.write(options.json ? `${JSON.stringify({ type: 'listening', url })}\n` : `${url}\n`);
  if (!LOOPBACK.test(options.host)) {
    process.stderr.write(`fileorg serve: warning: listening on ${options.host}, not loopback: other machines can reach this API. Anyone with an account's password or an API key can organize and undo files as this OS user.\n`);
  }
  if (!options.json) process.stderr.write(`fileorg serve: API docs at ${url}/docs; Ctrl-C stops (running operations stop after their current files and can be resumed)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stderr.write('fileorg serve: stopping\n');
  await app.close();
  return 0;
}
