import { fileURLToPath } from 'node:url';
import { FileOrganizerError } from '../../src-shared/errors.js';
import { createHandlers } from '../api/handlers.js';
import { createHttpApi } from '../api/http.js';
import { type AppCore } from '../core/compose.js';
import { productVersion } from '../core/version.js';
import { printSignInLink } from './link-command.js';
import { createServeRecords } from '../core/serve-records.js';
import { type Watcher } from '../core/watch/watch-types.js';
import { watcherSettingsFrom } from './watcher-settings.js';

/** The label the watcher lease shows to whoever else tries to watch this data folder. */
export const SERVE_WATCH_LABEL = 'fileorg serve';

/**
 * serve's watcher (unless --no-watch): it organizes the watched folders while serving. Where another process
 * (the app, fileorg watch) watches this data folder already, the watcher says who, once (its log is serve's
 * stderr), and waits: serve keeps serving and takes over the watching when that one stops.
 */
async function startServeWatcher(core: AppCore): Promise<Watcher | undefined> {
  try {
    // Loaded only here: chokidar costs `serve --no-watch` nothing.
    const { startWatcher } = await import('../core/watch/watcher.js');
    return await startWatcher(core, {
      label: SERVE_WATCH_LABEL, wait: true, settings: watcherSettingsFrom(process.env),
      log: (message: string) => process.stderr.write(`fileorg serve: watcher: ${message}\n`),
    });
  } catch (error) {
    // The API is still worth serving: say what failed, and how to watch meanwhile.
    process.stderr.write(`fileorg serve: the watched folders are not being watched: ${error instanceof Error ? error.message : String(error)}; run fileorg watch beside it\n`);
    return undefined;
  }
}

/** Addresses only this machine can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(host: string): boolean {
  return /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|\[::1\]|localhost)$/i.test(host);
}

/** CORS_ORIGINS="https://a.example, http://localhost:5173": the browser origins allowed to call the API. */
export function corsOriginsOf(value: string | undefined): string[] {
  return (value ?? '').split(',').map((origin) => origin.trim()).filter((origin) => origin.length > 0);
}

/**
 * `fileorg serve`: the HTTP API on loopback until SIGINT or SIGTERM. The first line printed is the URL it
 * listens on (with the real port when --port 0 asked for a free one), so a script can read it; the second a
 * one-time sign-in link for the local profile. While it runs, the data folder records it, so `fileorg link`
 * can make fresh links for its URL.
 */
export async function serve(core: AppCore, options: { port: number; host: string; json: boolean; allowHosts: string[]; allowSignup: boolean; watch: boolean }): Promise<number> {
  const version = productVersion();
  const app = await createHttpApi({
    core, handlers: createHandlers(core, { version, allowSignup: options.allowSignup }), version,
    listenHost: options.host, allowHosts: options.allowHosts,
    // dist/renderer, built beside this module's dist/src-main/cli/ by `vite build`
    windowDir: fileURLToPath(new URL('../../renderer', import.meta.url)),
    corsOrigins: corsOriginsOf(process.env.CORS_ORIGINS),
    ...(Number(process.env.FILEORG_RATE_LIMIT) > 0 ? { requestsPerMinute: Number(process.env.FILEORG_RATE_LIMIT) } : {}),
  });
  try {
    await app.listen({ port: options.port, host: options.host });
  } catch (error) {
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new FileOrganizerError('E_USAGE', `port ${options.port} on ${options.host} is taken (another fileorg serve?); choose another with --port, or --port 0 for a free one`);
    if (code === 'EACCES') throw new FileOrganizerError('E_USAGE', `this user may not listen on port ${options.port}; choose one above 1023 with --port`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new FileOrganizerError('E_USAGE', `--host ${options.host} is not an address of this machine`);
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${shownHost}:${port}`;
  process.stdout.write(options.json ? `${JSON.stringify({ type: 'listening', url })}\n` : `${url}\n`);
  const records = createServeRecords(core.database);
  let watcher: Promise<Watcher | undefined> = Promise.resolve(undefined);
  try {
    records.add(url);
    printSignInLink(core, url, options.json);
    if (!isLoopback(options.host)) {
      process.stderr.write(`fileorg serve: warning: listening on ${options.host}, not loopback: other machines can reach this API. Anyone with an account's password or an API key can organize and undo files in that account's allowed folders as this OS user, and anyone holding a sign-in link (sent in the clear over http) signs in as you, the owner; requests must name this server (--allow-host NAME for the names others use).\n`);
    }
    if (options.allowSignup) process.stderr.write('fileorg serve: signup is open: anyone who can reach this API can make an account (it can use only the folders you allow it: fileorg accounts allow EMAIL DIR)\n');
    if (!options.json) {
      process.stderr.write('fileorg serve: the link above signs a browser in as the local profile (the owner) once, within 10 minutes; fileorg link prints another\n');
      process.stderr.write(`fileorg serve: API docs at ${url}/docs; Ctrl-C stops (running operations stop after their current files and can be resumed)\n`);
    }
    const stopped = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    // After the lines a script reads (the URL, the link), and not awaited: its start (a catch-up pass over big
    // folders) never holds back serving or stopping.
    if (options.watch) watcher = startServeWatcher(core);
    await stopped;
    process.stderr.write('fileorg serve: stopping\n');
  } finally {
    // No longer `fileorg link`'s to name, even while its runs wind down.
    records.remove();
    // The watcher ends (its batch in flight finished, the lease given up) before the server stops answering.
    try {
      await (await watcher)?.stop();
    } finally {
      await app.close();
    }
  }
  return 0;
}
